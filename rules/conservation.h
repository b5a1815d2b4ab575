/*
 * conservation.h — the batch's own audit: every input unit is accounted for
 * and every cent flows from lines to payables (kept on in production builds;
 * a violation stops the run before anything commits).
 */
#ifndef COMMISSIONS_CONSERVATION_H
#define COMMISSIONS_CONSERVATION_H

#include "month.h"
#include "status.h"

/* EXIT_DONE when every check holds; otherwise EXIT_INTERNAL (a bug, never
 * an input error) with the first broken equation in err. The residuals are
 * recomputed from the revenue rows by a path of their own (rates_find over
 * the book, money_muldiv), not by rules/lines.c, and compared per agreement
 * with what lines_aggregate summed. */
cm_status conservation_check(const month_t *m, cm_error_t *err);

#endif
