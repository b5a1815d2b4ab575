/*
 * ledger.h — the SQLite ledger (SPEC §5): what later periods and audits need.
 *
 * Keeps per period the run state (open/closed), input file hashes, control
 * totals; every order with its decision and lifecycle; approvals,
 * adjustments, activities; per-agreement per-period aggregates, tiers,
 * payables and commitments; payments. Revenue rows are not copied: a
 * period's revenue file is identified by its SHA-256.
 *
 * A run of P is one write transaction (ledger_begin .. ledger_commit).
 * Loading "the state before P" ignores anything an earlier run of P wrote,
 * so re-running the newest open period replaces its results.
 */
#ifndef COMMISSIONS_LEDGER_H
#define COMMISSIONS_LEDGER_H

#include "ingest.h"
#include "month.h"
#include "util.h"

typedef struct ledger ledger_t;

typedef enum { PERIOD_UNRUN = 0, PERIOD_OPEN = 1, PERIOD_CLOSED = 2 } period_state_t;

/* Open (creating schema unless readonly). A readonly open of a missing file
 * succeeds with *out NULL: no state yet. */
exit_code ledger_open(const char *path, bool readonly, ledger_t **out, batch_error_t *err);
void ledger_close(ledger_t *l);

/* BEGIN IMMEDIATE; a busy ledger is EXIT_LEDGER_BUSY. */
exit_code ledger_begin(ledger_t *l, batch_error_t *err);
exit_code ledger_commit(ledger_t *l, batch_error_t *err);
void ledger_rollback(ledger_t *l);

period_state_t ledger_period_state(ledger_t *l, period_t p);
/* Newest period run, PERIOD_NONE when none. */
period_t ledger_latest_period(ledger_t *l);

/* How many orders the periods before p delivered (every one is a stub of
 * ledger_load_prior's); 0 when unknown. For memory planning only. */
int64_t ledger_earlier_orders(ledger_t *l, period_t p);

/* Fill m's prior state: orders, opportunities' approvals, seen ids,
 * history, carried balances, points, tier rows, awarded codes. */
exit_code ledger_load_prior(ledger_t *l, month_t *m, batch_error_t *err);

/* Make the earlier order *ref names whole (month.h order_stub_t): load its
 * row and set *ref to its index in m->orders; nothing to do for a whole one. */
exit_code ledger_complete_order(ledger_t *l, month_t *m, int32_t *ref, batch_error_t *err);
/* ledger_complete_order for each of refs[0..n) (best in the ledger's key
 * order: stub order), inside one read transaction. */
exit_code ledger_complete_orders(ledger_t *l, month_t *m, int32_t *refs, size_t n,
                                 batch_error_t *err);

/* Replace P's results with m's (inside the transaction). */
exit_code ledger_save_month(ledger_t *l, const month_t *m, const input_list_t *inputs,
                            batch_error_t *err);

/* The input hashes recorded for P (path -> sha256), for close/explain. */
exit_code ledger_check_inputs(ledger_t *l, period_t p, const input_list_t *inputs,
                              batch_error_t *err);

/* Mark P closed and record its payments (paid agreements, amount != 0);
 * payment ids already present are never written twice. */
exit_code ledger_close_period(ledger_t *l, const month_t *m, batch_error_t *err);

/* EXIT_DONE when the payments recorded for P are exactly those m pays (ids,
 * partners, currencies, amounts, due dates, count): the check before a
 * closed period's payment file is published again. */
exit_code ledger_payments_match(ledger_t *l, const month_t *m, batch_error_t *err);

/* One line per period for `status`. */
exit_code ledger_print_status(ledger_t *l, batch_error_t *err);

/* Raw handle for explain queries. */
struct sqlite3 *ledger_db(ledger_t *l);

#endif
