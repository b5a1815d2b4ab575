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
 *
 * The sections below follow the parts that implement them (batch/ledger.c,
 * ledger_load.c, ledger_save.c, ledger_docs.c, ledger_chain.c; the tables in
 * ledger_schema.c; what the parts share in ledger_int.h).
 */
#ifndef COMMISSIONS_LEDGER_H
#define COMMISSIONS_LEDGER_H

#include "inputs.h"
#include "month.h"
#include "results.h"
#include "util.h"

/* The stamp in the SQLite header (PRAGMA application_id, user_version),
 * written when the ledger is created: a file without it, or of another
 * schema version, is refused and left untouched (exit 4). */
#define LEDGER_APPLICATION_ID 0x434F4D4D /* "COMM" */
#define LEDGER_SCHEMA_VERSION 2

typedef struct ledger ledger_t;

typedef enum { PERIOD_UNRUN = 0, PERIOD_OPEN = 1, PERIOD_CLOSED = 2 } period_state_t;

/* Payments with their strings (in arena). */
typedef struct ledger_payments {
    payment_list_t list;
    arena_t arena;
} ledger_payments_t;

/* ==== ledger.c: open, transactions, run state, inputs, dataset ============ */

/* Open the ledger at path. A writer opens it after lock_acquire (which
 * creates the file): an empty file becomes a new, stamped ledger; a
 * readonly open of a missing or empty file succeeds with *out NULL (no
 * state yet). A file that is not this program's ledger of this schema
 * version is EXIT_STATE_CONFLICT and is not written to. */
cm_status ledger_open(const char *path, bool readonly, ledger_t **out, cm_error_t *err);
void ledger_close(ledger_t *l);

/* BEGIN IMMEDIATE; a busy ledger is EXIT_LEDGER_BUSY. */
cm_status ledger_begin(ledger_t *l, cm_error_t *err);
cm_status ledger_commit(ledger_t *l, cm_error_t *err);
void ledger_rollback(ledger_t *l);

period_state_t ledger_period_state(ledger_t *l, period_t p);
/* Newest period run, PERIOD_NONE when none. */
period_t ledger_latest_period(ledger_t *l);

/* The newest period run before p, PERIOD_NONE when none. */
period_t ledger_period_before(ledger_t *l, period_t p);

/* The input hashes recorded for P (path -> sha256), for explain:
 * EXIT_STATE_CONFLICT naming the first input that differs. */
cm_status ledger_check_inputs(ledger_t *l, period_t p, const input_list_t *inputs,
                              cm_error_t *err);
/* The inputs recorded for P (paths and hashes copied into arena). */
cm_status ledger_recorded_inputs(ledger_t *l, period_t p, input_list_t *out, arena_t *arena,
                                 cm_error_t *err);

/* The dataset the ledger was started for (meta dataset_id): copied into
 * out, "" when no run has recorded one yet. */
cm_status ledger_dataset_id(ledger_t *l, char *out, size_t len, cm_error_t *err);
/* Record it (inside the first run's transaction). */
cm_status ledger_set_dataset_id(ledger_t *l, const char *id, cm_error_t *err);

/* Raw handle for explain queries. */
struct sqlite3 *ledger_db(ledger_t *l);

/* ==== ledger_load.c: the state before P =================================== */

/* How many orders the periods before p delivered (every one is a stub of
 * ledger_load_prior's); 0 when unknown. For memory planning only. */
int64_t ledger_earlier_orders(ledger_t *l, period_t p);

/* Fill m's prior state: orders, opportunities' approvals, seen ids,
 * history, carried balances, points, tier rows, awarded codes. m is fresh
 * from month_init (asserted): nothing of P is in it yet. */
cm_status ledger_load_prior(ledger_t *l, month_t *m, cm_error_t *err);

/* Make the earlier order *ref names whole (month.h order_stub_t): load its
 * row and set *ref to its index in m->orders; nothing to do for a whole one. */
cm_status ledger_complete_order(ledger_t *l, month_t *m, int32_t *ref, cm_error_t *err);
/* ledger_complete_order for each of refs[0..n) (best in the ledger's key
 * order: stub order), inside one read transaction. */
cm_status ledger_complete_orders(ledger_t *l, month_t *m, int32_t *refs, size_t n,
                                 cm_error_t *err);

/* Balances never vanish: EXIT_INVALID_INPUT naming the first agreement
 * (bytewise) whose latest payable before P carries a balance other than
 * zero while m's master data has no such agreement (deleted, or its row
 * rejected), with the amount and currency. */
cm_status ledger_check_carried(ledger_t *l, const month_t *m, cm_error_t *err);

/* §4.8, for restating the closed period p in the run of m->period: per
 * agreement of m's master data (arrays of agreements.n, zero-filled by the
 * caller), the tier in effect for p (NULL: none; a string of m's arena) and
 * the assigned revenue and residuals last stated for p: by p's run, or by
 * the newest restatement of p before m->period. */
cm_status ledger_restate_basis(ledger_t *l, month_t *m, period_t p, const char **tier,
                               money_t *revenue, money_t *residual, cm_error_t *err);

/* ==== ledger_save.c: what a run and a close write ========================= */

/* Replace P's results with m's (inside the transaction). m was decided
 * without an overflow (asserted), as for ledger_save_holds. */
cm_status ledger_save_month(ledger_t *l, const month_t *m, const input_list_t *inputs,
                            cm_error_t *err);

/* The workbook's backlog: P's held revenue per service (its order, or
 * "account ID") and currency, replacing an earlier run's rows of P (inside
 * the transaction). */
cm_status ledger_save_holds(ledger_t *l, const month_t *m, cm_error_t *err);

