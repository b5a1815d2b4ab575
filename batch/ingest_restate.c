/*
 * ingest_restate.c — §4.8 corrected files periods/Q/restate/P/revenue.csv:
 * read for Q's run (each row checked as revenue.csv's and assigned as P's
 * run assigned it; per agreement, the figures that differ from those last
 * stated for P), and one row found again for explain.
 */
#include "ingest_read.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assignment.h"
#include "ledger.h"
#include "lines.h"
#include "rates.h"
#include "schema.h"

/* ---- §4.8 restatement: periods/Q/restate/P/revenue.csv ------------------- */

/* What reading one corrected file of P needs: P, and per agreement the tier
 * in effect for P and the corrected file's totals so far. The residual rate
 * of a row depends on (agreement, product category) only, as in P's run:
 * rates looks them up once per pair (agreements x categories cells, -2 not
 * yet looked up; NULL when that table would be too big). */
typedef struct restate_reader {
    period_t period;
    date_t first_day;
    const char **tier;
    money_t *revenue, *residual;
    restate_file_t *file;
    /* duplicate_id: while the ids ascend (billing exports usually do) a new
     * id is greater than the last and none can repeat, so they are only
     * kept compactly (ids); the first id that does not ascend puts them all
     * in the reader's seen map, which checks every later row */
    idseq_t ids;
    bool mapped;
    int32_t *category_of; /* per product */
    size_t ncat;
    int32_t *rates;
} restate_reader_t;

static int32_t restate_rate(const month_t *m, restate_reader_t *x, int32_t a, int32_t product)
{
    const agreement_t *ag = &m->master->agreements.v[a];
    const product_t *pr = &m->master->products.v[product];
    int32_t *cell = x->rates ? &x->rates[(size_t)a * x->ncat + (size_t)x->category_of[product]]
                             : NULL;
    if (cell && *cell != -2)
        return *cell;
    /* P's rate rows: the book in force, on P's first day, with P's tier */
    int32_t row = rates_find(m->book, ag->plan_id, COMPONENT_RESIDUAL, pr->category, x->tier[a],
                             x->first_day);
    if (cell)
        *cell = row;
    return row;
}

/* First occurrence of the row's id in the file? (restate_reader_t.ids) */
static bool restate_first(reader_t *r, restate_reader_t *x, const csv_value_t *id, int32_t line)
{
    if (!x->mapped) {
        size_t last = x->ids.last_len, n = id->len < last ? id->len : last;
        int c = memcmp(id->s, x->ids.last, n);
        if (x->ids.n == 0 || c > 0 || (c == 0 && id->len > last)) {
            idseq_push(&x->ids, id->s, id->len);
            return true;
        }
        idseq_cursor_t cur;
        idseq_cursor(&cur, &x->ids);
        for (size_t i = 0; i < x->ids.n; i++) {
            const char *s = idseq_at(&cur, i);
            strmap_put(&r->seen, arena_strndup(r->arena, s, cur.len), cur.len, 1);
        }
        idseq_release(&x->ids);
        x->mapped = true;
    }
    return reader_first_in_file(r, id, line, "revenue_id");
}

/* A row of the corrected file: checked as revenue.csv's rows are (format,
 * duplicate_id, wrong_period: rejects naming this file), assigned as P's
 * rows were (orders first delivered up to P, agreement active in P), and its
 * residual summed into its agreement's totals. */
