/*
 * test_tiers.c — rules/tiers.c against SPEC §4.3 and §8.9: placement for P
 * from the ledger's last tiers row (entry / review / carried / frozen), the
 * review at the end of P on the cycle of P+1's program, the revenue window,
 * the combined basis from combine_from (P7) and a program change (P8).
 * The revenue of P is set directly on m->current, as assignment leaves it.
 */
#include "fake.h"

#include <string.h>

#include "rates.h"
#include "tiers.h"

/* A three-tier revenue program; thresholds in money literals. */
static void program3(fake_t *f, const char *name, legacy_t legacy, review_t review,
                     int32_t window, const char *freeze_until, const char *combine_from,
                     const char *from, const char *to, const char *t1, const char *t2,
                     const char *min2, const char *t3, const char *min3)
{
    fake_program(f, name, legacy, BASIS_REVENUE, review, window, t1, freeze_until, combine_from,
                 from, to);
    fake_tier(f, name, t1, 1, 0);
    fake_tier(f, name, t2, 2, fake_money(min2));
    fake_tier(f, name, t3, 3, fake_money(min3));
}

/* Level 3's channel program: monthly, 3-month window, Authorized < Premier (10,000) < Elite (50,000). */
static void l3_channel(fake_t *f, const char *freeze_until, const char *combine_from)
{
    program3(f, "L3-CH", LEGACY_LVL3, REVIEW_MONTHLY, 3, freeze_until, combine_from, "2017-01",
             NULL, "Authorized", "Premier", "10000.00", "Elite", "50000.00");
}

/* Partners P1 (A1, A1B: LVL3; A1-CTL: CTL) and P2 (A2: LVL3), A-ENDED (LVL3, ended). */
static void agreements(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_LVL3, "PL", "USD", "2016-01-01", NULL);
    fake_agreement(f, "A1B", "P1", LEGACY_LVL3, "PL", "USD", "2016-01-01", NULL);
    fake_agreement(f, "A1-CTL", "P1", LEGACY_CTL, "PL", "USD", "2016-01-01", NULL);
    fake_agreement(f, "A2", "P2", LEGACY_LVL3, "PL", "USD", "2016-01-01", NULL);
    fake_agreement(f, "A-ENDED", "P2", LEGACY_LVL3, "PL", "USD", "2016-01-01", "2017-10-31");
}

static void revenue_of_p(fake_t *f, const char *agreement_id, const char *amount)
{
    f->month.current[fake_ag(f, agreement_id)].revenue = fake_money(amount);
}

static const tier_state_t *state_of(fake_t *f, const char *agreement_id)
{
    return &f->month.tiers[fake_ag(f, agreement_id)];
}

static const char *program_name(fake_t *f, int32_t program)
{
    return program < 0 ? "" : f->book.programs.v[program].name;
}

/* The tier in effect for P, its program and how it was set. */
static void assert_placed(fake_t *f, const char *agreement_id, const char *program,
                          const char *tier, rule_code rule)
{
    const tier_state_t *t = state_of(f, agreement_id);
    assert_string_equal(program_name(f, t->program), program);
    assert_string_equal(t->tier ? t->tier : "", tier);
    assert_string_equal(rule_name(t->rule), rule_name(rule));
}

/* The review at the end of P: next program, next tier, its rule and the basis used. */
static void assert_reviewed(fake_t *f, const char *agreement_id, const char *program,
                            const char *next_tier, rule_code rule, const char *basis)
{
    const tier_state_t *t = state_of(f, agreement_id);
    assert_true(t->reviewed);
    assert_string_equal(program_name(f, t->next_program), program);
    assert_string_equal(t->next_tier ? t->next_tier : "", next_tier);
    assert_string_equal(rule_name(t->next_rule), rule_name(rule));
    assert_money(t->basis_value, basis);
}

static void assert_not_reviewed(fake_t *f, const char *agreement_id)
{
    const tier_state_t *t = state_of(f, agreement_id);
    assert_false(t->reviewed);
    assert_null(t->next_tier);
    assert_string_equal(rule_name(t->next_rule), "");
}

/* ---- placement -------------------------------------------------------------- */

/* Proves an agreement never reviewed under its program starts at the entry tier (entry). */
static void test_entry(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    tiers_place(m);
    assert_placed(f, "A1", "L3-CH", "Authorized", RULE_ENTRY);
}

