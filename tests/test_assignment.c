/*
 * test_assignment.c — rules/assignment.c against SPEC §4.2 and §8.3: billed
 * revenue goes through its service's order, else the account's recorded
 * owner (P3), then the portfolio, currency and activity checks, in order.
 * Not for: the residual of an assigned row (test_lines.c).
 */
#include "fake.h"

#include <string.h>

#include "assignment.h"

/*
 * The world, period 2017-11:
 *   P1: A1-CTL (CTL), A1-LVL3 (LVL3)
 *   P2: A2-ENDED (CTL, ended 2017-10-31)
 *   P3: A3-FIRST (LVL3, ends 2017-11-01: active on P's first day only)
 *   P4: A4-LAST (CTL, starts 2017-11-30: active on P's last day only),
 *       A4-NEXT (LVL3, starts 2017-12-01)
 *   P5: A5-EUR (CTL, EUR)
 * Accounts: ACC-C1 → A1-CTL, ACC-NONE (no owner), ACC-ENDED → A2-ENDED,
 *   ACC-FIRST → A3-FIRST, ACC-LAST → A4-LAST, ACC-NEXT → A4-NEXT, ACC-EUR → A5-EUR.
 * Products: VOICE (CTL), WAVE (LVL3).
 */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_EN);
    fake_partner(f, "P3", LANG_EN);
    fake_partner(f, "P4", LANG_EN);
    fake_partner(f, "P5", LANG_EN);
    fake_agreement(f, "A1-CTL", "P1", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A1-LVL3", "P1", LEGACY_LVL3, "PL-L", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2-ENDED", "P2", LEGACY_CTL, "PL-C", "USD", "2017-01-01", "2017-10-31");
    fake_agreement(f, "A3-FIRST", "P3", LEGACY_LVL3, "PL-L", "USD", "2016-01-01", "2017-11-01");
    fake_agreement(f, "A4-LAST", "P4", LEGACY_CTL, "PL-C", "USD", "2017-11-30", NULL);
    fake_agreement(f, "A4-NEXT", "P4", LEGACY_LVL3, "PL-L", "USD", "2017-12-01", NULL);
    fake_agreement(f, "A5-EUR", "P5", LEGACY_CTL, "PL-C", "EUR", "2017-01-01", NULL);
    fake_account(f, "ACC-C1", "A1-CTL");
    fake_account(f, "ACC-NONE", NULL);
    fake_account(f, "ACC-ENDED", "A2-ENDED");
    fake_account(f, "ACC-FIRST", "A3-FIRST");
    fake_account(f, "ACC-LAST", "A4-LAST");
    fake_account(f, "ACC-NEXT", "A4-NEXT");
    fake_account(f, "ACC-EUR", "A5-EUR");
    fake_product(f, "VOICE", LEGACY_CTL, "voice", true);
    fake_product(f, "WAVE", LEGACY_LVL3, "wave", true);
    fake_finish(f);
    return fake_month(f, "2017-11");
}

static void assign_all(fake_t *f)
{
    for (size_t i = 0; i < f->month.revenue.n; i++)
        assign_revenue(&f->month, &f->month.revenue.v[i]);
}

static void assert_assignment(fake_t *f, const char *revenue_id, status_t status, rule_code rule,
                              const char *agreement_id)
{
    const revenue_t *r = NULL;
    idseq_cursor_t c;
    month_revenue_ids(&f->month, &c);
    for (size_t i = 0; i < f->month.revenue.n; i++)
        if (strcmp(idseq_at(&c, i), revenue_id) == 0)
            r = &f->month.revenue.v[i];
    assert_non_null(r);
    assert_string_equal(status_names[r->status], status_names[status]);
    assert_string_equal(rule_name(r->rule), rule_name(rule));
    if (agreement_id)
        assert_int_equal(r->agreement, fake_ag(f, agreement_id));
    else
        assert_int_equal(r->agreement, -1);
}

/* Proves revenue of an attributed service goes to the order's agreement, not the account owner. */
static void test_service_order(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1-LVL3", "WAVE", ORDER_NEW, "2017-10-02",
                       STATUS_ATTRIBUTED);
    fake_revenue(f, "R1", "ACC-C1", "S1", "WAVE", "100.00");
    fake_revenue(f, "R2", "ACC-NONE", "S1", "WAVE", "-20.00"); /* credits too */
    assign_all(f);
    assert_assignment(f, "R1", STATUS_ASSIGNED, RULE_SERVICE_ORDER, "A1-LVL3");
    assert_assignment(f, "R2", STATUS_ASSIGNED, RULE_SERVICE_ORDER, "A1-LVL3");
}

