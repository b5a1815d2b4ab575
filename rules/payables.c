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

/* Sums of magnitudes over all agreements (see month.h: month_t.overflow). */
typedef struct gross {
    money_t revenue, installed_mrc, carried_in, earned, balance;
} gross_t;

static bool add_gross(money_t *g, money_t v)
{
    money_t mag;
    return money_abs(v, &mag) && money_accumulate(g, mag);
}

static bool settle_one(month_t *m, size_t a, gross_t *g)
{
    const master_t *ms = m->master;
    const agreement_t *ag = &ms->agreements.v[a];
    const agreement_period_t *c = &m->current[a];
    payable_t *pay = &m->payables[a];
    int32_t ai = (int32_t)a;
    if (!add_gross(&g->revenue, c->revenue))
        return month_overflow(m, "the sum of |assigned revenue| over the agreements", -1,
                              SOURCE_NONE, m->period, 0, NULL);
    if (!add_gross(&g->installed_mrc, c->installed_mrc))
        return month_overflow(m, "the sum of |installed MRC| over the agreements", -1,
                              SOURCE_NONE, m->period, 0, NULL);
    pay->carried_in = m->carried_in[a];
    pay->present = agreement_active_in(ag, m->period) || pay->carried_in != 0 ||
                   c->cash_lines > 0;
    if (!pay->present)
        return true;
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        pay->by_kind[k] = c->by_kind[k];
    money_t earned = 0;
    if (!money_accumulate(&earned, c->by_kind[LINE_RESIDUAL]) ||
        !money_accumulate(&earned, c->by_kind[LINE_SPIFF]) ||
        !money_accumulate(&earned, c->by_kind[LINE_CHARGEBACK]) ||
        !money_accumulate(&earned, c->by_kind[LINE_ADJUSTMENT]) ||
        !money_accumulate(&earned, c->by_kind[LINE_RESTATEMENT]))
        return month_overflow(m, "earned (the cash lines) of the agreement", ai, SOURCE_NONE,
                              m->period, 0, NULL);
    pay->earned = earned;
    if (!money_add(pay->carried_in, pay->earned, &pay->balance))
        return month_overflow(m, "the balance (carried in + earned) of the agreement", ai,
                              SOURCE_NONE, m->period, 0, NULL);
    if (!add_gross(&g->carried_in, pay->carried_in) || !add_gross(&g->earned, pay->earned) ||
        !add_gross(&g->balance, pay->balance))
        return month_overflow(m, "the sum of |balance| over the agreements", -1, SOURCE_NONE,
                              m->period, 0, NULL);
    pay->status = payables_status(ag, ms->partners.v[ag->partner].on_hold, pay->balance,
                                  m->period);
    if (pay->status == RULE_PAID) {
        pay->paid = pay->balance;
        pay->carried_out = 0;
        /* lag <= 3650 days (ingest); a period near year 9999 can still
         * push the date past 9999-12-31 */
        if (!date_add_days(period_last_day(m->period), ag->lag_days, &pay->due_date))
            return month_overflow(m, "the due date (last day of P + payment_lag_days) of the "
                                  "agreement", ai, SOURCE_AGREEMENTS, m->period, ag->line,
                                  "payment_lag_days");
    } else {
        pay->paid = 0;
        pay->carried_out = pay->balance;
        pay->due_date = DATE_NONE;
    }
    return true;
}

/* paid and carried_out each take the whole balance, so their sums of
 * magnitudes are bounded by the balances'. */
void payables_settle(month_t *m)
{
    gross_t g = {0};
    for (size_t a = 0; a < m->master->agreements.n; a++)
        if (!settle_one(m, a, &g))
            return;
}
