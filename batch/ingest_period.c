/*
 * ingest_period.c — one period's folder periods/P/ (SPEC §3): orders, with
 * re-delivery of earlier orders (install date, order_conflict), approvals,
 * adjustments (four eyes) and activities, whose ids are unique across all
 * periods. revenue.csv is read by ingest_revenue.c, the corrected files of
 * periods/P/restate/ by ingest_restate.c.
 */
#include "ingest_read.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "schema.h"

static const char *const order_columns[ORDERS_NCOLS] = {
    "order_id", "partner_id", "agreement_id", "account_id", "product_code", "order_type",
    "original_order_id", "opportunity_id", "order_date", "install_date", "mrc", "nrc",
    "currency", "term_months"};

/* Equal, treating NULL (blank) as "". */
static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* First column (spec order) where a re-delivered order differs from the
 * stored one, ignoring install_date; -1 when none. */
static int order_difference(const order_t *a, const order_t *b)
{
    const char *sa[] = {a->id, a->partner_id, a->agreement_ref, a->account_id, a->product_code};
    const char *sb[] = {b->id, b->partner_id, b->agreement_ref, b->account_id, b->product_code};
    for (int i = 0; i < 5; i++)
        if (!same_str(sa[i], sb[i]))
            return i;
    if (a->type != b->type)
        return ORDERS_TYPE;
    if (!same_str(a->original_id, b->original_id))
        return ORDERS_ORIGINAL;
    if (!same_str(a->opportunity_id, b->opportunity_id))
        return ORDERS_OPPORTUNITY;
    if (a->order_date != b->order_date)
        return ORDERS_DATE;
    if (a->install_date != b->install_date && a->install_date != DATE_NONE)
        return ORDERS_INSTALL; /* only blank -> date is accepted */
    if (a->mrc != b->mrc)
        return ORDERS_MRC;
    if (a->nrc != b->nrc)
        return ORDERS_NRC;
    if (strcmp(a->currency.code, b->currency.code) != 0)
        return ORDERS_CURRENCY;
    if (a->term_months != b->term_months)
        return ORDERS_TERM;
    return -1;
}

/* An earlier order P names, made whole (ledger_complete_order: *ref
 * becomes its index in m->orders); false on error. */
static bool complete_order(reader_t *r, int32_t *ref)
{
    assert(r->ledger); /* stubs come only from the ledger's prior state */
    if (ledger_complete_order(r->ledger, r->month, ref, r->err) != EXIT_DONE) {
        r->failed = true;
        return false;
    }
    return true;
}

