/*
 * test_points.c — rules/points.c against SPEC §4.6 and §8.8: the
 * Marketplace points ledger (P9): the provider's MKT agreement, the phase
 * (tier in effect for P) and its fallback, prerequisites, repeats across
 * phases, and the (activity_date, activity_id) order.
 */
#include "fake.h"

#include <string.h>

#include "points.h"
#include "tiers.h"

/*
 * Providers: PRV (M1), PRV2 (M2-0 ended 2017-11-10, M2-B, M2-A), PRV3 (a CTL
 * agreement only), PRV4 (M4 from 2017-11-15). Program MKT-PP (points):
 * Silver 0 < Gold 500 < Platinum 5000.
 * points.csv:  phase     activity       points  requires  repeatable
 *              Silver    webinar        10      -         yes
 *              Gold      webinar        20      -         yes
 *              Silver    listing        100     -         no
 *              Gold      listing        150     -         no
 *              Silver    certification  50      100       no
 *              Gold      case_study     200     300       no
 *              Platinum  keynote        1000    -         yes
 */
static month_t *world(fake_t *f)
{
    fake_partner(f, "PRV", LANG_EN);
    fake_partner(f, "PRV2", LANG_EN);
    fake_partner(f, "PRV3", LANG_EN);
    fake_partner(f, "PRV4", LANG_EN);
    fake_agreement(f, "M1", "PRV", LEGACY_MKT, "PL-M", "USD", "2017-01-01", NULL);
    fake_agreement(f, "M2-B", "PRV2", LEGACY_MKT, "PL-M", "USD", "2017-01-01", NULL);
    fake_agreement(f, "M2-A", "PRV2", LEGACY_MKT, "PL-M", "USD", "2017-01-01", NULL);
    fake_agreement(f, "M2-0", "PRV2", LEGACY_MKT, "PL-M", "USD", "2017-01-01", "2017-11-10");
    fake_agreement(f, "C3", "PRV3", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "M4", "PRV4", LEGACY_MKT, "PL-M", "USD", "2017-11-15", NULL);
    fake_program(f, "MKT-PP", LEGACY_MKT, BASIS_POINTS, REVIEW_MONTHLY, 1, "Silver", NULL, NULL,
                 "2017-01", NULL);
    fake_tier(f, "MKT-PP", "Silver", 1, 0);
    fake_tier(f, "MKT-PP", "Gold", 2, 500);
    fake_tier(f, "MKT-PP", "Platinum", 3, 5000);
    fake_points_rule(f, "MKT-PP", "Silver", "webinar", 10, -1, true);
    fake_points_rule(f, "MKT-PP", "Gold", "webinar", 20, -1, true);
    fake_points_rule(f, "MKT-PP", "Silver", "listing", 100, -1, false);
    fake_points_rule(f, "MKT-PP", "Gold", "listing", 150, -1, false);
    fake_points_rule(f, "MKT-PP", "Silver", "certification", 50, 100, false);
    fake_points_rule(f, "MKT-PP", "Gold", "case_study", 200, 300, false);
    fake_points_rule(f, "MKT-PP", "Platinum", "keynote", 1000, -1, true);
    fake_finish(f);
    return fake_month(f, "2017-11");
}

/* Place M1 in `tier` for P (as the last review decided) with `before` points to date. */
static void provider_at(fake_t *f, const char *tier, int64_t before)
{
    fake_prior_tier(f, "M1", "2017-10", "MKT-PP", tier, RULE_REVIEW);
    f->month.points_before[fake_ag(f, "M1")] = before;
}

static void award(fake_t *f)
{
    tiers_place(&f->month);
    points_award(&f->month);
}

static const activity_t *activity_of(const fake_t *f, const char *id)
{
    for (size_t i = 0; i < f->month.activities.n; i++)
        if (strcmp(f->month.activities.v[i].id, id) == 0)
            return &f->month.activities.v[i];
    fail_msg("no activity %s", id);
    return NULL;
}

/* One activity's decision; agreement NULL = none found. */
static void assert_activity(const fake_t *f, const char *id, status_t status, rule_code rule,
                            const char *agreement_id, int64_t points, int64_t to_date)
{
    const activity_t *a = activity_of(f, id);
    assert_string_equal(status_names[a->status], status_names[status]);
    assert_string_equal(rule_name(a->rule), rule_name(rule));
    if (agreement_id)
        assert_int_equal(a->agreement, fake_ag(f, agreement_id));
    else
        assert_int_equal(a->agreement, -1);
    assert_int_equal(a->points, points);
    assert_int_equal(a->points_to_date, to_date);
}

