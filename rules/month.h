/*
 * month.h — everything the rules know while deciding period P: the master
 * data and rule book, the state earlier periods left in the ledger, this
 * period's input rows, and the results. One month_t per run; batch/ fills
 * the inputs and prior state, rules/ (month_decide) fills the results,
 * reports/ and the ledger read them.
 *
 * Implemented in month.c.
 *
 * Ownership: all strings and rows live in `arena` or in the VECs, released
 * by month_release(). master and book are borrowed.
 *
 * The month's data moves through these phases, forward only; each is set
 * by the function named, and the functions below assert the phase they need:
 *   MONTH_LOADING   from month_init: batch/ adds the prior state, the earlier
 *                   orders' stubs, P's orders and revenue rows; the order map
 *                   grows with them (month_add_stub, month_index_stubs,
 *                   month_add_revenue).
 *   MONTH_READ      month_inputs_read: every input is in and nothing more is
 *                   added; the order map holds every known order.
 *   MONTH_DECIDING  month_start_deciding (the first step of deciding), or
 *                   month_shrink_order_map from MONTH_READ: the rules run;
 *                   once shrunk, the order map holds only the orders P's
 *                   orders name as originals (explain decides on the full
 *                   map).
 *   MONTH_DECIDED   month_decided, once month_decide succeeded: the results
 *                   (lines, current, tiers, payables, commitments, control)
 *                   are complete and may be written. After an overflow the
 *                   month stays DECIDING and nothing may be written.
 *   MONTH_OUTPUTS   month_drop_order_map: the order map is freed; outputs
 *                   name orders by reference only.
 */
#ifndef COMMISSIONS_MONTH_H
#define COMMISSIONS_MONTH_H

#include <assert.h>

#include "idseq.h"
#include "lineseq.h"
#include "model.h"

/* An opportunity's facts known so far (4.1 step 5). */
typedef struct opportunity {
    const char *id;
    bool has_ctl, has_lvl3;
    date_t first_approval; /* earliest approved_on; DATE_NONE */
} opportunity_t;

/* An earlier period's order that nothing in P can change: all a revenue
 * row billed to it needs (its decision), kept compact because every order
 * ever delivered is one (batch/ledger.c loads them; ingest turns one into a
 * whole order_t when P re-delivers it or names it as an original). Read
 * through month_order_decision and month_stub_id. */
typedef struct order_stub {
    uint32_t id;               /* in m->stub_ids (arena.h strheap) */
    signed int agreement : 28; /* -1: none (MONTH_STUB_AGREEMENTS at most) */
    unsigned int status : 4;   /* status_t */
} order_stub_t;
_Static_assert(sizeof(order_stub_t) == 8, "a stub per order ever delivered");
#define MONTH_STUB_AGREEMENTS ((int32_t)1 << 27)

/* Order references (order_ix values, revenue_order_ref) at or above
 * ORDER_STUB name m->stubs.v[ref - ORDER_STUB]; below it m->orders.v[ref]
 * (a whole order). Read them through month_order_decision, month_is_whole
 * and month_whole_order. */
#define ORDER_STUB ((int32_t)1 << 30)

/* An order's decision, whole or stub. */
typedef struct order_decision {
    const char *id;
    int32_t agreement;
    status_t status;
} order_decision_t;

/* One agreement's aggregates of one earlier period (ledger history). */
typedef struct history {
    int32_t agreement;
    period_t period;
    money_t revenue, installed_mrc;
} history_t;

/* The latest tiers row the ledger holds for an agreement before P. */
typedef struct tier_prior {
    period_t period; /* PERIOD_NONE: never placed */
    const char *program, *tier;
    rule_code rule;
    bool reviewed;
    const char *next_program, *next_tier;
    rule_code next_rule;
} tier_prior_t;

/* Within P an agreement's tier and the lookup date (first day of P) are
 * fixed, so its residual rate row depends on the product category only:
 * the memo keeps rates_find's answer per (agreement, category). Filled by
 * 4.4 while revenue is assigned (lines_residual); read after that. */
#define RATE_MEMO_UNKNOWN (-2) /* a memo cell not looked up yet */
typedef struct rate_memo {
    int32_t *category_of; /* per product: category index */
    size_t ncat;
    int32_t *row;         /* agreements x ncat; RATE_MEMO_UNKNOWN until looked up;
                             NULL when the table would be too big (no memo) */
} rate_memo_t;