static int ref_order(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* The stubs orders.csv named as originals, made whole once it is read (only
 * decisions read originals): in stub order, which is the ledger's
 * (period, order_id) order, so the lookups walk its primary key in order. */
static cm_status complete_originals(reader_t *r)
{
    int32_t *v = r->originals.v;
    size_t n = r->originals.n;
    assert(n == 0 || r->ledger); /* stubs come only from the ledger's prior state */
    if (n > 1)
        qsort(v, n, sizeof(*v), ref_order);
    size_t k = 0; /* each once */
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    return ledger_complete_orders(r->ledger, r->month, v, k, r->err);
}

static bool order_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    const master_t *ms = m->master;
    control_t *c = &m->control;
    r->rows++;
    order_type_t type = (order_type_t)v[ORDERS_TYPE].i;
    if ((type == ORDER_INCREMENTAL || type == ORDER_DISCONNECT) && !v[ORDERS_ORIGINAL].len) {
        reader_reject(r, line, "original_order_id", RULE_MISSING_VALUE);
        return true;
    }
    /* §3 an order_id repeated in the file: the first row stands. The order
     * map tells it for new orders (P's own whole orders come only from this
     * file); re-delivered earlier orders are remembered in r->seen. */
    int32_t known = strmap_get(&m->order_ix, v[ORDERS_ID].s, v[ORDERS_ID].len);
    if (known >= 0 && known < ORDER_STUB && m->orders.v[known].period == m->period) {
        reader_reject(r, line, "order_id", RULE_DUPLICATE_ID);
        return true;
    }
    if (known >= 0 && !reader_first_in_file(r, &v[ORDERS_ID], line, "order_id"))
        return true;
    /* references to master data point at its strings, not at copies
     * (a million orders name ten thousand partners) */
    int32_t product = strmap_get(&ms->product_ix, v[ORDERS_PRODUCT].s, v[ORDERS_PRODUCT].len);
    int32_t partner = strmap_get(&ms->partner_ix, v[ORDERS_PARTNER].s, v[ORDERS_PARTNER].len);
    int32_t named = v[ORDERS_AGREEMENT].len ? strmap_get(&ms->agreement_ix, v[ORDERS_AGREEMENT].s,
                                                         v[ORDERS_AGREEMENT].len)
                                            : -1;
    int32_t account = strmap_get(&ms->account_ix, v[ORDERS_ACCOUNT].s, v[ORDERS_ACCOUNT].len);
    order_t o = {.id = str(r, &v[ORDERS_ID]),
                 .partner_id = partner >= 0 ? ms->partners.v[partner].id : str(r, &v[ORDERS_PARTNER]),
                 .agreement_ref = named >= 0 ? ms->agreements.v[named].id
                                             : str(r, &v[ORDERS_AGREEMENT]),
                 .account_id = account >= 0 ? ms->accounts.v[account].id : str(r, &v[ORDERS_ACCOUNT]),
                 .product_code = product >= 0 ? ms->products.v[product].code
                                              : str(r, &v[ORDERS_PRODUCT]),
                 .product = product, .partner = partner, .type = type,
                 .original_id = str(r, &v[ORDERS_ORIGINAL]),
                 .opportunity_id = str(r, &v[ORDERS_OPPORTUNITY]),
                 .order_date = (date_t)v[ORDERS_DATE].i, .install_date = opt_date(&v[ORDERS_INSTALL]),
                 .mrc = v[ORDERS_MRC].i, .nrc = v[ORDERS_NRC].i,
                 .currency = currency_of(&v[ORDERS_CURRENCY]),
                 .term_months = (int32_t)v[ORDERS_TERM].i, .period = m->period, .line = line,
                 .agreement = -1, .installed_period = PERIOD_NONE,
                 .chargeback_period = PERIOD_NONE};
    if (known >= 0 && !complete_order(r, &known))
        return false;
    if (o.original_id && type == ORDER_DISCONNECT) {
        /* a chargeback (§8.6) reads the whole service a disconnect ends;
         * attribution reads only the original's decision, which a stub has */
        int32_t orig = strmap_get(&m->order_ix, v[ORDERS_ORIGINAL].s, v[ORDERS_ORIGINAL].len);
        if (orig >= ORDER_STUB)
            VEC_PUSH(r->originals, orig); /* complete_originals, after the file */
    }
    if (known >= 0) { /* §3 re-delivery of an order of an earlier period */
        order_t *old = &m->orders.v[known];
        int diff = order_difference(old, &o);
        if (diff >= 0) {
            reader_reject(r, line, order_columns[diff], RULE_ORDER_CONFLICT);
        } else if (old->install_date == DATE_NONE && o.install_date != DATE_NONE) {
            old->install_date = o.install_date;
            VEC_PUSH(m->install_updates, known);
            c->orders_install_update++;
        } else {
            c->orders_duplicate_ignored++;
        }
        return true;
    }
    if (!reader_room(r, m->orders.n, r->limits->orders, line, "order_id", "orders in a period"))
        return false;
    VEC_PUSH(m->orders, o);
    strmap_put(&m->order_ix, o.id, v[ORDERS_ID].len, (int32_t)(m->orders.n - 1));
    return true;
}