/* Proves a legacy with no program in effect has no tier and no review. */
static void test_no_program(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    tiers_place(m);
    tiers_review(m);
    assert_placed(f, "A1-CTL", "", "", RULE_NONE);
    assert_int_equal(state_of(f, "A1-CTL")->program, -1);
    assert_not_reviewed(f, "A1-CTL");
}

/* Proves the tier for P is the one the last review decided, with that review's rule. */
static void test_placement_from_last_review(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    tier_prior_t *t = fake_prior_tier(f, "A1", "2017-10", "L3-CH", "Authorized", RULE_ENTRY);
    t->reviewed = true;
    t->next_program = "L3-CH";
    t->next_tier = "Premier";
    t->next_rule = RULE_REVIEW;
    t = fake_prior_tier(f, "A1B", "2017-10", "L3-CH", "Premier", RULE_REVIEW);
    t->reviewed = true;
    t->next_program = "L3-CH";
    t->next_tier = "Premier";
    t->next_rule = RULE_CARRIED;
    t = fake_prior_tier(f, "A2", "2017-10", "L3-CH", "Elite", RULE_REVIEW);
    t->reviewed = true;
    t->next_program = "L3-CH";
    t->next_tier = "Elite";
    t->next_rule = RULE_FROZEN;
    tiers_place(m);
    assert_placed(f, "A1", "L3-CH", "Premier", RULE_REVIEW);
    assert_placed(f, "A1B", "L3-CH", "Premier", RULE_CARRIED);
    assert_placed(f, "A2", "L3-CH", "Elite", RULE_FROZEN);
}

/* Proves without a review since, the last placement stays, across a gap in the ledger. */
static void test_placement_kept_without_review(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_prior_tier(f, "A1", "2017-10", "L3-CH", "Premier", RULE_REVIEW);
    tier_prior_t *t = fake_prior_tier(f, "A2", "2017-07", "L3-CH", "Authorized", RULE_ENTRY);
    t->reviewed = true;
    t->next_program = "L3-CH";
    t->next_tier = "Elite";
    t->next_rule = RULE_REVIEW;
    tiers_place(m);
    assert_placed(f, "A1", "L3-CH", "Premier", RULE_REVIEW);
    assert_placed(f, "A2", "L3-CH", "Elite", RULE_REVIEW);
}

/* ---- reviews and the window --------------------------------------------------- */

/* Proves a monthly review places by the window's revenue: up (review), same (carried), down. */
static void test_review_moves_and_carries(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    /* A1: entry, 3,000 + 4,000 + 3,000 in the window → Premier (the boundary) */
    fake_history(f, "A1", "2017-08", "99999.00", "0.00"); /* outside the 3-month window */
    fake_history(f, "A1", "2017-09", "3000.00", "0.00");
    fake_history(f, "A1", "2017-10", "4000.00", "0.00");
    revenue_of_p(f, "A1", "3000.00");
    /* A1B: Premier, 10,000.00 again → carried */
    fake_prior_tier(f, "A1B", "2017-10", "L3-CH", "Premier", RULE_REVIEW);
    revenue_of_p(f, "A1B", "10000.00");
    /* A2: Elite, 9,999.99 → down to Authorized */
    fake_prior_tier(f, "A2", "2017-10", "L3-CH", "Elite", RULE_REVIEW);
    fake_history(f, "A2", "2017-10", "9999.99", "0.00");
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Premier", RULE_REVIEW, "10000.00");
    assert_reviewed(f, "A1B", "L3-CH", "Premier", RULE_CARRIED, "10000.00");
    assert_reviewed(f, "A2", "L3-CH", "Authorized", RULE_REVIEW, "9999.99");
    /* the tier in effect for P is untouched by the review */
    assert_placed(f, "A2", "L3-CH", "Elite", RULE_REVIEW);
}

/* Proves the highest-rank qualifying tier wins and missing periods count as 0. */
static void test_review_highest_rank(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_history(f, "A1", "2017-09", "50000.00", "0.00"); /* 2017-10 missing */
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Elite", RULE_REVIEW, "50000.00");
}

