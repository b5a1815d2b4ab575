/*
 * test_commitments.c — rules/commitments.c against SPEC §4.5 and §8.7:
 * retired in P and to date per agreement (P6, never pooled), remaining,
 * percent (2 decimals, half-even, not capped) and the status boundaries in
 * exact integer arithmetic.
 */
#include "fake.h"

#include <string.h>

#include "commitments.h"

static period_t P(const char *s) { return fake_period(s); }

/* commitments_status for a commitment over [start, end] seen in period p. */
static const char *status(const char *amount, const char *to_date, const char *start,
                          const char *end, const char *p)
{
    return rule_name(commitments_status(fake_money(amount), fake_money(to_date), P(start), P(end),
                                        P(p)));
}

/*
 * P1 holds A1 (CTL) and A1-L3 (LVL3); P2 holds A2.
 * C-REV: A1, revenue, 1,200.00 over 2017-07..2017-12 (6 months)
 * C-MRC: A1, mrc, 500.00 over 2017-10..2018-03
 * C-L3:  A1-L3, revenue, 800.00 over 2017-11..2017-11
 * C-OLD: A2, revenue, 100.00 over 2017-01..2017-10 (ended)
 * C-NEW: A2, revenue, 100.00 over 2017-12..2018-12 (not started)
 */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PL", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A1-L3", "P1", LEGACY_LVL3, "PL", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2", "P2", LEGACY_CTL, "PL", "USD", "2017-01-01", NULL);
    fake_commitment(f, "C-REV", "A1", BASIS_REVENUE, "1200.00", "2017-07", "2017-12");
    fake_commitment(f, "C-MRC", "A1", BASIS_MRC, "500.00", "2017-10", "2018-03");
    fake_commitment(f, "C-L3", "A1-L3", BASIS_REVENUE, "800.00", "2017-11", "2017-11");
    fake_commitment(f, "C-OLD", "A2", BASIS_REVENUE, "100.00", "2017-01", "2017-10");
    fake_commitment(f, "C-NEW", "A2", BASIS_REVENUE, "100.00", "2017-12", "2018-12");
    fake_finish(f);
    return fake_month(f, "2017-11");
}

static const commitment_result_t *result_of(const fake_t *f, const char *commitment_id)
{
    const commitment_result_t *found = NULL;
    for (size_t i = 0; i < f->month.commitments.n; i++) {
        const commitment_result_t *r = &f->month.commitments.v[i];
        if (strcmp(f->master.commitments.v[r->commitment].id, commitment_id) == 0) {
            assert_null(found);
            found = r;
        }
    }
    if (!found)
        fail_msg("no result for commitment %s", commitment_id);
    return found;
}

static void assert_result(const fake_t *f, const char *commitment_id, const char *retired,
                          const char *to_date, const char *remaining, int64_t percent,
                          rule_code st)
{
    const commitment_result_t *r = result_of(f, commitment_id);
    assert_money(r->retired_period, retired);
    assert_money(r->retired_to_date, to_date);
    assert_money(r->remaining, remaining);
    assert_int_equal(r->percent_hundredths, percent);
    assert_string_equal(rule_name(r->status), rule_name(st));
}

/* ---- status ----------------------------------------------------------------- */

/* Proves met is to_date ≥ amount, at any point of the window, the end included. */
static void test_status_met(void **state)
{
    (void)state;
    assert_string_equal(status("1200.00", "1200.00", "2017-01", "2017-12", "2017-02"), "met");
    assert_string_equal(status("1200.00", "5000.00", "2017-01", "2017-12", "2017-02"), "met");
    assert_string_equal(status("1200.00", "1200.00", "2017-01", "2017-12", "2017-12"), "met");
}

/* Proves missed is short of the amount in the end period, however close. */
static void test_status_missed(void **state)
{
    (void)state;
    assert_string_equal(status("1200.00", "1199.99", "2017-01", "2017-12", "2017-12"), "missed");
    assert_string_equal(status("1200.00", "0.00", "2017-11", "2017-11", "2017-11"), "missed");
}

