/*
 * assignment.h — SPEC §4.2: which agreement a billed revenue row belongs to.
 * Decides one row (assigned / unassigned / held / rejected) from the orders
 * decided in 4.1 and the account owners of accounts.csv (P3). Pure.
 */
#ifndef COMMISSIONS_ASSIGNMENT_H
#define COMMISSIONS_ASSIGNMENT_H

#include "month.h"

void assign_revenue(const month_t *m, revenue_t *r);
/* The same for a row of period `period` (§4.8: a corrected file of an
 * earlier period P is assigned as P's rows were: active in P). */
void assign_revenue_in(const month_t *m, revenue_t *r, period_t period);

#endif
