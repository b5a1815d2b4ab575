/*
 * payables.h — SPEC §4.7 and §8.10: balances, payment status and due dates
 * per agreement (P5: interval, lag and minimum payout per agreement).
 */
#ifndef COMMISSIONS_PAYABLES_H
#define COMMISSIONS_PAYABLES_H

#include "month.h"

/* Fill m->payables from m->carried_in and m->current[].by_kind. */
void payables_settle(month_t *m);

/* The status for a balance (pure, exposed for tests). */
rule_code payables_status(const agreement_t *ag, bool partner_on_hold, money_t balance,
                          period_t p);

#endif