/* Proves on_track iff to_date × total ≥ amount × elapsed (elapsed counts P), else at_risk. */
static void test_status_on_track_boundary(void **state)
{
    (void)state;
    /* 12 months, 3 elapsed: 300.00 is exactly on track */
    assert_string_equal(status("1200.00", "300.00", "2017-01", "2017-12", "2017-03"), "on_track");
    assert_string_equal(status("1200.00", "299.99", "2017-01", "2017-12", "2017-03"), "at_risk");
    /* the first month counts as elapsed */
    assert_string_equal(status("1200.00", "100.00", "2017-01", "2017-12", "2017-01"), "on_track");
    assert_string_equal(status("1200.00", "99.99", "2017-01", "2017-12", "2017-01"), "at_risk");
    assert_string_equal(status("1200.00", "0.00", "2017-01", "2017-12", "2017-01"), "at_risk");
    /* across a year end: 2017-11..2018-04 is 6 months, 2018-01 is the 3rd */
    assert_string_equal(status("600.00", "300.00", "2017-11", "2018-04", "2018-01"), "on_track");
    assert_string_equal(status("600.00", "299.99", "2017-11", "2018-04", "2018-01"), "at_risk");
}

/* Proves the comparison is exact: 1,000.00 over 3 months needs 333.34 after one, not 333.33. */
static void test_status_exact_arithmetic(void **state)
{
    (void)state;
    /* a pro-rata target of 333.333… cents-rounded or truncated would accept 333.33 */
    assert_string_equal(status("1000.00", "333.33", "2017-01", "2017-03", "2017-01"), "at_risk");
    assert_string_equal(status("1000.00", "333.34", "2017-01", "2017-03", "2017-01"), "on_track");
    assert_string_equal(status("1000.00", "666.66", "2017-01", "2017-03", "2017-02"), "at_risk");
    assert_string_equal(status("1000.00", "666.67", "2017-01", "2017-03", "2017-02"), "on_track");
    /* 10^15 cents over 120 months: products beyond int64 */
    money_t big = MONEY_INPUT_MAX;
    assert_int_equal(commitments_status(big, big / 120 * 60, P("2017-01"), P("2026-12"),
                                        P("2021-12")),
                     RULE_AT_RISK); /* 10^15/120 is not whole: 60 × floor < half */
    assert_int_equal(commitments_status(big, big / 2, P("2017-01"), P("2026-12"), P("2021-12")),
                     RULE_ON_TRACK);
    assert_int_equal(commitments_status(big, big / 2 - 1, P("2017-01"), P("2026-12"),
                                        P("2021-12")),
                     RULE_AT_RISK);
}

/* ---- retirement --------------------------------------------------------------- */

/* Proves revenue retires per agreement: history from start_period plus P, remaining, percent. */
static void test_retire_revenue(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    fake_history(f, "A1", "2017-06", "999.00", "0.00"); /* before start: not counted */
    fake_history(f, "A1", "2017-07", "200.00", "0.00");
    fake_history(f, "A1", "2017-09", "150.00", "0.00");
    m->current[fake_ag(f, "A1")].revenue = fake_money("250.00");
    commitments_retire(m);
    /* 600.00 of 1,200.00 after 5 of 6 months: 600 × 6 < 1200 × 5 */
    assert_result(f, "C-REV", "250.00", "600.00", "600.00", 5000, RULE_AT_RISK);
}

/* Proves P6: a partner's other agreement never retires this agreement's commitment. */
static void test_retire_per_agreement(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    m->current[fake_ag(f, "A1")].revenue = fake_money("100.00");
    m->current[fake_ag(f, "A1-L3")].revenue = fake_money("5000.00");
    fake_history(f, "A1-L3", "2017-10", "3000.00", "0.00");
    commitments_retire(m);
    assert_result(f, "C-REV", "100.00", "100.00", "1100.00", 833, RULE_AT_RISK);
    assert_result(f, "C-L3", "5000.00", "5000.00", "0.00", 62500, RULE_MET);
}

/* Proves an mrc commitment retires installed MRC, not revenue. */
static void test_retire_mrc(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    fake_history(f, "A1", "2017-10", "7000.00", "60.00");
    m->current[fake_ag(f, "A1")].revenue = fake_money("9000.00");
    m->current[fake_ag(f, "A1")].installed_mrc = fake_money("40.00");
    commitments_retire(m);
    /* 100.00 of 500.00 after 2 of 6 months: 100 × 6 < 500 × 2 */
    assert_result(f, "C-MRC", "40.00", "100.00", "400.00", 2000, RULE_AT_RISK);
}

/* Proves only commitments whose window contains P get a result. */
static void test_retire_window(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    commitments_retire(m);
    assert_int_equal(m->commitments.n, 3);
    result_of(f, "C-REV");
    result_of(f, "C-MRC");
    result_of(f, "C-L3");
}

