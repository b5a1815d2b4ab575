/*
 * test_payables.c — rules/payables.c against SPEC §4.7 and §8.10 (status
 * order, carried balances, due dates, which agreements get a payables row),
 * and rules/conservation.c: a whole decided month reconciles, and a broken
 * total is caught.
 */
#include "fake.h"

#include <string.h>

#include "conservation.h"
#include "decide.h"
#include "lines.h"
#include "payables.h"

/*
 * P1 (active) and PH (on hold).
 *   A-MON   P1 CTL  monthly,   lag 45, min 50.00
 *   A-QTR   P1 LVL3 quarterly, lag 30, min 0.00
 *   A-ZERO  P1 MKT  monthly,   lag 0,  min 0.00
 *   A-HOLD  PH CTL  monthly,   lag 10, min 0.00
 *   A-END1, A-END2, A-END3: P1, ended 2017-09-30 (not active in 2017-11)
 */
static month_t *world_in(fake_t *f, const char *period)
{
    fake_partner(f, "P1", LANG_EN);
    int32_t ph = fake_partner(f, "PH", LANG_ES);
    f->master.partners.v[ph].on_hold = true;
    int32_t a = fake_agreement(f, "A-MON", "P1", LEGACY_CTL, "PL", "USD", "2017-01-01", NULL);
    f->master.agreements.v[a].lag_days = 45;
    f->master.agreements.v[a].min_payout = fake_money("50.00");
    a = fake_agreement(f, "A-QTR", "P1", LEGACY_LVL3, "PL", "USD", "2017-01-01", NULL);
    f->master.agreements.v[a].interval = INTERVAL_QUARTERLY;
    f->master.agreements.v[a].lag_days = 30;
    fake_agreement(f, "A-ZERO", "P1", LEGACY_MKT, "PL", "USD", "2017-01-01", NULL);
    a = fake_agreement(f, "A-HOLD", "PH", LEGACY_CTL, "PL", "USD", "2017-01-01", NULL);
    f->master.agreements.v[a].lag_days = 10;
    fake_agreement(f, "A-END1", "P1", LEGACY_CTL, "PL", "USD", "2016-01-01", "2017-09-30");
    fake_agreement(f, "A-END2", "P1", LEGACY_CTL, "PL", "USD", "2016-01-01", "2017-09-30");
    fake_agreement(f, "A-END3", "P1", LEGACY_CTL, "PL", "USD", "2016-01-01", "2017-09-30");
    fake_finish(f);
    return fake_month(f, period);
}

static month_t *world(fake_t *f) { return world_in(f, "2017-11"); }

/* One line of P's aggregates, as lines_aggregate leaves them. */
static void earn(fake_t *f, const char *agreement_id, line_kind_t kind, const char *amount)
{
    agreement_period_t *c = &f->month.current[fake_ag(f, agreement_id)];
    c->by_kind[kind] += fake_money(amount);
    if (kind != LINE_CREDIT)
        c->cash_lines++;
}

static void carried_in(fake_t *f, const char *agreement_id, const char *amount)
{
    f->month.carried_in[fake_ag(f, agreement_id)] = fake_money(amount);
}

static const payable_t *payable_of(fake_t *f, const char *agreement_id)
{
    return &f->month.payables[fake_ag(f, agreement_id)];
}

static void assert_payable(fake_t *f, const char *agreement_id, rule_code status,
                           const char *carried, const char *earned, const char *balance,
                           const char *paid, const char *carried_out, const char *due)
{
    const payable_t *p = payable_of(f, agreement_id);
    char buf[DATE_BUF];
    assert_true(p->present);
    assert_string_equal(rule_name(p->status), rule_name(status));
    assert_money(p->carried_in, carried);
    assert_money(p->earned, earned);
    assert_money(p->balance, balance);
    assert_money(p->paid, paid);
    assert_money(p->carried_out, carried_out);
    assert_string_equal(date_format(p->due_date, buf), due ? due : "");
}

/* ---- status ----------------------------------------------------------------- */