/* Approval, adjustment and activity ids are unique across all periods. */
static bool first_ever(reader_t *r, const char *kind, const csv_value_t *id, int32_t line,
                       const char *column)
{
    char key[128];
    int n = snprintf(key, sizeof(key), "%s\x1f%.*s", kind, (int)id->len, id->s);
    if (strmap_get(&r->month->seen_ids, key, (size_t)n) >= 0) {
        reader_reject(r, line, column, RULE_DUPLICATE_ID);
        return false;
    }
    return reader_first_in_file(r, id, line, column);
}

static bool approval_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    r->rows++;
    if (!first_ever(r, "approval", &v[APPROVALS_ID], line, "approval_id"))
        return true;
    approval_t a = {.id = str(r, &v[APPROVALS_ID]), .opportunity_id = str(r, &v[APPROVALS_OPPORTUNITY]),
                    .approved_on = (date_t)v[APPROVALS_ON].i,
                    .approved_by = str(r, &v[APPROVALS_BY]),
                    .document_ref = str(r, &v[APPROVALS_DOC]), .period = m->period};
    VEC_PUSH(m->approvals, a);
    int32_t op = month_opportunity(m, a.opportunity_id, true);
    if (a.approved_on < m->opportunities.v[op].first_approval)
        m->opportunities.v[op].first_approval = a.approved_on;
    return true;
}

static bool adjustment_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    const master_t *ms = m->master;
    r->rows++;
    if (!first_ever(r, "adjustment", &v[ADJUSTMENTS_ID], line, "adjustment_id"))
        return true;
    /* checks in column order: agreement, currency, then four eyes */
    int32_t a = strmap_get(&ms->agreement_ix, v[ADJUSTMENTS_AGREEMENT].s, v[ADJUSTMENTS_AGREEMENT].len);
    if (a < 0) {
        reader_reject(r, line, "agreement_id", RULE_UNKNOWN_AGREEMENT);
        return true;
    }
    currency_t cur = currency_of(&v[ADJUSTMENTS_CURRENCY]);
    if (strcmp(cur.code, ms->agreements.v[a].currency.code) != 0) {
        reader_reject(r, line, "currency", RULE_BAD_CURRENCY);
        return true;
    }
    /* four eyes: one person however the name is spaced or cased (same_person) */
    const csv_value_t *by = &v[ADJUSTMENTS_APPROVED_BY], *entered = &v[ADJUSTMENTS_ENTERED_BY];
    if (!by->len || same_person(by->s, by->len, "", 0) ||
        same_person(by->s, by->len, entered->s, entered->len)) {
        reader_reject(r, line, "approved_by", RULE_UNAPPROVED);
        return true;
    }
    if (!v[ADJUSTMENTS_APPROVED_ON].len) {
        reader_reject(r, line, "approved_on", RULE_MISSING_VALUE);
        return true;
    }
    adjustment_t adj = {.id = str(r, &v[ADJUSTMENTS_ID]), .agreement_id = ms->agreements.v[a].id,
                        .reason = str(r, &v[ADJUSTMENTS_REASON]),
                        .entered_by = str(r, entered), .approved_by = str(r, by),
                        .amount = v[ADJUSTMENTS_AMOUNT].i, .currency = cur,
                        .approved_on = (date_t)v[ADJUSTMENTS_APPROVED_ON].i, .agreement = a,
                        .line = line};
    VEC_PUSH(m->adjustments, adj);
    return true;
}

static bool activity_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    r->rows++;
    if (!first_ever(r, "activity", &v[ACTIVITIES_ID], line, "activity_id"))
        return true;
    activity_t act = {.id = str(r, &v[ACTIVITIES_ID]), .partner_id = str(r, &v[ACTIVITIES_PARTNER]),
                      .activity_code = str(r, &v[ACTIVITIES_CODE]),
                      .evidence_ref = str(r, &v[ACTIVITIES_EVIDENCE]),
                      .activity_date = (date_t)v[ACTIVITIES_DATE].i, .line = line, .agreement = -1};
    VEC_PUSH(m->activities, act);
    return true;
}