/* §4.8: one agreement's figures for an earlier, closed period P whose
 * corrected revenue file Q (the month) reads: the assigned revenue and
 * residuals of the corrected file, and as last stated (P's run, or the last
 * restatement of P before Q). lines_restatements posts the difference. */
typedef struct restated {
    int32_t agreement;
    period_t period; /* P, the period restated */
    money_t revenue, residual;               /* the corrected file's */
    money_t revenue_before, residual_before; /* as last stated */
} restated_t;

/* One corrected file read by Q (periods/Q/restate/P/revenue.csv): its control
 * totals (control.csv restate_P_* rows). */
typedef struct restate_file {
    period_t period; /* P */
    const char *path;
    int64_t rows_read, rows_rejected, rows_assigned;
    money_t amount_in, amount_assigned;
    money_t revenue_before, residual_before, revenue, residual; /* over agreements */
} restate_file_t;

/* Where an input row of an overflow lies (batch/ turns it into a path). */
typedef enum month_source {
    SOURCE_NONE,        /* no single row: a total carried across periods */
    SOURCE_REVENUE,     /* periods/P/revenue.csv */
    SOURCE_ORDERS,      /* periods/P/orders.csv */
    SOURCE_ADJUSTMENTS, /* periods/P/adjustments.csv */
    SOURCE_ACTIVITIES,  /* periods/P/activities.csv */
    SOURCE_COMMITMENTS, /* master/commitments.csv */
    SOURCE_AGREEMENTS,  /* master/agreements.csv */
    SOURCE_BENEFITS,    /* book/benefits.csv */
} month_source_t;

/* The first sum, product or date offset of the run whose exact result does
 * not fit its type (SPEC §2: never a wrapped value). The rules stop at it
 * and month_decide fails; batch/ reports it as a file error (exit 3) naming
 * the row whose value pushed the total over, and what overflowed. */
typedef struct month_overflow {
    const char *what;      /* NULL: none; a phrase, "assigned revenue of agreement" */
    int32_t agreement;     /* the agreement whose total it is; -1: the period's */
    month_source_t source; /* the row's file */
    period_t period;       /* the row's period, for periods/P/ files */
    int32_t line;          /* the row's line; 0: none */
    const char *column;    /* the row's column; NULL: none */
} month_overflow_t;

typedef enum month_phase {
    MONTH_LOADING,
    MONTH_READ,
    MONTH_DECIDING,
    MONTH_DECIDED,
    MONTH_OUTPUTS,
} month_phase_t;

typedef struct month {
    arena_t arena;
    month_phase_t phase; /* see the top of this file; set only by the transitions */
    period_t period;
    const master_t *master;
    const book_t *book;
    /* A revenue row's account is resolved only when no known service decides
     * its assignment (4.2); explain sets this to resolve every one. */
    bool every_account;

    /* orders: every order known. Whole ones (P's rows, and the earlier
     * orders P may install or names) in `orders`; every other earlier one a
     * stub. order_ix maps an id to its reference (ORDER_STUB). */
    VEC(order_t) orders;
    VEC(order_stub_t) stubs;
    strheap_t stub_ids;             /* the stubs' ids (the order map's keys for them) */
    strmap_t order_ix;              /* read through month_order, month_order_ref */
    VEC(revenue_t) revenue;         /* format-valid rows of P, in file order */
    idseq_t revenue_ids;            /* their ids: revenue.v[i]'s at position i */
    lineseq_t revenue_lines;        /* their lines in revenue.csv, likewise
                                       (month_revenue_line) */
    VEC(int32_t) revenue_accounts;  /* every_account only: each row's account index
                                       (a known order's row keeps none in revenue_t) */
    rate_memo_t rates;              /* residual rate rows (lines.h) */
    int32_t *revenue_by_id;         /* revenue indexes sorted by id (set by the reader);
                                       NULL when the ids ascend (revenue_ids knows it:
                                       no index needed) or not read yet */
    VEC(approval_t) approvals;     /* approvals delivered in P */
    VEC(opportunity_t) opportunities;
    strmap_t opportunity_ix;
    VEC(adjustment_t) adjustments; /* accepted adjustments of P */
    VEC(activity_t) activities;    /* activities of P (format-valid) */
    VEC(reject_t) rejects;
    VEC(history_t) history;        /* sorted by agreement, period */

    /* prior state per agreement (arrays of master->agreements.n) */
    money_t *carried_in;
    int64_t *points_before;  /* points to date before P */
    tier_prior_t *tier_prior;
    strmap_t awarded;        /* "agreement_id\x1factivity_code" already awarded */
    strmap_t seen_ids;       /* approval/adjustment/activity ids of earlier periods,
                                keyed "kind\x1fid" (kind: approval, adjustment, activity) */
    VEC(int32_t) install_updates; /* earlier orders whose install_date P filled */
    /* stubs.v[stub_period_end[i-1] .. stub_period_end[i]) are the orders
     * first delivered in stub_periods[i] (ascending; set by the ledger) */
    VEC(period_t) stub_periods;
    VEC(size_t) stub_period_end;
    /* §4.8 restatements read with P's inputs (periods/P/restate/), in
     * (period restated, agreement) order; only agreements whose figures
     * differ from those last stated */
    VEC(restated_t) restated;
    VEC(restate_file_t) restate_files;

    /* results */
    VEC(line_t) lines;               /* spiff, chargeback, adjustment, credit */
    agreement_period_t *current;     /* per agreement, for P */
    tier_state_t *tiers;             /* per agreement */
    payable_t *payables;             /* per agreement */
    VEC(commitment_result_t) commitments;
    control_t control;
    /* Set by the first overflow (month_overflow); the results are then
     * incomplete and must not be written. After a month_decide that
     * succeeded these sums of magnitudes fit int64, so any total of a subset
     * of their terms, added in any order (a currency, a partner, a category,
     * a statement), fits too and reports may add them without a check:
     *   Σ|amount| over P's revenue rows            (ingest, revenue.csv)
     *   Σ|amount| over P's lines, every kind       (lines_aggregate)
     *   Σ|revenue|, Σ|installed_mrc|, Σ|carried_in|, Σ|earned|, Σ|balance|
     *   over the agreements (payables_settle; paid and carried_out are each
     *   the balance or 0). */
    month_overflow_t overflow;
} month_t;

