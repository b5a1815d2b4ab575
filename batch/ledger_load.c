/*
 * ledger_load.c — the state before P read into the period's month_t: earlier
 * orders (stubs, and whole rows where P needs them), approvals, seen ids,
 * history, carried balances, points, tier rows, awarded codes; the carried
 * balances check and what an earlier period stated (§4.8).
 */
#include "ledger_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stubs.h"

/* ---- loading the state before P ------------------------------------------ */

/* Lifecycle fields set at P or later are undone: the state before P. */
#define ORDERS_BEFORE                                                                      \
    "SELECT order_id, period, partner_id, agreement_ref, account_id, product_code, order_type," \
    " original_order_id, opportunity_id, order_date,"                                      \
    " CASE WHEN install_update_period >= ?1 THEN NULL ELSE install_date END,"              \
    " mrc, nrc, currency, term_months, line, status, agreement_id, rule,"                  \
    " CASE WHEN installed_period >= ?1 THEN NULL ELSE installed_period END,"               \
    " CASE WHEN installed_period >= ?1 THEN NULL ELSE spiff END,"                          \
    " CASE WHEN chargeback_period >= ?1 THEN NULL ELSE chargeback_period END"              \
    " FROM orders "
/* Whole rows are loaded for the earlier orders P may install without naming
 * them (spiffs, mrc commitments): attributed, not installed before P, with
 * an installation date already known (a later one; the partial index
 * orders_waiting_attributed), or installed at P or later by an earlier run of P. An
 * order without an installation date is installed only when a period
 * re-delivers it with one, and an order P names is made whole on demand
 * (ledger_complete_order); every other earlier order is a stub. */
_Static_assert(STATUS_ATTRIBUTED == 1 && ORDER_NEW == 0 && ORDER_INCREMENTAL == 1,
               "orders_waiting_sql names these codes by number");
static const char *const orders_waiting_sql =
    ORDERS_BEFORE "WHERE period < ?1 AND installed_period IS NULL AND install_date IS NOT NULL"
    " AND status = 1 AND order_type IN (0, 1)";
static const char *const orders_reinstalled_sql =
    ORDERS_BEFORE "WHERE installed_period >= ?1 AND period < ?1"
                  " AND installed_period > period"; /* implied; names orders_installed_later */
static const char *const order_by_id_sql = ORDERS_BEFORE "WHERE order_id = ?2 AND period < ?1";

/* An order row of ORDERS_BEFORE as the state before P. */
static order_t order_of_row(month_t *m, sqlite3_stmt *st)
{
    const master_t *ms = m->master;
    order_t o = {.id = col_str(m, st, 0), .partner_id = col_str(m, st, 2),
                 .agreement_ref = col_str(m, st, 3), .account_id = col_str(m, st, 4),
                 .product_code = col_str(m, st, 5), .type = (order_type_t)sqlite3_column_int(st, 6),
                 .original_id = col_str(m, st, 7), .opportunity_id = col_str(m, st, 8),
                 .order_date = col_date(st, 9), .install_date = col_date(st, 10),
                 .mrc = sqlite3_column_int64(st, 11), .nrc = sqlite3_column_int64(st, 12),
                 .term_months = sqlite3_column_int(st, 14), .period = col_period(st, 1),
                 .line = sqlite3_column_int(st, 15), .status = (status_t)sqlite3_column_int(st, 16),
                 .agreement = agreement_index(m, st, 17),
                 .installed_period = col_period(st, 19),
                 .has_spiff = sqlite3_column_type(st, 20) != SQLITE_NULL,
                 .spiff = sqlite3_column_int64(st, 20), .chargeback_period = col_period(st, 21)};
    const unsigned char *cur = sqlite3_column_text(st, 13);
    if (cur)
        snprintf(o.currency.code, sizeof(o.currency.code), "%s", (const char *)cur);
    const unsigned char *rule = sqlite3_column_text(st, 18);
    o.rule = rule_from_name((const char *)rule);
    o.product = strmap_get(&ms->product_ix, o.product_code, strlen(o.product_code));
    o.partner = strmap_get(&ms->partner_ix, o.partner_id, strlen(o.partner_id));
    if (o.status == STATUS_ATTRIBUTED && o.agreement < 0)
        o.status = STATUS_HELD; /* its agreement left master data: never pay it */
    return o;
}

/* A whole earlier order replacing its stub (the map then names the whole
 * order; revenue is read after every order is settled). */
static void order_completed(month_t *m, sqlite3_stmt *st)
{
    const unsigned char *id = sqlite3_column_text(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0);
    int32_t ref = strmap_get(&m->order_ix, (const char *)id, len);
    if (ref < ORDER_STUB)
        return;
    order_t o = order_of_row(m, st);
    o.id = month_stub_id(m, (size_t)(ref - ORDER_STUB)); /* the map's key */
    VEC_PUSH(m->orders, o);
    strmap_put(&m->order_ix, o.id, len, (int32_t)(m->orders.n - 1));
}

