/*
 * results_control.c — the money of P per currency and control.csv's rows
 * (results.h).
 */
#include "results.h"

#include <stdlib.h>
#include <string.h>

static currency_totals_t *currency_new(currency_totals_t **t, size_t *n, size_t *cap,
                                       int32_t *slot, uint16_t packed)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *t = realloc(*t, *cap * sizeof(**t));
        if (!*t)
            abort();
    }
    currency_totals_t *c = &(*t)[*n];
    memset(c, 0, sizeof(*c));
    memcpy(c->code, currency_unpack(packed).code, 4);
    slot[packed] = (int32_t)(*n)++;
    return c;
}

static int currency_totals_cmp(const void *x, const void *y)
{
    return strcmp(((const currency_totals_t *)x)->code, ((const currency_totals_t *)y)->code);
}

currency_totals_t *results_currency_totals(const month_t *m, size_t *n)
{
    enum { CODES = 26 * 26 * 26 };
    int32_t *slot = malloc(CODES * sizeof(*slot));
    currency_totals_t *t = NULL;
    size_t nt = 0, cap = 0;
    if (!slot)
        abort();
    memset(slot, 0xFF, CODES * sizeof(*slot));
#define SLOT(packed)                                                                   \
    (slot[(packed)] >= 0 ? &t[slot[(packed)]] : currency_new(&t, &nt, &cap, slot, (packed)))
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        int k = r->status == STATUS_ASSIGNED     ? CT_ASSIGNED
                : r->status == STATUS_UNASSIGNED ? CT_UNASSIGNED
                : r->status == STATUS_HELD       ? CT_HELD
                                                 : CT_REJECTED;
        currency_totals_t *c = SLOT(r->currency);
        c->has_revenue = true;
        c->revenue[k] = money_add_bounded(c->revenue[k], r->amount);
        c->revenue_rows[k]++;
    }
    for (size_t i = 0; i < m->rejects.n; i++) {
        const reject_t *j = &m->rejects.v[i];
        if (!j->has_amount)
            continue;
        currency_totals_t *c = SLOT(j->currency);
        c->has_revenue = true;
        c->revenue[CT_REJECTED_ROWS] = money_add_bounded(c->revenue[CT_REJECTED_ROWS], j->amount);
        c->revenue_rows[CT_REJECTED_ROWS]++;
    }
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        const agreement_period_t *cur = &m->current[a];
        bool lines = false;
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            lines = lines || cur->by_kind[k] != 0;
        if (!p->present && !lines)
            continue;
        currency_totals_t *c = SLOT(currency_pack(m->master->agreements.v[a].currency));
        c->has_payables = true;
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            c->kinds[k] = money_add_bounded(c->kinds[k], cur->by_kind[k]);
        if (!p->present)
            continue;
        c->carried_in = money_add_bounded(c->carried_in, p->carried_in);
        c->earned = money_add_bounded(c->earned, p->earned);
        c->paid = money_add_bounded(c->paid, p->paid);
        c->carried_out = money_add_bounded(c->carried_out, p->carried_out);
        c->agreements++;
        if (p->paid != 0)
            c->agreements_paid++;
        else if (p->carried_out != 0)
            c->agreements_carried++;
        else
            c->agreements_settled++;
    }
#undef SLOT
    free(slot);
    for (size_t i = 0; i < nt; i++) {
        money_t in = 0;
        for (int k = CT_ASSIGNED; k < CT_REVENUE; k++) {
            in = money_add_bounded(in, t[i].revenue[k]);
            t[i].revenue_rows[CT_IN] += t[i].revenue_rows[k];
        }
        t[i].revenue[CT_IN] = in;
    }
    if (nt > 1)
        qsort(t, nt, sizeof(*t), currency_totals_cmp);
    *n = nt;
    return t;
}

static void control_add(control_row_t **v, size_t *n, size_t *cap, const char *name,
                        const char *code, int64_t value, bool money)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *v = realloc(*v, *cap * sizeof(**v));
        if (!*v)
            abort();
    }
    control_row_t *r = &(*v)[(*n)++];
    if (code)
        snprintf(r->name, sizeof(r->name), "%s_%s", name, code);
    else
        snprintf(r->name, sizeof(r->name), "%s", name);
    r->value = value;
    r->money = money;
}

static int control_row_cmp(const void *x, const void *y)
{
    return strcmp(((const control_row_t *)x)->name, ((const control_row_t *)y)->name);
}

