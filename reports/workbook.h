/*
 * workbook.h — payouts.xlsx, the finance workbook of SPEC §6.
 */
#ifndef COMMISSIONS_WORKBOOK_H
#define COMMISSIONS_WORKBOOK_H

#include <stddef.h>

#include "month.h"

/* Write the workbook; 0, or -1 with a message. */
int wb_write_payouts(const month_t *m, const char *path, char *err, size_t errlen);

#endif
