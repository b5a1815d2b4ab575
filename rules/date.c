/*
 * date.c — civil-date arithmetic (days from 1970-01-01) and periods.
 * Algorithms after H. Hinnant's days_from_civil / civil_from_days.
 */
#include "date.h"


static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

date_t date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_ymd(date_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

bool date_add_days(date_t d, int64_t days, date_t *out)
{
    if (days > INT32_MAX || days < INT32_MIN)
        return false;
    int64_t r = (int64_t)d + days; /* both within int32: no overflow */
    if (r < date_from_ymd(DATE_MIN_YEAR, 1, 1) || r > date_from_ymd(DATE_MAX_YEAR, 12, 31))
        return false;
    *out = (date_t)r;
    return true;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool period_parse(const char *s, size_t len, period_t *out)
{
    int y, m;
    if (len != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m))
        return false;
    if (y < 1900 || m < 1 || m > 12)
        return false;
    *out = y * 12 + (m - 1);
    return true;
}

bool date_parse(const char *s, size_t len, date_t *out)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
        !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *out = date_from_ymd(y, m, d);
    return true;
}

/* Write v as exactly n decimal digits (dates are years 1900..9999). */
static void put_digits(char *out, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

char *date_format(date_t d, char *buf)
{
    int y, m, day;
    if (d == DATE_NONE) {
        buf[0] = '\0';
        return buf;
    }
    date_to_ymd(d, &y, &m, &day);
    put_digits(buf, (unsigned)y, 4);
    buf[4] = '-';
    put_digits(buf + 5, (unsigned)m, 2);
    buf[7] = '-';
    put_digits(buf + 8, (unsigned)day, 2);
    buf[10] = '\0';
    return buf;
}

char *period_format(period_t p, char *buf)
{
    if (p == PERIOD_NONE) {
        buf[0] = '\0';
        return buf;
    }
    put_digits(buf, (unsigned)(p / 12), 4);
    buf[4] = '-';
    put_digits(buf + 5, (unsigned)(p % 12 + 1), 2);
    buf[7] = '\0';
    return buf;
}

date_t period_first_day(period_t p) { return date_from_ymd(p / 12, p % 12 + 1, 1); }

date_t period_last_day(period_t p)
{
    int y = p / 12, m = p % 12 + 1;
    return date_from_ymd(y, m, days_in_month(y, m));
}

period_t period_of_date(date_t d)
{
    int y, m, day;
    date_to_ymd(d, &y, &m, &day);
    return y * 12 + (m - 1);
}

int period_month(period_t p) { return p % 12 + 1; }

int date_whole_months(date_t from, date_t to)
{
    int y1, m1, d1, y2, m2, d2;
    if (to <= from)
        return 0;
    date_to_ymd(from, &y1, &m1, &d1);
    date_to_ymd(to, &y2, &m2, &d2);
    int months = (y2 - y1) * 12 + (m2 - m1);
    /* The anniversary in the month of `to`, clamped to that month's end. */
    int anniv = d1 > days_in_month(y2, m2) ? days_in_month(y2, m2) : d1;
    if (d2 < anniv)
        months--;
    return months < 0 ? 0 : months;
}