/* Proves an activity of the phase is awarded its points, added to the agreement's total. */
static void test_awarded(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    provider_at(f, "Silver", 40);
    fake_activity(f, "AC1", "PRV", "listing", "2017-11-03");
    fake_activity(f, "AC2", "PRV", "webinar", "2017-11-04");
    award(f);
    assert_activity(f, "AC1", STATUS_AWARDED, RULE_AWARDED, "M1", 100, 140);
    assert_activity(f, "AC2", STATUS_AWARDED, RULE_AWARDED, "M1", 10, 150);
    assert_int_equal(m->current[fake_ag(f, "M1")].points, 110);
}

/* Proves point values depend on the phase: the tier in effect for P. */
static void test_phase_dependent_points(void **state)
{
    fake_t *f = *state;
    world(f);
    provider_at(f, "Gold", 600);
    fake_activity(f, "AC1", "PRV", "webinar", "2017-11-03");
    award(f);
    assert_activity(f, "AC1", STATUS_AWARDED, RULE_AWARDED, "M1", 20, 620);
}

/* Proves a phase without a row falls back to the highest lower phase (Gold, not Silver). */
static void test_phase_fallback(void **state)
{
    fake_t *f = *state;
    world(f);
    provider_at(f, "Platinum", 6000);
    fake_activity(f, "AC1", "PRV", "webinar", "2017-11-03");
    fake_activity(f, "AC2", "PRV", "listing", "2017-11-04");
    fake_activity(f, "AC3", "PRV", "keynote", "2017-11-05");
    award(f);
    assert_activity(f, "AC1", STATUS_AWARDED, RULE_AWARDED, "M1", 20, 6020);
    assert_activity(f, "AC2", STATUS_AWARDED, RULE_AWARDED, "M1", 150, 6170);
    assert_activity(f, "AC3", STATUS_AWARDED, RULE_AWARDED, "M1", 1000, 7170);
    /* the lookup itself */
    const book_t *b = &f->book;
    assert_int_equal(b->points.v[points_rule_for(b, "MKT-PP", "Platinum", "webinar")].points, 20);
    assert_int_equal(b->points.v[points_rule_for(b, "MKT-PP", "Silver", "webinar")].points, 10);
    assert_int_equal(points_rule_for(b, "MKT-PP", "Gold", "keynote"), -1);
    assert_int_equal(points_rule_for(b, "MKT-PP", "NoSuchTier", "webinar"), -1);
}

/* Proves no row in the phase or below rejects the activity; a rejected row shows the current total. */
static void test_activity_not_in_phase(void **state)
{
    fake_t *f = *state;
    world(f);
    provider_at(f, "Gold", 600);
    fake_activity(f, "AC1", "PRV", "webinar", "2017-11-01");
    fake_activity(f, "AC2", "PRV", "keynote", "2017-11-02"); /* Platinum only */
    fake_activity(f, "AC3", "PRV", "unknown_code", "2017-11-03");
    award(f);
    assert_activity(f, "AC2", STATUS_REJECTED, RULE_ACTIVITY_NOT_IN_PHASE, "M1", 0, 620);
    assert_activity(f, "AC3", STATUS_REJECTED, RULE_ACTIVITY_NOT_IN_PHASE, "M1", 0, 620);
}

/* Proves requires_points > points awarded before the activity rejects it; equal is enough. */
static void test_prerequisite(void **state)
{
    fake_t *f = *state;
    world(f);
    provider_at(f, "Gold", 250);
    fake_activity(f, "AC1", "PRV", "case_study", "2017-11-01"); /* 250 < 300 */
    fake_activity(f, "AC2", "PRV", "webinar", "2017-11-02");    /* 270 */
    fake_activity(f, "AC3", "PRV", "webinar", "2017-11-03");    /* 290 */
    fake_activity(f, "AC4", "PRV", "case_study", "2017-11-04"); /* 290 < 300 */
    fake_activity(f, "AC5", "PRV", "webinar", "2017-11-05");    /* 310 */
    fake_activity(f, "AC6", "PRV", "case_study", "2017-11-06"); /* 310 ≥ 300 */
    award(f);
    assert_activity(f, "AC1", STATUS_REJECTED, RULE_PREREQUISITE_NOT_MET, "M1", 0, 250);
    assert_activity(f, "AC4", STATUS_REJECTED, RULE_PREREQUISITE_NOT_MET, "M1", 0, 290);
    assert_activity(f, "AC6", STATUS_AWARDED, RULE_AWARDED, "M1", 200, 510);
}