/* Proves no qualifying tier places the entry tier (§8.9), also for a negative basis. */
static void test_no_qualifying_tier_is_entry(void **state)
{
    fake_t *f = *state;
    agreements(f);
    fake_program(f, "L3-CH", LEGACY_LVL3, BASIS_REVENUE, REVIEW_MONTHLY, 1, "Registered", NULL,
                 NULL, "2017-01", NULL);
    fake_tier(f, "L3-CH", "Registered", 1, fake_money("100.00"));
    fake_tier(f, "L3-CH", "Preferred", 2, fake_money("1000.00"));
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    revenue_of_p(f, "A1", "99.99");
    fake_prior_tier(f, "A1B", "2017-10", "L3-CH", "Preferred", RULE_REVIEW);
    revenue_of_p(f, "A1B", "-50.00");
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Registered", RULE_CARRIED, "99.99");
    assert_reviewed(f, "A1B", "L3-CH", "Registered", RULE_REVIEW, "-50.00");
}

/* Proves a review deciding a period ≤ freeze_until keeps the current tier (frozen, P7). */
static void test_frozen(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, "2017-12", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_prior_tier(f, "A1", "2017-10", "L3-CH", "Premier", RULE_REVIEW);
    revenue_of_p(f, "A1", "60000.00"); /* would be Elite */
    revenue_of_p(f, "A2", "60000.00"); /* at entry: stays Authorized */
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Premier", RULE_FROZEN, "60000.00");
    assert_reviewed(f, "A2", "L3-CH", "Authorized", RULE_FROZEN, "60000.00");
}

/* Proves the freeze ends with freeze_until: the review deciding the next period moves again. */
static void test_freeze_ends(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, "2017-11", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_prior_tier(f, "A1", "2017-10", "L3-CH", "Premier", RULE_FROZEN);
    revenue_of_p(f, "A1", "60000.00");
    tiers_place(m);
    assert_placed(f, "A1", "L3-CH", "Premier", RULE_FROZEN);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Elite", RULE_REVIEW, "60000.00");
}

/* Proves review cycles: monthly always, quarterly at 03/06/09/12, annual at 12 only. */
static void test_review_cycles(void **state)
{
    (void)state;
    program_t g = {.review = REVIEW_MONTHLY};
    for (int month = 1; month <= 12; month++) {
        period_t p = 2017 * 12 + month - 1;
        g.review = REVIEW_MONTHLY;
        assert_true(tiers_reviews_at(&g, p));
        g.review = REVIEW_QUARTERLY;
        assert_int_equal(tiers_reviews_at(&g, p), month % 3 == 0);
        g.review = REVIEW_ANNUAL;
        assert_int_equal(tiers_reviews_at(&g, p), month == 12);
    }
}

/* Proves a quarterly program does not review in 2017-11; tiers.csv's basis is still P's window. */
static void test_quarterly_no_review_in_november(void **state)
{
    fake_t *f = *state;
    agreements(f);
    program3(f, "L3-CH", LEGACY_LVL3, REVIEW_QUARTERLY, 3, NULL, NULL, "2017-01", NULL,
             "Authorized", "Premier", "10000.00", "Elite", "50000.00");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_history(f, "A1", "2017-10", "20000.00", "0.00");
    revenue_of_p(f, "A1", "40000.00");
    tiers_place(m);
    tiers_review(m);
    assert_not_reviewed(f, "A1");
    assert_money(state_of(f, "A1")->basis_value, "60000.00");
    assert_string_equal(program_name(f, state_of(f, "A1")->next_program), "L3-CH");
}

/* Proves a quarterly program reviews at the end of 2017-12. */
static void test_quarterly_review_in_december(void **state)
{
    fake_t *f = *state;
    agreements(f);
    program3(f, "L3-CH", LEGACY_LVL3, REVIEW_QUARTERLY, 3, NULL, NULL, "2017-01", NULL,
             "Authorized", "Premier", "10000.00", "Elite", "50000.00");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-12");
    fake_history(f, "A1", "2017-10", "4000.00", "0.00");
    fake_history(f, "A1", "2017-11", "3000.00", "0.00");
    revenue_of_p(f, "A1", "3000.00");
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Premier", RULE_REVIEW, "10000.00");
}

/* Proves an annual program reviews only at the end of December, over its window. */
static void test_annual_review(void **state)
{
    fake_t *f = *state;
    agreements(f);
    program3(f, "L3-CH", LEGACY_LVL3, REVIEW_ANNUAL, 12, NULL, NULL, "2017-01", NULL,
             "Authorized", "Premier", "10000.00", "Elite", "50000.00");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-12");
    fake_history(f, "A1", "2016-12", "90000.00", "0.00"); /* 13 months back: outside */
    fake_history(f, "A1", "2017-01", "5000.00", "0.00");
    fake_history(f, "A1", "2017-06", "4000.00", "0.00");
    revenue_of_p(f, "A1", "1000.00");
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Premier", RULE_REVIEW, "10000.00");
}

