/*
 * date.h — calendar dates and accounting periods as small integers.
 *
 * A date is the number of days since 1970-01-01 (proleptic Gregorian), a
 * period is year*12 + (month-1). Both order naturally as integers. Not for:
 * time zones or times of day (the batch has none).
 */
#ifndef COMMISSIONS_DATE_H
#define COMMISSIONS_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t date_t;
typedef int32_t period_t;

#define DATE_NONE INT32_MAX   /* a blank optional date (sorts last) */
#define PERIOD_NONE INT32_MAX /* a blank optional period */

/* Parse `YYYY-MM-DD`, a real calendar date with year 1900..9999. */
bool date_parse(const char *s, size_t len, date_t *out);
/* Parse `YYYY-MM`. */
bool period_parse(const char *s, size_t len, period_t *out);

date_t date_from_ymd(int y, int m, int d);
void date_to_ymd(date_t d, int *y, int *m, int *day);

#define DATE_BUF 11
#define PERIOD_BUF 8
/* Format into buf; a DATE_NONE / PERIOD_NONE formats as "". Returns buf. */
char *date_format(date_t d, char *buf);
char *period_format(period_t p, char *buf);

/* d + days, false (out untouched) when the result leaves the dates the
 * batch reads and writes, 1900-01-01 .. 9999-12-31 (4-digit years). Date
 * offsets from input (payment_lag_days) go through it. */
bool date_add_days(date_t d, int64_t days, date_t *out);
#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 9999

date_t period_first_day(period_t p);
date_t period_last_day(period_t p);
period_t period_of_date(date_t d);
int period_month(period_t p); /* 1..12 */

/* Whole months from `from` to `to` (0 when to < from): the count of month
 * anniversaries of `from` reached on or before `to`. An anniversary that
 * falls past the end of a shorter month is reached on its last day. */
int date_whole_months(date_t from, date_t to);

#endif