control_row_t *results_control_rows(const month_t *m, size_t *n)
{
    const control_t *c = &m->control;
    control_row_t *v = NULL;
    size_t nv = 0, cap = 0;
    struct {
        const char *name;
        int64_t v;
    } counts[] = {
        {"orders_read", c->orders_read},
        {"orders_attributed", c->orders_attributed},
        {"orders_held", c->orders_held},
        {"orders_rejected", c->orders_rejected},
        {"orders_rejected_rows", c->orders_rejected_rows},
        {"orders_duplicate_ignored", c->orders_duplicate_ignored},
        {"orders_install_update", c->orders_install_update},
        {"revenue_read", c->revenue_read},
        {"revenue_assigned", c->revenue_assigned},
        {"revenue_unassigned", c->revenue_unassigned},
        {"revenue_held", c->revenue_held},
        {"revenue_rejected", c->revenue_rejected},
        {"revenue_rejected_rows", c->revenue_rejected_rows},
        {"rows_read", c->rows_read_total},
        {"rejects", c->rejects_total},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        control_add(&v, &nv, &cap, counts[i].name, NULL, counts[i].v, false);
    static const char *const rev[CT_REVENUE] = {
        "revenue_amount_in", "revenue_amount_assigned", "revenue_amount_unassigned",
        "revenue_amount_held", "revenue_amount_rejected", "revenue_amount_rejected_rows"};
    size_t nt;
    currency_totals_t *t = results_currency_totals(m, &nt);
    char name[48];
    for (size_t i = 0; i < nt; i++) {
        const char *code = t[i].code;
        if (t[i].has_revenue)
            for (int k = 0; k < CT_REVENUE; k++)
                control_add(&v, &nv, &cap, rev[k], code, t[i].revenue[k], true);
        if (!t[i].has_payables)
            continue;
        for (int k = 0; k < LINE_KIND_COUNT; k++) {
            if (k == LINE_RESTATEMENT && !m->restate_files.n)
                continue; /* a period without corrected files: no restatement rows */
            snprintf(name, sizeof(name), "lines_%s_amount", line_kind_names[k]);
            control_add(&v, &nv, &cap, name, code, t[i].kinds[k], true);
        }
        control_add(&v, &nv, &cap, "payables_carried_in", code, t[i].carried_in, true);
        control_add(&v, &nv, &cap, "payables_earned", code, t[i].earned, true);
        control_add(&v, &nv, &cap, "payables_paid", code, t[i].paid, true);
        control_add(&v, &nv, &cap, "payables_carried_out", code, t[i].carried_out, true);
        control_add(&v, &nv, &cap, "payables_agreements", code, t[i].agreements, false);
        control_add(&v, &nv, &cap, "payables_agreements_paid", code, t[i].agreements_paid, false);
        control_add(&v, &nv, &cap, "payables_agreements_carried", code, t[i].agreements_carried,
                    false);
        control_add(&v, &nv, &cap, "payables_agreements_settled", code, t[i].agreements_settled,
                    false);
    }
    /* §4.8 per corrected file: its rows, and per currency (of the agreements)
     * the assigned revenue and residuals now and as last stated; the
     * restatement lines of that currency are residual - residual_stated */
    for (size_t f = 0; f < m->restate_files.n; f++) {
        const restate_file_t *rf = &m->restate_files.v[f];
        char pbuf[PERIOD_BUF];
        period_format(rf->period, pbuf);
        const struct {
            const char *what;
            int64_t v;
        } rows[] = {{"rows_read", rf->rows_read},
                    {"rows_rejected", rf->rows_rejected},
                    {"rows_assigned", rf->rows_assigned}};
        for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
            snprintf(name, sizeof(name), "restate_%s_%s", pbuf, rows[k].what);
            control_add(&v, &nv, &cap, name, NULL, rows[k].v, false);
        }
        for (size_t i = 0; i < nt; i++) {
            money_t sums[4] = {0}; /* subsets of the period's bounded totals (month.h) */
            bool any = false;
            for (size_t k = 0; k < m->restated.n; k++) {
                const restated_t *x = &m->restated.v[k];
                if (x->period != rf->period ||
                    strcmp(m->master->agreements.v[x->agreement].currency.code, t[i].code) != 0)
                    continue;
                any = true;
                sums[0] = money_add_bounded(sums[0], x->revenue);
                sums[1] = money_add_bounded(sums[1], x->revenue_before);
                sums[2] = money_add_bounded(sums[2], x->residual);
                sums[3] = money_add_bounded(sums[3], x->residual_before);
            }
            static const char *const what[4] = {"revenue_assigned", "revenue_assigned_stated",
                                                "residual", "residual_stated"};
            for (int k = 0; any && k < 4; k++) {
                snprintf(name, sizeof(name), "restate_%s_%s", pbuf, what[k]);
                control_add(&v, &nv, &cap, name, t[i].code, sums[k], true);
            }
        }
    }
    free(t);
    qsort(v, nv, sizeof(*v), control_row_cmp);
    *n = nv;
    return v;
}
