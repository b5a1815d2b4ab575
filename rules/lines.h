/*
 * lines.h — SPEC §4.4 commission lines: residual, spiff, chargeback,
 * adjustment and the non-cash credit. Amounts are rounded half-even once
 * per line (money_muldiv). Residuals live on their revenue row; the other
 * kinds are appended to m->lines.
 */
#ifndef COMMISSIONS_LINES_H
#define COMMISSIONS_LINES_H

#include "month.h"

/* A residual is not stored (a month has tens of millions): its line is
 * computed from its revenue row whenever it is read, from the row's
 * decision, product and agreement and the rates row the memo (m->rates)
 * holds for them once lines_residual has met them. Every reader of a
 * residual goes through lines_next or lines_residual_of, so its rate, note
 * and amount are decided here only. */

/* Set up m->rates for P (no memo when agreements x categories is too big). */
void rate_memo_init(month_t *m);
/* 4.4 residual of one decided revenue row: records its rate row in the memo
 * (decide phase, one thread; the readers below only read). */
void lines_residual(month_t *m, const revenue_t *r);

/* The residual line of revenue row r, assigned to an agreement for P (a
 * row of m->revenue, or one decided as P's elsewhere, e.g. a row of a
 * corrected file of P): basis the row's amount, rate its rates row's
 * rate_pct (0 without one), amount rounded half-even once, note
 * RULE_NOT_COMMISSIONABLE (wins, §8.5), RULE_NO_RATE or RULE_NONE.
 * source_id is NULL and row -1: the caller holds the row and its id. */
line_t lines_residual_of(const month_t *m, const revenue_t *r);
/* The same with the rates row given (-1: none; ignored for a product not
 * commissionable): §4.8 prices a corrected file's row with the tier of the
 * period it restates, looked up by the caller. */
line_t lines_residual_rated(const month_t *m, const revenue_t *r, int32_t rate_row);

/* Every line of P once, fully computed: first the residual of each assigned
 * revenue row in file order (source_id its revenue id, row its index), then
 * m->lines in order. Nothing is allocated; a yielded source_id stays valid
 * until the next call. Read-only: any number of iterators at once.
 *
 *   line_iter_t it;
 *   line_t l;
 *   lines_iter_start(&it, m);
 *   while (lines_next(&it, &l))
 *       ...
 */
typedef struct line_iter {
    const month_t *m;
    size_t next; /* revenue rows [0, n), then m->lines from n */
    idseq_cursor_t ids;
} line_iter_t;
void lines_iter_start(line_iter_t *it, const month_t *m);
bool lines_next(line_iter_t *it, line_t *out);

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