/* Record P's payments and mark P closed (inside a transaction). A payment
 * id is issued once: one recorded before with other content is
 * EXIT_STATE_CONFLICT naming it; with the same content it stays as it is. */
cm_status ledger_close_period(ledger_t *l, period_t p, const ledger_payments_t *pay,
                              cm_error_t *err);

/* ==== ledger_docs.c: what reports and close read back ===================== */

/* Partners' statement documents of P (reports/statements.h st_docs) as the
 * ledger stores them: deflated (zlib, level 1), with the inflated size. */
typedef struct ledger_doc {
    char *partner_id;
    unsigned char *z;
    size_t zlen, size;
} ledger_doc_t;
typedef struct ledger_docs {
    ledger_doc_t *v;
    size_t n, cap;
} ledger_docs_t;
/* Deflate one document onto d (no ledger access: any thread). */
void ledger_docs_add(ledger_docs_t *d, const char *partner_id, const unsigned char *bytes,
                     size_t len);
void ledger_docs_free(ledger_docs_t *d);
/* Write d as P's documents (inside the run's transaction). */
cm_status ledger_save_docs(ledger_t *l, period_t p, const ledger_docs_t *d, cm_error_t *err);
/* The rows a statement's history shows: agreement_periods, payables and
 * tiers of the periods [P - ST_HISTORY_PERIODS + 1, P - 1], per agreement
 * and period that has either an agreement_periods or a payables row, in
 * (agreement_id, period) order, appended to out (reports/statements.h). */
struct st_history;
cm_status ledger_load_history(ledger_t *l, period_t p, struct st_history *out,
                              cm_error_t *err);
/* P's documents in partner_id order, each handed to push. */
cm_status ledger_load_docs(ledger_t *l, period_t p,
                           void (*push)(void *ctx, const char *partner_id,
                                        const unsigned char *bytes, size_t len),
                           void *ctx, cm_error_t *err);

void ledger_payments_free(ledger_payments_t *p);

/* What P's last run recorded as payable: every payables row of P with
 * status paid and an amount other than zero, as payment agreement_id-P,
 * with the partner and currency the run recorded; in payment_id order. */
cm_status ledger_payables_due(ledger_t *l, period_t p, ledger_payments_t *out,
                              cm_error_t *err);
/* The payments recorded at P's close, in payment_id order. */
cm_status ledger_payments_of(ledger_t *l, period_t p, ledger_payments_t *out,
                             cm_error_t *err);

/* Revenue held in periods before p on services whose order is still not
 * attributed, and on every account ("account ID": whether it still stands
 * is the caller's to tell from P), per service and currency, in service
 * order; nothing for a NULL ledger. */
typedef void (*ledger_hold_fn)(void *ctx, const char *service_id, const char *agreement_id,
                               const char *currency, period_t first, period_t last, int periods,
                               int64_t rows, money_t amount);
cm_status ledger_load_holds(ledger_t *l, period_t p, ledger_hold_fn push, void *ctx,
                            cm_error_t *err);
/* The payables of the newest period run before p (*prior, PERIOD_NONE when
 * none), in agreement_id order. */
typedef void (*ledger_prior_fn)(void *ctx, const char *agreement_id, money_t paid,
                                money_t carried_out);
cm_status ledger_load_prior_payables(ledger_t *l, period_t p, period_t *prior,
                                     ledger_prior_fn push, void *ctx, cm_error_t *err);

/* An order's partner_id and agreement_ref as delivered ("" when none or
 * unknown), copied into the buffers. */
cm_status ledger_order_party(ledger_t *l, const char *order_id, char *partner, size_t plen,
                             char *agreement, size_t alen, cm_error_t *err);

/* The period that first delivered order_id into *p (PERIOD_NONE when the
 * ledger has no such order). */
cm_status ledger_order_period(ledger_t *l, const char *order_id, period_t *p, cm_error_t *err);

/* ==== ledger_chain.c: the hash chain, audit, status ======================= */

/* The hash chain (SPEC §5). Every run and every close appends a link:
 *   link = SHA-256("commissions-chain-1\n" prev "\n" period "\n" event "\n" digests)
 * where prev is the previous link (64 zeros for the first) and digests
 * lists "table=SHA-256 of its rows of P" (ledger_chain.c run_tables and
 * close_tables). A re-run of P appends a new run link; the superseded one
 * stays in the chain (its rows are gone, so only its link is checked).
 * Append inside the transaction that wrote P's rows; link receives the new
 * link. */
cm_status ledger_chain_append(ledger_t *l, period_t p, bool close, char link[65],
                              cm_error_t *err);
/* P's newest link (the close link of a closed period). */
cm_status ledger_chain_latest(ledger_t *l, period_t p, char link[65], cm_error_t *err);
/* Check every link against its predecessor, then P's rows against P's
 * newest run link (and close link): EXIT_VERIFY_DIFF naming the first
 * period and table that differ. */
cm_status ledger_chain_check(ledger_t *l, period_t p, cm_error_t *err);
/* `audit`: the links, then every period's rows; prints what it checked.
 * EXIT_VERIFY_DIFF naming the first period and table that differ. */
cm_status ledger_audit(ledger_t *l, cm_error_t *err);

/* `status`: per period its state and runs, then per currency what was paid
 * (closed) or awaits close (open), what is carried to a later period and
 * the revenue held; a warning for each input file of the period that is
 * missing or differs from what the run recorded (size, or SHA-256 for files
 * up to 64 MB) under data_dir. Never one sum across currencies. */
cm_status ledger_print_status(ledger_t *l, const char *data_dir, cm_error_t *err);

#endif