/* Proves the prerequisite boundary: exactly requires_points before the activity is met. */
static void test_prerequisite_boundary(void **state)
{
    fake_t *f = *state;
    world(f);
    provider_at(f, "Silver", 0);
    fake_activity(f, "AC1", "PRV", "listing", "2017-11-01");       /* 100 */
    fake_activity(f, "AC2", "PRV", "certification", "2017-11-02"); /* requires 100 */
    award(f);
    assert_activity(f, "AC2", STATUS_AWARDED, RULE_AWARDED, "M1", 50, 150);
}

/* Proves a non-repeatable activity is awarded once, in P or earlier; repeatable ones each time. */
static void test_already_awarded(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    provider_at(f, "Silver", 500);
    /* the ledger: certification awarded in an earlier period */
    strmap_put(&m->awarded, "M1\x1f" "certification", strlen("M1\x1f" "certification"), 1);
    fake_activity(f, "AC1", "PRV", "listing", "2017-11-01");
    fake_activity(f, "AC2", "PRV", "listing", "2017-11-02");
    fake_activity(f, "AC3", "PRV", "certification", "2017-11-03");
    fake_activity(f, "AC4", "PRV", "webinar", "2017-11-04");
    fake_activity(f, "AC5", "PRV", "webinar", "2017-11-05");
    award(f);
    assert_activity(f, "AC1", STATUS_AWARDED, RULE_AWARDED, "M1", 100, 600);
    assert_activity(f, "AC2", STATUS_REJECTED, RULE_ALREADY_AWARDED, "M1", 0, 600);
    assert_activity(f, "AC3", STATUS_REJECTED, RULE_ALREADY_AWARDED, "M1", 0, 600);
    assert_activity(f, "AC4", STATUS_AWARDED, RULE_AWARDED, "M1", 10, 610);
    assert_activity(f, "AC5", STATUS_AWARDED, RULE_AWARDED, "M1", 10, 620);
}

/* Proves already_awarded is keyed by activity code across phases (§8.8). */
static void test_already_awarded_across_phases(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    provider_at(f, "Gold", 700);
    /* listing was awarded while the provider was Silver */
    strmap_put(&m->awarded, "M1\x1f" "listing", strlen("M1\x1f" "listing"), 1);
    fake_activity(f, "AC1", "PRV", "listing", "2017-11-01");
    award(f);
    assert_activity(f, "AC1", STATUS_REJECTED, RULE_ALREADY_AWARDED, "M1", 0, 700);
}

/* Proves a provider without an MKT agreement active on the date is rejected with total 0. */
static void test_no_marketplace_agreement(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_activity(f, "AC1", "PRV3", "listing", "2017-11-01");  /* CTL only */
    fake_activity(f, "AC2", "NOBODY", "listing", "2017-11-01"); /* unknown partner */
    fake_activity(f, "AC3", "PRV4", "listing", "2017-11-14");  /* M4 starts 11-15 */
    fake_activity(f, "AC4", "PRV4", "listing", "2017-11-15");
    award(f);
    assert_activity(f, "AC1", STATUS_REJECTED, RULE_NO_MARKETPLACE_AGREEMENT, NULL, 0, 0);
    assert_activity(f, "AC2", STATUS_REJECTED, RULE_NO_MARKETPLACE_AGREEMENT, NULL, 0, 0);
    assert_activity(f, "AC3", STATUS_REJECTED, RULE_NO_MARKETPLACE_AGREEMENT, NULL, 0, 0);
    assert_activity(f, "AC4", STATUS_AWARDED, RULE_AWARDED, "M4", 100, 100);
}

/* Proves with several MKT agreements the lowest agreement_id active on the activity date is used. */
static void test_lowest_active_marketplace_agreement(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    fake_activity(f, "AC1", "PRV2", "listing", "2017-11-10"); /* M2-0's last day */
    fake_activity(f, "AC2", "PRV2", "listing", "2017-11-11"); /* M2-A, not M2-B */
    fake_activity(f, "AC3", "PRV2", "listing", "2017-11-12"); /* M2-A again: repeat */
    award(f);
    assert_activity(f, "AC1", STATUS_AWARDED, RULE_AWARDED, "M2-0", 100, 100);
    assert_activity(f, "AC2", STATUS_AWARDED, RULE_AWARDED, "M2-A", 100, 100);
    assert_activity(f, "AC3", STATUS_REJECTED, RULE_ALREADY_AWARDED, "M2-A", 0, 100);
    assert_int_equal(m->current[fake_ag(f, "M2-B")].points, 0);
}

