/*
 * test_money.c — rules/money.c: the money and rate forms of SPEC §2, their
 * formatting (exactly 2 decimals; rates as the shortest exact decimal, §6)
 * and the single half-even rounding of products (money_muldiv).
 * Not for: CSV-level parsing (test_csv.c) or where rounding is applied
 * (test_lines.c, test_commitments.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "money.h"

#define MAX MONEY_INPUT_MAX /* 10^15 cents */

static bool parse(const char *s, money_t *out) { return money_parse(s, strlen(s), out); }

static void assert_parses(const char *s, money_t want)
{
    money_t v = 0x5a5a;
    if (!parse(s, &v))
        fail_msg("money_parse refused '%s'", s);
    assert_int_equal(v, want);
}

static void assert_refused(const char *s)
{
    money_t v = 0x5a5a;
    if (parse(s, &v))
        fail_msg("money_parse accepted '%s' as %lld", s, (long long)v);
    assert_int_equal(v, 0x5a5a); /* out untouched on failure */
}

static void assert_format(money_t v, const char *want)
{
    char buf[MONEY_BUF];
    assert_string_equal(money_format(v, buf), want);
}

static void assert_decimal(decimal_t v, int scale, const char *want)
{
    char buf[MONEY_BUF];
    assert_string_equal(decimal_format(v, scale, buf), want);
}

/* Proves the accepted form -?D+(.D{1,2})? in cents, signs and leading zeros included. */
static void test_parse_valid(void **state)
{
    (void)state;
    assert_parses("0", 0);
    assert_parses("12", 1200);
    assert_parses("12.3", 1230);
    assert_parses("12.34", 1234);
    assert_parses("0.01", 1);
    assert_parses("-0.01", -1);
    assert_parses("-12.5", -1250);
    assert_parses("-0", 0);
    assert_parses("007.10", 710);
}

/* Proves every other form is refused: 3 decimals (0.005), separators, symbols, blanks. */
static void test_parse_refused(void **state)
{
    (void)state;
    const char *bad[] = {"", "-", ".", "1.", ".5", "-.5", "0.005", "1.234", "12.345",
                         "1,000.00", "1 000", "$1", "1$", "USD1", "1e3", "1E3", " 1", "1 ",
                         "+1", "--1", "-+1", "1-", "1.-2", "1..2", "1.2.3", "0x10", "١",
                         "1,5", "NaN", "inf"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_refused(bad[i]);
}

/* Proves the input range is exactly ±10^15 cents and huge digit strings cannot overflow. */
static void test_parse_limits(void **state)
{
    (void)state;
    assert_parses("10000000000000.00", MAX);
    assert_parses("10000000000000", MAX);
    assert_parses("-10000000000000.00", -MAX);
    assert_parses("9999999999999.99", MAX - 1);
    assert_refused("10000000000000.01");
    assert_refused("-10000000000000.01");
    assert_refused("10000000000001");
    assert_refused("92233720368547758.07");
    assert_refused("99999999999999999999999999999999999999999999");
    assert_refused("-99999999999999999999999999999999999999999999.99");
}

/* Proves only len bytes are read (fields are not NUL-terminated in the CSV reader). */
static void test_parse_respects_len(void **state)
{
    (void)state;
    money_t v = 0;
    assert_true(money_parse("12.345", 5, &v));
    assert_int_equal(v, 1234);
    assert_true(money_parse("7,00", 1, &v));
    assert_int_equal(v, 700);
    assert_false(money_parse("12", 0, &v));
}

/* Proves money always formats with exactly 2 decimals, including -0.01 and the int64 extremes. */
static void test_format(void **state)
{
    (void)state;
    assert_format(0, "0.00");
    assert_format(1, "0.01");
    assert_format(-1, "-0.01");
    assert_format(5, "0.05");
    assert_format(-50, "-0.50");
    assert_format(100, "1.00");
    assert_format(-100, "-1.00");
    assert_format(123456, "1234.56");
    assert_format(MAX, "10000000000000.00");
    assert_format(-MAX, "-10000000000000.00");
    assert_format(INT64_MAX, "92233720368547758.07");
    assert_format(INT64_MIN, "-92233720368547758.08");
}

/* Proves format and parse are inverse over the input range. */
static void test_round_trip(void **state)
{
    (void)state;
    const money_t values[] = {0, 1, -1, 9, 10, 99, 100, 101, -101, 123456789, -987654321,
                              MAX, -MAX, MAX - 1};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char buf[MONEY_BUF];
        money_t back = 0;
        assert_true(parse(money_format(values[i], buf), &back));
        assert_int_equal(back, values[i]);
    }
}