/* Proves an agreement not active in P is not reviewed. */
static void test_inactive_not_reviewed(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_history(f, "A-ENDED", "2017-10", "60000.00", "0.00");
    tiers_place(m);
    tiers_review(m);
    assert_not_reviewed(f, "A-ENDED");
}

/* ---- combined basis (P7) ------------------------------------------------------- */

/* Proves from combine_from the basis sums the partner's agreements under the same program only. */
static void test_combine_from(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, "2017-12");
    program3(f, "ASCEND", LEGACY_CTL, REVIEW_MONTHLY, 3, NULL, NULL, "2017-01", NULL, "Silver",
             "Gold", "5000.00", "Platinum", "20000.00");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    revenue_of_p(f, "A1", "6000.00");
    fake_history(f, "A1B", "2017-10", "4000.00", "0.00");
    revenue_of_p(f, "A1-CTL", "30000.00"); /* same partner, other program */
    revenue_of_p(f, "A2", "45000.00");     /* same program, other partner */
    tiers_place(m);
    tiers_review(m);
    /* the review at the end of 2017-11 places 2017-12 = combine_from */
    assert_reviewed(f, "A1", "L3-CH", "Premier", RULE_REVIEW, "10000.00");
    assert_reviewed(f, "A1B", "L3-CH", "Premier", RULE_REVIEW, "10000.00");
    assert_reviewed(f, "A2", "L3-CH", "Premier", RULE_REVIEW, "45000.00");
    assert_reviewed(f, "A1-CTL", "ASCEND", "Platinum", RULE_REVIEW, "30000.00");
}

/* Proves before combine_from each agreement is placed on its own revenue (P7: no immediate impact). */
static void test_combine_not_yet(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, "2018-01");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    revenue_of_p(f, "A1", "6000.00");
    fake_history(f, "A1B", "2017-10", "4000.00", "0.00");
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Authorized", RULE_CARRIED, "6000.00");
    assert_reviewed(f, "A1B", "L3-CH", "Authorized", RULE_CARRIED, "4000.00");
}

/* Proves one program covering both legacies combines the partner's CTL and LVL3 agreements. */
static void test_combine_across_legacies(void **state)
{
    fake_t *f = *state;
    agreements(f);
    fake_program(f, "MERGED", LEGACY_LVL3, BASIS_REVENUE, REVIEW_MONTHLY, 1, "Member", NULL,
                 "2017-01", "2017-01", NULL);
    fake_program(f, "MERGED", LEGACY_CTL, BASIS_REVENUE, REVIEW_MONTHLY, 1, "Member", NULL,
                 "2017-01", "2017-01", NULL);
    fake_tier(f, "MERGED", "Member", 1, 0);
    fake_tier(f, "MERGED", "Partner", 2, fake_money("8000.00"));
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    revenue_of_p(f, "A1", "3000.00");
    revenue_of_p(f, "A1B", "1000.00");
    revenue_of_p(f, "A1-CTL", "4000.00");
    revenue_of_p(f, "A2", "7999.99");
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1-CTL", "MERGED", "Partner", RULE_REVIEW, "8000.00");
    assert_reviewed(f, "A1", "MERGED", "Partner", RULE_REVIEW, "8000.00");
    assert_reviewed(f, "A2", "MERGED", "Member", RULE_CARRIED, "7999.99");
}

/* ---- program change (P8, §8.9) --------------------------------------------------- */

/* ASCEND (CTL, annual) to 2017-11, then MERGED (CTL, annual, 12-month window)
 * from 2017-12: Member < Partner (8,000) < Premier (40,000). */
static void program_change_world(fake_t *f)
{
    agreements(f);
    program3(f, "ASCEND", LEGACY_CTL, REVIEW_ANNUAL, 3, NULL, NULL, "2017-01", "2017-11",
             "Silver", "Gold", "5000.00", "Platinum", "20000.00");
    program3(f, "MERGED", LEGACY_CTL, REVIEW_ANNUAL, 12, NULL, NULL, "2017-12", NULL, "Member",
             "Partner", "8000.00", "Premier", "40000.00");
    fake_finish(f);
}