/* Proves paid pays the whole balance, due on P's last day + payment_lag_days. */
static void test_paid(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    earn(f, "A-MON", LINE_RESIDUAL, "80.00");
    earn(f, "A-MON", LINE_SPIFF, "30.00");
    earn(f, "A-MON", LINE_CHARGEBACK, "-12.50");
    earn(f, "A-MON", LINE_ADJUSTMENT, "2.50");
    earn(f, "A-MON", LINE_CREDIT, "7000.00"); /* non-cash: never earned or paid */
    payables_settle(m);
    assert_payable(f, "A-MON", RULE_PAID, "0.00", "100.00", "100.00", "100.00", "0.00",
                   "2018-01-14");
    const payable_t *p = payable_of(f, "A-MON");
    assert_money(p->by_kind[LINE_RESIDUAL], "80.00");
    assert_money(p->by_kind[LINE_CHARGEBACK], "-12.50");
    assert_money(p->by_kind[LINE_CREDIT], "7000.00");
}

/* Proves a quarterly agreement is not_due outside 03/06/09/12 and carries its balance. */
static void test_not_due_quarterly(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    carried_in(f, "A-QTR", "40.00");
    earn(f, "A-QTR", LINE_RESIDUAL, "60.00");
    payables_settle(m);
    assert_payable(f, "A-QTR", RULE_NOT_DUE, "40.00", "60.00", "100.00", "0.00", "100.00", NULL);
    agreement_t q = {.interval = INTERVAL_QUARTERLY};
    for (int month = 1; month <= 12; month++)
        assert_string_equal(rule_name(payables_status(&q, false, 100, 2017 * 12 + month - 1)),
                            month % 3 == 0 ? "paid" : "not_due");
}

/* Proves a quarterly agreement is paid in a quarter's last month, everything carried included. */
static void test_quarterly_paid_in_december(void **state)
{
    fake_t *f = *state;
    month_t *m = world_in(f, "2017-12");
    carried_in(f, "A-QTR", "100.00");
    earn(f, "A-QTR", LINE_RESIDUAL, "25.00");
    payables_settle(m);
    assert_payable(f, "A-QTR", RULE_PAID, "100.00", "25.00", "125.00", "125.00", "0.00",
                   "2018-01-30");
}

/* Proves a partner on hold is not paid: on_hold, balance carried. */
static void test_on_hold(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    earn(f, "A-HOLD", LINE_RESIDUAL, "500.00");
    payables_settle(m);
    assert_payable(f, "A-HOLD", RULE_ON_HOLD, "0.00", "500.00", "500.00", "0.00", "500.00", NULL);
}

/* Proves a negative balance is carried (negative), even with min_payout 0. */
static void test_negative(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    carried_in(f, "A-ZERO", "5.00");
    earn(f, "A-ZERO", LINE_CHARGEBACK, "-5.01");
    payables_settle(m);
    assert_payable(f, "A-ZERO", RULE_NEGATIVE, "5.00", "-5.01", "-0.01", "0.00", "-0.01", NULL);
}

/* Proves balance < min_payout is below_minimum and carried; exactly min_payout is paid. */
static void test_below_minimum(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    carried_in(f, "A-MON", "30.00");
    earn(f, "A-MON", LINE_RESIDUAL, "19.99");
    payables_settle(m);
    assert_payable(f, "A-MON", RULE_BELOW_MINIMUM, "30.00", "19.99", "49.99", "0.00", "49.99",
                   NULL);
    const agreement_t *ag = &f->master.agreements.v[fake_ag(f, "A-MON")];
    assert_int_equal(payables_status(ag, false, fake_money("50.00"), m->period), RULE_PAID);
    assert_int_equal(payables_status(ag, false, fake_money("49.99"), m->period),
                     RULE_BELOW_MINIMUM);
}

