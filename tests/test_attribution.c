/*
 * test_attribution.c — rules/attribution.c against SPEC §4.1 (steps 1–6),
 * §8.3 and §8.4: every rule code of order attribution at least once, the
 * (order_date, order_id) decision order, and the joint-opportunity rule (P4).
 * Not for: revenue assignment (test_assignment.c) or spiffs (test_lines.c).
 */
#include "fake.h"

#include <string.h>

#include "attribution.h"

/*
 * The world, period 2017-11:
 *   P1: A1-CTL (CTL), A1-LVL3 (LVL3)          — the dual-agreement partner
 *   P2: A2-CTL (CTL), A2-L3-OLD (LVL3, ended 2017-06-30),
 *       A2-L3-NEW (LVL3, from 2017-12-01)
 *   P3: A3-CTL only
 *   P4: A4-CTL-X, A4-CTL-Y (both CTL, active), A4-LVL3
 *   P5: A5-CTL in EUR
 * Products: VOICE (CTL), WAVE (LVL3), APP (MKT).
 */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_ES);
    fake_partner(f, "P3", LANG_EN);
    fake_partner(f, "P4", LANG_EN);
    fake_partner(f, "P5", LANG_EN);
    /* added out of id order on purpose: by_partner sorts */
    fake_agreement(f, "A1-LVL3", "P1", LEGACY_LVL3, "PL-L", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A1-CTL", "P1", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2-CTL", "P2", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2-L3-OLD", "P2", LEGACY_LVL3, "PL-L", "USD", "2016-01-01", "2017-06-30");
    fake_agreement(f, "A2-L3-NEW", "P2", LEGACY_LVL3, "PL-L", "USD", "2017-12-01", NULL);
    fake_agreement(f, "A3-CTL", "P3", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A4-CTL-Y", "P4", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A4-CTL-X", "P4", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A4-LVL3", "P4", LEGACY_LVL3, "PL-L", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A5-CTL", "P5", LEGACY_CTL, "PL-C", "EUR", "2017-01-01", NULL);
    fake_product(f, "VOICE", LEGACY_CTL, "voice", true);
    fake_product(f, "WAVE", LEGACY_LVL3, "wave", true);
    fake_product(f, "APP", LEGACY_MKT, "app", true);
    fake_finish(f);
    return fake_month(f, "2017-11");
}

/* Run 4.1 as month_decide does: tally opportunities, then decide in order. */
static void decide(fake_t *f)
{
    attr_tally_opportunities(&f->month);
    attr_decide_period(&f->month);
}

/* One order's decision: status, rule and agreement (NULL = blank, §8.3). */
static void assert_decision(fake_t *f, const char *order_id, status_t status, rule_code rule,
                            const char *agreement_id)
{
    const order_t *o = fake_find_order(f, order_id);
    assert_string_equal(status_names[o->status], status_names[status]);
    assert_string_equal(rule_name(o->rule), rule_name(rule));
    if (agreement_id)
        assert_int_equal(o->agreement, fake_ag(f, agreement_id));
    else
        assert_int_equal(o->agreement, -1);
}

/* ---- step 1: references ---------------------------------------------------- */

/* Proves an unknown product rejects the order (unknown_product). */
static void test_unknown_product(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", "A1-CTL", "NOPE", ORDER_NEW, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, NULL);
}

/* Proves an unknown partner rejects the order (unknown_partner). */
static void test_unknown_partner(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "PX", NULL, "VOICE", ORDER_NEW, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_REJECTED, RULE_UNKNOWN_PARTNER, NULL);
}

/* Proves both unknown is unknown_product (§8.3), whatever the order type. */
static void test_unknown_product_and_partner(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "PX", NULL, "NOPE", ORDER_NEW, "2017-11-03");
    fake_order(f, "O2", "PX", NULL, "NOPE", ORDER_DISCONNECT, "2017-11-03")->original_id = "O9";
    decide(f);
    assert_decision(f, "O1", STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, NULL);
    assert_decision(f, "O2", STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, NULL);
}

/* ---- step 4: new and renewal ------------------------------------------------ */