/* Proves revenue of a held or rejected service is held, even when the account has an owner. */
static void test_service_not_attributed(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", NULL, "VOICE", ORDER_NEW, "2017-10-02",
                       STATUS_HELD);
    fake_earlier_order(f, "2017-10", "S2", "P1", "A-NOPE", "VOICE", ORDER_NEW, "2017-10-02",
                       STATUS_REJECTED);
    fake_revenue(f, "R1", "ACC-C1", "S1", "VOICE", "100.00");
    fake_revenue(f, "R2", "ACC-C1", "S2", "VOICE", "100.00");
    assign_all(f);
    assert_assignment(f, "R1", STATUS_HELD, RULE_SERVICE_NOT_ATTRIBUTED, NULL);
    assert_assignment(f, "R2", STATUS_HELD, RULE_SERVICE_NOT_ATTRIBUTED, NULL);
}

/* Proves revenue billed to an earlier order known only as a stub follows the stub's decision. */
static void test_service_stub(void **state)
{
    fake_t *f = *state;
    world(f);
    int32_t s1 = fake_earlier_stub(f, "S1", "A1-LVL3", STATUS_ATTRIBUTED);
    fake_earlier_stub(f, "S2", NULL, STATUS_HELD);
    fake_revenue(f, "R1", "ACC-C1", "S1", "WAVE", "100.00");
    fake_revenue(f, "R2", "ACC-C1", "S2", "VOICE", "100.00");
    assign_all(f);
    assert_assignment(f, "R1", STATUS_ASSIGNED, RULE_SERVICE_ORDER, "A1-LVL3");
    assert_assignment(f, "R2", STATUS_HELD, RULE_SERVICE_NOT_ATTRIBUTED, NULL);
    assert_true(s1 >= ORDER_STUB);
    assert_string_equal(revenue_service_id(&f->month, &f->month.revenue.v[0]), "S1");
    assert_int_equal(month_order(&f->month, "S1"), -1); /* not a whole order */
    assert_int_equal(month_order_ref(&f->month, "S1"), s1);
}

/* Proves P3: a blank or unknown service falls back to the account's recorded owner. */
static void test_account_owner(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_revenue(f, "R1", "ACC-C1", NULL, "VOICE", "100.00");
    fake_revenue(f, "R2", "ACC-C1", "S-UNKNOWN", "VOICE", "100.00");
    assign_all(f);
    assert_assignment(f, "R1", STATUS_ASSIGNED, RULE_ACCOUNT_OWNER, "A1-CTL");
    assert_assignment(f, "R2", STATUS_ASSIGNED, RULE_ACCOUNT_OWNER, "A1-CTL");
}

/* Proves an account without an owner (or not in accounts.csv) is house revenue: unassigned no_owner. */
static void test_no_owner(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_revenue(f, "R1", "ACC-NONE", NULL, "VOICE", "100.00");
    fake_revenue(f, "R2", "ACC-NOT-LISTED", "S-UNKNOWN", "VOICE", "100.00");
    assign_all(f);
    assert_assignment(f, "R1", STATUS_UNASSIGNED, RULE_NO_OWNER, NULL);
    assert_assignment(f, "R2", STATUS_UNASSIGNED, RULE_NO_OWNER, NULL);
}

/* Proves a product of another portfolio than the agreement's legacy is held, by either route. */
static void test_portfolio_mismatch(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1-CTL", "VOICE", ORDER_NEW, "2017-10-02",
                       STATUS_ATTRIBUTED);
    fake_revenue(f, "R1", "ACC-C1", NULL, "WAVE", "100.00");
    fake_revenue(f, "R2", "ACC-NONE", "S1", "WAVE", "100.00");
    assign_all(f);
    assert_assignment(f, "R1", STATUS_HELD, RULE_PORTFOLIO_MISMATCH, NULL);
    assert_assignment(f, "R2", STATUS_HELD, RULE_PORTFOLIO_MISMATCH, NULL);
}

/* Proves revenue in another currency than the agreement's is rejected (currency_mismatch). */
static void test_currency_mismatch(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_revenue(f, "R1", "ACC-C1", NULL, "VOICE", "100.00")->currency = currency_pack(fake_currency("EUR"));
    fake_revenue(f, "R2", "ACC-EUR", NULL, "VOICE", "100.00"); /* USD */
    fake_revenue(f, "R3", "ACC-EUR", NULL, "VOICE", "100.00")->currency = currency_pack(fake_currency("EUR"));
    assign_all(f);
    assert_assignment(f, "R1", STATUS_REJECTED, RULE_CURRENCY_MISMATCH, NULL);
    assert_assignment(f, "R2", STATUS_REJECTED, RULE_CURRENCY_MISMATCH, NULL);
    assert_assignment(f, "R3", STATUS_ASSIGNED, RULE_ACCOUNT_OWNER, "A5-EUR");
}