/* Proves a program change forces a review at the end of the period before it, with the new thresholds and window. */
static void test_program_change_forces_review(void **state)
{
    fake_t *f = *state;
    program_change_world(f);
    month_t *m = fake_month(f, "2017-11"); /* annual: no review in 11 but for the change */
    fake_prior_tier(f, "A1-CTL", "2017-10", "ASCEND", "Gold", RULE_REVIEW);
    fake_history(f, "A1-CTL", "2017-01", "6000.00", "0.00"); /* in MERGED's 12 months only */
    fake_history(f, "A1-CTL", "2017-10", "2000.00", "0.00");
    revenue_of_p(f, "A1-CTL", "1000.00");
    tiers_place(m);
    assert_placed(f, "A1-CTL", "ASCEND", "Gold", RULE_REVIEW);
    tiers_review(m);
    assert_reviewed(f, "A1-CTL", "MERGED", "Partner", RULE_REVIEW, "9000.00");
}

/* Proves the first review under a new program compares with its entry tier: entry again is carried. */
static void test_program_change_compares_with_new_entry(void **state)
{
    fake_t *f = *state;
    program_change_world(f);
    month_t *m = fake_month(f, "2017-11");
    fake_prior_tier(f, "A1-CTL", "2017-10", "ASCEND", "Platinum", RULE_REVIEW);
    revenue_of_p(f, "A1-CTL", "7999.99");
    tiers_place(m);
    tiers_review(m);
    assert_reviewed(f, "A1-CTL", "MERGED", "Member", RULE_CARRIED, "7999.99");
}

/* Proves the new program's first placement is the forced review's decision; without it, entry. */
static void test_program_change_placement(void **state)
{
    fake_t *f = *state;
    program_change_world(f);
    month_t *m = fake_month(f, "2017-12");
    tier_prior_t *t = fake_prior_tier(f, "A1-CTL", "2017-11", "ASCEND", "Gold", RULE_REVIEW);
    t->reviewed = true;
    t->next_program = "MERGED";
    t->next_tier = "Partner";
    t->next_rule = RULE_REVIEW;
    /* last placed under the old program, never reviewed into the new one */
    fake_prior_tier(f, "A2", "2017-10", "ASCEND", "Gold", RULE_REVIEW); /* A2 is LVL3: no program */
    tiers_place(m);
    assert_placed(f, "A1-CTL", "MERGED", "Partner", RULE_REVIEW);
    assert_placed(f, "A2", "", "", RULE_NONE);
}

/* Proves a prior tier of another program is not carried into the new one: entry tier, rule entry. */
static void test_program_change_without_review_is_entry(void **state)
{
    fake_t *f = *state;
    program_change_world(f);
    month_t *m = fake_month(f, "2017-12");
    fake_prior_tier(f, "A1-CTL", "2017-10", "ASCEND", "Platinum", RULE_REVIEW);
    tiers_place(m);
    assert_placed(f, "A1-CTL", "MERGED", "Member", RULE_ENTRY);
}

/* Proves a legacy whose first program starts next period is reviewed into it (compared with entry). */
static void test_first_program_starts_next_period(void **state)
{
    fake_t *f = *state;
    agreements(f);
    program3(f, "L3-CH", LEGACY_LVL3, REVIEW_ANNUAL, 3, NULL, NULL, "2017-12", NULL,
             "Authorized", "Premier", "10000.00", "Elite", "50000.00");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    revenue_of_p(f, "A1", "10000.00");
    tiers_place(m);
    assert_placed(f, "A1", "", "", RULE_NONE);
    tiers_review(m);
    assert_reviewed(f, "A1", "L3-CH", "Premier", RULE_REVIEW, "10000.00");
    assert_reviewed(f, "A2", "L3-CH", "Authorized", RULE_CARRIED, "0.00");
}

/* ---- points basis and helpers ---------------------------------------------------- */