/* Proves rate_pct (4 decimals, 0..100) and mrc_multiple (2 decimals) parse exactly. */
static void test_decimal_parse(void **state)
{
    (void)state;
    decimal_t v = 0;
    const int64_t pct_max = 100 * 10000;
    assert_true(decimal_parse("12.5", 4, RATE_SCALE, pct_max, &v));
    assert_int_equal(v, 125000);
    assert_true(decimal_parse("0.0001", 6, RATE_SCALE, pct_max, &v));
    assert_int_equal(v, 1);
    assert_true(decimal_parse("100", 3, RATE_SCALE, pct_max, &v));
    assert_int_equal(v, 1000000);
    assert_true(decimal_parse("100.0000", 8, RATE_SCALE, pct_max, &v));
    assert_int_equal(v, 1000000);
    assert_false(decimal_parse("100.0001", 8, RATE_SCALE, pct_max, &v));
    assert_false(decimal_parse("12.34567", 8, RATE_SCALE, pct_max, &v));
    assert_false(decimal_parse("-1", 2, RATE_SCALE, pct_max, &v));
    assert_false(decimal_parse("12.", 3, RATE_SCALE, pct_max, &v));
    assert_true(decimal_parse("2.5", 3, MULTIPLE_SCALE, MAX, &v));
    assert_int_equal(v, 250);
    assert_true(decimal_parse("0.05", 4, MULTIPLE_SCALE, MAX, &v));
    assert_int_equal(v, 5);
    assert_false(decimal_parse("2.555", 5, MULTIPLE_SCALE, MAX, &v));
    assert_false(decimal_parse("1e2", 3, MULTIPLE_SCALE, MAX, &v));
}

/* Proves rates print as the shortest exact decimal: 12.5, 10, 0 (§6). */
static void test_decimal_format(void **state)
{
    (void)state;
    assert_decimal(125000, RATE_SCALE, "12.5");
    assert_decimal(100000, RATE_SCALE, "10");
    assert_decimal(1000000, RATE_SCALE, "100");
    assert_decimal(0, RATE_SCALE, "0");
    assert_decimal(1, RATE_SCALE, "0.0001");
    assert_decimal(123456, RATE_SCALE, "12.3456");
    assert_decimal(120300, RATE_SCALE, "12.03");
    assert_decimal(5000, RATE_SCALE, "0.5");
    assert_decimal(250, MULTIPLE_SCALE, "2.5");
    assert_decimal(5, MULTIPLE_SCALE, "0.05");
    assert_decimal(1000, MULTIPLE_SCALE, "10");
    assert_decimal(0, MULTIPLE_SCALE, "0");
    assert_decimal(-250, MULTIPLE_SCALE, "-2.5");
}

/* Proves ties round to the even cent in both signs: 0.125→0.12, 0.135→0.14, -0.125→-0.12, -0.135→-0.14. */
static void test_muldiv_half_even_ties(void **state)
{
    (void)state;
    /* 12.5 cents, 13.5 cents, and their negatives */
    assert_int_equal(money_muldiv(125, 1, 10), 12);
    assert_int_equal(money_muldiv(135, 1, 10), 14);
    assert_int_equal(money_muldiv(-125, 1, 10), -12);
    assert_int_equal(money_muldiv(-135, 1, 10), -14);
    /* the same ties reached as revenue × rate_pct: 1.25 × 10 % and 1.35 × 10 % */
    assert_int_equal(money_muldiv(125, 100000, 1000000), 12);
    assert_int_equal(money_muldiv(135, 100000, 1000000), 14);
    assert_int_equal(money_muldiv(-125, 100000, 1000000), -12);
    assert_int_equal(money_muldiv(-135, 100000, 1000000), -14);
    /* half a cent around zero and one */
    assert_int_equal(money_muldiv(1, 1, 2), 0);
    assert_int_equal(money_muldiv(-1, 1, 2), 0);
    assert_int_equal(money_muldiv(3, 1, 2), 2);
    assert_int_equal(money_muldiv(-3, 1, 2), -2);
    /* on both sides of the 64-bit product (fast path) and 128-bit fallback:
     * (2^62 - 1) × 2 fits in int64, 2^62 × 2 does not; both round half-even */
    assert_true(money_muldiv(INT64_C(4611686018427387903), 2, 4) == INT64_C(2305843009213693952));
    assert_true(money_muldiv(INT64_C(4611686018427387902), 2, 4) == INT64_C(2305843009213693951));
    assert_true(money_muldiv(INT64_C(4611686018427387904), 2, 4) == INT64_C(2305843009213693952));
    assert_true(money_muldiv(INT64_C(-4611686018427387903), 2, 4) == INT64_C(-2305843009213693952));
    assert_true(money_muldiv(INT64_C(4611686018427387905), 2, 4) == INT64_C(2305843009213693952));
    assert_int_equal(money_muldiv(5, 1, 2), 2);
    assert_int_equal(money_muldiv(-5, 1, 2), -2);
}

