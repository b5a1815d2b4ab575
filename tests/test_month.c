/*
 * test_month.c — rules/month.h: the phases of a month's data move forward
 * only, through the functions that set them, and the accessors refuse the
 * wrong phase (a failed assert: the process dies of SIGABRT); a revenue
 * row's service is one of three cases, read only through its accessors.
 * Not for: what the rules decide (the suites of each rule).
 */
#include "fake.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The world, period 2017-11:
 *   P1: A1 (CTL); account AC1 owned by A1, account AC2 without owner
 *   product VOICE (CTL)
 *   earlier orders: S1 (whole, attributed to A1), T1 (a stub, attributed to A1)
 *   P's orders: N1 (new, names A1), I1 (incremental of S1)
 */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PL", "USD", "2017-01-01", NULL);
    fake_account(f, "AC1", "A1");
    fake_account(f, "AC2", NULL);
    fake_product(f, "VOICE", LEGACY_CTL, "voice", true);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_earlier_order(f, "2017-10", "S1", "P1", "A1", "VOICE", ORDER_NEW, "2017-10-02",
                       STATUS_ATTRIBUTED);
    fake_earlier_stub(f, "T1", "A1", STATUS_ATTRIBUTED);
    fake_order(f, "N1", "P1", "A1", "VOICE", ORDER_NEW, "2017-11-03");
    fake_order(f, "I1", "P1", NULL, "VOICE", ORDER_INCREMENTAL, "2017-11-04")->original_id = "S1";
    return m;
}

/* Run fn(f) in a child process: true when the child died of SIGABRT (an
 * assert failed), false when fn returned. The child's stderr is closed:
 * the assert's message is expected. */
static bool aborts(void (*fn)(fake_t *), fake_t *f)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(STDERR_FILENO);
        fn(f);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* The death tests need the asserts; a build with NDEBUG has none. */
#ifdef NDEBUG
#define NEEDS_ASSERTS() skip()
#else
#define NEEDS_ASSERTS() ((void)0)
#endif

static void decide(fake_t *f)
{
    cm_error_t why;
    if (fake_decide(f, &why) != EXIT_DONE)
        fail_msg("month_decide: %s", why.message);
}

/* Proves a run's phases in order: the map shrinks to the originals P names,
 * the results are set, and after the map is dropped orders are still read
 * by reference. */
static void test_phases_of_a_run(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    const revenue_t *r = fake_revenue(f, "R1", "AC2", "T1", "VOICE", "10.00");
    int32_t t1 = revenue_order_ref(r);
    assert_int_equal(month_phase(m), MONTH_LOADING);
    month_inputs_read(m);
    assert_int_equal(month_phase(m), MONTH_READ);
    month_shrink_order_map(m);
    assert_int_equal(month_phase(m), MONTH_DECIDING);
    assert_true(month_order(m, "S1") >= 0); /* named as an original */
    assert_int_equal(month_order(m, "N1"), -1);
    decide(f);
    assert_int_equal(month_phase(m), MONTH_DECIDED);
    assert_int_equal(fake_ag(f, "A1"), m->revenue.v[0].agreement);
    month_drop_order_map(m);
    assert_int_equal(month_phase(m), MONTH_OUTPUTS);
    assert_string_equal(month_order_decision(m, t1).id, "T1");
    assert_string_equal(revenue_service_id(m, &m->revenue.v[0]), "T1");
}

/* Proves explain's path: deciding on the full map keeps every order known
 * by id once decided. */
static void test_decide_on_full_map(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    decide(f);
    assert_int_equal(month_phase(m), MONTH_DECIDED);
    int32_t n1 = month_order(m, "N1");
    assert_true(n1 >= 0);
    assert_int_equal(month_whole_order(m, n1)->status, STATUS_ATTRIBUTED);
    assert_true(month_order_ref(m, "T1") >= ORDER_STUB);
    assert_int_equal(month_order(m, "T1"), -1); /* a stub is not whole */
}

static void lookup_after_drop(fake_t *f)
{
    decide(f);
    month_drop_order_map(&f->month);
    month_order_ref(&f->month, "S1");
}
static void revenue_after_read(fake_t *f)
{
    month_inputs_read(&f->month);
    fake_revenue(f, "R9", "AC1", NULL, "VOICE", "1.00");
}
static void shrink_while_loading(fake_t *f) { month_shrink_order_map(&f->month); }
static void drop_before_decided(fake_t *f)
{
    month_inputs_read(&f->month);
    month_start_deciding(&f->month);
    month_drop_order_map(&f->month);
}
static void decided_after_overflow(fake_t *f)
{
    month_inputs_read(&f->month);
    month_start_deciding(&f->month);
    month_overflow(&f->month, "a test total", -1, SOURCE_NONE, PERIOD_NONE, 0, NULL);
    month_decided(&f->month);
}
static void read_twice(fake_t *f)
{
    month_inputs_read(&f->month);
    month_inputs_read(&f->month);
}
static void nothing(fake_t *f) { (void)f; }

/* Proves each transition and accessor refuses the wrong phase, and that a
 * child that breaks nothing is not taken for one that aborts. */
static void test_wrong_phase_aborts(void **state)
{
    NEEDS_ASSERTS();
    fake_t *f = *state;
    world(f);
    assert_false(aborts(nothing, f));
    assert_true(aborts(lookup_after_drop, f));
    assert_true(aborts(revenue_after_read, f));
    assert_true(aborts(shrink_while_loading, f));
    assert_true(aborts(drop_before_decided, f));
    assert_true(aborts(decided_after_overflow, f));
    assert_true(aborts(read_twice, f));
}

