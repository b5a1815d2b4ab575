/*
 * lines.h — SPEC §4.4 commission lines: residual, spiff, chargeback,
 * adjustment and the non-cash credit. Amounts are rounded half-even once
 * per line (money_muldiv). Residuals live on their revenue row; the other
 * kinds are appended to m->lines.
 */
#ifndef COMMISSIONS_LINES_H
#define COMMISSIONS_LINES_H

#include "month.h"

/* Residual of one assigned revenue row (rate, note, commission). */
void lines_residual(const month_t *m, revenue_t *r);

/* Spiffs of services first known as installed in P (and the installed MRC
 * that mrc-basis commitments retire, §8.6). */
void lines_spiffs(month_t *m);

/* Chargebacks of attributed disconnects of P whose service earned a spiff. */
void lines_chargebacks(month_t *m);

/* One line per accepted adjustment of P. */
void lines_adjustments(month_t *m);

/* Integration credits (benefits.csv) of the tier in effect for P. */
void lines_credits(month_t *m);

/* Sum every line of P into m->current[agreement].by_kind / cash_lines. */
void lines_aggregate(month_t *m);

#endif