/* Proves the status order: not_due, then on_hold, then negative, then below_minimum. */
static void test_status_order(void **state)
{
    (void)state;
    period_t nov = 2017 * 12 + 10, dec = nov + 1;
    agreement_t q = {.interval = INTERVAL_QUARTERLY, .min_payout = 5000};
    agreement_t mo = {.interval = INTERVAL_MONTHLY, .min_payout = 5000};
    assert_int_equal(payables_status(&q, true, -100, nov), RULE_NOT_DUE);
    assert_int_equal(payables_status(&q, true, -100, dec), RULE_ON_HOLD);
    assert_int_equal(payables_status(&mo, true, -100, nov), RULE_ON_HOLD);
    assert_int_equal(payables_status(&mo, false, -100, nov), RULE_NEGATIVE);
    assert_int_equal(payables_status(&mo, false, 100, nov), RULE_BELOW_MINIMUM);
    assert_int_equal(payables_status(&mo, false, 5000, nov), RULE_PAID);
}

/* Proves with min_payout 0 a zero balance is paid 0.00 with a due date (§8.10). */
static void test_zero_balance_paid(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    payables_settle(m);
    assert_payable(f, "A-ZERO", RULE_PAID, "0.00", "0.00", "0.00", "0.00", "0.00", "2017-11-30");
}

/* Proves carried balances add to earnings: a negative carried in is netted before paying. */
static void test_carried_balances(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    carried_in(f, "A-MON", "-20.00");
    earn(f, "A-MON", LINE_RESIDUAL, "100.00");
    carried_in(f, "A-ZERO", "30.00");
    earn(f, "A-ZERO", LINE_RESIDUAL, "25.00");
    payables_settle(m);
    assert_payable(f, "A-MON", RULE_PAID, "-20.00", "100.00", "80.00", "80.00", "0.00",
                   "2018-01-14");
    assert_payable(f, "A-ZERO", RULE_PAID, "30.00", "25.00", "55.00", "55.00", "0.00",
                   "2017-11-30");
}

/* Proves a payables row exists when active in P, with a carried balance ≠ 0, or with a cash line. */
static void test_row_presence(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    carried_in(f, "A-END1", "5.00");
    earn(f, "A-END2", LINE_ADJUSTMENT, "0.00"); /* a cash line of 0.00 still counts */
    payables_settle(m);
    assert_true(payable_of(f, "A-MON")->present); /* active, nothing earned */
    assert_payable(f, "A-MON", RULE_BELOW_MINIMUM, "0.00", "0.00", "0.00", "0.00", "0.00", NULL);
    assert_payable(f, "A-END1", RULE_PAID, "5.00", "0.00", "5.00", "5.00", "0.00", "2017-11-30");
    assert_payable(f, "A-END2", RULE_PAID, "0.00", "0.00", "0.00", "0.00", "0.00", "2017-11-30");
    assert_false(payable_of(f, "A-END3")->present);
}

/* ---- conservation ------------------------------------------------------------ */

/*
 * A whole month through month_decide: P1's A-MON (plan PL: residual 10 %,
 * spiff ×2) with one installed order, its revenue, house revenue, a held
 * order and an adjustment.
 */