/* Proves activities are decided in (activity_date, activity_id) order, not file order. */
static void test_date_then_id_order(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    provider_at(f, "Silver", 0);
    fake_activity(f, "X-B", "PRV", "listing", "2017-11-05");
    fake_activity(f, "X-A", "PRV", "listing", "2017-11-05");
    fake_activity(f, "X-C", "PRV", "listing", "2017-11-01");
    fake_activity(f, "X-0", "PRV", "certification", "2017-11-05"); /* after X-C's 100 points */
    award(f);
    assert_activity(f, "X-C", STATUS_AWARDED, RULE_AWARDED, "M1", 100, 100);
    assert_activity(f, "X-0", STATUS_AWARDED, RULE_AWARDED, "M1", 50, 150);
    assert_activity(f, "X-A", STATUS_REJECTED, RULE_ALREADY_AWARDED, "M1", 0, 150);
    assert_activity(f, "X-B", STATUS_REJECTED, RULE_ALREADY_AWARDED, "M1", 0, 150);
    assert_string_equal(m->activities.v[0].id, "X-C");
    assert_string_equal(m->activities.v[1].id, "X-0");
    assert_string_equal(m->activities.v[2].id, "X-A");
    assert_string_equal(m->activities.v[3].id, "X-B");
}

/* Proves the check order: marketplace agreement → phase → prerequisite → already awarded (§8.8). */
static void test_check_order(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    provider_at(f, "Silver", 0);
    strmap_put(&m->awarded, "M1\x1f" "certification", strlen("M1\x1f" "certification"), 1);
    strmap_put(&m->awarded, "M1\x1f" "case_study", strlen("M1\x1f" "case_study"), 1);
    /* no MKT agreement and no such code: the agreement comes first */
    fake_activity(f, "AC1", "PRV3", "unknown_code", "2017-11-01");
    /* Gold-only, prerequisite unmet and already awarded: the phase comes first */
    fake_activity(f, "AC2", "PRV", "case_study", "2017-11-02");
    /* prerequisite unmet and already awarded: the prerequisite comes first */
    fake_activity(f, "AC3", "PRV", "certification", "2017-11-03");
    award(f);
    assert_activity(f, "AC1", STATUS_REJECTED, RULE_NO_MARKETPLACE_AGREEMENT, NULL, 0, 0);
    assert_activity(f, "AC2", STATUS_REJECTED, RULE_ACTIVITY_NOT_IN_PHASE, "M1", 0, 0);
    assert_activity(f, "AC3", STATUS_REJECTED, RULE_PREREQUISITE_NOT_MET, "M1", 0, 0);
}

/* Proves points to date are a checked sum: up to INT64_MAX exactly, then an
 * overflow naming the activity's line, never a negative total. */
static void test_points_total_overflow(void **state)
{
    fake_t *f = *state;
    world(f);
    provider_at(f, "Silver", INT64_MAX - 20);
    fake_activity(f, "ACT-1", "PRV", "webinar", "2017-11-03");
    fake_activity(f, "ACT-2", "PRV", "webinar", "2017-11-04");
    fake_activity(f, "ACT-3", "PRV", "webinar", "2017-11-05");
    award(f);
    assert_true(month_overflowed(&f->month));
    assert_activity(f, "ACT-2", STATUS_AWARDED, RULE_AWARDED, "M1", 10, INT64_MAX);
    assert_int_equal(f->month.overflow.source, SOURCE_ACTIVITIES);
    assert_int_equal(f->month.overflow.line, activity_of(f, "ACT-3")->line);
    assert_int_equal(f->month.current[fake_ag(f, "M1")].points, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_awarded),
        FAKE_TEST(test_points_total_overflow),
        FAKE_TEST(test_phase_dependent_points),
        FAKE_TEST(test_phase_fallback),
        FAKE_TEST(test_activity_not_in_phase),
        FAKE_TEST(test_prerequisite),
        FAKE_TEST(test_prerequisite_boundary),
        FAKE_TEST(test_already_awarded),
        FAKE_TEST(test_already_awarded_across_phases),
        FAKE_TEST(test_no_marketplace_agreement),
        FAKE_TEST(test_lowest_active_marketplace_agreement),
        FAKE_TEST(test_date_then_id_order),
        FAKE_TEST(test_check_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
