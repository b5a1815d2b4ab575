/*
 * points.h — SPEC §4.6 and §8.8: the Marketplace points ledger (P9).
 * Activities of P are decided in (activity_date, activity_id) order against
 * the provider's phase (tier in effect for P), prerequisites and repeats.
 */
#ifndef COMMISSIONS_POINTS_H
#define COMMISSIONS_POINTS_H

#include "month.h"

void points_award(month_t *m);

/* The points.csv row for (program, phase, activity code), falling back to
 * the highest lower phase; -1 when none (activity_not_in_phase). */
int32_t points_rule_for(const book_t *b, const char *program, const char *phase,
                        const char *activity_code);

#endif