static bool restate_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    restate_reader_t *x = r->target;
    const master_t *ms = m->master;
    money_t amount = v[REVENUE_AMOUNT].i, mag;
    r->rows++;
    /* bounds every total of a subset of the rows and of their residuals */
    if (!money_abs(amount, &mag) || !money_accumulate(&r->gross, mag))
        return reader_total_overflow(r, line, "amount", "the sum of |amount| over the file");
    if (!restate_first(r, x, &v[REVENUE_ID], line))
        return true;
    if ((period_t)v[REVENUE_PERIOD].i != x->period) {
        reader_reject(r, line, "period", RULE_WRONG_PERIOD);
        return true;
    }
    if (!money_accumulate(&x->file->amount_in, amount))
        return reader_total_overflow(r, line, "amount", "the sum of amount over the file");
    const csv_value_t *service = &v[REVENUE_SERVICE];
    int32_t order = service->len ? strmap_get(&m->order_ix, service->s, service->len) : -1;
    if (order >= 0 && month_order_period(m, order) > x->period)
        order = -1; /* delivered after P: P's run did not know it */
    int32_t account = order >= 0 ? -1
                                 : strmap_get(&ms->account_ix, v[REVENUE_ACCOUNT].s,
                                              v[REVENUE_ACCOUNT].len);
    revenue_t rv = {
        .amount = amount,
        .product = strmap_get(&ms->product_ix, v[REVENUE_PRODUCT].s, v[REVENUE_PRODUCT].len),
        .service = order >= 0 ? order : revenue_without_order(account, service->len > 0),
        .currency = currency_pack(currency_of(&v[REVENUE_CURRENCY])), .agreement = -1};
    assign_revenue_in(m, &rv, x->period);
    if (rv.status != STATUS_ASSIGNED)
        return true;
    int32_t a = rv.agreement;
    money_t res = lines_residual_rated(m, &rv, ms->products.v[rv.product].commissionable
                                                   ? restate_rate(m, x, a, rv.product)
                                                   : -1).amount;
    x->file->rows_assigned++;
    if (!money_accumulate(&x->file->amount_assigned, amount) ||
        !money_accumulate(&x->revenue[a], amount) || !money_accumulate(&x->residual[a], res))
        return reader_total_overflow(r, line, "amount", "an assigned revenue total of the file");
    return true;
}

/* Category index per product, for the rate memo. */
static void restate_categories(const master_t *ms, restate_reader_t *x)
{
    size_t np = ms->products.n;
    x->category_of = calloc(np ? np : 1, sizeof(int32_t));
    if (!x->category_of)
        abort();
    for (size_t i = 0; i < np; i++) {
        size_t k = 0;
        for (; k < i; k++)
            if (strcmp(ms->products.v[k].category, ms->products.v[i].category) == 0)
                break;
        x->category_of[i] = k < i ? x->category_of[k] : (int32_t)x->ncat++;
    }
    size_t na = ms->agreements.n;
    if (x->ncat && na && na <= (size_t)(1 << 24) / x->ncat) {
        x->rates = malloc(na * x->ncat * sizeof(int32_t));
        if (!x->rates)
            abort();
        for (size_t i = 0; i < na * x->ncat; i++)
            x->rates[i] = -2;
    }
}

/* Read periods/Q/restate/P/revenue.csv and record, per agreement whose
 * figures differ from those last stated for P, a restated_t (lines_restatements
 * posts the difference). */
