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
        const order_t *o = &m->orders.v[i];
        if (o->period != m->period)
            continue;
        c->orders_attributed += o->status == STATUS_ATTRIBUTED;
        c->orders_held += o->status == STATUS_HELD;
        c->orders_rejected += o->status == STATUS_REJECTED;
    }
}

static void assign_all(month_t *m)
{
    control_t *c = &m->control;
    rate_memo_init(m);
    for (size_t i = 0; i < m->revenue.n; i++) {
        revenue_t *r = &m->revenue.v[i];
        /* the service's order of a row a few rows on: load it meanwhile */
        if (i + 16 < m->revenue.n && r[16].service >= 0)
            __builtin_prefetch(r[16].service >= ORDER_STUB
                                   ? (const void *)&m->stubs.v[r[16].service - ORDER_STUB]
                                   : (const void *)&m->orders.v[r[16].service].status);
        assign_revenue(m, r);
        lines_residual(m, r);
        switch (r->status) {
        case STATUS_ASSIGNED:
            c->revenue_assigned++;
            c->revenue_amount_assigned += r->amount;
            m->current[r->agreement].revenue += r->amount;
            break;
        case STATUS_UNASSIGNED:
            c->revenue_unassigned++;
            c->revenue_amount_unassigned += r->amount;
            break;
        case STATUS_HELD:
            c->revenue_held++;
            c->revenue_amount_held += r->amount;
            break;
        default:
            c->revenue_rejected++;
            c->revenue_amount_rejected += r->amount;
            break;
        }
    }
}

bool month_decide(month_t *m, char *msg, size_t msglen)
{
    attr_tally_opportunities(m);
    attr_decide_period(m);
    count_orders(m);
    tiers_place(m);
    assign_all(m);
    lines_spiffs(m);
    lines_chargebacks(m);
    lines_adjustments(m);
    points_award(m);
    lines_credits(m);
    lines_aggregate(m);
    commitments_retire(m);
    tiers_review(m);
    payables_settle(m);
    return conservation_check(m, msg, msglen);
}
