/*
 * ingest_revenue.c — periods/P/revenue.csv: each row's references resolved
 * once as it is read (month_add_revenue); duplicate_id and wrong_period
 * settled over the whole file, the rejected rows leaving m->revenue.
 */
#include "ingest_read.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

bool ingest_revenue_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    control_t *c = &m->control;
    const master_t *ms = m->master;
    money_t amount = v[REVENUE_AMOUNT].i, mag;
    r->rows++;
    /* Σ|amount| of the file fits int64, so does every total of a subset of
     * its rows (assigned, per agreement, per service, per currency) and of
     * their residuals (rate <= 100 %): this one check bounds them all. */
    if (!money_abs(amount, &mag) || !money_accumulate(&r->gross, mag) ||
        !money_accumulate(&c->revenue_amount_in, amount))
        return reader_total_overflow(r, line, "amount", "the sum of |amount| over the file");
    /* References are resolved here, once; duplicates and wrong_period are
     * settled after the whole file (ingest_settle_revenue). */
    const csv_value_t *service = &v[REVENUE_SERVICE];
    int32_t order = service->len ? strmap_get(&m->order_ix, service->s, service->len) : -1;
    /* the account only matters without a known service (4.2, P3) */
    int32_t account = order >= 0 && !m->every_account
                          ? -1
                          : strmap_get(&ms->account_ix, v[REVENUE_ACCOUNT].s, v[REVENUE_ACCOUNT].len);
    revenue_t rv = {
        .amount = amount,
        .product = strmap_get(&ms->product_ix, v[REVENUE_PRODUCT].s, v[REVENUE_PRODUCT].len),
        .service = order >= 0 ? order : revenue_without_order(account, service->len > 0),
        .currency = currency_pack(currency_of(&v[REVENUE_CURRENCY])), .agreement = -1};
    if ((period_t)v[REVENUE_PERIOD].i != m->period) {
        rv.status = STATUS_REJECTED;
        rv.rule = RULE_WRONG_PERIOD;
    }
    if (!reader_room(r, m->revenue.n, r->limits->revenue, line, "revenue_id", "revenue rows"))
        return false;
    month_add_revenue(m, &rv, v[REVENUE_ID].s, v[REVENUE_ID].len, line, account);
    return true;
}

/* Where revenue index i goes once the rejected rows gone[0..ng) (ascending)
 * leave the array; -1 when it is one of them. */
static int32_t index_after(int32_t i, const int32_t *gone, size_t ng)
{
    size_t lo = 0, hi = ng; /* gone[0..lo) < i <= gone[hi..) */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (gone[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ng && gone[lo] == i ? -1 : i - (int32_t)lo;
}

/* §3 after the whole revenue file: a revenue_id repeated in the file is
 * rejected (duplicate_id, the first occurrence stands), then revenue of
 * another period (wrong_period). Ids in strictly ascending file order (as
 * billing exports usually are) have no repeats and need no index; other
 * files' ids are sorted once, stably, so each run of equal ids starts with
 * its first occurrence: no hash set of every id, and the sort is the one
 * revenue.csv needs. Rejected rows leave m->revenue (kept in file order,
 * rejects listed in file order); m->revenue_by_id orders the rest, or is
 * NULL when the ids ascend. */
void ingest_settle_revenue(reader_t *r)
{
    month_t *m = r->month;
    size_t n = m->revenue.n;
    revenue_t *rv = m->revenue.v;
    bool ascending = month_revenue_ids_ascending(m);
    int32_t *ix = NULL;
    if (!ascending) {
        ix = month_revenue_by_id(m);
        idseq_cursor_t c;
        idseq_cursor(&c, &m->revenue_ids);
        char prev[IDSEQ_MAX + 1] = "";
        for (size_t k = 0; k < n; k++) {
            const char *id = idseq_at(&c, (size_t)ix[k]);
            if (k > 0 && strcmp(id, prev) == 0) {
                rv[ix[k]].status = STATUS_REJECTED;
                rv[ix[k]].rule = RULE_DUPLICATE_ID;
            }
            memcpy(prev, id, c.len + 1);
        }
    }
    VEC(int32_t) gone = {0};
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (rv[i].status == STATUS_REJECTED) {
            bool dup = rv[i].rule == RULE_DUPLICATE_ID;
            reader_reject(r, lineseq_at(&m->revenue_lines, i), dup ? "revenue_id" : "period",
                   rv[i].rule);
            if (r->rejects) { /* its amount, for the reports' per-currency totals */
                reject_t *j = &m->rejects.v[m->rejects.n - 1];
                j->has_amount = true;
                j->currency = rv[i].currency;
                j->amount = rv[i].amount;
            }
            /* a subset of the rows read: bounded by their Σ|amount| (ingest_revenue_row) */
            bool fits = money_accumulate(&m->control.revenue_amount_rejected_rows, rv[i].amount);
            assert(fits);
            (void)fits;
            VEC_PUSH(gone, (int32_t)i);
            continue;
        }
        if (m->every_account)
            m->revenue_accounts.v[kept] = m->revenue_accounts.v[i];
        rv[kept++] = rv[i];
    }
    if (ix && gone.n) {
        size_t out = 0;
        for (size_t k = 0; k < n; k++) {
            int32_t to = index_after(ix[k], gone.v, gone.n);
            if (to >= 0)
                ix[out++] = to;
        }
    }
    idseq_drop(&m->revenue_ids, gone.v, gone.n);
    lineseq_remove(&m->revenue_lines, gone.v, gone.n);
    free(gone.v);
    m->revenue.n = kept;
    if (m->every_account)
        m->revenue_accounts.n = kept;
    free(m->revenue_by_id);
    m->revenue_by_id = ix;
}

/* Room for every row revenue.csv can hold (its bytes over the shortest
 * plausible row) so the array never moves: pages past the real rows are
 * never touched, so this costs address space only. */
void ingest_reserve_revenue(month_t *m, const char *dir, const char *rel)
{
    char *path = path_join(dir, rel);
    int64_t bytes = file_size(path);
    free(path);
    size_t rows = bytes > 0 ? (size_t)(bytes / 24) + 16 : 0;
    VEC_RESERVE(m->revenue, rows);
}
