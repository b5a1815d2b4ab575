/*
 * attribution.h — SPEC §4.1: which legacy agreement an order is paid under.
 *
 * Every order first delivered in P is decided exactly once, in
 * (order_date, order_id) order, to `attributed`, `held` or `rejected` with
 * one rule code. Decisions of earlier periods are never revisited.
 */
#ifndef COMMISSIONS_ATTRIBUTION_H
#define COMMISSIONS_ATTRIBUTION_H

#include "month.h"

/* Record an order's product portfolio on its opportunity (P4: an
 * opportunity is joint when it has CTL and LVL3 products); nothing when
 * either is unknown. */
void attr_tally_opportunity(month_t *m, const char *opportunity_id, int32_t product);

/* attr_tally_opportunity for every whole order (stubs are tallied as the
 * ledger loads them). Call once after all orders of P are loaded and
 * before attr_decide_period. */
void attr_tally_opportunities(month_t *m);

/* Decide one order against what is known now (orders decided before it). */
void attr_decide(month_t *m, order_t *o);

/* Decide all undecided orders of P in (order_date, order_id) order. */
void attr_decide_period(month_t *m);

#endif