/* Proves a points program places by the points to date (before P plus P's awards). */
static void test_points_basis(void **state)
{
    fake_t *f = *state;
    fake_partner(f, "PRV", LANG_EN);
    fake_agreement(f, "M1", "PRV", LEGACY_MKT, "PL", "USD", "2017-01-01", NULL);
    fake_agreement(f, "M2", "PRV", LEGACY_MKT, "PL", "USD", "2017-01-01", NULL);
    fake_program(f, "MKT-PP", LEGACY_MKT, BASIS_POINTS, REVIEW_MONTHLY, 1, "Silver", NULL, NULL,
                 "2017-01", NULL);
    fake_tier(f, "MKT-PP", "Silver", 1, 0);
    fake_tier(f, "MKT-PP", "Gold", 2, 500);
    fake_tier(f, "MKT-PP", "Platinum", 3, 5000);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    m->points_before[fake_ag(f, "M1")] = 450;
    m->current[fake_ag(f, "M1")].points = 50;
    m->points_before[fake_ag(f, "M2")] = 4999;
    tiers_place(m);
    tiers_review(m);
    const tier_state_t *t = state_of(f, "M1");
    assert_true(t->reviewed);
    assert_string_equal(t->next_tier, "Gold");
    assert_string_equal(rule_name(t->next_rule), "review");
    assert_int_equal(t->basis_value, 500);
    t = state_of(f, "M2");
    assert_string_equal(t->next_tier, "Gold");
    assert_int_equal(t->basis_value, 4999);
}

/* Proves tiers_next_higher returns the next rank up, and -1 at the top or for an unknown tier. */
static void test_next_higher(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    const book_t *b = &f->book;
    assert_string_equal(b->tiers.v[tiers_next_higher(b, "L3-CH", "Authorized")].tier, "Premier");
    assert_string_equal(b->tiers.v[tiers_next_higher(b, "L3-CH", "Premier")].tier, "Elite");
    assert_int_equal(tiers_next_higher(b, "L3-CH", "Elite"), -1);
    assert_int_equal(tiers_next_higher(b, "L3-CH", "Nope"), -1);
    assert_int_equal(tiers_next_higher(b, "NOPE", "Premier"), -1);
}

/* Proves the next threshold of the tier in effect and the basis still needed:
 * the gap to the next rank, 0 once reached, none at the top tier or without
 * a program. */
static void test_next_threshold(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    const book_t *b = &f->book;
    int32_t g = -1;
    for (size_t i = 0; i < b->programs.n; i++)
        if (strcmp(b->programs.v[i].name, "L3-CH") == 0)
            g = (int32_t)i;
    assert_true(g >= 0);
    tier_state_t t = {.program = g, .tier = "Authorized", .basis_value = 250000};
    int32_t next = -1;
    int64_t needed = -1;
    assert_true(tiers_next_threshold(b, &t, &next, &needed));
    assert_string_equal(b->tiers.v[next].tier, "Premier");
    assert_int_equal(b->tiers.v[next].min_value, 1000000);
    assert_int_equal(needed, 750000); /* 10,000.00 - 2,500.00 */
    t.basis_value = 1200000;          /* past the threshold: the review promotes */
    assert_true(tiers_next_threshold(b, &t, &next, &needed));
    assert_int_equal(needed, 0);
    t.tier = "Premier";
    assert_true(tiers_next_threshold(b, &t, &next, &needed));
    assert_string_equal(b->tiers.v[next].tier, "Elite");
    assert_int_equal(needed, 5000000 - 1200000);
    t.tier = "Elite";
    assert_false(tiers_next_threshold(b, &t, &next, &needed));
    t.program = -1;
    t.tier = NULL;
    assert_false(tiers_next_threshold(b, &t, &next, &needed));
}

/* ---- overflow (SPEC §2: never a wrapped value) -------------------------------- */

/* Proves the tier basis over the window is a checked sum: the largest basis
 * that fits places exactly (Elite), one cent more is an overflow naming the
 * agreement, never a negative basis. */
static void test_basis_overflow(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_history(f, "A1", "2017-10", "1.00", "0.00");
    m->history.v[0].revenue = INT64_MAX - 100;
    revenue_of_p(f, "A1", "1.00");
    tiers_place(m);
    tiers_review(m);
    assert_false(month_overflowed(m));
    assert_int_equal(state_of(f, "A1")->basis_value, INT64_MAX);
    assert_string_equal(state_of(f, "A1")->next_tier, "Elite");
    revenue_of_p(f, "A1", "1.01");
    tiers_review(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.agreement, fake_ag(f, "A1"));
    assert_non_null(strstr(m->overflow.what, "tier basis"));
}

/* Proves the combined basis (P7) sums the partner's agreements checked. */
static void test_combined_basis_overflow(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, "2017-12");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    m->current[fake_ag(f, "A1")].revenue = INT64_MAX / 2 + 1;
    m->current[fake_ag(f, "A1B")].revenue = INT64_MAX / 2 + 1;
    tiers_place(m);
    tiers_review(m);
    assert_true(month_overflowed(m));
    assert_non_null(strstr(m->overflow.what, "combined tier basis"));
}