/* Proves no named agreement → the single active one of the product's portfolio (portfolio_default). */
static void test_portfolio_default(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03");
    fake_order(f, "O2", "P1", NULL, "WAVE", ORDER_NEW, "2017-11-03");
    fake_order(f, "O3", "P1", NULL, "WAVE", ORDER_RENEWAL, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-CTL");
    assert_decision(f, "O2", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-LVL3");
    assert_decision(f, "O3", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-LVL3");
}

/* Proves the default is taken among agreements active on order_date (end date inclusive). */
static void test_portfolio_default_effective_dating(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P2", NULL, "WAVE", ORDER_NEW, "2017-06-30");
    fake_order(f, "O2", "P2", NULL, "WAVE", ORDER_NEW, "2017-07-01");
    fake_order(f, "O3", "P2", NULL, "WAVE", ORDER_NEW, "2017-12-01");
    decide(f);
    assert_decision(f, "O1", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A2-L3-OLD");
    assert_decision(f, "O2", STATUS_HELD, RULE_NO_AGREEMENT_FOR_PORTFOLIO, NULL);
    assert_decision(f, "O3", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A2-L3-NEW");
}

/* Proves no active agreement of the portfolio holds the order (no_agreement_for_portfolio). */
static void test_no_agreement_for_portfolio(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P3", NULL, "WAVE", ORDER_NEW, "2017-11-03");
    fake_order(f, "O2", "P1", NULL, "APP", ORDER_NEW, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_NO_AGREEMENT_FOR_PORTFOLIO, NULL);
    assert_decision(f, "O2", STATUS_HELD, RULE_NO_AGREEMENT_FOR_PORTFOLIO, NULL);
}

/* Proves several active agreements of the portfolio hold the order (ambiguous_agreement). */
static void test_ambiguous_agreement(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P4", NULL, "VOICE", ORDER_NEW, "2017-11-03");
    fake_order(f, "O2", "P4", NULL, "WAVE", ORDER_NEW, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_AMBIGUOUS_AGREEMENT, NULL);
    assert_decision(f, "O2", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A4-LVL3");
}

/* Proves a named agreement of the partner, right legacy and active is used (named_agreement). */
static void test_named_agreement(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P4", "A4-CTL-Y", "VOICE", ORDER_NEW, "2017-11-03");
    fake_order(f, "O2", "P4", "A4-CTL-X", "VOICE", ORDER_RENEWAL, "2017-11-03");
    fake_order(f, "O3", "P2", "A2-L3-OLD", "WAVE", ORDER_NEW, "2017-06-30");
    decide(f);
    assert_decision(f, "O1", STATUS_ATTRIBUTED, RULE_NAMED_AGREEMENT, "A4-CTL-Y");
    assert_decision(f, "O2", STATUS_ATTRIBUTED, RULE_NAMED_AGREEMENT, "A4-CTL-X");
    assert_decision(f, "O3", STATUS_ATTRIBUTED, RULE_NAMED_AGREEMENT, "A2-L3-OLD");
}

/* Proves a named agreement that does not exist rejects the order (unknown_agreement). */
static void test_unknown_agreement(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", "A-NOPE", "VOICE", ORDER_NEW, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_REJECTED, RULE_UNKNOWN_AGREEMENT, NULL);
}

/* Proves another partner's agreement rejects the order, before legacy and dates are looked at. */
static void test_agreement_partner_mismatch(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", "A2-CTL", "VOICE", ORDER_NEW, "2017-11-03");
    /* another partner's, other legacy and inactive: the partner check comes first */
    fake_order(f, "O2", "P1", "A2-L3-OLD", "VOICE", ORDER_NEW, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_REJECTED, RULE_AGREEMENT_PARTNER_MISMATCH, NULL);
    assert_decision(f, "O2", STATUS_REJECTED, RULE_AGREEMENT_PARTNER_MISMATCH, NULL);
}

/* Proves P1: a product ordered under the other legacy's agreement is held, never paid there. */
static void test_cross_portfolio(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", "A1-LVL3", "VOICE", ORDER_NEW, "2017-11-03");
    fake_order(f, "O2", "P1", "A1-CTL", "WAVE", ORDER_RENEWAL, "2017-11-03");
    /* other legacy and inactive: cross_portfolio comes first */
    fake_order(f, "O3", "P2", "A2-L3-OLD", "VOICE", ORDER_NEW, "2017-11-03");
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_CROSS_PORTFOLIO, NULL);
    assert_decision(f, "O2", STATUS_HELD, RULE_CROSS_PORTFOLIO, NULL);
    assert_decision(f, "O3", STATUS_HELD, RULE_CROSS_PORTFOLIO, NULL);
}

/* Proves a named agreement not active on order_date (ended, or not started) holds the order. */
static void test_agreement_inactive(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P2", "A2-L3-OLD", "WAVE", ORDER_NEW, "2017-07-01");
    fake_order(f, "O2", "P2", "A2-L3-NEW", "WAVE", ORDER_NEW, "2017-11-30");
    fake_order(f, "O3", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2016-12-31");
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_AGREEMENT_INACTIVE, NULL);
    assert_decision(f, "O2", STATUS_HELD, RULE_AGREEMENT_INACTIVE, NULL);
    assert_decision(f, "O3", STATUS_HELD, RULE_AGREEMENT_INACTIVE, NULL);
}

/* ---- step 2: disconnects ---------------------------------------------------- */

/* Proves a disconnect follows its service's agreement, whatever agreement it names. */
static void test_disconnect_follows_service(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-09", "S1", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2017-09-05",
                       STATUS_ATTRIBUTED);
    fake_order(f, "D1", "P1", NULL, "VOICE", ORDER_DISCONNECT, "2017-11-03")->original_id = "S1";
    fake_order(f, "D2", "P1", "A1-LVL3", "VOICE", ORDER_DISCONNECT, "2017-11-04")->original_id =
        "S1";
    decide(f);
    assert_decision(f, "D1", STATUS_ATTRIBUTED, RULE_DISCONNECT_FOLLOWS_SERVICE, "A1-CTL");
    assert_decision(f, "D2", STATUS_ATTRIBUTED, RULE_DISCONNECT_FOLLOWS_SERVICE, "A1-CTL");
}

/* Proves a disconnect of an unknown service is held (original_not_found). */
static void test_disconnect_original_not_found(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "D1", "P1", NULL, "VOICE", ORDER_DISCONNECT, "2017-11-03")->original_id =
        "S-NOPE";
    decide(f);
    assert_decision(f, "D1", STATUS_HELD, RULE_ORIGINAL_NOT_FOUND, NULL);
}

/* Proves a disconnect of a held or rejected service is held (original_not_attributed). */
static void test_disconnect_original_not_attributed(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-09", "S1", "P1", NULL, "VOICE", ORDER_NEW, "2017-09-05",
                       STATUS_HELD);
    fake_earlier_order(f, "2017-10", "S2", "P1", "A-NOPE", "VOICE", ORDER_NEW, "2017-10-05",
                       STATUS_REJECTED);
    fake_order(f, "S3", "P1", "A1-LVL3", "VOICE", ORDER_NEW, "2017-11-01"); /* held now */
    fake_order(f, "D1", "P1", NULL, "VOICE", ORDER_DISCONNECT, "2017-11-03")->original_id = "S1";
    fake_order(f, "D2", "P1", NULL, "VOICE", ORDER_DISCONNECT, "2017-11-03")->original_id = "S2";
    fake_order(f, "D3", "P1", NULL, "VOICE", ORDER_DISCONNECT, "2017-11-03")->original_id = "S3";
    decide(f);
    assert_decision(f, "S3", STATUS_HELD, RULE_CROSS_PORTFOLIO, NULL);
    assert_decision(f, "D1", STATUS_HELD, RULE_ORIGINAL_NOT_ATTRIBUTED, NULL);
    assert_decision(f, "D2", STATUS_HELD, RULE_ORIGINAL_NOT_ATTRIBUTED, NULL);
    assert_decision(f, "D3", STATUS_HELD, RULE_ORIGINAL_NOT_ATTRIBUTED, NULL);
}

/* ---- §8.4: the decision order ----------------------------------------------- */

/* Proves an original sorting later in the same period (by date, then by id) counts as not found. */
static void test_original_later_in_same_period(void **state)
{
    fake_t *f = *state;
    world(f);
    /* inserted in file order; decided in (order_date, order_id) order */
    fake_order(f, "I1", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-02")->original_id = "N1";
    fake_order(f, "N1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-05");
    fake_order(f, "X-A", "P1", NULL, "VOICE", ORDER_DISCONNECT, "2017-11-10")->original_id =
        "X-B";
    fake_order(f, "X-B", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-10");
    fake_order(f, "Y-B", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-12")->original_id =
        "Y-A";
    fake_order(f, "Y-A", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-12");
    decide(f);
    assert_decision(f, "N1", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-CTL");
    assert_decision(f, "I1", STATUS_HELD, RULE_ORIGINAL_NOT_FOUND, NULL);
    assert_decision(f, "X-B", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-CTL");
    assert_decision(f, "X-A", STATUS_HELD, RULE_ORIGINAL_NOT_FOUND, NULL);
    /* same date, original's id sorts first: decided before, so found */
    assert_decision(f, "Y-B", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-CTL");
}

/* Proves the same order when the dates span more than the counting sort
 * covers (DATE_SPAN days in rules/attribution.c: the comparison sort then). */
static void test_original_later_wide_dates(void **state)
{
    fake_t *f = *state;
    world(f);
    /* by id the original comes first; by date the incremental does */
    fake_order(f, "Z-I1", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "1900-01-02")->original_id =
        "A-N1";
    fake_order(f, "A-N1", "P1", NULL, "VOICE", ORDER_NEW, "9999-01-05");
    fake_order(f, "Y-B", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "9999-12-31")->original_id =
        "Y-A";
    fake_order(f, "Y-A", "P1", NULL, "VOICE", ORDER_NEW, "9999-12-31");
    decide(f);
    assert_decision(f, "Z-I1", STATUS_HELD, RULE_ORIGINAL_NOT_FOUND, NULL);
    assert_decision(f, "A-N1", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-CTL");
    assert_decision(f, "Y-A", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-CTL");
    assert_decision(f, "Y-B", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-CTL");
}

/* Proves the order map shrunk to the originals P names (as a run does
 * before deciding) decides exactly as the whole map: originals in P and of
 * earlier periods are still found, an original sorting later is still not. */
static void test_shrunk_order_map(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1-LVL3", "WAVE", ORDER_NEW, "2017-10-02",
                       STATUS_ATTRIBUTED);
    order_t *i1 = fake_order(f, "I1", "P1", NULL, "WAVE", ORDER_INCREMENTAL, "2017-11-02");
    i1->original_id = "S1";
    order_t *n1 = fake_order(f, "N1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03");
    order_t *i2 = fake_order(f, "I2", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-04");
    i2->original_id = "N1";
    order_t *i3 = fake_order(f, "I3", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-01");
    i3->original_id = "N1"; /* sorts before N1: not found */
    month_inputs_read(&f->month);
    month_shrink_order_map(&f->month);
    assert_true(month_order(&f->month, "S1") >= 0);
    assert_true(month_order(&f->month, "N1") >= 0);
    assert_int_equal(month_order(&f->month, "I1"), -1); /* named by nobody: gone */
    decide(f);
    assert_int_equal(i1->status, STATUS_ATTRIBUTED);
    assert_int_equal(i1->rule, RULE_FOLLOWS_ORIGINAL);
    assert_int_equal(i1->agreement, fake_ag(f, "A1-LVL3"));
    assert_int_equal(n1->status, STATUS_ATTRIBUTED);
    assert_int_equal(i2->rule, RULE_FOLLOWS_ORIGINAL);
    assert_int_equal(i2->agreement, n1->agreement);
    assert_int_equal(i3->status, STATUS_HELD);
    assert_int_equal(i3->rule, RULE_ORIGINAL_NOT_FOUND);
}

/* Proves decisions of earlier periods are never revisited (§8.4). */
static void test_earlier_decisions_not_revisited(void **state)
{
    fake_t *f = *state;
    world(f);
    order_t *o = fake_earlier_order(f, "2017-10", "E1", "P1", NULL, "VOICE", ORDER_NEW,
                                    "2017-10-05", STATUS_HELD);
    o->rule = RULE_AMBIGUOUS_AGREEMENT;
    decide(f);
    assert_decision(f, "E1", STATUS_HELD, RULE_AMBIGUOUS_AGREEMENT, NULL);
}

/* ---- step 3: incremental (P2) ------------------------------------------------ */

/* Proves an incremental follows its original's legacy to the partner's single agreement. */
static void test_incremental_follows_original(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2017-10-05",
                       STATUS_ATTRIBUTED);
    fake_earlier_order(f, "2017-10", "S2", "P1", "A1-LVL3", "WAVE", ORDER_NEW, "2017-10-05",
                       STATUS_ATTRIBUTED);
    fake_order(f, "I1", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S1";
    fake_order(f, "I2", "P1", NULL, "WAVE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S2";
    decide(f);
    assert_decision(f, "I1", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-CTL");
    assert_decision(f, "I2", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-LVL3");
}

/* Proves an incremental naming its own agreement keeps rule follows_original (§8.3). */
static void test_incremental_naming_own_agreement(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2017-10-05",
                       STATUS_ATTRIBUTED);
    fake_order(f, "I1", "P1", "A1-CTL", "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id =
        "S1";
    decide(f);
    assert_decision(f, "I1", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-CTL");
}

/* Proves a valid named agreement settles an incremental that would otherwise be ambiguous. */
static void test_incremental_named_among_several(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P4", "A4-CTL-X", "VOICE", ORDER_NEW, "2017-10-05",
                       STATUS_ATTRIBUTED);
    fake_order(f, "I1", "P4", "A4-CTL-Y", "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id =
        "S1";
    fake_order(f, "I2", "P4", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S1";
    decide(f);
    assert_decision(f, "I1", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A4-CTL-Y");
    assert_decision(f, "I2", STATUS_HELD, RULE_AMBIGUOUS_AGREEMENT, NULL);
}

/* Proves an unusable named agreement on an incremental falls back to the single one, never rejects. */
static void test_incremental_unusable_named_falls_back(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2017-10-05",
                       STATUS_ATTRIBUTED);
    fake_order(f, "I1", "P1", "A-NOPE", "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id =
        "S1";
    fake_order(f, "I2", "P1", "A2-CTL", "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id =
        "S1";
    fake_order(f, "I3", "P1", "A1-LVL3", "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id =
        "S1";
    decide(f);
    assert_decision(f, "I1", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-CTL");
    assert_decision(f, "I2", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-CTL");
    assert_decision(f, "I3", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-CTL");
}

/* Proves an incremental whose product is not of the original's legacy is held (portfolio_mismatch). */
static void test_incremental_portfolio_mismatch(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2017-10-05",
                       STATUS_ATTRIBUTED);
    fake_order(f, "I1", "P1", "A1-LVL3", "WAVE", ORDER_INCREMENTAL, "2017-11-03")->original_id =
        "S1";
    decide(f);
    assert_decision(f, "I1", STATUS_HELD, RULE_PORTFOLIO_MISMATCH, NULL);
}

/* Proves an incremental with no active agreement of the original's legacy is held. */
static void test_incremental_no_agreement(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-05", "S1", "P2", "A2-L3-OLD", "WAVE", ORDER_NEW, "2017-05-05",
                       STATUS_ATTRIBUTED);
    fake_order(f, "I1", "P2", NULL, "WAVE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S1";
    fake_order(f, "I2", "P2", "A2-L3-OLD", "WAVE", ORDER_INCREMENTAL, "2017-11-03")->original_id =
        "S1";
    decide(f);
    assert_decision(f, "I1", STATUS_HELD, RULE_NO_AGREEMENT_FOR_PORTFOLIO, NULL);
    assert_decision(f, "I2", STATUS_HELD, RULE_NO_AGREEMENT_FOR_PORTFOLIO, NULL);
}

/* Proves an incremental of an unknown or unattributed original is held like a disconnect. */
static void test_incremental_original_missing_or_held(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", NULL, "VOICE", ORDER_NEW, "2017-10-05",
                       STATUS_HELD);
    fake_order(f, "I1", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S1";
    fake_order(f, "I2", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S9";
    decide(f);
    assert_decision(f, "I1", STATUS_HELD, RULE_ORIGINAL_NOT_ATTRIBUTED, NULL);
    assert_decision(f, "I2", STATUS_HELD, RULE_ORIGINAL_NOT_FOUND, NULL);
}

/* Proves attribution reads an earlier original's decision from its stub (ingest
 * makes only a disconnect's original whole, for its chargeback): an incremental
 * and a disconnect follow a stub's agreement; a held stub holds them. */
static void test_original_as_stub(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_stub(f, "S1", "A1-LVL3", STATUS_ATTRIBUTED);
    fake_earlier_stub(f, "S2", NULL, STATUS_HELD);
    fake_order(f, "I1", "P1", NULL, "WAVE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S1";
    fake_order(f, "I2", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S1";
    fake_order(f, "I3", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-03")->original_id = "S2";
    order_t *d1 = fake_order(f, "D1", "P1", NULL, "WAVE", ORDER_DISCONNECT, "2017-11-04");
    d1->original_id = "S1";
    fake_order(f, "D2", "P1", NULL, "VOICE", ORDER_DISCONNECT, "2017-11-04")->original_id = "S2";
    decide(f);
    assert_decision(f, "I1", STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, "A1-LVL3");
    assert_decision(f, "I2", STATUS_HELD, RULE_PORTFOLIO_MISMATCH, NULL);
    assert_decision(f, "I3", STATUS_HELD, RULE_ORIGINAL_NOT_ATTRIBUTED, NULL);
    assert_decision(f, "D1", STATUS_ATTRIBUTED, RULE_DISCONNECT_FOLLOWS_SERVICE, "A1-LVL3");
    assert_decision(f, "D2", STATUS_HELD, RULE_ORIGINAL_NOT_ATTRIBUTED, NULL);
}

/* ---- step 5: joint opportunities (P4) --------------------------------------- */

/* Proves CTL + LVL3 orders of one opportunity without any approval are all held. */
static void test_joint_without_approval(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03")->opportunity_id = "J";
    fake_order(f, "O2", "P1", NULL, "WAVE", ORDER_NEW, "2017-11-04")->opportunity_id = "J";
    /* an order held for its own reason keeps that reason */
    fake_order(f, "O3", "P1", "A1-LVL3", "VOICE", ORDER_NEW, "2017-11-05")->opportunity_id = "J";
    fake_order(f, "O4", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-05")->opportunity_id = "K";
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
    assert_decision(f, "O2", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
    assert_decision(f, "O3", STATUS_HELD, RULE_CROSS_PORTFOLIO, NULL);
    assert_decision(f, "O4", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-CTL");
}

/* Proves approval after the order date holds it; on or before the order date attributes it. */
static void test_joint_approval_dates(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03")->opportunity_id = "J";
    fake_order(f, "O2", "P1", NULL, "WAVE", ORDER_NEW, "2017-11-04")->opportunity_id = "J";
    fake_order(f, "O3", "P1", NULL, "WAVE", ORDER_NEW, "2017-11-05")->opportunity_id = "J";
    fake_approval(f, "AP2", "J", "2017-11-20"); /* a later approval changes nothing */
    fake_approval(f, "AP1", "J", "2017-11-04");
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
    assert_decision(f, "O2", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-LVL3");
    assert_decision(f, "O3", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-LVL3");
}

/* Proves an order is joint even when the other legacy's order is a later row of the same file. */
static void test_joint_through_later_row(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-01")->opportunity_id = "J";
    fake_order(f, "O2", "P1", NULL, "WAVE", ORDER_NEW, "2017-11-20")->opportunity_id = "J";
    fake_approval(f, "AP1", "J", "2017-11-10");
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
    assert_decision(f, "O2", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-LVL3");
}

/* Proves rows of any decision and orders of earlier periods make an opportunity joint. */
static void test_joint_counts_rejected_and_earlier_rows(void **state)
{
    fake_t *f = *state;
    world(f);
    /* K: the LVL3 row is rejected (unknown partner) but still counts */
    fake_order(f, "K1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03")->opportunity_id = "K";
    fake_order(f, "K2", "PX", NULL, "WAVE", ORDER_NEW, "2017-11-03")->opportunity_id = "K";
    /* L: the LVL3 order is from an earlier period */
    fake_earlier_order(f, "2017-10", "L0", "P1", "A1-LVL3", "WAVE", ORDER_NEW, "2017-10-05",
                       STATUS_ATTRIBUTED)->opportunity_id = "L";
    fake_order(f, "L1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03")->opportunity_id = "L";
    /* M: CTL + MKT is not joint */
    fake_order(f, "M1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03")->opportunity_id = "M";
    fake_order(f, "M2", "P1", NULL, "APP", ORDER_NEW, "2017-11-03")->opportunity_id = "M";
    decide(f);
    assert_decision(f, "K2", STATUS_REJECTED, RULE_UNKNOWN_PARTNER, NULL);
    assert_decision(f, "K1", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
    assert_decision(f, "L1", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
    assert_decision(f, "M1", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-CTL");
}

/* Proves an approval delivered in an earlier period counts when dated on or before the order. */
static void test_joint_earlier_period_approval(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    /* what the ledger loads: the opportunity's earliest approval */
    int32_t op = month_opportunity(m, "J", true);
    m->opportunities.v[op].first_approval = fake_date("2017-10-15");
    fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-10-14")->opportunity_id = "J";
    fake_order(f, "O2", "P1", NULL, "WAVE", ORDER_NEW, "2017-11-04")->opportunity_id = "J";
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
    assert_decision(f, "O2", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A1-LVL3");
}

/* ---- step 6: currency ------------------------------------------------------- */

/* Proves an order in another currency than its agreement is rejected (currency_mismatch). */
static void test_currency_mismatch(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_order(f, "O1", "P5", NULL, "VOICE", ORDER_NEW, "2017-11-03"); /* USD vs EUR */
    fake_order(f, "O2", "P5", NULL, "VOICE", ORDER_NEW, "2017-11-03")->currency =
        fake_currency("EUR");
    fake_order(f, "O3", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2017-11-03")->currency =
        fake_currency("EUR");
    decide(f);
    assert_decision(f, "O1", STATUS_REJECTED, RULE_CURRENCY_MISMATCH, NULL);
    assert_decision(f, "O2", STATUS_ATTRIBUTED, RULE_PORTFOLIO_DEFAULT, "A5-CTL");
    assert_decision(f, "O3", STATUS_REJECTED, RULE_CURRENCY_MISMATCH, NULL);
}

/* Proves the joint check (step 5) comes before the currency check (step 6). */
static void test_joint_before_currency(void **state)
{
    fake_t *f = *state;
    world(f);
    order_t *o = fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03");
    o->opportunity_id = "J";
    o->currency = fake_currency("EUR");
    fake_order(f, "O2", "P1", NULL, "WAVE", ORDER_NEW, "2017-11-03")->opportunity_id = "J";
    decide(f);
    assert_decision(f, "O1", STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_unknown_product),
        FAKE_TEST(test_unknown_partner),
        FAKE_TEST(test_unknown_product_and_partner),
        FAKE_TEST(test_portfolio_default),
        FAKE_TEST(test_portfolio_default_effective_dating),
        FAKE_TEST(test_no_agreement_for_portfolio),
        FAKE_TEST(test_ambiguous_agreement),
        FAKE_TEST(test_named_agreement),
        FAKE_TEST(test_unknown_agreement),
        FAKE_TEST(test_agreement_partner_mismatch),
        FAKE_TEST(test_cross_portfolio),
        FAKE_TEST(test_agreement_inactive),
        FAKE_TEST(test_disconnect_follows_service),
        FAKE_TEST(test_disconnect_original_not_found),
        FAKE_TEST(test_disconnect_original_not_attributed),
        FAKE_TEST(test_original_later_in_same_period),
        FAKE_TEST(test_original_later_wide_dates),
        FAKE_TEST(test_shrunk_order_map),
        FAKE_TEST(test_earlier_decisions_not_revisited),
        FAKE_TEST(test_incremental_follows_original),
        FAKE_TEST(test_incremental_naming_own_agreement),
        FAKE_TEST(test_incremental_named_among_several),
        FAKE_TEST(test_incremental_unusable_named_falls_back),
        FAKE_TEST(test_incremental_portfolio_mismatch),
        FAKE_TEST(test_incremental_no_agreement),
        FAKE_TEST(test_incremental_original_missing_or_held),
        FAKE_TEST(test_original_as_stub),
        FAKE_TEST(test_joint_without_approval),
        FAKE_TEST(test_joint_approval_dates),
        FAKE_TEST(test_joint_through_later_row),
        FAKE_TEST(test_joint_counts_rejected_and_earlier_rows),
        FAKE_TEST(test_joint_earlier_period_approval),
        FAKE_TEST(test_currency_mismatch),
        FAKE_TEST(test_joint_before_currency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