static void approval_loaded(month_t *m, sqlite3_stmt *st)
{
    const char *opp = (const char *)sqlite3_column_text(st, 0);
    int32_t op = month_opportunity(m, opp, true);
    date_t d = col_date(st, 1);
    if (d < m->opportunities.v[op].first_approval)
        m->opportunities.v[op].first_approval = d;
}

static void seen_loaded(month_t *m, sqlite3_stmt *st)
{
    const char *k = col_str(m, st, 0);
    strmap_put(&m->seen_ids, k, strlen(k), 1);
}

static void history_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a < 0)
        return;
    history_t h = {.agreement = a, .period = col_period(st, 1),
                   .revenue = sqlite3_column_int64(st, 2),
                   .installed_mrc = sqlite3_column_int64(st, 3)};
    VEC_PUSH(m->history, h);
}

static void carried_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a >= 0)
        m->carried_in[a] = sqlite3_column_int64(st, 1);
}

static void points_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a >= 0)
        m->points_before[a] = sqlite3_column_int64(st, 1);
}

static void tier_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a < 0)
        return;
    tier_prior_t *t = &m->tier_prior[a];
    t->period = col_period(st, 1);
    t->program = col_str(m, st, 2);
    t->tier = col_str(m, st, 3);
    t->rule = rule_from_name((const char *)sqlite3_column_text(st, 4));
    t->reviewed = sqlite3_column_int(st, 5) != 0;
    t->next_program = col_str(m, st, 6);
    t->next_tier = col_str(m, st, 7);
    t->next_rule = rule_from_name((const char *)sqlite3_column_text(st, 8));
}

static void awarded_loaded(month_t *m, sqlite3_stmt *st)
{
    const char *k = col_str(m, st, 0);
    strmap_put(&m->awarded, k, strlen(k), 1);
}



/* The orders the periods before p delivered: total (from their packs),
 * biggest the most one pack holds. false when the query fails; a period
 * without the pack of its last run is a damaged ledger (*damaged). */
typedef struct earlier_orders {
    int64_t total, biggest;
} earlier_orders_t;

static const char *const earlier_orders_sql =
    "SELECT coalesce(sum(s.orders), 0), count(*) - count(s.period), coalesce(max(s.orders), 0)"
    " FROM runs r LEFT JOIN order_stubs s ON s.period = r.period AND s.run = r.runs"
    " WHERE r.period < ?1";

static bool count_earlier_orders(ledger_t *l, period_t p, earlier_orders_t *e, bool *damaged)
{
    int64_t v[3]; /* packed orders, periods without a pack, the biggest pack */
    if (!query_counts(l, earlier_orders_sql, p, v, 3))
        return false;
    *e = (earlier_orders_t){.total = v[0], .biggest = v[2]};
    *damaged = v[1] > 0;
    return true;
}

int64_t ledger_earlier_orders(ledger_t *l, period_t p)
{
    earlier_orders_t e;
    bool damaged;
    return l && count_earlier_orders(l, p, &e, &damaged) ? e.total : 0;
}

/* The stubs of every earlier order, period by period (the order of
 * period, order_id): each period's pack (order_stubs, batch/stubs.h). */
static cm_status decode_stubs(ledger_t *l, month_t *m, cm_error_t *err)
{
    const char *periods_sql =
        "SELECT r.period, s.orders, s.ids, s.decisions, s.agreements, s.opportunities"
        " FROM runs r JOIN order_stubs s ON s.period = r.period AND s.run = r.runs"
        " WHERE r.period < ?1 ORDER BY r.period";
    int rc = SQLITE_DONE;
    sqlite3_stmt *st = prep(l, periods_sql);
    cm_status e = st ? EXIT_DONE : db_fail(l, err, periods_sql);
    if (st)
        bind_period(st, 1, m->period);
    while (e == EXIT_DONE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t from = m->stubs.n;
        const char *period = (const char *)sqlite3_column_text(st, 0);
        sqlite3_int64 n = sqlite3_column_int64(st, 1);
        stub_blobs_t b = {.n = n > 0 ? (size_t)n : 0,
                          .ids = sqlite3_column_blob(st, 2),
                          .ids_len = (size_t)sqlite3_column_bytes(st, 2),
                          .decisions = sqlite3_column_blob(st, 3),
                          .decisions_len = (size_t)sqlite3_column_bytes(st, 3),
                          .agreements = sqlite3_column_blob(st, 4),
                          .agreements_len = (size_t)sqlite3_column_bytes(st, 4),
                          .opportunities = sqlite3_column_blob(st, 5),
                          .opportunities_len = (size_t)sqlite3_column_bytes(st, 5)};
        if (n < 0 || (size_t)n > m->stubs.cap - m->stubs.n)
            e = cm_fail(err, EXIT_INTERNAL,
                          "ledger: period %s holds more orders than counted", period);
        else if (!stub_pack_load(m, &b))
            e = cm_fail(err, EXIT_INTERNAL,
                          "ledger: the stored orders of period %s do not decode"
                          " (order_stubs); the ledger is damaged", period);
        else { /* which period delivered which stubs (month_order_period) */
            period_t pp = PERIOD_NONE;
            period_parse(period, 7, &pp);
            VEC_PUSH(m->stub_periods, pp);
            VEC_PUSH(m->stub_period_end, m->stubs.n);
            month_index_stubs(m, from, m->stubs.n);
        }
    }
    if (e == EXIT_DONE && rc != SQLITE_DONE)
        e = db_fail(l, err, periods_sql);
    sqlite3_finalize(st);
    return e;
}