/* Proves the distance to the next tier is not wrapped for a basis near INT64_MIN. */
static void test_next_threshold_far_below(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, NULL);
    fake_finish(f);
    const book_t *b = &f->book;
    int32_t g = program_for(b, LEGACY_LVL3, fake_period("2017-11"));
    tier_state_t t = {.program = g, .tier = "Authorized", .basis_value = INT64_MIN + 1};
    int32_t next = -1;
    int64_t needed = -1;
    assert_false(tiers_next_threshold(b, &t, &next, &needed));
    assert_int_equal(needed, -1);
    t.basis_value = INT64_MIN + 1000000; /* 10,000.00 - that is exactly INT64_MAX + 1: no */
    assert_false(tiers_next_threshold(b, &t, &next, &needed));
    t.basis_value = INT64_MIN + 1000001; /* ... and this is exactly INT64_MAX */
    assert_true(tiers_next_threshold(b, &t, &next, &needed));
    assert_int_equal(needed, INT64_MAX);
}

/* ---- guidance: the next review, one program at a time ---------------------------- */

static tiers_guidance_t guidance(fake_t *f, const char *agreement_id, int32_t *with)
{
    tiers_guidance_t g;
    assert_true(tiers_guidance(&f->month, fake_ag(f, agreement_id), with, &g));
    return g;
}

/* Proves a quarterly program in November names the review at the end of
 * December, its 3-month window and the amount still needed for the next
 * tier from the revenue known so far. */
static void test_guidance_next_review_and_needed(void **state)
{
    fake_t *f = *state;
    agreements(f);
    program3(f, "L3-CH", LEGACY_LVL3, REVIEW_QUARTERLY, 3, NULL, NULL, "2017-01", NULL,
             "Authorized", "Premier", "10000.00", "Elite", "50000.00");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_history(f, "A1", "2017-09", "90000.00", "0.00"); /* outside December's window */
    fake_history(f, "A1", "2017-10", "3000.00", "0.00");
    revenue_of_p(f, "A1", "5000.00");
    tiers_place(m);
    tiers_review(m);
    int32_t with[8];
    tiers_guidance_t g = guidance(f, "A1", with);
    assert_string_equal(g.tier, "Authorized");
    assert_true(g.has_review);
    assert_int_equal(g.review_period, fake_period("2017-12"));
    assert_string_equal(program_name(f, g.review_program), "L3-CH");
    assert_false(g.program_changes);
    assert_int_equal(g.window_from, fake_period("2017-10"));
    assert_money(g.basis_to_date, "8000.00");
    assert_false(g.combined);
    assert_true(g.can_promote);
    assert_string_equal(f->book.tiers.v[g.next_tier].tier, "Premier");
    assert_money(g.threshold, "10000.00");
    assert_money(g.needed, "2000.00");
}

/* Proves the contradiction is gone: before a program change the
 * guidance uses the new program only (its window, its entry tier, its
 * thresholds), never the current program's threshold with the new basis. */
static void test_guidance_one_program_at_a_time(void **state)
{
    fake_t *f = *state;
    program_change_world(f);
    month_t *m = fake_month(f, "2017-10"); /* ASCEND is annual: next review is the change */
    fake_prior_tier(f, "A1-CTL", "2017-09", "ASCEND", "Gold", RULE_REVIEW);
    fake_history(f, "A1-CTL", "2017-01", "6000.00", "0.00");
    revenue_of_p(f, "A1-CTL", "1000.00");
    tiers_place(m);
    tiers_review(m);
    int32_t with[8];
    tiers_guidance_t g = guidance(f, "A1-CTL", with);
    assert_string_equal(g.tier, "Gold");
    assert_string_equal(program_name(f, g.program), "ASCEND");
    assert_int_equal(g.review_period, fake_period("2017-11"));
    assert_string_equal(program_name(f, g.review_program), "MERGED");
    assert_true(g.program_changes);
    assert_int_equal(g.window_from, fake_period("2016-12")); /* MERGED's 12 months */
    assert_money(g.basis_to_date, "7000.00");
    assert_string_equal(g.from_tier, "Member");
    assert_true(g.can_promote);
    assert_string_equal(f->book.tiers.v[g.next_tier].tier, "Partner");
    assert_money(g.threshold, "8000.00"); /* MERGED's, not ASCEND's Platinum */
    assert_money(g.needed, "1000.00");
}