static cm_status read_restatement(const dataset_t *ds, month_t *m, ledger_t *ledger, period_t p,
                                  input_list_t *inputs, prefetch_t *ahead, cm_error_t *err)
{
    char qbuf[PERIOD_BUF], pbuf[PERIOD_BUF], rel[128], max[MONEY_BUF];
    period_format(m->period, qbuf);
    period_format(p, pbuf);
    snprintf(rel, sizeof(rel), "periods/%s/restate/%s", qbuf, pbuf);
    static const char *const names[] = {"revenue.csv", NULL};
    cm_status rc = ingest_check_names(ds->dir, rel, names, err);
    if (rc != EXIT_DONE) {
        prefetch_cancel(ahead);
        return rc;
    }
    period_state_t st = ledger ? ledger_period_state(ledger, p) : PERIOD_UNRUN;
    if (p >= m->period || st != PERIOD_CLOSED) {
        prefetch_cancel(ahead);
        return cm_fail(err, EXIT_STATE_CONFLICT,
                       "%s: %s is %s: only a closed period before %s can be restated "
                       "(close %s first, or remove the folder)", rel, pbuf,
                       p >= m->period ? "not an earlier period"
                       : st == PERIOD_OPEN ? "open" : "not run",
                       qbuf, pbuf);
    }
    size_t na = m->master->agreements.n;
    restate_reader_t x = {.period = p, .first_day = period_first_day(p)};
    x.tier = calloc(na ? na : 1, sizeof(*x.tier));
    x.revenue = calloc(na ? na : 1, sizeof(money_t));
    x.residual = calloc(na ? na : 1, sizeof(money_t));
    money_t *rev0 = calloc(na ? na : 1, sizeof(money_t)), *res0 = calloc(na ? na : 1, sizeof(money_t));
    if (!x.tier || !x.revenue || !x.residual || !rev0 || !res0)
        abort();
    restate_file_t file = {.period = p};
    x.file = &file;
    restate_categories(m->master, &x);
    rc = ledger_restate_basis(ledger, m, p, x.tier, rev0, res0, err);
    snprintf(rel, sizeof(rel), "periods/%s/restate/%s/revenue.csv", qbuf, pbuf);
    size_t before = m->rejects.n;
    reader_t r = {.arena = &m->arena, .err = err, .month = m, .rejects = (void *)&m->rejects,
                  .target = &x, .limits = &ds->limits};
    if (rc == EXIT_DONE)
        rc = reader_read_file(&r, ds->dir, rel, &schema_revenue, restate_row, false, inputs, ahead);
    else
        prefetch_cancel(ahead);
    file.path = r.display;
    file.rows_read = r.rows;
    file.rows_rejected = (int64_t)(m->rejects.n - before);
    for (size_t a = 0; rc == EXIT_DONE && a < na; a++) {
        if (!money_accumulate(&file.revenue, x.revenue[a]) ||
            !money_accumulate(&file.residual, x.residual[a]) ||
            !money_accumulate(&file.revenue_before, rev0[a]) ||
            !money_accumulate(&file.residual_before, res0[a])) {
            rc = cm_fail(err, EXIT_INVALID_INPUT,
                         "%s: the totals over the agreements (now and as %s stated) would "
                         "overflow (past %s)", rel, pbuf, money_format(INT64_MAX, max));
            break;
        }
        if (x.revenue[a] == rev0[a] && x.residual[a] == res0[a])
            continue;
        restated_t e = {.agreement = (int32_t)a, .period = p, .revenue = x.revenue[a],
                        .residual = x.residual[a], .revenue_before = rev0[a],
                        .residual_before = res0[a]};
        VEC_PUSH(m->restated, e);
    }
    if (rc == EXIT_DONE) {
        VEC_PUSH(m->restate_files, file);
        m->control.rejects_total += file.rows_rejected;
        m->control.rows_read_total += file.rows_read;
        log_stage("%s: %s read (%" PRId64 " rows, %" PRId64 " rejected; %zu agreement(s) restated)",
                  qbuf, rel, file.rows_read, file.rows_rejected, m->restated.n);
    }
    free(x.tier);
    free(x.revenue);
    free(x.residual);
    free(x.category_of);
    free(x.rates);
    idseq_release(&x.ids);
    free(rev0);
    free(res0);
    return rc;
}

/* §4.8: every folder of periods/Q/restate/, in period order. Its entries
 * must be folders named YYYY-MM (a period names one folder, so the same
 * period cannot be restated twice in one Q); anything else is a file error. */