/* Proves the three cases of a revenue row's service read back as written:
 * blank and unknown keep the account (P3), a known order its reference,
 * whole or stub. */
static void test_revenue_service_cases(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    fake_revenue(f, "R-BLANK", "AC1", NULL, "VOICE", "1.00");
    fake_revenue(f, "R-UNKNOWN", "AC2", "NOBODY", "VOICE", "1.00");
    fake_revenue(f, "R-NOACC", "AC-NONE", NULL, "VOICE", "1.00");
    fake_revenue(f, "R-WHOLE", "AC1", "S1", "VOICE", "1.00");
    fake_revenue(f, "R-STUB", "AC1", "T1", "VOICE", "1.00");
    const revenue_t *r = m->revenue.v;

    assert_int_equal(revenue_service(&r[0]), REVENUE_SERVICE_BLANK);
    assert_false(revenue_has_order(&r[0]));
    assert_false(revenue_service_named(&r[0]));
    assert_int_equal(revenue_account(&r[0]), 0);
    assert_null(revenue_service_id(m, &r[0]));
    assert_string_equal(revenue_account_id(m, &r[0]), "AC1");

    assert_int_equal(revenue_service(&r[1]), REVENUE_SERVICE_UNKNOWN);
    assert_true(revenue_service_named(&r[1]));
    assert_int_equal(revenue_account(&r[1]), 1);
    assert_string_equal(revenue_service_id(m, &r[1]), "");
    assert_string_equal(revenue_account_id(m, &r[1]), "AC2");

    assert_int_equal(revenue_service(&r[2]), REVENUE_SERVICE_BLANK);
    assert_int_equal(revenue_account(&r[2]), -1);
    assert_string_equal(revenue_account_id(m, &r[2]), "");

    assert_int_equal(revenue_service(&r[3]), REVENUE_SERVICE_ORDER);
    assert_true(month_is_whole(revenue_order_ref(&r[3])));
    assert_string_equal(month_whole_order(m, revenue_order_ref(&r[3]))->id, "S1");
    assert_string_equal(revenue_service_id(m, &r[3]), "S1");
    assert_string_equal(revenue_account_id(m, &r[3]), ""); /* the order decides */

    assert_int_equal(revenue_service(&r[4]), REVENUE_SERVICE_ORDER);
    assert_false(month_is_whole(revenue_order_ref(&r[4])));
    order_decision_t d = month_order_decision(m, revenue_order_ref(&r[4]));
    assert_string_equal(d.id, "T1");
    assert_int_equal(d.agreement, fake_ag(f, "A1"));
    assert_int_equal(d.status, STATUS_ATTRIBUTED);
}

/* Proves the encoding holds at its bounds: the last account index, both
 * flags, and order references up to the stubs' range. */
static void test_revenue_service_bounds(void **state)
{
    (void)state;
    const int32_t accounts[] = {-1, 0, 1, REVENUE_ACCOUNTS_MAX - 1};
    for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
        for (int named = 0; named < 2; named++) {
            revenue_t r = {.service = revenue_without_order(accounts[i], named)};
            assert_false(revenue_has_order(&r));
            assert_int_equal(revenue_service(&r),
                             named ? REVENUE_SERVICE_UNKNOWN : REVENUE_SERVICE_BLANK);
            assert_int_equal(revenue_account(&r), accounts[i]);
        }
    const int32_t refs[] = {0, 1, ORDER_STUB - 1, ORDER_STUB, INT32_MAX};
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        revenue_t r = {.service = revenue_service_order(refs[i])};
        assert_int_equal(revenue_service(&r), REVENUE_SERVICE_ORDER);
        assert_int_equal(revenue_order_ref(&r), refs[i]);
        assert_int_equal(month_is_whole(refs[i]), refs[i] < ORDER_STUB);
    }
}

static void order_of_blank_row(fake_t *f)
{
    (void)f;
    revenue_t r = {.service = revenue_without_order(0, false)};
    revenue_order_ref(&r);
}
static void account_of_ordered_row(fake_t *f)
{
    (void)f;
    revenue_t r = {.service = revenue_service_order(3)};
    revenue_account(&r);
}
static void account_out_of_range(fake_t *f)
{
    (void)f;
    revenue_without_order(REVENUE_ACCOUNTS_MAX, true);
}
static void whole_order_out_of_range(fake_t *f)
{
    month_whole_order(&f->month, (int32_t)f->month.orders.n);
}
static void stub_id_out_of_range(fake_t *f) { month_stub_id(&f->month, f->month.stubs.n); }

/* Proves a service read as the wrong case, or a reference past its array,
 * aborts instead of reading another row's data. */
static void test_wrong_case_aborts(void **state)
{
    NEEDS_ASSERTS();
    fake_t *f = *state;
    world(f);
    assert_true(aborts(order_of_blank_row, f));
    assert_true(aborts(account_of_ordered_row, f));
    assert_true(aborts(account_out_of_range, f));
    assert_true(aborts(whole_order_out_of_range, f));
    assert_true(aborts(stub_id_out_of_range, f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_phases_of_a_run),
        FAKE_TEST(test_decide_on_full_map),
        FAKE_TEST(test_wrong_phase_aborts),
        FAKE_TEST(test_revenue_service_cases),
        cmocka_unit_test(test_revenue_service_bounds),
        FAKE_TEST(test_wrong_case_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