/* The stubs and the map are sized first: no regrowth or rehash of millions
 * of entries. */
static cm_status load_stubs(ledger_t *l, month_t *m, cm_error_t *err)
{
    earlier_orders_t earlier;
    bool damaged;
    if (!count_earlier_orders(l, m->period, &earlier, &damaged))
        return db_fail(l, err, earlier_orders_sql);
    if (damaged)
        return cm_fail(err, EXIT_INTERNAL,
                         "ledger: a period before %s has no stored orders of its last run"
                         " (order_stubs); the ledger is damaged", period_format(m->period,
                                                                               (char[PERIOD_BUF]){0}));
    if (earlier.total == 0)
        return EXIT_DONE; /* nothing to load */
    /* the map also takes P's own orders: as many as the biggest earlier
     * period's, a guess that spares the doubling (and the old and new
     * tables side by side) a month of average size would cause */
    strmap_reserve(&m->order_ix, (size_t)(earlier.total + earlier.biggest));
    VEC_RESERVE(m->stubs, m->stubs.n + (size_t)earlier.total);
    return decode_stubs(l, m, err);
}

static int history_order(const void *x, const void *y)
{
    const history_t *a = x, *b = y;
    if (a->agreement != b->agreement)
        return a->agreement < b->agreement ? -1 : 1;
    return (a->period > b->period) - (a->period < b->period);
}

cm_status ledger_load_prior(ledger_t *l, month_t *m, cm_error_t *err)
{
    /* the state before P goes into a month fresh from month_init */
    assert(m->orders.n == 0 && m->stubs.n == 0 && m->history.n == 0 &&
           m->stub_periods.n == 0 && m->revenue.n == 0 && month_phase(m) == MONTH_LOADING);
    if (!l)
        return EXIT_DONE;
    cm_status rc = load_stubs(l, m, err); /* first: the loads below look orders up */
    if (rc != EXIT_DONE)
        return rc;
    struct {
        const char *sql;
        void (*row)(month_t *, sqlite3_stmt *);
    } loads[] = {
        {orders_waiting_sql, order_completed},
        {orders_reinstalled_sql, order_completed},
        {"SELECT opportunity_id, approved_on FROM approvals WHERE period < ?1", approval_loaded},
        {"SELECT 'approval' || char(31) || approval_id FROM approvals WHERE period < ?1"
         " UNION ALL SELECT 'adjustment' || char(31) || adjustment_id FROM adjustments"
         " WHERE period < ?1 UNION ALL SELECT 'activity' || char(31) || activity_id"
         " FROM activities WHERE period < ?1", seen_loaded},
        {"SELECT agreement_id, period, revenue, installed_mrc FROM agreement_periods"
         " WHERE period < ?1 ORDER BY agreement_id, period", history_loaded},
        {"SELECT agreement_id, sum(points) FROM activities WHERE period < ?1 AND"
         " status = 'awarded' GROUP BY agreement_id", points_loaded},
        {"SELECT DISTINCT agreement_id || char(31) || activity_code FROM activities"
         " WHERE period < ?1 AND status = 'awarded'", awarded_loaded},
    };
    for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        rc = each_row(l, m, loads[i].sql, loads[i].row, err);
        if (rc != EXIT_DONE)
            return rc;
    }
    /* per agreement, its latest payable and tier placement before P */
    static const char *const latest[] = {
        "SELECT agreement_id, carried_out FROM payables WHERE agreement_id = ?2 AND period < ?1"
        " ORDER BY period DESC LIMIT 1",
        "SELECT agreement_id, period, program, tier, rule, reviewed, next_program, next_tier,"
        " next_rule FROM tiers WHERE agreement_id = ?2 AND period < ?1"
        " ORDER BY period DESC LIMIT 1"};
    void (*latest_row[])(month_t *, sqlite3_stmt *) = {carried_loaded, tier_loaded};
    for (size_t i = 0; i < 2; i++) {
        rc = each_agreement_row(l, m, latest[i], latest_row[i], err);
        if (rc != EXIT_DONE)
            return rc;
    }
    /* history rows come ordered by agreement_id text; the rules want index order */
    if (m->history.n > 1)
        qsort(m->history.v, m->history.n, sizeof(*m->history.v), history_order);
    return EXIT_DONE;
}