/* Allocate the per-agreement arrays once master is set: MONTH_LOADING. */
void month_init(month_t *m, const master_t *master, const book_t *book, period_t p);
void month_release(month_t *m);

/* The phase transitions (the top of this file). */
static inline month_phase_t month_phase(const month_t *m) { return m->phase; }
/* MONTH_LOADING -> MONTH_READ. */
void month_inputs_read(month_t *m);
/* MONTH_READ or MONTH_DECIDING -> MONTH_DECIDING. */
void month_start_deciding(month_t *m);
/* MONTH_DECIDING -> MONTH_DECIDED; no overflow recorded. */
void month_decided(month_t *m);

/* Agreement active on date d / on any day of period p. */
bool agreement_active_on(const agreement_t *a, date_t d);
bool agreement_active_in(const agreement_t *a, period_t p);

/* Assigned revenue (or installed MRC when mrc) of agreement a over periods
 * [from, to], from history plus `current` when to reaches P, into *out;
 * false (out untouched) when the sum does not fit int64. */
bool month_agreement_sum(const month_t *m, int32_t a, period_t from, period_t to, bool mrc,
                         money_t *out);

/* Record an overflow (the first one only: later ones follow from it) and
 * return false, so a caller can `return month_overflow(...)`. */
bool month_overflow(month_t *m, const char *what, int32_t agreement, month_source_t source,
                    period_t period, int32_t line, const char *column);
static inline bool month_overflowed(const month_t *m) { return m->overflow.what != NULL; }

/* A revenue row's service (its order's id; NULL when blank, "" when it
 * names no known order) and account id ("" when accounts.csv lacks it, or
 * when a known order decides and every_account was not set). */
const char *revenue_service_id(const month_t *m, const revenue_t *r);
const char *revenue_account_id(const month_t *m, const revenue_t *r);

/* Indexes of m->revenue sorted by revenue id (bytewise, stable): a fresh
 * malloc'd array the caller frees. */
int32_t *month_revenue_by_id(const month_t *m);
/* m->revenue's ids strictly ascend in array order (no repeats, no sort needed). */
bool month_revenue_ids_ascending(const month_t *m);
/* Indexes of the orders keep() accepts, ordered by order_id; *count of them.
 * The caller frees the array. */
int32_t *month_orders_by_id(const month_t *m, bool (*keep)(const month_t *, const order_t *),
                            size_t *count);

/* The period that first delivered the order of reference ref (>= 0). */
period_t month_order_period(const month_t *m, int32_t ref);

/* Stub i's order id (i < stubs.n). */
static inline const char *month_stub_id(const month_t *m, size_t i)
{
    assert(i < m->stubs.n);
    return strheap_str(&m->stub_ids, m->stubs.v[i].id);
}

