/*
 * conservation.c — control-total reconciliation (SPEC §2 "the control
 * totals reconcile") recomputed from the decided rows, independent of the
 * counters filled while deciding and of the code that made the lines.
 */
#include "conservation.h"

#include <stdlib.h>
#include <string.h>

#include "rates.h"

/* Totals here are 128-bit: a sum of fewer than 2^63 int64 terms fits, so
 * this audit cannot overflow whatever it is given (no checked add needed);
 * a side beyond int64 prints as such. */
typedef __int128 wide_t;

static const char *wide_text(wide_t v, char *buf)
{
    if (v < INT64_MIN || v > INT64_MAX)
        return "beyond-int64";
    return decimal_format((int64_t)v, 0, buf); /* scale 0: the integer */
}

static cm_status fail(cm_error_t *err, const char *what, wide_t left, wide_t right)
{
    char l[MONEY_BUF], r[MONEY_BUF];
    return cm_fail(err, EXIT_INTERNAL, "conservation check failed: %s (%s != %s)", what,
                   wide_text(left, l), wide_text(right, r));
}

/* The residuals of P recomputed on their own: each assigned row's rates row
 * found with rates_find (the agreement's plan and tier, the product's
 * category, P's first day), cached per (agreement, category) in a table of
 * this audit's own, and its amount rounded by money_muldiv. */
typedef struct residual_audit {
    const month_t *m;
    int32_t *category_of; /* per product: the first product of its category */
    int32_t *slot_of;     /* per product: its category's column */
    size_t ncat;
    int32_t *row;         /* agreements x ncat; -2 not looked up; NULL: no cache */
} residual_audit_t;

#define AUDIT_UNKNOWN (-2)
#define AUDIT_MAX_CELLS (1u << 24)

static void audit_init(residual_audit_t *x, const month_t *m)
{
    const master_t *ms = m->master;
    size_t np = ms->products.n, na = ms->agreements.n;
    memset(x, 0, sizeof(*x));
    x->m = m;
    x->slot_of = malloc((np ? np : 1) * sizeof(int32_t));
    if (!x->slot_of)
        abort();
    for (size_t i = 0; i < np; i++) {
        size_t k = 0;
        while (k < i && strcmp(ms->products.v[k].category, ms->products.v[i].category) != 0)
            k++;
        x->slot_of[i] = k < i ? x->slot_of[k] : (int32_t)x->ncat++;
    }
    if (x->ncat == 0 || na == 0 || na > AUDIT_MAX_CELLS / x->ncat)
        return;
    x->row = malloc(na * x->ncat * sizeof(int32_t));
    if (!x->row)
        abort();
    for (size_t i = 0; i < na * x->ncat; i++)
        x->row[i] = AUDIT_UNKNOWN;
}

static void audit_release(residual_audit_t *x)
{
    free(x->slot_of);
    free(x->row);
}

static money_t audit_residual(residual_audit_t *x, const revenue_t *r)
{
    const month_t *m = x->m;
    const product_t *p = &m->master->products.v[r->product];
    if (!p->commissionable)
        return 0;
    int32_t *cell = x->row ? &x->row[(size_t)r->agreement * x->ncat + (size_t)x->slot_of[r->product]]
                           : NULL;
    int32_t row = cell ? *cell : AUDIT_UNKNOWN;
    if (row == AUDIT_UNKNOWN) {
        row = rates_find(m->book, m->master->agreements.v[r->agreement].plan_id,
                         COMPONENT_RESIDUAL, p->category, m->tiers[r->agreement].tier,
                         period_first_day(m->period));
        if (cell)
            *cell = row;
    }
    return row < 0 ? 0 : money_muldiv(r->amount, m->book->rates.v[row].rate_pct, 100 * 10000);
}

/* Each agreement's residuals recomputed = its by_kind[LINE_RESIDUAL]; the
 * assigned rows' revenue = the control total. *total: every residual. */
