/*
 * decide.h — the order of SPEC §4 for one period: the single entry point
 * from batch/ into the rules.
 */
#ifndef COMMISSIONS_DECIDE_H
#define COMMISSIONS_DECIDE_H

#include "month.h"
#include "status.h"

/* Decide period m->period. Preconditions: master, book, prior state and the
 * period's rows are loaded (orders of P undecided, revenue rows with product
 * resolved): phase MONTH_READ, or MONTH_DECIDING once the order map is
 * shrunk (month.h). The month is MONTH_DECIDING while the stages run and
 * MONTH_DECIDED when this returns EXIT_DONE. Returns EXIT_DONE; EXIT_INVALID_INPUT when an input makes a
 * sum, product or date offset overflow (m->overflow names the row and what:
 * batch/ turns it into the message naming the file); or EXIT_INTERNAL when
 * a conservation check fails (err says which). */
cm_status month_decide(month_t *m, cm_error_t *err);

#endif
