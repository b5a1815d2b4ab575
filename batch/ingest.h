/*
 * ingest.h — reads a dataset's CSV files into the rules' plain structs
 * (SPEC §3): master data, the rule book (dataset tables replace the default
 * book's), and one period's rows. Format checks and references that the
 * spec lists as row rejects end in m->rejects; file errors stop with exit 3
 * before anything is written. Not for: decisions (rules/) or the ledger.
 */
#ifndef COMMISSIONS_INGEST_H
#define COMMISSIONS_INGEST_H

#include "inputs.h"
#include "month.h"
#include "prefetch.h"
#include "util.h"

typedef struct ledger ledger_t; /* ledger.h */

/* The most rows of a kind that the month's compact rows can index. A file
 * holding more is refused (exit 3) at the row past the limit, naming
 * file:line:column. A zero field stands for the format's own limit (below);
 * tests set small ones to reach the refusal. */
typedef struct ingest_limits {
    size_t partners, products; /* INT32_MAX: int32 indexes */
    size_t agreements;         /* MONTH_STUB_AGREEMENTS: 27 bits of an order stub */
    size_t accounts;           /* REVENUE_ACCOUNTS_MAX: 30 bits of a revenue row's service */
    size_t orders;             /* a period's own orders: below ORDER_STUB */
    size_t revenue;            /* rows of one revenue.csv: INT32_MAX (int32 indexes) */
} ingest_limits_t;

typedef struct dataset {
    const char *dir;
    const char *book_dir; /* whatif (NULL otherwise): a folder whose book tables replace
                             the dataset's tables of the same name; set before
                             ingest_dataset */
    arena_t arena;
    master_t master;
    book_t book;
    VEC(reject_t) master_rejects; /* listed in every period's rejects.csv */
    input_list_t inputs;          /* master and book files */
    ingest_limits_t limits;       /* zero fields: the format's limits (set by ingest_dataset) */
} dataset_t;

/* Load master/ and the book. */
cm_status ingest_dataset(dataset_t *ds, const char *dir, cm_error_t *err);
void dataset_release(dataset_t *ds);

/* Start parsing periods/P/revenue.csv on a second thread (prefetch.h) so
 * that it overlaps reading master data, the ledger and the orders; NULL when
 * the file is missing or no thread could be started (ingest_period then
 * reads it itself). */
prefetch_t *ingest_prefetch_revenue(const char *dir, period_t period);

/* Read periods/P/ into m (after the ledger's prior state is loaded into m):
 * orders (with re-delivery semantics), revenue, approvals, adjustments,
 * activities. Appends the files read to *inputs. revenue (may be NULL) is
 * the prefetched revenue file; it is consumed in every case. ledger (may be
 * NULL) makes whole the earlier orders P names (month.h order_stub_t).
 * On success the month is MONTH_READ (month.h), ready for month_decide. */
cm_status ingest_period(const dataset_t *ds, month_t *m, prefetch_t *revenue, ledger_t *ledger,
                        input_list_t *inputs, cm_error_t *err);

/* The file error (exit 3) for m->overflow, set by month_decide: the file,
 * line and column of the row that pushed a total over, what overflowed and
 * for which agreement, e.g.
 *   periods/2017-11/orders.csv:57: column mrc: the spiff lines of the
 *   agreement A-1 in 2017-11 overflows (past 92233720368547758.07 ...) */
cm_status ingest_overflow_error(const month_t *m, cm_error_t *err);

/* §4.8, for explain: in m, the month of the restated period P (decided
 * read-only, order map whole), the first row revenue_id id of P in the
 * corrected file rel (periods/Q/restate/P/revenue.csv) assigned as Q's
 * restatement assigned it (orders delivered up to P, agreement active in
 * P): *found, *out and its *line in the file. */
cm_status ingest_restated_row(const char *dir, const char *rel, const month_t *m,
                              const char *id, revenue_t *out, int32_t *line, bool *found,
                              cm_error_t *err);

/* The default rule book compiled into the binary (rules/book/ tables). */
extern const char *const book_default_names[];
extern const char *const book_default_texts[];
extern const unsigned long book_default_lengths[];
extern const int book_default_count;

#endif