static cm_status check_residuals(const month_t *m, wide_t *total, cm_error_t *err)
{
    size_t na = m->master->agreements.n;
    wide_t *sum = calloc(na ? na : 1, sizeof(*sum));
    if (!sum)
        abort();
    residual_audit_t x;
    audit_init(&x, m);
    wide_t assigned = 0;
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status != STATUS_ASSIGNED)
            continue;
        sum[r->agreement] += audit_residual(&x, r);
        assigned += r->amount;
    }
    audit_release(&x);
    cm_status rc = EXIT_DONE;
    *total = 0;
    if (assigned != m->control.revenue_amount_assigned)
        rc = fail(err, "assigned revenue rows = control total", assigned,
                  m->control.revenue_amount_assigned);
    for (size_t a = 0; rc == EXIT_DONE && a < na; a++) {
        *total += sum[a];
        if (sum[a] != m->current[a].by_kind[LINE_RESIDUAL]) {
            char l[MONEY_BUF], r[MONEY_BUF];
            rc = cm_fail(err, EXIT_INTERNAL, "conservation check failed: the residuals of "
                         "agreement %s recomputed from its revenue rows = its residual lines "
                         "(%s != %s)", m->master->agreements.v[a].id, wide_text(sum[a], l),
                         wide_text(m->current[a].by_kind[LINE_RESIDUAL], r));
        }
    }
    free(sum);
    return rc;
}

static cm_status check_counts(const control_t *c, cm_error_t *err)
{
    int64_t orders_out = c->orders_attributed + c->orders_held + c->orders_rejected +
                         c->orders_rejected_rows + c->orders_duplicate_ignored +
                         c->orders_install_update;
    if (c->orders_read != orders_out)
        return fail(err, "orders read = attributed + held + rejected + rejected rows + "
                    "duplicates ignored + install updates", c->orders_read, orders_out);
    int64_t rev_out = c->revenue_assigned + c->revenue_unassigned + c->revenue_held +
                      c->revenue_rejected + c->revenue_rejected_rows;
    if (c->revenue_read != rev_out)
        return fail(err, "revenue rows read = assigned + unassigned + held + rejected + "
                    "rejected rows", c->revenue_read, rev_out);
    wide_t amt_out = (wide_t)c->revenue_amount_assigned + c->revenue_amount_unassigned +
                      c->revenue_amount_held + c->revenue_amount_rejected +
                      c->revenue_amount_rejected_rows;
    if (c->revenue_amount_in != amt_out)
        return fail(err, "revenue amount in = assigned + unassigned + held + rejected",
                    c->revenue_amount_in, amt_out);
    return EXIT_DONE;
}

cm_status conservation_check(const month_t *m, cm_error_t *err)
{
    cm_status rc = check_counts(&m->control, err);
    if (rc != EXIT_DONE)
        return rc;
    /* lines -> per-agreement aggregates: the residuals recomputed from the
     * rows, the other kinds from m->lines */
    wide_t lines_total[LINE_KIND_COUNT] = {0}, agg_total[LINE_KIND_COUNT] = {0};
    for (size_t i = 0; i < m->lines.n; i++)
        lines_total[m->lines.v[i].kind] += m->lines.v[i].amount;
    wide_t carried_in = 0, earned = 0, paid = 0, carried_out = 0;
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            agg_total[k] += m->current[a].by_kind[k];
        const payable_t *p = &m->payables[a];
        if (!p->present) {
            if (m->carried_in[a] != 0 || m->current[a].cash_lines != 0)
                return fail(err, "agreement with money has a payables row", 0, 1);
            continue;
        }
        carried_in += p->carried_in;
        earned += p->earned;
        paid += p->paid;
        carried_out += p->carried_out;
        if (p->balance != (wide_t)p->carried_in + p->earned ||
            p->balance != (wide_t)p->paid + p->carried_out)
            return fail(err, "balance = carried in + earned = paid + carried out", p->balance,
                        (wide_t)p->paid + p->carried_out);
    }
    rc = check_residuals(m, &lines_total[LINE_RESIDUAL], err);
    if (rc != EXIT_DONE)
        return rc;
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        if (lines_total[k] != agg_total[k])
            return fail(err, line_kind_names[k], lines_total[k], agg_total[k]);
    wide_t cash = lines_total[LINE_RESIDUAL] + lines_total[LINE_SPIFF] +
                   lines_total[LINE_CHARGEBACK] + lines_total[LINE_ADJUSTMENT] +
                   lines_total[LINE_RESTATEMENT];
    if (cash != earned)
        return fail(err, "cash lines = earned", cash, earned);
    /* §4.8: the restatement lines = per corrected file, its residuals over
     * every agreement - those last stated */
    wide_t restated = 0;
    for (size_t i = 0; i < m->restate_files.n; i++)
        restated += (wide_t)m->restate_files.v[i].residual - m->restate_files.v[i].residual_before;
    if (restated != lines_total[LINE_RESTATEMENT])
        return fail(err, "restatement lines = corrected residuals - as last stated", restated,
                    lines_total[LINE_RESTATEMENT]);
    if (carried_in + earned != paid + carried_out)
        return fail(err, "carried in + earned = paid + carried out", carried_in + earned,
                    paid + carried_out);
    return EXIT_DONE;
}