/* Proves non-ties round to the nearest cent and exact products are untouched. */
static void test_muldiv_nearest(void **state)
{
    (void)state;
    assert_int_equal(money_muldiv(1251, 1, 100), 13);   /* 12.51 */
    assert_int_equal(money_muldiv(1249, 1, 100), 12);   /* 12.49 */
    assert_int_equal(money_muldiv(-1251, 1, 100), -13);
    assert_int_equal(money_muldiv(-1249, 1, 100), -12);
    assert_int_equal(money_muldiv(100000, 125000, 1000000), 12500); /* 1000.00 × 12.5 % */
    assert_int_equal(money_muldiv(10000, 250, 100), 25000);         /* 100.00 × 2.5 */
    assert_int_equal(money_muldiv(24000, 9, 12), 18000);            /* 240.00 × 9/12 */
    assert_int_equal(money_muldiv(10000, 5, 7), 7143);              /* 71.428… */
    assert_int_equal(money_muldiv(0, 999, 7), 0);
}

/* Proves products of amounts near 10^15 cents with rates and multiples do not overflow. */
static void test_muldiv_large(void **state)
{
    (void)state;
    /* 10^15 × 100 %: the intermediate 10^21 exceeds int64 */
    assert_int_equal(money_muldiv(MAX, 1000000, 1000000), MAX);
    assert_int_equal(money_muldiv(-MAX, 1000000, 1000000), -MAX);
    assert_int_equal(money_muldiv(MAX, 125000, 1000000), INT64_C(125000000000000));
    assert_int_equal(money_muldiv(-MAX, 999999, 1000000), INT64_C(-999999000000000));
    /* 999999999999999 × 12.5 % = 124999999999999.875 */
    assert_int_equal(money_muldiv(MAX - 1, 125000, 1000000), INT64_C(125000000000000));
    /* smallest rate on the largest amount: 10^15 × 0.0001 % = 10^9 exactly */
    assert_int_equal(money_muldiv(MAX, 1, 1000000), INT64_C(1000000000));
    /* 999999999999999 × 0.0001 % = 999999999.999999 */
    assert_int_equal(money_muldiv(MAX - 1, 1, 1000000), INT64_C(1000000000));
    /* a multiple of 99.99 on the largest MRC */
    assert_int_equal(money_muldiv(MAX, 9999, 100), INT64_C(99990000000000000));
    /* ties stay half-even at this magnitude */
    assert_int_equal(money_muldiv(MAX + 5, 1, 10), INT64_C(100000000000000));
    assert_int_equal(money_muldiv(MAX + 15, 1, 10), INT64_C(100000000000002));
    assert_int_equal(money_muldiv(-(MAX + 15), 1, 10), INT64_C(-100000000000002));
    /* a chargeback of the largest spiff over a long term */
    assert_int_equal(money_muldiv(MAX, 59, 60), INT64_C(983333333333333));
}

/* Proves money_add refuses int64 overflow instead of wrapping. */
static void test_add_overflow(void **state)
{
    (void)state;
    money_t v = 0;
    assert_true(money_add(MAX, MAX, &v));
    assert_int_equal(v, 2 * MAX);
    assert_true(money_add(-1, 1, &v));
    assert_int_equal(v, 0);
    assert_false(money_add(INT64_MAX, 1, &v));
    assert_false(money_add(INT64_MIN, -1, &v));
    assert_true(money_add(INT64_MAX, INT64_MIN, &v));
    assert_int_equal(v, -1);
}

/* Proves an overflowing add leaves the total as it was: never a wrapped value. */
static void test_add_overflow_leaves_total(void **state)
{
    (void)state;
    money_t total = INT64_MAX - 5;
    assert_false(money_add(total, 6, &total));
    assert_int_equal(total, INT64_MAX - 5);
    assert_true(money_accumulate(&total, 5)); /* just inside: exact */
    assert_int_equal(total, INT64_MAX);
    assert_false(money_accumulate(&total, 1));
    assert_int_equal(total, INT64_MAX);
    total = INT64_MIN + 1;
    assert_false(money_accumulate(&total, -2));
    assert_int_equal(total, INT64_MIN + 1);
    /* 10,000 amounts of 10^15 cents (issue 19): the 9,224th is refused */
    money_t sum = 0;
    int k = 0;
    while (k < 10000 && money_accumulate(&sum, MAX))
        k++;
    assert_int_equal(k, 9223);
    assert_int_equal(sum, 9223 * MAX);
}