/* Proves an agreement active on no day of P holds the revenue; one day of P is enough. */
static void test_agreement_inactive(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_revenue(f, "R1", "ACC-ENDED", NULL, "VOICE", "100.00");
    fake_revenue(f, "R2", "ACC-NEXT", NULL, "WAVE", "100.00");
    fake_revenue(f, "R3", "ACC-FIRST", NULL, "WAVE", "100.00");
    fake_revenue(f, "R4", "ACC-LAST", NULL, "VOICE", "100.00");
    assign_all(f);
    assert_assignment(f, "R1", STATUS_HELD, RULE_AGREEMENT_INACTIVE, NULL);
    assert_assignment(f, "R2", STATUS_HELD, RULE_AGREEMENT_INACTIVE, NULL);
    assert_assignment(f, "R3", STATUS_ASSIGNED, RULE_ACCOUNT_OWNER, "A3-FIRST");
    assert_assignment(f, "R4", STATUS_ASSIGNED, RULE_ACCOUNT_OWNER, "A4-LAST");
}

/* Proves the checks run in the spec's order: portfolio, then currency, then activity. */
static void test_check_order(void **state)
{
    fake_t *f = *state;
    world(f);
    /* portfolio and currency both wrong */
    fake_revenue(f, "R1", "ACC-C1", NULL, "WAVE", "100.00")->currency = currency_pack(fake_currency("EUR"));
    /* currency wrong and agreement inactive */
    fake_revenue(f, "R2", "ACC-ENDED", NULL, "VOICE", "100.00")->currency = currency_pack(fake_currency("EUR"));
    /* portfolio wrong and agreement inactive */
    fake_revenue(f, "R3", "ACC-ENDED", NULL, "WAVE", "100.00");
    assign_all(f);
    assert_assignment(f, "R1", STATUS_HELD, RULE_PORTFOLIO_MISMATCH, NULL);
    assert_assignment(f, "R2", STATUS_REJECTED, RULE_CURRENCY_MISMATCH, NULL);
    assert_assignment(f, "R3", STATUS_HELD, RULE_PORTFOLIO_MISMATCH, NULL);
}

/* Proves an unknown product is rejected before any other check (§8.3). */
static void test_unknown_product_first(void **state)
{
    fake_t *f = *state;
    world(f);
    fake_earlier_order(f, "2017-10", "S1", "P1", NULL, "VOICE", ORDER_NEW, "2017-10-02",
                       STATUS_HELD);
    fake_revenue(f, "R1", "ACC-C1", "S1", "NOPE", "100.00");
    fake_revenue(f, "R2", "ACC-NONE", NULL, "NOPE", "100.00");
    fake_revenue(f, "R3", "ACC-ENDED", NULL, "NOPE", "100.00")->currency = currency_pack(fake_currency("EUR"));
    assign_all(f);
    assert_assignment(f, "R1", STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, NULL);
    assert_assignment(f, "R2", STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, NULL);
    assert_assignment(f, "R3", STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, NULL);
}

/* Proves every three-letter code packs into revenue_t's 16 bits and back,
 * distinct codes to distinct numbers, in code order. */
static void test_currency_pack(void **state)
{
    (void)state;
    uint16_t last = 0;
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++)
            for (char c = 'A'; c <= 'Z'; c++) {
                currency_t cur = {{a, b, c, 0}};
                uint16_t v = currency_pack(cur);
                assert_true(v == 0 ? a == 'A' && b == 'A' && c == 'A' : v == last + 1);
                assert_string_equal(currency_unpack(v).code, cur.code);
                last = v;
            }
    assert_int_equal(last, 26 * 26 * 26 - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_currency_pack),
        FAKE_TEST(test_service_order),
        FAKE_TEST(test_service_stub),
        FAKE_TEST(test_service_not_attributed),
        FAKE_TEST(test_account_owner),
        FAKE_TEST(test_no_owner),
        FAKE_TEST(test_portfolio_mismatch),
        FAKE_TEST(test_currency_mismatch),
        FAKE_TEST(test_agreement_inactive),
        FAKE_TEST(test_check_order),
        FAKE_TEST(test_unknown_product_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
