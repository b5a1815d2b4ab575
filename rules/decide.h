/*
 * decide.h — the order of SPEC §4 for one period: the single entry point
 * from batch/ into the rules.
 */
#ifndef COMMISSIONS_DECIDE_H
#define COMMISSIONS_DECIDE_H

#include <stddef.h>

#include "month.h"

/* Decide period m->period. Preconditions: master, book, prior state and the
 * period's rows are loaded (orders of P undecided, revenue rows with product
 * resolved). Returns false when an input makes a sum, product or date offset
 * overflow (m->overflow says which row and what; msg is "") or, with msg,
 * when a conservation check fails. */
bool month_decide(month_t *m, char *msg, size_t msglen);

#endif
