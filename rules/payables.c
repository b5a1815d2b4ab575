/*
 * payables.c — payables and payments, SPEC §4.7.
 */
#include "payables.h"

rule_code payables_status(const agreement_t *ag, bool partner_on_hold, money_t balance,
                          period_t p)
{
    if (ag->interval == INTERVAL_QUARTERLY && period_month(p) % 3 != 0)
        return RULE_NOT_DUE;
    if (partner_on_hold)
        return RULE_ON_HOLD;
    if (balance < 0)
        return RULE_NEGATIVE;
    if (balance < ag->min_payout)
        return RULE_BELOW_MINIMUM;
    return RULE_PAID;
}

void payables_settle(month_t *m)
{
    const master_t *ms = m->master;
    for (size_t a = 0; a < ms->agreements.n; a++) {
        const agreement_t *ag = &ms->agreements.v[a];
        const agreement_period_t *c = &m->current[a];
        payable_t *pay = &m->payables[a];
        pay->carried_in = m->carried_in[a];
        pay->present = agreement_active_in(ag, m->period) || pay->carried_in != 0 ||
                       c->cash_lines > 0;
        if (!pay->present)
            continue;
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            pay->by_kind[k] = c->by_kind[k];
        pay->earned = c->by_kind[LINE_RESIDUAL] + c->by_kind[LINE_SPIFF] +
                      c->by_kind[LINE_CHARGEBACK] + c->by_kind[LINE_ADJUSTMENT];
        pay->balance = pay->carried_in + pay->earned;
        pay->status = payables_status(ag, ms->partners.v[ag->partner].on_hold, pay->balance,
                                      m->period);
        if (pay->status == RULE_PAID) {
            pay->paid = pay->balance;
            pay->carried_out = 0;
            pay->due_date = period_last_day(m->period) + ag->lag_days;
        } else {
            pay->paid = 0;
            pay->carried_out = pay->balance;
            pay->due_date = DATE_NONE;
        }
    }
}
