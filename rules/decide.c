/*
 * decide.c — runs the rules of SPEC §4 in order for period P:
 * 4.1 attribution, 4.3 placement for P, 4.2 assignment + 4.4 residuals,
 * 4.4 spiffs, chargebacks, adjustments, 4.6 points, 4.4 credits,
 * 4.5 commitments, 4.3 review at the end of P, 4.7 payables, then the
 * conservation checks.
 */
#include "decide.h"

#include "assignment.h"
#include "attribution.h"
#include "commitments.h"
#include "conservation.h"
#include "lines.h"
#include "payables.h"
#include "points.h"
#include "tiers.h"

static void count_orders(month_t *m)
{
    control_t *c = &m->control;
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = month_whole_order(m, (int32_t)i);
        if (o->period != m->period)
            continue;
        c->orders_attributed += o->status == STATUS_ATTRIBUTED;
        c->orders_held += o->status == STATUS_HELD;
        c->orders_rejected += o->status == STATUS_REJECTED;
    }
}

/* A revenue row's amount into a total; on overflow, the row is named. */
static bool add_revenue(month_t *m, money_t *total, const revenue_t *r, size_t i, const char *what,
                        int32_t agreement)
{
    if (money_accumulate(total, r->amount))
        return true;
    return month_overflow(m, what, agreement, SOURCE_REVENUE, m->period,
                          month_revenue_line(m, i), "amount");
}

static void assign_all(month_t *m)
{
    control_t *c = &m->control;
    rate_memo_init(m);
    for (size_t i = 0; i < m->revenue.n; i++) {
        revenue_t *r = &m->revenue.v[i];
        /* the service's order of a row a few rows on: load it meanwhile */
        if (i + 16 < m->revenue.n && revenue_has_order(&r[16]))
            month_prefetch_order(m, revenue_order_ref(&r[16]));
        assign_revenue(m, r);
        lines_residual(m, r);
        bool ok;
        switch (r->status) {
        case STATUS_ASSIGNED:
            c->revenue_assigned++;
            ok = add_revenue(m, &c->revenue_amount_assigned, r, i,
                             "the period's assigned revenue", -1) &&
                 add_revenue(m, &m->current[r->agreement].revenue, r, i,
                             "the assigned revenue of the agreement", r->agreement);
            break;
        case STATUS_UNASSIGNED:
            c->revenue_unassigned++;
            ok = add_revenue(m, &c->revenue_amount_unassigned, r, i,
                             "the period's unassigned revenue", -1);
            break;
        case STATUS_HELD:
            c->revenue_held++;
            ok = add_revenue(m, &c->revenue_amount_held, r, i, "the period's held revenue", -1);
            break;
        default:
            c->revenue_rejected++;
            ok = add_revenue(m, &c->revenue_amount_rejected, r, i,
                             "the period's rejected revenue", -1);
            break;
        }
        if (!ok)
            return;
    }
}

cm_status month_decide(month_t *m, cm_error_t *err)
{
    /* Each stage stops at an overflow (month_overflow); none runs after one. */
    static void (*const stages[])(month_t *) = {
        attr_tally_opportunities, attr_decide_period, count_orders, tiers_place, assign_all,
        lines_spiffs, lines_chargebacks, lines_adjustments, lines_restatements, points_award,
        lines_credits,
        lines_aggregate, commitments_retire, tiers_review, payables_settle,
    };
    month_start_deciding(m);
    for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
        stages[i](m);
        if (month_overflowed(m))
            return cm_fail(err, EXIT_INVALID_INPUT, "%s does not fit int64", m->overflow.what);
    }
    cm_status rc = conservation_check(m, err);
    if (rc == EXIT_DONE)
        month_decided(m);
    return rc;
}