cm_status ingest_restatements(const dataset_t *ds, month_t *m, ledger_t *ledger,
                              input_list_t *inputs, prefetch_t *ahead, cm_error_t *err)
{
    char qbuf[PERIOD_BUF], rel[96];
    snprintf(rel, sizeof(rel), "periods/%s/restate", period_format(m->period, qbuf));
    char *dir = path_join(ds->dir, rel);
    DIR *d = opendir(dir);
    free(dir);
    if (!d) {
        prefetch_cancel(ahead);
        return EXIT_DONE;
    }
    VEC(period_t) ps = {0};
    cm_status rc = EXIT_DONE;
    struct dirent *e;
    while (rc == EXIT_DONE && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        period_t p;
        char *sub = path_join(rel, e->d_name), *full = path_join(ds->dir, sub);
        if (strlen(e->d_name) != 7 || !period_parse(e->d_name, 7, &p) || !path_is_dir(full))
            rc = cm_fail(err, EXIT_INVALID_INPUT,
                         "%s: not a period folder; periods/%s/restate/ holds one folder "
                         "YYYY-MM per period restated, with its revenue.csv", sub, qbuf);
        else
            VEC_PUSH(ps, p);
        free(sub);
        free(full);
    }
    closedir(d);
    for (size_t i = 1; i < ps.n; i++) /* insertion sort: a handful of periods */
        for (size_t k = i; k > 0 && ps.v[k - 1] > ps.v[k]; k--) {
            period_t t = ps.v[k];
            ps.v[k] = ps.v[k - 1];
            ps.v[k - 1] = t;
        }
    if (rc != EXIT_DONE || !ps.n)
        prefetch_cancel(ahead);
    for (size_t i = 0; rc == EXIT_DONE && i < ps.n; i++) /* ahead: the first one's */
        rc = read_restatement(ds, m, ledger, ps.v[i], inputs, i == 0 ? ahead : NULL, err);
    free(ps.v);
    return rc;
}

/* ---- §4.8 explain: one row of a corrected file ------------------------------ */

typedef struct restated_find {
    const month_t *m;
    const char *id;
    revenue_t *out;
    int32_t *line;
    bool *found;
} restated_find_t;

static bool restated_find_row(void *ctx, const csv_value_t *v, int32_t line)
{
    restated_find_t *f = ctx;
    const month_t *m = f->m;
    const master_t *ms = m->master;
    if (v[REVENUE_ID].len != strlen(f->id) || memcmp(v[REVENUE_ID].s, f->id, v[REVENUE_ID].len))
        return true;
    if ((period_t)v[REVENUE_PERIOD].i != m->period)
        return true; /* wrong_period: a reject of that run, not restated */
    const csv_value_t *service = &v[REVENUE_SERVICE];
    int32_t order = -1;
    if (service->len) {
        char *sid = strndup(service->s, service->len);
        if (!sid)
            abort();
        order = month_order_ref(m, sid);
        free(sid);
    }
    if (order >= 0 && month_order_period(m, order) > m->period)
        order = -1;
    int32_t account = order >= 0 ? -1
                                 : strmap_get(&ms->account_ix, v[REVENUE_ACCOUNT].s,
                                              v[REVENUE_ACCOUNT].len);
    *f->out = (revenue_t){
        .amount = v[REVENUE_AMOUNT].i,
        .product = strmap_get(&ms->product_ix, v[REVENUE_PRODUCT].s, v[REVENUE_PRODUCT].len),
        .service = order >= 0 ? order : revenue_without_order(account, service->len > 0),
        .currency = currency_pack(currency_of(&v[REVENUE_CURRENCY])), .agreement = -1};
    assign_revenue_in(m, f->out, m->period);
    *f->line = line;
    *f->found = true;
    return false; /* the first occurrence stands (duplicate_id) */
}

static bool restated_find_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    (void)ctx, (void)line, (void)column, (void)reason;
    return true;
}

cm_status ingest_restated_row(const char *dir, const char *rel, const month_t *m,
                              const char *id, revenue_t *out, int32_t *line, bool *found,
                              cm_error_t *err)
{
    *found = false;
    restated_find_t f = {.m = m, .id = id, .out = out, .line = line, .found = found};
    csv_callbacks_t cb = {.on_row = restated_find_row, .on_reject = restated_find_reject};
    csv_stats_t st;
    csv_error_t ce;
    char *path = path_join(dir, rel);
    csv_status s = csv_read_file(path, rel, &schema_revenue, &cb, &f, &st, &ce);
    free(path);
    if (s != CSV_OK && !(s == CSV_ABORTED && *found))
        return cm_fail(err, s == CSV_IO_ERROR ? EXIT_INTERNAL : EXIT_INVALID_INPUT, "%s",
                       ce.message);
    return EXIT_DONE;
}