cm_status ingest_period(const dataset_t *ds, month_t *m, prefetch_t *revenue, ledger_t *ledger,
                        input_list_t *inputs, cm_error_t *err)
{
    /* m was initialised over this dataset (month_init), after ingest_dataset */
    assert(m->master == &ds->master && m->book == &ds->book && ds->limits.orders > 0);
    char pbuf[PERIOD_BUF], rel[96];
    period_format(m->period, pbuf);
    struct {
        const char *name;
        const file_spec_t *spec;
        bool (*on_row)(void *, const csv_value_t *, int32_t);
        bool optional;
        int64_t *read;
    } files[] = {
        {"orders.csv", &schema_orders, order_row, false, &m->control.orders_read},
        {"approvals.csv", &schema_approvals, approval_row, true, NULL},
        {"revenue.csv", &schema_revenue, ingest_revenue_row, false, &m->control.revenue_read},
        {"adjustments.csv", &schema_adjustments, adjustment_row, true, NULL},
        {"activities.csv", &schema_activities, activity_row, true, NULL},
    };
    snprintf(rel, sizeof(rel), "periods/%s", pbuf);
    char *pdir = path_join(ds->dir, rel);
    bool exists = path_is_dir(pdir);
    free(pdir);
    if (!exists) {
        prefetch_cancel(revenue);
        return cm_fail(err, EXIT_INVALID_INPUT, "%s: missing period directory", rel);
    }
    static const char *const period_names[] = {"orders.csv", "revenue.csv", "approvals.csv",
                                               "adjustments.csv", "activities.csv", "restate",
                                               NULL};
    cm_status named = ingest_check_names(ds->dir, rel, period_names, err);
    if (named != EXIT_DONE) {
        prefetch_cancel(revenue);
        return named;
    }
    for (size_t i = 0; i < ds->master_rejects.n; i++)
        VEC_PUSH(m->rejects, ds->master_rejects.v[i]);
    prefetch_t *restated = ingest_prefetch_restate(ds, m->period);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        reader_t r = {.arena = &m->arena, .err = err, .month = m, .rejects = (void *)&m->rejects,
                      .ledger = ledger, .limits = &ds->limits};
        size_t before = m->rejects.n;
        snprintf(rel, sizeof(rel), "periods/%s/%s", pbuf, files[i].name);
        prefetch_t *ahead = NULL;
        if (files[i].spec == &schema_revenue) {
            ahead = revenue;
            revenue = NULL;
            ingest_reserve_revenue(m, ds->dir, rel);
        }
        cm_status rc = reader_read_file(&r, ds->dir, rel, files[i].spec, files[i].on_row, files[i].optional,
                                 inputs, ahead);
        if (rc == EXIT_DONE && files[i].spec == &schema_orders) {
            size_t whole = m->orders.n;
            rc = complete_originals(&r);
            if (rc == EXIT_DONE)
                log_stage("%s: orders read (%" PRId64 " rows; %zu earlier orders named as originals"
                          " made whole)", pbuf, r.rows, m->orders.n - whole);
        }
        free(r.originals.v);
        if (rc != EXIT_DONE) {
            prefetch_cancel(revenue);
            prefetch_cancel(restated);
            return rc;
        }
        if (files[i].spec == &schema_revenue)
            ingest_settle_revenue(&r);
        if (files[i].read)
            *files[i].read += r.rows;
        /* every reject of these files is a rejected row of the control totals */
        if (files[i].spec == &schema_orders)
            m->control.orders_rejected_rows = (int64_t)(m->rejects.n - before);
        if (files[i].spec == &schema_revenue)
            m->control.revenue_rejected_rows = (int64_t)(m->rejects.n - before);
        m->control.rejects_total += (int64_t)(m->rejects.n - before);
        m->control.rows_read_total += r.rows;
    }
    m->control.rejects_total += (int64_t)ds->master_rejects.n;
    /* the order map still knows every order: a corrected file looks services up */
    cm_status rc = ingest_restatements(ds, m, ledger, inputs, restated, err);
    if (rc == EXIT_DONE)
        month_inputs_read(m); /* MONTH_READ: every input of P is in (month.h) */
    return rc;
}
