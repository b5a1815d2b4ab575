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

/* The residual's rate_pct (scale 4): its rates row's, 0 without one. */
decimal_t revenue_rate_pct(const book_t *book, const revenue_t *r);

/* Within P an agreement's tier and the lookup date (first day of P) are
 * fixed, so its residual rate row depends on the product category only:
 * the memo keeps rates_find's answer per (agreement, category). */
typedef struct rate_memo {
    int32_t *category_of; /* per product: category index */
    size_t ncat;
    int32_t *row;         /* agreements x ncat; RATE_MEMO_UNKNOWN until looked up */
} rate_memo_t;

/* Set up for m (all zeros, so no memo, when the table would be too big). */
void rate_memo_init(rate_memo_t *memo, const month_t *m);
void rate_memo_release(rate_memo_t *memo);
/* lines_residual through the memo (NULL memo: a plain lookup). */
void lines_residual_memo(const month_t *m, rate_memo_t *memo, revenue_t *r);
/* The residual line's amount of a revenue row (0 without a rate): computed
 * when needed rather than stored, to keep revenue rows small. */
money_t revenue_commission(const book_t *book, const revenue_t *r);

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