/* Proves a review at the end of P reports what it decided and promises
 * nothing more; a combined basis names the agreements it adds up. */
static void test_guidance_review_at_p_combined(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, NULL, "2017-12");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    revenue_of_p(f, "A1", "6000.00");
    fake_history(f, "A1B", "2017-10", "4000.00", "0.00");
    tiers_place(m);
    tiers_review(m);
    int32_t with[8];
    tiers_guidance_t g = guidance(f, "A1", with);
    assert_int_equal(g.review_period, fake_period("2017-11"));
    assert_true(g.combined);
    assert_int_equal(g.ncombined, 2);
    assert_int_equal(with[0], fake_ag(f, "A1"));
    assert_int_equal(with[1], fake_ag(f, "A1B"));
    assert_money(g.basis_to_date, "10000.00");
    assert_string_equal(g.decided_tier, "Premier");
    assert_false(g.can_promote);
}

/* Proves no amount is needed at the top tier. */
static void test_guidance_top_tier(void **state)
{
    fake_t *f = *state;
    agreements(f);
    program3(f, "L3-CH", LEGACY_LVL3, REVIEW_QUARTERLY, 3, NULL, NULL, "2017-01", NULL,
             "Authorized", "Premier", "10000.00", "Elite", "50000.00");
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_prior_tier(f, "A1", "2017-09", "L3-CH", "Elite", RULE_REVIEW);
    tiers_place(m);
    tiers_review(m);
    int32_t with[8];
    tiers_guidance_t g = guidance(f, "A1", with);
    assert_true(g.has_review);
    assert_int_equal(g.review_period, fake_period("2017-12"));
    assert_false(g.frozen);
    assert_string_equal(g.from_tier, "Elite");
    assert_false(g.can_promote);
}

/* Proves no amount is needed when the review is frozen. */
static void test_guidance_no_promotion(void **state)
{
    fake_t *f = *state;
    agreements(f);
    l3_channel(f, "2017-12", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-10");
    fake_prior_tier(f, "A1", "2017-09", "L3-CH", "Elite", RULE_REVIEW);
    tiers_place(m);
    tiers_review(m);
    int32_t with[8];
    tiers_guidance_t top = guidance(f, "A1", with);
    assert_true(top.frozen); /* the review at the end of 2017-10 decides 2017-11 <= freeze */
    assert_false(top.can_promote);
    tiers_guidance_t entry = guidance(f, "A2", with);
    assert_string_equal(entry.tier, "Authorized");
    assert_false(entry.can_promote);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_entry),
        FAKE_TEST(test_guidance_next_review_and_needed),
        FAKE_TEST(test_guidance_one_program_at_a_time),
        FAKE_TEST(test_guidance_review_at_p_combined),
        FAKE_TEST(test_guidance_no_promotion),
        FAKE_TEST(test_guidance_top_tier),
        FAKE_TEST(test_basis_overflow),
        FAKE_TEST(test_combined_basis_overflow),
        FAKE_TEST(test_next_threshold_far_below),
        FAKE_TEST(test_no_program),
        FAKE_TEST(test_placement_from_last_review),
        FAKE_TEST(test_placement_kept_without_review),
        FAKE_TEST(test_review_moves_and_carries),
        FAKE_TEST(test_review_highest_rank),
        FAKE_TEST(test_no_qualifying_tier_is_entry),
        FAKE_TEST(test_frozen),
        FAKE_TEST(test_freeze_ends),
        cmocka_unit_test(test_review_cycles),
        FAKE_TEST(test_quarterly_no_review_in_november),
        FAKE_TEST(test_quarterly_review_in_december),
        FAKE_TEST(test_annual_review),
        FAKE_TEST(test_inactive_not_reviewed),
        FAKE_TEST(test_combine_from),
        FAKE_TEST(test_combine_not_yet),
        FAKE_TEST(test_combine_across_legacies),
        FAKE_TEST(test_program_change_forces_review),
        FAKE_TEST(test_program_change_compares_with_new_entry),
        FAKE_TEST(test_program_change_placement),
        FAKE_TEST(test_program_change_without_review_is_entry),
        FAKE_TEST(test_first_program_starts_next_period),
        FAKE_TEST(test_points_basis),
        FAKE_TEST(test_next_higher),
        FAKE_TEST(test_next_threshold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
