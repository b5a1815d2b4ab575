/*
 * lines.h — SPEC §4.4 commission lines: residual, spiff, chargeback,
 * adjustment and the non-cash credit. Amounts are rounded half-even once
 * per line (money_muldiv). Residuals live on their revenue row; the other
 * kinds are appended to m->lines.
 */
#ifndef COMMISSIONS_LINES_H
#define COMMISSIONS_LINES_H

#include "month.h"

/* The residual of a revenue row is not stored on it (rows stay small): its
 * rates row, note and amount are looked up from the row's decision, product
 * and agreement, through m->rates once lines_residual has met them. */

/* Set up m->rates for P (no memo when agreements x categories is too big). */
void rate_memo_init(month_t *m);
/* 4.4 residual of one decided revenue row: records its rate row in the memo
 * (decide phase, one thread; the lookups below only read). */
void lines_residual(month_t *m, const revenue_t *r);
/* The residual's rates row: -1 unless assigned, commissionable and rated. */
int32_t revenue_rate_row(const month_t *m, const revenue_t *r);
/* RULE_NONE, or why an assigned row earns nothing: RULE_NOT_COMMISSIONABLE
 * (wins, §8.5) or RULE_NO_RATE. */
rule_code revenue_note(const month_t *m, const revenue_t *r);
/* The residual's rate_pct (scale 4): its rates row's, 0 without one. */
decimal_t revenue_rate_pct(const month_t *m, const revenue_t *r);
/* The residual line's amount (0 without a rate), rounded half-even. */
money_t revenue_commission(const month_t *m, const revenue_t *r);
/* The same from the revenue amount and a rate row already looked up. */
money_t residual_amount(const book_t *book, money_t revenue, int32_t rate_row);

/* Spiffs of services first known as installed in P (and the installed MRC
 * that mrc-basis commitments retire, §8.6). */
void lines_spiffs(month_t *m);

/* Chargebacks of attributed disconnects of P whose service earned a spiff. */
void lines_chargebacks(month_t *m);

/* One line per accepted adjustment of P. */
void lines_adjustments(month_t *m);

/* §4.8: one cash line per m->restated entry (kind restatement, source_id
 * the period restated, basis = assigned revenue now - as last stated, rate
 * blank, amount = residuals now - as last stated, note RULE_RESTATES with
 * note_months the period restated). */
void lines_restatements(month_t *m);

/* Integration credits (benefits.csv) of the tier in effect for P. */
void lines_credits(month_t *m);

/* Sum every line of P into m->current[agreement].by_kind / cash_lines. */
void lines_aggregate(month_t *m);

#endif
