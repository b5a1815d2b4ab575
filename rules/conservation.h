/*
 * conservation.h — the batch's own audit: every input unit is accounted for
 * and every cent flows from lines to payables (issue 6: kept on in
 * production builds; a violation aborts the run before anything commits).
 */
#ifndef COMMISSIONS_CONSERVATION_H
#define COMMISSIONS_CONSERVATION_H

#include <stddef.h>

#include "month.h"

/* Returns true when every check holds; otherwise writes the first broken
 * equation into msg. */
bool conservation_check(const month_t *m, char *msg, size_t msglen);

#endif