/* Does order reference ref (>= 0) name a whole order (else a stub)? */
static inline bool month_is_whole(int32_t ref)
{
    assert(ref >= 0);
    return ref < ORDER_STUB;
}

/* The whole order of reference ref (0 <= ref < orders.n); whole orders'
 * references are their indexes in m->orders. */
static inline order_t *month_whole_order(const month_t *m, int32_t ref)
{
    assert(ref >= 0 && (size_t)ref < m->orders.n);
    return &m->orders.v[ref];
}

/* The decision of order reference ref (>= 0: whole or stub). */
static inline order_decision_t month_order_decision(const month_t *m, int32_t ref)
{
    if (!month_is_whole(ref)) {
        const order_stub_t *s = &m->stubs.v[ref - ORDER_STUB];
        return (order_decision_t){month_stub_id(m, (size_t)(ref - ORDER_STUB)), s->agreement,
                                  (status_t)s->status};
    }
    const order_t *o = month_whole_order(m, ref);
    return (order_decision_t){o->id, o->agreement, (status_t)o->status};
}

/* Start loading what month_order_decision will read of reference ref (a
 * hint: a loop over revenue rows names the order of a row a few rows on). */
static inline void month_prefetch_order(const month_t *m, int32_t ref)
{
    __builtin_prefetch(ref >= ORDER_STUB ? (const void *)&m->stubs.v[ref - ORDER_STUB]
                                         : (const void *)&m->orders.v[ref].status);
}

/* Revenue row i's line in revenue.csv (i < revenue.n). */
static inline int32_t month_revenue_line(const month_t *m, size_t i)
{
    assert(i < m->revenue.n);
    return lineseq_at(&m->revenue_lines, i);
}
/* A cursor over the revenue rows' ids: idseq_at(c, i) is revenue.v[i]'s. */
static inline void month_revenue_ids(const month_t *m, idseq_cursor_t *c)
{
    idseq_cursor(c, &m->revenue_ids);
}

/* MONTH_LOADING. Append an earlier order's stub, its id copied into
 * m->stub_ids, not yet in the order map (month_index_stubs); attributed to
 * an agreement that left master data (-1), it is held: never paid. Aborts
 * for an agreement index past MONTH_STUB_AGREEMENTS (ingest refuses such
 * master data). */
void month_add_stub(month_t *m, const char *id, size_t len, int32_t agreement, status_t status);
/* MONTH_LOADING. Append a format-valid revenue row of P with its id, its line in
 * revenue.csv and (every_account only) its account index (-1: not in
 * accounts.csv): revenue, revenue_ids, revenue_lines and revenue_accounts
 * stay position for position. */
void month_add_revenue(month_t *m, const revenue_t *r, const char *id, size_t len, int32_t line,
                       int32_t account);
/* MONTH_LOADING. Put stubs [from, to) into the order map under their
 * references. It reads
 * only those stubs, their ids and the map: another thread may append stubs
 * meanwhile if m->stubs has the room (no reallocation). */
void month_index_stubs(month_t *m, size_t from, size_t to);
/* Lookup helpers: index or -1, before MONTH_OUTPUTS (asserted).
 * month_order finds whole orders only (an order known as a stub gives -1:
 * ingest makes every order P names whole); month_order_ref gives the
 * reference of any known order. */
int32_t month_order(const month_t *m, const char *id);
int32_t month_order_ref(const month_t *m, const char *id);

/* MONTH_READ -> MONTH_DECIDING. Keep in the order map only the orders P's
 * orders name as originals: all that deciding (attribution 4.1,
 * chargebacks §8.6) looks up by id once the revenue is read. A month with
 * millions of earlier orders then decides without their ~128 MB map.
 * Afterwards month_order and month_order_ref know only those ids. */
void month_shrink_order_map(month_t *m);

/* MONTH_DECIDED -> MONTH_OUTPUTS. Free the order map once every decision is
 * made and only outputs remain (they name orders by reference, never by
 * id): a 10M-row month's outputs then run without its ~128 MB. */
void month_drop_order_map(month_t *m);
int32_t month_opportunity(month_t *m, const char *id, bool create);

/* The awards so far (earlier periods' from the ledger, then P's), keyed
 * "agreement_id\x1factivity_code": is key one; record key (NUL-terminated
 * at len, outliving the month: an arena string). */
static inline bool month_awarded(const month_t *m, const char *key, size_t len)
{
    return strmap_get(&m->awarded, key, len) >= 0;
}
static inline void month_award(month_t *m, const char *key, size_t len)
{
    strmap_put(&m->awarded, key, len, 1);
}

#endif
