/*
 * commitments.c — commitment retirement and status, SPEC §4.5.
 */
#include "commitments.h"

rule_code commitments_status(money_t amount, money_t to_date, period_t start, period_t end,
                             period_t p)
{
    if (to_date >= amount)
        return RULE_MET;
    if (p == end)
        return RULE_MISSED;
    __int128 total = end - start + 1, elapsed = p - start + 1; /* elapsed counts P */
    if ((__int128)to_date * total >= (__int128)amount * elapsed)
        return RULE_ON_TRACK;
    return RULE_AT_RISK;
}

void commitments_retire(month_t *m)
{
    const master_t *ms = m->master;
    for (size_t i = 0; i < ms->commitments.n; i++) {
        const commitment_t *c = &ms->commitments.v[i];
        if (c->start > m->period || m->period > c->end)
            continue;
        bool mrc = c->basis == BASIS_MRC;
        commitment_result_t r = {.commitment = (int32_t)i};
        /* P6: only the commitment's own agreement retires it */
        r.retired_period = mrc ? m->current[c->agreement].installed_mrc
                               : m->current[c->agreement].revenue;
        if (!month_agreement_sum(m, c->agreement, c->start, m->period, mrc, &r.retired_to_date)) {
            month_overflow(m, "the retired to date of the commitment of the agreement", c->agreement,
                           SOURCE_COMMITMENTS, m->period, c->line, "amount");
            return;
        }
        /* remaining = amount - to_date (> 0 here), checked: to_date may be
         * very negative; percent = to_date x 10000 / amount in 128 bits,
         * uncapped (§8.7): it must still fit int64 hundredths */
        if ((c->amount > r.retired_to_date &&
             !money_sub(c->amount, r.retired_to_date, &r.remaining)) ||
            !money_muldiv_checked(r.retired_to_date, 10000, c->amount, &r.percent_hundredths)) {
            month_overflow(m, "the percent retired or remaining amount of the commitment of the "
                           "agreement",
                           c->agreement, SOURCE_COMMITMENTS, m->period, c->line, "amount");
            return;
        }
        r.status = commitments_status(c->amount, r.retired_to_date, c->start, c->end, m->period);
        VEC_PUSH(m->commitments, r);
    }
}
