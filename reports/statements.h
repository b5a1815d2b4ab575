/*
 * statements.h — partner statements (SPEC §6): one xlsx per partner with
 * activity, in the partner's language, one block per agreement, never pooled.
 */
#ifndef COMMISSIONS_STATEMENTS_H
#define COMMISSIONS_STATEMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "month.h"

int st_write_statements(const month_t *m, const char *dir, bool draft, char *err, size_t errlen);

#endif