static month_t *decided_world(fake_t *f, cm_error_t *err)
{
    fake_partner(f, "P1", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PL", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A-OLD", "P1", LEGACY_LVL3, "PL", "USD", "2016-01-01", "2016-12-31");
    fake_product(f, "VOICE", LEGACY_CTL, "voice", true);
    fake_account(f, "ACC-1", "A1");
    fake_rate(f, "PL", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2017-01-01", NULL);
    fake_rate(f, "PL", COMPONENT_SPIFF, "*", "*", "2", -1, "2017-01-01", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    order_t *o = fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-02");
    o->install_date = fake_date("2017-11-05");
    o->mrc = fake_money("100.00");
    o->term_months = 24;
    fake_order(f, "O2", "P1", "A-OLD", "VOICE", ORDER_NEW, "2017-11-02"); /* held */
    fake_revenue(f, "R1", "ACC-1", "O1", "VOICE", "1000.00");
    fake_revenue(f, "R2", "ACC-HOUSE", NULL, "VOICE", "70.00");
    fake_revenue(f, "R3", "ACC-1", "O2", "VOICE", "30.00");
    fake_adjustment(f, "ADJ-1", "A1", "5.00");
    m->carried_in[fake_ag(f, "A-OLD")] = fake_money("-3.00");
    if (fake_decide(f, err) != EXIT_DONE)
        fail_msg("month_decide: %s", err->message);
    return m;
}

/* Proves a decided month reconciles: lines → aggregates → payables, and every input counted. */
static void test_conservation_holds(void **state)
{
    fake_t *f = *state;
    cm_error_t err;
    month_t *m = decided_world(f, &err);
    assert_int_equal(conservation_check(m, &err), EXIT_DONE);
    assert_payable(f, "A1", RULE_PAID, "0.00", "305.00", "305.00", "305.00", "0.00",
                   "2017-11-30");
    assert_payable(f, "A-OLD", RULE_NEGATIVE, "-3.00", "0.00", "-3.00", "0.00", "-3.00", NULL);
    assert_int_equal(m->control.orders_attributed, 1);
    assert_int_equal(m->control.orders_held, 1);
    assert_money(m->control.revenue_amount_held, "30.00");
    assert_money(m->control.revenue_amount_unassigned, "70.00");
}

/* Proves a payable whose paid + carried out ≠ balance is caught. */
static void test_conservation_catches_payable(void **state)
{
    fake_t *f = *state;
    cm_error_t err;
    month_t *m = decided_world(f, &err);
    m->payables[fake_ag(f, "A1")].paid += 1;
    assert_int_equal(conservation_check(m, &err), EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "conservation check failed"));
    assert_non_null(strstr(err.message, "balance"));
}

/* Proves a per-kind aggregate that differs from the lines is caught. */
static void test_conservation_catches_aggregate(void **state)
{
    fake_t *f = *state;
    cm_error_t err;
    month_t *m = decided_world(f, &err);
    m->current[fake_ag(f, "A1")].by_kind[LINE_SPIFF] -= 1;
    assert_int_equal(conservation_check(m, &err), EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "spiff"));
}

/* Proves the residuals are audited independently of rules/lines.c: a wrong
 * rate row in lines.c's memo (A1's voice residual priced as unrated), with
 * the aggregates and payables redone from the wrong lines so they agree with
 * them, is caught by the audit's own rates lookup. */
static void test_conservation_catches_wrong_residual(void **state)
{
    fake_t *f = *state;
    cm_error_t err;
    month_t *m = decided_world(f, &err);
    int32_t a = fake_ag(f, "A1");
    assert_money(m->current[a].by_kind[LINE_RESIDUAL], "100.00"); /* 10 % of R1 */
    assert_non_null(m->rates.row);
    int32_t voice = m->rates.category_of[0];
    m->rates.row[(size_t)a * m->rates.ncat + (size_t)voice] = -1;
    for (size_t i = 0; i < m->master->agreements.n; i++) {
        memset(m->current[i].by_kind, 0, sizeof(m->current[i].by_kind));
        m->current[i].cash_lines = 0;
    }
    lines_aggregate(m);
    payables_settle(m);
    assert_false(month_overflowed(m));
    assert_money(m->current[a].by_kind[LINE_RESIDUAL], "0.00");
    assert_money(m->payables[a].earned, "205.00"); /* spiff 200 + adjustment 5 */
    assert_int_equal(conservation_check(m, &err), EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "residuals of agreement A1"));
    assert_non_null(strstr(err.message, "(10000 != 0)"));
}

/* Proves an order or revenue unit unaccounted for in the control totals is caught. */
static void test_conservation_catches_counts(void **state)
{
    fake_t *f = *state;
    cm_error_t err;
    month_t *m = decided_world(f, &err);
    m->control.orders_read++;
    assert_int_equal(conservation_check(m, &err), EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "orders read"));
    m->control.orders_read--;
    m->control.revenue_amount_in += 1;
    assert_int_equal(conservation_check(m, &err), EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "revenue amount in"));
    m->control.revenue_amount_in -= 1;
    assert_int_equal(conservation_check(m, &err), EXIT_DONE);
}

/* Proves money that has no payables row (carried balance on a missing row) is caught. */
static void test_conservation_catches_missing_row(void **state)
{
    fake_t *f = *state;
    cm_error_t err;
    month_t *m = decided_world(f, &err);
    m->payables[fake_ag(f, "A-OLD")].present = false;
    assert_int_equal(conservation_check(m, &err), EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "payables row"));
}