/* Proves percent is half-even to 2 decimals: 1.00 of 800.00 is 0.125 % → 0.12, 1.08 → 0.14. */
static void test_percent_half_even(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    m->current[fake_ag(f, "A1-L3")].revenue = fake_money("1.00");
    commitments_retire(m);
    assert_int_equal(result_of(f, "C-L3")->percent_hundredths, 12);
    m->commitments.n = 0;
    m->current[fake_ag(f, "A1-L3")].revenue = fake_money("1.08");
    commitments_retire(m);
    assert_int_equal(result_of(f, "C-L3")->percent_hundredths, 14);
    m->commitments.n = 0;
    m->current[fake_ag(f, "A1-L3")].revenue = fake_money("0.70"); /* 0.0875 % */
    commitments_retire(m);
    assert_int_equal(result_of(f, "C-L3")->percent_hundredths, 9);
}

/* Proves percent is not capped at 100 and remaining never goes below 0 (§8.7). */
static void test_percent_not_capped(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    m->current[fake_ag(f, "A1-L3")].revenue = fake_money("1000.00");
    commitments_retire(m);
    assert_result(f, "C-L3", "1000.00", "1000.00", "0.00", 12500, RULE_MET);
}

/* Proves negative revenue (credits) reduces what is retired. */
static void test_negative_revenue(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    fake_history(f, "A1", "2017-07", "700.00", "0.00");
    fake_history(f, "A1", "2017-10", "400.00", "0.00");
    m->current[fake_ag(f, "A1")].revenue = fake_money("-100.00");
    commitments_retire(m);
    /* 1,000.00 of 1,200.00 after 5 of 6: 1000 × 6 = 6000 ≥ 1200 × 5 = 6000 */
    assert_result(f, "C-REV", "-100.00", "1000.00", "200.00", 8333, RULE_ON_TRACK);
}

/* ---- overflow (SPEC §2: never a wrapped value) -------------------------------- */

static int32_t commitment_ix(const fake_t *f, const char *id)
{
    for (size_t i = 0; i < f->master.commitments.n; i++)
        if (strcmp(f->master.commitments.v[i].id, id) == 0)
            return (int32_t)i;
    fail_msg("no commitment %s", id);
    return -1;
}

/* Proves the percent retired (uncapped, §8.7) is taken in 128 bits: on a
 * commitment of 0.01 the largest to_date whose hundredths fit int64 is exact,
 * one cent more is an overflow naming commitments.csv's line and amount. */
static void test_percent_overflow(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    commitment_t *c = &f->master.commitments.v[commitment_ix(f, "C-L3")];
    c->amount = 1;
    c->line = 4;
    m->current[fake_ag(f, "A1-L3")].revenue = INT64_C(922337203685477);
    commitments_retire(m);
    assert_false(month_overflowed(m));
    assert_int_equal(result_of(f, "C-L3")->percent_hundredths, INT64_C(9223372036854770000));
    m->commitments.n = 0;
    m->current[fake_ag(f, "A1-L3")].revenue = INT64_C(922337203685478);
    commitments_retire(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.source, SOURCE_COMMITMENTS);
    assert_int_equal(m->overflow.line, 4);
    assert_string_equal(m->overflow.column, "amount");
    assert_int_equal(m->overflow.agreement, fake_ag(f, "A1-L3"));
}

/* Proves retired to date (history + P) and remaining are checked sums. */
static void test_to_date_and_remaining_overflow(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    fake_history(f, "A1", "2017-10", "1.00", "0.00");
    m->history.v[0].revenue = INT64_MAX;
    m->current[fake_ag(f, "A1")].revenue = 1;
    commitments_retire(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.agreement, fake_ag(f, "A1"));
    assert_non_null(strstr(m->overflow.what, "retired to date"));

    memset(&m->overflow, 0, sizeof(m->overflow));
    m->commitments.n = 0;
    m->history.v[0].revenue = INT64_MIN + 1; /* 1200.00 - that does not fit */
    m->current[fake_ag(f, "A1")].revenue = 0;
    commitments_retire(m);
    assert_true(month_overflowed(m));
    assert_non_null(strstr(m->overflow.what, "remaining"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_met),
        cmocka_unit_test(test_status_missed),
        cmocka_unit_test(test_status_on_track_boundary),
        cmocka_unit_test(test_status_exact_arithmetic),
        FAKE_TEST(test_retire_revenue),
        FAKE_TEST(test_retire_per_agreement),
        FAKE_TEST(test_retire_mrc),
        FAKE_TEST(test_retire_window),
        FAKE_TEST(test_percent_half_even),
        FAKE_TEST(test_percent_not_capped),
        FAKE_TEST(test_negative_revenue),
        FAKE_TEST(test_percent_overflow),
        FAKE_TEST(test_to_date_and_remaining_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
