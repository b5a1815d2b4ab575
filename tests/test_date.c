/*
 * test_date.c — rules/date.c: real calendar dates and periods (SPEC §2),
 * period boundaries (payment due dates, §4.7; rate dates, §4.4) and the
 * whole months served of a chargeback (§4.4, README "Whole months served").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "date.h"

static date_t D(const char *s)
{
    date_t d = 0;
    if (!date_parse(s, strlen(s), &d))
        fail_msg("date_parse refused '%s'", s);
    return d;
}

static period_t P(const char *s)
{
    period_t p = 0;
    if (!period_parse(s, strlen(s), &p))
        fail_msg("period_parse refused '%s'", s);
    return p;
}

static void assert_date_is(date_t d, const char *want)
{
    char buf[DATE_BUF];
    assert_string_equal(date_format(d, buf), want);
}

static int months(const char *from, const char *to) { return date_whole_months(D(from), D(to)); }

/* Proves real calendar dates parse and print back unchanged, 1900..9999. */
static void test_parse_valid_dates(void **state)
{
    (void)state;
    const char *ok[] = {"1900-01-01", "1970-01-01", "2016-02-29", "2000-02-29", "2017-12-31",
                        "2017-04-30", "2017-01-31", "9999-12-31"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_date_is(D(ok[i]), ok[i]);
    assert_int_equal(D("1970-01-01"), 0);
    assert_int_equal(D("1970-01-02"), 1);
    assert_int_equal(D("1969-12-31"), -1);
    assert_int_equal(D("2000-03-01"), 11017);
}

/* Proves impossible days, leap-year errors and other shapes are refused. */
static void test_parse_invalid_dates(void **state)
{
    (void)state;
    const char *bad[] = {"2017-02-29", "1900-02-29", "2100-02-29", "2017-04-31", "2017-06-31",
                         "2017-02-30", "2017-13-01", "2017-00-10", "2017-01-00", "2017-01-32",
                         "2017-1-01", "2017-01-1", "2017/01/01", "17-01-01", "2017-01-011",
                         "1899-12-31", "2017-01-0a", "", "2017-01", " 2017-01-01",
                         "2017-01-01 ", "20170101", "+017-01-01", "-017-01-01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        date_t d = 12345;
        if (date_parse(bad[i], strlen(bad[i]), &d))
            fail_msg("date_parse accepted '%s'", bad[i]);
        assert_int_equal(d, 12345);
    }
}

/* Proves leap years follow the Gregorian rule (÷4, not ÷100, but ÷400). */
static void test_leap_years(void **state)
{
    (void)state;
    date_t d;
    assert_true(date_parse("2016-02-29", 10, &d));
    assert_true(date_parse("2000-02-29", 10, &d));
    assert_true(date_parse("2400-02-29", 10, &d));
    assert_false(date_parse("2017-02-29", 10, &d));
    assert_false(date_parse("1900-02-29", 10, &d));
    assert_false(date_parse("2100-02-29", 10, &d));
    /* days in a year */
    assert_int_equal(D("2017-01-01") - D("2016-01-01"), 366);
    assert_int_equal(D("2018-01-01") - D("2017-01-01"), 365);
    assert_int_equal(D("2001-01-01") - D("2000-01-01"), 366);
    assert_int_equal(D("1901-01-01") - D("1900-01-01"), 365);
}

/* Proves date_from_ymd and date_to_ymd are inverse across month and year ends. */
static void test_ymd_round_trip(void **state)
{
    (void)state;
    for (date_t d = D("1999-12-01"); d <= D("2001-03-31"); d++) {
        int y, m, day;
        date_to_ymd(d, &y, &m, &day);
        assert_int_equal(date_from_ymd(y, m, day), d);
    }
    int y, m, day;
    date_to_ymd(D("2016-02-29"), &y, &m, &day);
    assert_int_equal(y, 2016);
    assert_int_equal(m, 2);
    assert_int_equal(day, 29);
}

/* Proves blank dates and periods format as empty strings. */
static void test_format_blank(void **state)
{
    (void)state;
    char d[DATE_BUF], p[PERIOD_BUF];
    assert_string_equal(date_format(DATE_NONE, d), "");
    assert_string_equal(period_format(PERIOD_NONE, p), "");
    assert_string_equal(period_format(P("2017-11"), p), "2017-11");
    assert_string_equal(period_format(P("2018-01"), p), "2018-01");
}

/* Proves periods parse as YYYY-MM only and order as integers across a year end. */
static void test_periods(void **state)
{
    (void)state;
    assert_int_equal(P("2017-11"), 2017 * 12 + 10);
    assert_int_equal(P("2018-01") - P("2017-12"), 1);
    assert_int_equal(period_month(P("2017-12")), 12);
    assert_int_equal(period_month(P("2018-01")), 1);
    const char *bad[] = {"2017-13", "2017-00", "2017-1", "201711", "1899-12", "2017-11-01",
                         "2017/11", "", "abcd-ef"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        period_t p = 7;
        if (period_parse(bad[i], strlen(bad[i]), &p))
            fail_msg("period_parse accepted '%s'", bad[i]);
    }
}

/* Proves a period's first and last days, including February in leap and century years. */
static void test_period_first_last_day(void **state)
{
    (void)state;
    assert_date_is(period_first_day(P("2017-02")), "2017-02-01");
    assert_date_is(period_last_day(P("2017-02")), "2017-02-28");
    assert_date_is(period_last_day(P("2016-02")), "2016-02-29");
    assert_date_is(period_last_day(P("2000-02")), "2000-02-29");
    assert_date_is(period_last_day(P("1900-02")), "1900-02-28");
    assert_date_is(period_last_day(P("2017-04")), "2017-04-30");
    assert_date_is(period_first_day(P("2017-12")), "2017-12-01");
    assert_date_is(period_last_day(P("2017-12")), "2017-12-31");
    assert_date_is(period_last_day(P("2017-12")) + 1, "2018-01-01");
    /* a payment due date: last day + 45 days of lag */
    assert_date_is(period_last_day(P("2017-11")) + 45, "2018-01-14");
}

/* Proves every date maps to the period that contains it. */
static void test_period_of_date(void **state)
{
    (void)state;
    assert_int_equal(period_of_date(D("2017-11-01")), P("2017-11"));
    assert_int_equal(period_of_date(D("2017-11-30")), P("2017-11"));
    assert_int_equal(period_of_date(D("2017-12-01")), P("2017-12"));
    assert_int_equal(period_of_date(D("2016-02-29")), P("2016-02"));
    for (period_t p = P("2016-01"); p <= P("2017-12"); p++) {
        assert_int_equal(period_of_date(period_first_day(p)), p);
        assert_int_equal(period_of_date(period_last_day(p)), p);
        assert_int_equal(period_last_day(p) + 1, period_first_day(p + 1));
    }
}

/* Proves whole months count anniversaries reached on or before `to`. */
static void test_whole_months_plain(void **state)
{
    (void)state;
    assert_int_equal(months("2017-01-15", "2017-01-15"), 0);
    assert_int_equal(months("2017-01-15", "2017-02-14"), 0);
    assert_int_equal(months("2017-01-15", "2017-02-15"), 1);
    assert_int_equal(months("2017-01-15", "2017-04-20"), 3);
    assert_int_equal(months("2017-01-15", "2018-01-14"), 11);
    assert_int_equal(months("2017-01-15", "2018-01-15"), 12);
    assert_int_equal(months("2017-01-15", "2019-01-15"), 24);
    assert_int_equal(months("2017-12-31", "2018-01-30"), 0);
    assert_int_equal(months("2017-12-31", "2018-01-31"), 1);
    assert_int_equal(months("2017-12-01", "2018-01-01"), 1);
}

/* Proves an anniversary past a short month's end is reached on its last day (Jan 31 → Feb 28). */
static void test_whole_months_clamped(void **state)
{
    (void)state;
    assert_int_equal(months("2017-01-31", "2017-02-27"), 0);
    assert_int_equal(months("2017-01-31", "2017-02-28"), 1);
    assert_int_equal(months("2016-01-31", "2016-02-28"), 0);
    assert_int_equal(months("2016-01-31", "2016-02-29"), 1);
    assert_int_equal(months("2017-01-30", "2017-02-28"), 1);
    assert_int_equal(months("2017-01-31", "2017-03-30"), 1);
    assert_int_equal(months("2017-01-31", "2017-03-31"), 2);
    assert_int_equal(months("2017-03-31", "2017-04-29"), 0);
    assert_int_equal(months("2017-03-31", "2017-04-30"), 1);
    assert_int_equal(months("2016-02-29", "2017-02-27"), 11);
    assert_int_equal(months("2016-02-29", "2017-02-28"), 12);
    assert_int_equal(months("2017-08-31", "2017-09-30"), 1);
}

/* Proves `to` before `from` is 0 months, never negative (floored, SPEC §8.6). */
static void test_whole_months_backwards(void **state)
{
    (void)state;
    assert_int_equal(months("2017-05-10", "2017-05-09"), 0);
    assert_int_equal(months("2017-05-10", "2017-01-10"), 0);
    assert_int_equal(months("2018-01-01", "2016-01-01"), 0);
}

/* Proves date offsets stay 4-digit-year dates: the largest lag (3650 days)
 * from 2017-11-30 is exact, 9999-12-31 is the last date and a day past it,
 * or any offset beyond int32 (the lag of issue 19), is refused. */
static void test_add_days_bounded(void **state)
{
    (void)state;
    date_t d = 0, last = date_from_ymd(9999, 12, 31);
    char buf[DATE_BUF];
    assert_true(date_add_days(date_from_ymd(2017, 11, 30), 3650, &d));
    assert_string_equal(date_format(d, buf), "2027-11-28");
    assert_true(date_add_days(date_from_ymd(9999, 12, 1), 30, &d));
    assert_int_equal(d, last);
    assert_false(date_add_days(last, 1, &d));
    assert_int_equal(d, last); /* untouched */
    assert_false(date_add_days(date_from_ymd(2017, 11, 30), INT32_MAX, &d));
    assert_false(date_add_days(date_from_ymd(2017, 11, 30), INT64_MAX, &d));
    assert_false(date_add_days(date_from_ymd(2017, 11, 30), INT64_MIN, &d));
    assert_true(date_add_days(date_from_ymd(1900, 1, 2), -1, &d));
    assert_string_equal(date_format(d, buf), "1900-01-01");
    assert_false(date_add_days(d, -1, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid_dates),
        cmocka_unit_test(test_parse_invalid_dates),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_ymd_round_trip),
        cmocka_unit_test(test_format_blank),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_period_first_last_day),
        cmocka_unit_test(test_period_of_date),
        cmocka_unit_test(test_whole_months_plain),
        cmocka_unit_test(test_whole_months_clamped),
        cmocka_unit_test(test_whole_months_backwards),
        cmocka_unit_test(test_add_days_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