/* Proves money_sub, money_mul and money_abs refuse what int64 cannot hold. */
static void test_sub_mul_abs(void **state)
{
    (void)state;
    money_t v = 7;
    assert_true(money_sub(MAX, -MAX, &v));
    assert_int_equal(v, 2 * MAX);
    assert_true(money_sub(-1, INT64_MAX, &v));
    assert_int_equal(v, INT64_MIN);
    v = 7;
    assert_false(money_sub(-2, INT64_MAX, &v));
    assert_false(money_sub(INT64_MAX, -1, &v));
    assert_int_equal(v, 7);
    assert_true(money_mul(MAX, 9223, &v));
    assert_int_equal(v, 9223 * MAX);
    assert_false(money_mul(MAX, 9224, &v));
    assert_false(money_mul(INT64_MIN, -1, &v));
    assert_int_equal(v, 9223 * MAX);
    assert_true(money_abs(-MAX, &v));
    assert_int_equal(v, MAX);
    assert_true(money_abs(INT64_MIN + 1, &v));
    assert_int_equal(v, INT64_MAX);
    assert_false(money_abs(INT64_MIN, &v));
    assert_int_equal(v, INT64_MAX);
}

/* Proves money_muldiv_checked rounds as money_muldiv and refuses a result
 * past int64 (mrc x multiple, a commitment's percent): just inside passes exactly. */
static void test_muldiv_checked(void **state)
{
    (void)state;
    money_t v = 7;
    /* the largest mrc times the largest multiple (1000.00): 10^18 cents */
    assert_true(money_muldiv_checked(MAX, 100000, 100, &v));
    assert_int_equal(v, INT64_C(1000000000000000000));
    /* ten times that multiple would wrap */
    v = 7;
    assert_false(money_muldiv_checked(MAX, 1000000, 100, &v));
    assert_int_equal(v, 7);
    /* percent hundredths of a commitment of 0.01: to_date x 10000 */
    assert_true(money_muldiv_checked(INT64_C(922337203685477), 10000, 1, &v));
    assert_int_equal(v, INT64_C(9223372036854770000));
    assert_false(money_muldiv_checked(INT64_C(922337203685478), 10000, 1, &v));
    assert_false(money_muldiv_checked(MAX, 10000, 1, &v)); /* 10^13.00 on 0.01: issue 19 */
    /* exactly INT64_MAX / INT64_MIN after rounding */
    assert_true(money_muldiv_checked(INT64_MAX, 3, 3, &v));
    assert_int_equal(v, INT64_MAX);
    assert_true(money_muldiv_checked(INT64_MIN, 1, 1, &v));
    assert_int_equal(v, INT64_MIN);
    assert_false(money_muldiv_checked(INT64_MIN, -1, 1, &v));
    /* (2^63 - 1) * 2 / 4 = 2^62 - 0.5: half-even rounds to 2^62, which fits */
    assert_true(money_muldiv_checked(INT64_MAX, 2, 4, &v));
    assert_int_equal(v, INT64_C(4611686018427387904));
    /* a divisor <= 0 is refused, not a crash */
    assert_false(money_muldiv_checked(1, 1, 0, &v));
    assert_false(money_muldiv_checked(1, 1, -1, &v));
    /* the same answers as money_muldiv where both apply */
    int64_t cases[][3] = {{25, 1, 10}, {-25, 1, 10}, {35, 1, 10}, {MAX - 1, 125000, 1000000},
                          {MAX, 59, 60}, {-MAX, 999999, 1000000}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_true(money_muldiv_checked(cases[i][0], cases[i][1], cases[i][2], &v));
        assert_int_equal(v, money_muldiv(cases[i][0], cases[i][1], cases[i][2]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_refused),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_parse_respects_len),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_decimal_parse),
        cmocka_unit_test(test_decimal_format),
        cmocka_unit_test(test_muldiv_half_even_ties),
        cmocka_unit_test(test_muldiv_nearest),
        cmocka_unit_test(test_muldiv_large),
        cmocka_unit_test(test_add_overflow),
        cmocka_unit_test(test_add_overflow_leaves_total),
        cmocka_unit_test(test_sub_mul_abs),
        cmocka_unit_test(test_muldiv_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
