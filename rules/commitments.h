/*
 * commitments.h — SPEC §4.5 and §8.7: revenue commitments retired per
 * agreement (P6: never pooled across a partner's agreements).
 */
#ifndef COMMISSIONS_COMMITMENTS_H
#define COMMISSIONS_COMMITMENTS_H

#include "month.h"

/* One result per commitment whose window contains P. */
void commitments_retire(month_t *m);

/* The status rule alone (pure arithmetic, exposed for tests). */
rule_code commitments_status(money_t amount, money_t to_date, period_t start, period_t end,
                             period_t p);

#endif