cm_status ledger_complete_order(ledger_t *l, month_t *m, int32_t *ref, cm_error_t *err)
{
    if (*ref < ORDER_STUB)
        return EXIT_DONE;
    const char *id = month_stub_id(m, (size_t)(*ref - ORDER_STUB));
    int32_t now = month_order_ref(m, id);
    if (now < ORDER_STUB) { /* made whole already */
        *ref = now;
        return EXIT_DONE;
    }
    if (!l)
        return cm_fail(err, EXIT_INTERNAL, "ledger: order %s is a stub without a ledger", id);
    if (!l->complete && !(l->complete = prep(l, order_by_id_sql)))
        return db_fail(l, err, order_by_id_sql);
    sqlite3_stmt *st = l->complete;
    bind_period(st, 1, m->period);
    bind_text(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        order_completed(m, st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(l, err, order_by_id_sql);
    *ref = month_order_ref(m, id);
    if (*ref >= ORDER_STUB)
        return cm_fail(err, EXIT_INTERNAL, "ledger: order %s is gone", id);
    return EXIT_DONE;
}

cm_status ledger_complete_orders(ledger_t *l, month_t *m, int32_t *refs, size_t n,
                                 cm_error_t *err)
{
    /* one read transaction: one shared lock, not one per lookup */
    bool txn = l && n > 1 && sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    cm_status rc = EXIT_DONE;
    for (size_t i = 0; rc == EXIT_DONE && i < n; i++)
        rc = ledger_complete_order(l, m, &refs[i], err);
    if (txn)
        sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL); /* nothing was written */
    return rc;
}

cm_status ledger_check_carried(ledger_t *l, const month_t *m, cm_error_t *err)
{
    if (!l)
        return EXIT_DONE;
    /* per agreement its latest payable before P (the one carried_loaded
     * reads for the agreements master data has) */
    static const char *const sql =
        "SELECT p.agreement_id, p.carried_out, p.currency, p.period FROM payables p"
        " WHERE p.period = (SELECT max(q.period) FROM payables q"
        " WHERE q.agreement_id = p.agreement_id AND q.period < ?1)"
        " AND p.carried_out != 0 ORDER BY p.agreement_id";
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return db_fail(l, err, sql);
    bind_period(st, 1, m->period);
    cm_status e = EXIT_DONE;
    int rc;
    while (e == EXIT_DONE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (agreement_index(m, st, 0) >= 0)
            continue;
        char money[MONEY_BUF];
        e = cm_fail(err, EXIT_INVALID_INPUT,
                      "master/agreements.csv: agreement %s carries a balance of %s %s (payables of"
                      " %s) but is not in master data (its row was deleted or rejected): restore"
                      " it, or the balance would vanish",
                      (const char *)sqlite3_column_text(st, 0),
                      money_format(sqlite3_column_int64(st, 1), money),
                      (const char *)sqlite3_column_text(st, 2),
                      (const char *)sqlite3_column_text(st, 3));
    }
    if (e == EXIT_DONE && rc != SQLITE_DONE)
        e = db_fail(l, err, sql);
    sqlite3_finalize(st);
    return e;
}

/* ---- §4.8 restatement: what an earlier period stated ------------------------ */

cm_status ledger_restate_basis(ledger_t *l, month_t *m, period_t p, const char **tier,
                               money_t *revenue, money_t *residual, cm_error_t *err)
{
    static const char *const sql[] = {
        "SELECT agreement_id, tier FROM tiers WHERE period = ?2",
        "SELECT agreement_id, revenue, residual FROM agreement_periods WHERE period = ?2",
        /* the last restatement of p before P overrides what p's run stated */
        "SELECT agreement_id, revenue, residual FROM restated WHERE restated_period = ?2"
        " AND period < ?1 ORDER BY agreement_id, period"};
    for (int q = 0; q < 3; q++) {
        sqlite3_stmt *st = prep(l, sql[q]);
        if (!st)
            return db_fail(l, err, sql[q]);
        bind_period(st, 1, m->period);
        bind_period(st, 2, p);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int32_t a = agreement_index(m, st, 0);
            if (a < 0)
                continue; /* an agreement no longer in master data: nothing to post to */
            if (q == 0)
                tier[a] = col_str(m, st, 1);
            else {
                revenue[a] = sqlite3_column_int64(st, 1);
                residual[a] = sqlite3_column_int64(st, 2);
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_fail(l, err, sql[q]);
    }
    return EXIT_DONE;
}