/* ---- overflow (SPEC §2: never a wrapped value) -------------------------------- */

/* Proves a balance (carried in + earned) that would pass int64 is an overflow
 * naming the agreement, while the largest balance that fits is paid exactly. */
static void test_balance_overflow(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    m->carried_in[fake_ag(f, "A-MON")] = INT64_MAX - 10000;
    earn(f, "A-MON", LINE_RESIDUAL, "100.00");
    payables_settle(m);
    assert_false(month_overflowed(m));
    const payable_t *p = payable_of(f, "A-MON");
    assert_int_equal(p->balance, INT64_MAX);
    assert_int_equal(p->paid, INT64_MAX);
    assert_string_equal(rule_name(p->status), "paid");

    earn(f, "A-MON", LINE_ADJUSTMENT, "0.01"); /* one cent more */
    payables_settle(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.agreement, fake_ag(f, "A-MON"));
    assert_int_equal(m->overflow.source, SOURCE_NONE);
    assert_non_null(strstr(m->overflow.what, "balance"));
}

/* Proves earned (the sum of the cash kinds) is checked too. */
static void test_earned_overflow(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    agreement_period_t *c = &m->current[fake_ag(f, "A-ZERO")];
    c->by_kind[LINE_RESIDUAL] = INT64_MAX;
    c->by_kind[LINE_SPIFF] = 1;
    c->cash_lines = 2;
    payables_settle(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.agreement, fake_ag(f, "A-ZERO"));
    assert_non_null(strstr(m->overflow.what, "earned"));
}

/* Proves balances that each fit but whose magnitudes add past int64 over the
 * agreements are refused: every report total of a subset must fit. */
static void test_balances_across_agreements(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    m->carried_in[fake_ag(f, "A-MON")] = INT64_MAX / 2 + 1;
    m->carried_in[fake_ag(f, "A-ZERO")] = INT64_MAX / 2 + 1;
    payables_settle(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.agreement, -1);
}

/* Proves the due date is the last day of P + lag while it stays a 4-digit
 * year, and an overflow naming payment_lag_days past 9999-12-31. */
static void test_due_date_bounded(void **state)
{
    fake_t *f = *state;
    month_t *m = world_in(f, "9999-12");
    earn(f, "A-MON", LINE_RESIDUAL, "100.00");
    f->master.agreements.v[fake_ag(f, "A-MON")].lag_days = 0;
    f->master.agreements.v[fake_ag(f, "A-QTR")].lag_days = 0;
    payables_settle(m);
    assert_false(month_overflowed(m));
    assert_payable(f, "A-MON", RULE_PAID, "0.00", "100.00", "100.00", "100.00", "0.00",
                   "9999-12-31");
    f->master.agreements.v[fake_ag(f, "A-MON")].lag_days = 1;
    payables_settle(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.agreement, fake_ag(f, "A-MON"));
    assert_int_equal(m->overflow.source, SOURCE_AGREEMENTS);
    assert_string_equal(m->overflow.column, "payment_lag_days");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_paid),
        FAKE_TEST(test_not_due_quarterly),
        FAKE_TEST(test_quarterly_paid_in_december),
        FAKE_TEST(test_on_hold),
        FAKE_TEST(test_negative),
        FAKE_TEST(test_below_minimum),
        cmocka_unit_test(test_status_order),
        FAKE_TEST(test_zero_balance_paid),
        FAKE_TEST(test_carried_balances),
        FAKE_TEST(test_row_presence),
        FAKE_TEST(test_conservation_holds),
        FAKE_TEST(test_conservation_catches_payable),
        FAKE_TEST(test_conservation_catches_aggregate),
        FAKE_TEST(test_conservation_catches_wrong_residual),
        FAKE_TEST(test_conservation_catches_counts),
        FAKE_TEST(test_conservation_catches_missing_row),
        FAKE_TEST(test_balance_overflow),
        FAKE_TEST(test_earned_overflow),
        FAKE_TEST(test_balances_across_agreements),
        FAKE_TEST(test_due_date_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
