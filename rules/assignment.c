/*
 * assignment.c — revenue assignment, SPEC §4.2 and §8.3.
 */
#include "assignment.h"

#include <string.h>

static void assign_as(revenue_t *r, status_t status, rule_code rule, int32_t agreement)
{
    r->status = status;
    r->rule = rule;
    r->agreement = status == STATUS_ASSIGNED ? agreement : -1;
}

void assign_revenue(const month_t *m, revenue_t *r)
{
    assign_revenue_in(m, r, m->period);
}

void assign_revenue_in(const month_t *m, revenue_t *r, period_t period)
{
    const master_t *ms = m->master;
    int32_t a = -1;
    rule_code rule = RULE_NONE;

    if (r->product < 0) {
        assign_as(r, STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, -1);
        return;
    }
    /* Through the service's order. */
    if (revenue_has_order(r)) {
        order_decision_t ord = month_order_decision(m, revenue_order_ref(r));
        if (ord.status != STATUS_ATTRIBUTED) {
            assign_as(r, STATUS_HELD, RULE_SERVICE_NOT_ATTRIBUTED, -1);
            return;
        }
        a = ord.agreement;
        rule = RULE_SERVICE_ORDER;
    } else {
        /* P3: existing account ownership stays the same. */
        int32_t acc = revenue_account(r);
        if (acc < 0 || ms->accounts.v[acc].owner < 0) {
            assign_as(r, STATUS_UNASSIGNED, RULE_NO_OWNER, -1);
            return;
        }
        a = ms->accounts.v[acc].owner;
        rule = RULE_ACCOUNT_OWNER;
    }
    const agreement_t *ag = &ms->agreements.v[a];
    if (ms->products.v[r->product].portfolio != ag->legacy)
        assign_as(r, STATUS_HELD, RULE_PORTFOLIO_MISMATCH, -1);
    else if (r->currency != currency_pack(ag->currency))
        assign_as(r, STATUS_REJECTED, RULE_CURRENCY_MISMATCH, -1);
    else if (!agreement_active_in(ag, period))
        assign_as(r, STATUS_HELD, RULE_AGREEMENT_INACTIVE, -1);
    else
        assign_as(r, STATUS_ASSIGNED, rule, a);
}
