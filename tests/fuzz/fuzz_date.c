/*
 * fuzz_date.c — rules/date.c parsers and formatters over arbitrary bytes.
 *
 * Properties: date_parse accepts exactly the real calendar dates
 * `YYYY-MM-DD` of years 1900..9999 (checked against an independent day
 * count per month) and period_parse exactly `YYYY-MM` from 1900; the format
 * of a parsed value is the input itself; every day of the accepted range
 * formats, parses back and is followed by the next calendar day; period
 * helpers agree with the dates; date_whole_months is never negative and
 * never decreases as `to` grows. The input is also read as integers
 * (little-endian) to pick dates and periods.
 */
#include <string.h>

#include "date.h"
#include "fuzz.h"

static bool leap(int y) { return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0); }

static int month_days(int y, int m)
{
    if (m == 2)
        return leap(y) ? 29 : 28;
    return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/* n decimal digits at s, or -1. */
static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + s[i] - '0';
    }
    return v;
}

static void check_date_text(const char *s, size_t len)
{
    int y = -1, m = -1, d = -1;
    if (len == 10 && s[4] == '-' && s[7] == '-') {
        y = num(s, 4);
        m = num(s + 5, 2);
        d = num(s + 8, 2);
    }
    bool want = y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
    date_t v;
    bool got = date_parse(s, len, &v);
    FUZZ_CHECK(got == want);
    if (!got)
        return;
    char buf[DATE_BUF];
    date_format(v, buf);
    FUZZ_CHECK(strlen(buf) == 10 && memcmp(buf, s, 10) == 0);
    int yy, mm, dd;
    date_to_ymd(v, &yy, &mm, &dd);
    FUZZ_CHECK(yy == y && mm == m && dd == d);
    FUZZ_CHECK(date_from_ymd(y, m, d) == v);
    period_t p = period_of_date(v);
    FUZZ_CHECK(p == y * 12 + m - 1 && period_month(p) == m);
    FUZZ_CHECK(period_first_day(p) <= v && v <= period_last_day(p));
    FUZZ_CHECK(period_last_day(p) - period_first_day(p) + 1 == month_days(y, m));
}

static void check_period_text(const char *s, size_t len)
{
    int y = -1, m = -1;
    if (len == 7 && s[4] == '-') {
        y = num(s, 4);
        m = num(s + 5, 2);
    }
    bool want = y >= 1900 && m >= 1 && m <= 12;
    period_t p;
    bool got = period_parse(s, len, &p);
    FUZZ_CHECK(got == want);
    if (!got)
        return;
    char buf[PERIOD_BUF];
    period_format(p, buf);
    FUZZ_CHECK(strlen(buf) == 7 && memcmp(buf, s, 7) == 0);
    FUZZ_CHECK(period_of_date(period_first_day(p)) == p && period_of_date(period_last_day(p)) == p);
    FUZZ_CHECK(period_of_date(period_last_day(p) + 1) == p + 1);
}

static int32_t take32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

/* A date in the parsable range [1900-01-01, 9999-12-31], picked by x. */
static date_t pick_date(int32_t x)
{
    date_t lo = date_from_ymd(1900, 1, 1), hi = date_from_ymd(9999, 12, 31);
    int64_t span = (int64_t)hi - lo + 1;
    return (date_t)(lo + ((int64_t)x % span + span) % span);
}

static void check_day(date_t v)
{
    char buf[DATE_BUF], next[DATE_BUF];
    date_t back;
    date_format(v, buf);
    FUZZ_CHECK(date_parse(buf, strlen(buf), &back) && back == v);
    int y, m, d;
    date_to_ymd(v, &y, &m, &d);
    if (y == 9999 && m == 12 && d == 31)
        return;
    date_format(v + 1, next);
    int y2, m2, d2;
    date_to_ymd(v + 1, &y2, &m2, &d2);
    if (d < month_days(y, m))
        FUZZ_CHECK(y2 == y && m2 == m && d2 == d + 1);
    else if (m < 12)
        FUZZ_CHECK(y2 == y && m2 == m + 1 && d2 == 1);
    else
        FUZZ_CHECK(y2 == y + 1 && m2 == 1 && d2 == 1);
    FUZZ_CHECK(date_parse(next, strlen(next), &back) && back == v + 1);
}

static void check_integers(const uint8_t *data, size_t size)
{
    if (size < 8)
        return;
    date_t a = pick_date(take32(data)), b = pick_date(take32(data + 4));
    check_day(a);
    check_day(b);
    int wm = date_whole_months(a, b);
    FUZZ_CHECK(wm >= 0);
    if (b <= a)
        FUZZ_CHECK(wm == 0);
    else
        FUZZ_CHECK(wm <= (b - a) / 28 && (int64_t)(b - a) < 31 * ((int64_t)wm + 1));
    if (b < date_from_ymd(9999, 12, 31))
        FUZZ_CHECK(date_whole_months(a, b + 1) >= wm);
    /* a period of the date range formats and parses back */
    period_t p = period_of_date(a);
    char buf[PERIOD_BUF];
    period_t back;
    period_format(p, buf);
    FUZZ_CHECK(period_parse(buf, strlen(buf), &back) && back == p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    check_date_text(s, size);
    check_period_text(s, size);
    check_integers(data, size);
    return 0;
}
