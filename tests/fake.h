/*
 * fake.h — a builder of small test worlds for the rules suites: master data,
 * a rule book and one month_t, filled from readable literals instead of CSV
 * files and a ledger. Not for: testing ingest or the ledger (those have their
 * own suites and the fixtures); the fake bypasses both on purpose.
 *
 * Usage, inside a test run with fake_setup/fake_teardown (FAKE_TEST):
 *
 *   fake_t *f = *state;
 *   fake_partner(f, "P1", LANG_EN);
 *   fake_agreement(f, "A1", "P1", LEGACY_CTL, "PLAN1", "USD", "2017-01-01", NULL);
 *   fake_product(f, "VOICE", LEGACY_CTL, "voice", true);
 *   fake_finish(f);                       // indexes; the master is frozen now
 *   month_t *m = fake_month(f, "2017-11");
 *   fake_order(f, "O1", "P1", NULL, "VOICE", ORDER_NEW, "2017-11-03");
 *   attr_decide_period(m);
 *
 * Ownership: everything (strings, rows, the month) belongs to the fake_t and
 * is released by fake_teardown (or fake_release). Row pointers returned by
 * fake_order/fake_revenue/fake_activity stay valid until the next row of the
 * same kind is added (the VEC may move); indexes are stable.
 * Dates are "YYYY-MM-DD", periods "YYYY-MM", money "-?D+(.DD)?"; a NULL date
 * or period is blank (DATE_NONE / PERIOD_NONE). A malformed literal fails the
 * test that wrote it.
 */
#ifndef COMMISSIONS_TESTS_FAKE_H
#define COMMISSIONS_TESTS_FAKE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include "model.h"
#include "month.h"
#include "status.h"

typedef struct fake {
    arena_t arena; /* master and book strings */
    master_t master;
    book_t book;
    month_t month;
    bool finished, month_ready;
} fake_t;

/* cmocka setup/teardown: *state is a zeroed fake_t, released afterwards even
 * when the test fails. */
int fake_setup(void **state);
int fake_teardown(void **state);
void fake_release(fake_t *f);
#define FAKE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

/* ---- literals ------------------------------------------------------------ */
date_t fake_date(const char *s);     /* NULL -> DATE_NONE */
period_t fake_period(const char *s); /* NULL -> PERIOD_NONE */
money_t fake_money(const char *s);
currency_t fake_currency(const char *s);

/* Assert that cents v formats as the literal s ("-12.34"). */
void fake_assert_money(money_t v, const char *s, const char *file, int line);
#define assert_money(v, s) fake_assert_money((v), (s), __FILE__, __LINE__)

/* ---- master data (before fake_finish); each returns the row's index ------ */
int32_t fake_partner(fake_t *f, const char *id, lang_t lang);
/* interval monthly, lag 0 days, min_payout 0.00: change the row to vary. */
int32_t fake_agreement(fake_t *f, const char *id, const char *partner_id, legacy_t legacy,
                       const char *plan_id, const char *currency, const char *start,
                       const char *end);
int32_t fake_product(fake_t *f, const char *code, legacy_t portfolio, const char *category,
                     bool commissionable);
/* owner_agreement_id NULL: an account with no recorded owner. */
int32_t fake_account(fake_t *f, const char *id, const char *owner_agreement_id);
int32_t fake_commitment(fake_t *f, const char *id, const char *agreement_id, basis_t basis,
                        const char *amount, const char *start, const char *end);

/* ---- rule book ----------------------------------------------------------- */
int32_t fake_program(fake_t *f, const char *name, legacy_t legacy, basis_t basis,
                     review_t review, int32_t window_months, const char *entry_tier,
                     const char *freeze_until, const char *combine_from,
                     const char *effective_from, const char *effective_to);
/* min_value: cents for revenue programs (fake_money("500.00")), points otherwise. */
int32_t fake_tier(fake_t *f, const char *program, const char *tier, int32_t rank,
                  int64_t min_value);
int32_t fake_points_rule(fake_t *f, const char *program, const char *phase_tier,
                         const char *activity_code, int64_t points, int64_t requires_points,
                         bool repeatable);
int32_t fake_benefit(fake_t *f, const char *program, const char *tier, const char *benefit,
                     const char *monthly_amount, const char *currency);
/* category / tier "*" = any. value is rate_pct ("12.5") for residual rows and
 * mrc_multiple ("2.5") for spiff rows; min_term -1 = blank. */
int32_t fake_rate(fake_t *f, const char *plan_id, component_t component, const char *category,
                  const char *tier, const char *value, int32_t min_term, const char *from,
                  const char *to);

/* Build partner_ix, agreement_ix, product_ix, account_ix and by_partner /
 * by_partner_first (agreements grouped by partner index, sorted by
 * agreement_id). Master and book must not change shape afterwards. */
void fake_finish(fake_t *f);

/* ---- the month (after fake_finish) ---------------------------------------- */
month_t *fake_month(fake_t *f, const char *period);

int32_t fake_ag(const fake_t *f, const char *agreement_id); /* index, fails if unknown */
order_t *fake_find_order(fake_t *f, const char *order_id);  /* fails if unknown */

/* An order first delivered in P, undecided: currency USD, mrc/nrc 0, term 0,
 * install blank, original and opportunity blank (set the fields to vary).
 * agreement_id NULL = none named. Counted in control.orders_read. */
order_t *fake_order(fake_t *f, const char *id, const char *partner_id, const char *agreement_id,
                    const char *product, order_type_t type, const char *order_date);

/* An order of an earlier period, already decided: attributed to agreement_id
 * (which it also names) or held/rejected (agreement blank). */
order_t *fake_earlier_order(fake_t *f, const char *period, const char *id,
                            const char *partner_id, const char *agreement_id,
                            const char *product, order_type_t type, const char *order_date,
                            status_t status);

/* An earlier order as the ledger loads it when P does not name it: a stub
 * (month.h order_stub_t) with its decision only; its order reference. */
int32_t fake_earlier_stub(fake_t *f, const char *id, const char *agreement_id, status_t status);

/* A revenue row of P (currency USD); service_id NULL = blank. Counted in the
 * control totals read and amount in. */
revenue_t *fake_revenue(fake_t *f, const char *id, const char *account_id,
                        const char *service_id, const char *product, const char *amount);

/* An approval of P; records the opportunity's earliest approval date. */
void fake_approval(fake_t *f, const char *id, const char *opportunity_id, const char *approved_on);

/* An accepted (four-eyes approved) adjustment of P in the agreement's currency. */
void fake_adjustment(fake_t *f, const char *id, const char *agreement_id, const char *amount);

activity_t *fake_activity(fake_t *f, const char *id, const char *partner_id, const char *code,
                          const char *date);

/* One earlier period's aggregates of an agreement (kept sorted). */
void fake_history(fake_t *f, const char *agreement_id, const char *period, const char *revenue,
                  const char *installed_mrc);

/* The ledger's latest tiers row of an agreement before P: placed `tier`
 * under `program` in `period` with `rule`, no review. Returns the row so a
 * test can add a review (reviewed, next_program, next_tier, next_rule). */
tier_prior_t *fake_prior_tier(fake_t *f, const char *agreement_id, const char *period,
                              const char *program, const char *tier, rule_code rule);

/* Decide the month as a run does (month.h phases: inputs read, then
 * month_decide): month_decide's status, its message in err. */
cm_status fake_decide(fake_t *f, cm_error_t *err);

#endif
