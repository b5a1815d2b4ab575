/*
 * test_lines.c — rules/lines.c and rules/rates.c against SPEC §4.4, §8.5
 * and §8.6: the most specific effective-dated rate, residuals and their
 * notes, spiffs recognised once, pro-rata chargebacks, adjustments, the
 * non-cash integration credits and the per-agreement aggregates.
 * Tiers are set by hand here (m->tiers); placement is test_tiers.c's job.
 */
#include "fake.h"

#include <stdio.h>
#include <string.h>

#include "assignment.h"
#include "lines.h"
#include "rates.h"

/*
 * The world, period 2017-11 unless a test says otherwise:
 *   P1: A1 (CTL, plan PL-C), A1-L3 (LVL3, plan PL-L), A1-Y (CTL, plan PL-Y)
 *   P2: A2-MKT (MKT, plan PL-M); P3: A3-OLD (MKT, ended 2017-10-31)
 * Accounts ACC-1 → A1, ACC-L3 → A1-L3, ACC-Y → A1-Y.
 * Products: DATA (CTL, data), VOICE (CTL, voice), FEE (CTL, fee, not
 * commissionable), WAVE (LVL3, wave), DARK (LVL3, dark), DARK-FEE (LVL3, dark,
 * not commissionable).
 * Residual rates:
 *   PL-C: * / * 1 %, * / Gold 2 %, data / * 3 %, data / Gold 4 %
 *   PL-Y: * / * 1 %, * / Gold 2 %, data / * 3 %   (no data / Gold row)
 *   PL-L: wave / * 10 % to 2017-10-31, 12.5 % from 2017-11-01,
 *         wave / Gold 20 % from 2017-11-15; nothing for dark
 * Spiff rates (mrc_multiple):
 *   PL-C: * / * 2.5 (min term 12) to 2017-10-31, 3 (min term 12) from 2017-11-01,
 *         voice / Gold 5 (no minimum)
 *   PL-L: none
 * Program MKT-PP (MKT, points): tiers Silver < Gold < Platinum; benefits
 *   Silver integration_credit 2000.00; Gold integration_credit 7000.00 and
 *   co_marketing 500.00; Platinum none.
 */
static month_t *world_in(fake_t *f, const char *period)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_EN);
    fake_partner(f, "P3", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PL-C", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A1-L3", "P1", LEGACY_LVL3, "PL-L", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A1-Y", "P1", LEGACY_CTL, "PL-Y", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2-MKT", "P2", LEGACY_MKT, "PL-M", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A3-OLD", "P3", LEGACY_MKT, "PL-M", "USD", "2017-01-01", "2017-10-31");
    fake_account(f, "ACC-1", "A1");
    fake_account(f, "ACC-L3", "A1-L3");
    fake_account(f, "ACC-Y", "A1-Y");
    fake_product(f, "DATA", LEGACY_CTL, "data", true);
    fake_product(f, "VOICE", LEGACY_CTL, "voice", true);
    fake_product(f, "FEE", LEGACY_CTL, "fee", false);
    fake_product(f, "WAVE", LEGACY_LVL3, "wave", true);
    fake_product(f, "DARK", LEGACY_LVL3, "dark", true);
    fake_product(f, "DARK-FEE", LEGACY_LVL3, "dark", false);

    fake_rate(f, "PL-C", COMPONENT_RESIDUAL, "*", "*", "1", -1, "2017-01-01", NULL);
    fake_rate(f, "PL-C", COMPONENT_RESIDUAL, "*", "Gold", "2", -1, "2017-01-01", NULL);
    fake_rate(f, "PL-C", COMPONENT_RESIDUAL, "data", "*", "3", -1, "2017-01-01", NULL);
    fake_rate(f, "PL-C", COMPONENT_RESIDUAL, "data", "Gold", "4", -1, "2017-01-01", NULL);
    fake_rate(f, "PL-Y", COMPONENT_RESIDUAL, "*", "*", "1", -1, "2017-01-01", NULL);
    fake_rate(f, "PL-Y", COMPONENT_RESIDUAL, "*", "Gold", "2", -1, "2017-01-01", NULL);
    fake_rate(f, "PL-Y", COMPONENT_RESIDUAL, "data", "*", "3", -1, "2017-01-01", NULL);
    fake_rate(f, "PL-L", COMPONENT_RESIDUAL, "wave", "*", "10", -1, "2017-01-01", "2017-10-31");
    fake_rate(f, "PL-L", COMPONENT_RESIDUAL, "wave", "*", "12.5", -1, "2017-11-01", NULL);
    fake_rate(f, "PL-L", COMPONENT_RESIDUAL, "wave", "Gold", "20", -1, "2017-11-15", NULL);
    fake_rate(f, "PL-C", COMPONENT_SPIFF, "*", "*", "2.5", 12, "2017-01-01", "2017-10-31");
    fake_rate(f, "PL-C", COMPONENT_SPIFF, "*", "*", "3", 12, "2017-11-01", NULL);
    fake_rate(f, "PL-C", COMPONENT_SPIFF, "voice", "Gold", "5", -1, "2017-01-01", NULL);

    fake_program(f, "MKT-PP", LEGACY_MKT, BASIS_POINTS, REVIEW_MONTHLY, 1, "Silver", NULL, NULL,
                 "2017-01", NULL);
    fake_tier(f, "MKT-PP", "Silver", 1, 0);
    fake_tier(f, "MKT-PP", "Gold", 2, 500);
    fake_tier(f, "MKT-PP", "Platinum", 3, 5000);
    fake_benefit(f, "MKT-PP", "Silver", "integration_credit", "2000.00", "USD");
    fake_benefit(f, "MKT-PP", "Gold", "integration_credit", "7000.00", "USD");
    fake_benefit(f, "MKT-PP", "Gold", "co_marketing", "500.00", "USD");
    fake_finish(f);
    return fake_month(f, period);
}

static month_t *world(fake_t *f) { return world_in(f, "2017-11"); }

static void set_tier(fake_t *f, const char *agreement_id, const char *tier)
{
    f->month.tiers[fake_ag(f, agreement_id)].tier = tier;
}

/* One revenue row assigned through its account and its residual computed
 * with the agreement's current tier. */
static revenue_t *residual(fake_t *f, const char *id, const char *account, const char *product,
                           const char *amount)
{
    revenue_t *r = fake_revenue(f, id, account, NULL, product, amount);
    assign_revenue(&f->month, r);
    lines_residual(&f->month, r);
    return r;
}

static void assert_rate(const fake_t *f, const revenue_t *r, const char *pct, const char *commission)
{
    char buf[MONEY_BUF];
    assert_string_equal(status_names[r->status], "assigned");
    line_t l = lines_residual_of(&f->month, r);
    assert_int_equal(l.kind, LINE_RESIDUAL);
    assert_int_equal(l.agreement, r->agreement);
    assert_money(l.basis, money_format(r->amount, buf));
    assert_string_equal(rule_name(l.note), "");
    assert_true(l.rate_row >= 0);
    assert_string_equal(decimal_format(l.rate, l.rate_scale, buf), pct);
    assert_money(l.amount, commission);
}

static size_t count_lines(const fake_t *f, line_kind_t kind)
{
    size_t n = 0;
    for (size_t i = 0; i < f->month.lines.n; i++)
        n += f->month.lines.v[i].kind == kind;
    return n;
}

/* The single line of that kind and source (fails on none or several). */
static const line_t *line_of(const fake_t *f, line_kind_t kind, const char *source)
{
    const line_t *found = NULL;
    for (size_t i = 0; i < f->month.lines.n; i++) {
        const line_t *l = &f->month.lines.v[i];
        if (l->kind == kind && strcmp(l->source_id, source) == 0) {
            if (found)
                fail_msg("two %s lines for %s", line_kind_names[kind], source);
            found = l;
        }
    }
    if (!found)
        fail_msg("no %s line for %s", line_kind_names[kind], source);
    return found;
}

/* An attributed new/incremental order of P with its install and terms. */
static order_t *installed(fake_t *f, const char *id, const char *agreement, const char *product,
                          order_type_t type, const char *install, const char *mrc, int32_t term)
{
    order_t *o = fake_order(f, id, "P1", agreement, product, type, "2017-10-01");
    o->status = STATUS_ATTRIBUTED;
    o->rule = RULE_NAMED_AGREEMENT;
    o->agreement = fake_ag(f, agreement);
    o->install_date = fake_date(install);
    o->mrc = fake_money(mrc);
    o->term_months = term;
    return o;
}

/* A service of an earlier period that earned a spiff (spiff NULL: none). */
static order_t *service(fake_t *f, const char *id, const char *install, int32_t term,
                        const char *spiff)
{
    order_t *o = fake_earlier_order(f, "2016-01", id, "P1", "A1", "VOICE", ORDER_NEW,
                                    "2016-01-01", STATUS_ATTRIBUTED);
    o->install_date = fake_date(install);
    o->installed_period = period_of_date(o->install_date);
    o->term_months = term;
    o->mrc = 10000;
    o->has_spiff = spiff != NULL;
    o->spiff = spiff ? fake_money(spiff) : 0;
    return o;
}

/* An attributed disconnect of P of the service `original`. */
static order_t *disconnect(fake_t *f, const char *id, const char *original, const char *date)
{
    order_t *o = fake_order(f, id, "P1", NULL, "VOICE", ORDER_DISCONNECT, date);
    o->original_id = original;
    o->status = STATUS_ATTRIBUTED;
    o->rule = RULE_DISCONNECT_FOLLOWS_SERVICE;
    o->agreement = fake_ag(f, "A1");
    return o;
}

/* ---- rate lookup and residuals ---------------------------------------------- */

/* Proves the most specific rate wins: category+tier > category+* > *+tier > *+*. */
static void test_residual_most_specific(void **state)
{
    fake_t *f = *state;
    world(f);
    set_tier(f, "A1", "Gold");
    assert_rate(f, residual(f, "R1", "ACC-1", "DATA", "1000.00"), "4", "40.00");
    assert_rate(f, residual(f, "R2", "ACC-1", "VOICE", "1000.00"), "2", "20.00");
    set_tier(f, "A1", "Silver");
    assert_rate(f, residual(f, "R3", "ACC-1", "DATA", "1000.00"), "3", "30.00");
    assert_rate(f, residual(f, "R4", "ACC-1", "VOICE", "1000.00"), "1", "10.00");
    set_tier(f, "A1", NULL); /* no tier: only `*` tier rows apply */
    assert_rate(f, residual(f, "R5", "ACC-1", "DATA", "1000.00"), "3", "30.00");
    assert_rate(f, residual(f, "R6", "ACC-1", "VOICE", "1000.00"), "1", "10.00");
}

/* Proves an exact category outranks an exact tier when no row has both. */
static void test_residual_category_beats_tier(void **state)
{
    fake_t *f = *state;
    world(f);
    set_tier(f, "A1-Y", "Gold");
    assert_rate(f, residual(f, "R1", "ACC-Y", "DATA", "1000.00"), "3", "30.00");
    assert_rate(f, residual(f, "R2", "ACC-Y", "VOICE", "1000.00"), "2", "20.00");
    /* the same lookup, directly */
    const book_t *b = &f->book;
    int32_t row = rates_find(b, "PL-Y", COMPONENT_RESIDUAL, "data", "Gold", fake_date("2017-11-01"));
    assert_true(row >= 0);
    assert_string_equal(b->rates.v[row].category, "data");
    assert_null(b->rates.v[row].tier);
    assert_int_equal(rates_find(b, "PL-Y", COMPONENT_SPIFF, "data", "Gold", fake_date("2017-11-01")),
                     -1);
}

/* Proves residual rates are taken on the first day of P, with inclusive effective dates. */
static void test_residual_effective_dating(void **state)
{
    fake_t *f = *state;
    world(f);
    /* Gold's 20 % starts 2017-11-15: not in effect on D = 2017-11-01 */
    set_tier(f, "A1-L3", "Gold");
    assert_rate(f, residual(f, "R1", "ACC-L3", "WAVE", "100.00"), "12.5", "12.50");
    const book_t *b = &f->book;
    int32_t oct = rates_find(b, "PL-L", COMPONENT_RESIDUAL, "wave", NULL, fake_date("2017-10-31"));
    int32_t nov = rates_find(b, "PL-L", COMPONENT_RESIDUAL, "wave", NULL, fake_date("2017-11-01"));
    int32_t gold = rates_find(b, "PL-L", COMPONENT_RESIDUAL, "wave", "Gold", fake_date("2017-11-15"));
    assert_int_equal(b->rates.v[oct].rate_pct, 100000);
    assert_int_equal(b->rates.v[nov].rate_pct, 125000);
    assert_int_equal(b->rates.v[gold].rate_pct, 200000);
    assert_int_equal(rates_find(b, "PL-L", COMPONENT_RESIDUAL, "wave", NULL, fake_date("2016-12-31")),
                     -1);
}

/* Proves a period before a rate change still uses the old rate (D = first day of P). */
static void test_residual_previous_rate(void **state)
{
    fake_t *f = *state;
    world_in(f, "2017-10");
    assert_rate(f, residual(f, "R1", "ACC-L3", "WAVE", "100.00"), "10", "10.00");
}

/* Proves residuals round half-even once per line, negatives included. */
static void test_residual_rounding(void **state)
{
    fake_t *f = *state;
    world(f);
    assert_rate(f, residual(f, "R1", "ACC-L3", "WAVE", "1.00"), "12.5", "0.12");  /* 0.125 */
    assert_rate(f, residual(f, "R2", "ACC-L3", "WAVE", "0.60"), "12.5", "0.08");  /* 0.075 */
    assert_rate(f, residual(f, "R3", "ACC-L3", "WAVE", "0.20"), "12.5", "0.02");  /* 0.025 */
    assert_rate(f, residual(f, "R4", "ACC-L3", "WAVE", "-0.60"), "12.5", "-0.08");
    assert_rate(f, residual(f, "R5", "ACC-L3", "WAVE", "-1.00"), "12.5", "-0.12");
    assert_rate(f, residual(f, "R6", "ACC-L3", "WAVE", "0.07"), "12.5", "0.01");  /* 0.00875 */
}

/* Proves the decide phase's memo (m->rates) gives the same rate rows, notes
 * and amounts as a plain lookup, for rated, unrated and non-commissionable
 * rows, and that rows met once fill one cell per (agreement, category). */
static void test_residual_memo_same_answers(void **state)
{
    fake_t *f = *state;
    world(f);
    revenue_t *r[] = {residual(f, "R1", "ACC-L3", "WAVE", "1.00"),
                      residual(f, "R2", "ACC-L3", "DARK", "100.00"),
                      residual(f, "R3", "ACC-L3", "DARK-FEE", "100.00")};
    int32_t row[3];
    rule_code note[3];
    money_t amount[3];
    for (int i = 0; i < 3; i++) { /* no memo yet: plain lookups */
        line_t l = lines_residual_of(&f->month, r[i]);
        row[i] = l.rate_row;
        note[i] = l.note;
        amount[i] = l.amount;
    }
    assert_true(row[0] >= 0);
    assert_int_equal(row[1], -1);
    assert_string_equal(rule_name(note[1]), "no_rate");
    assert_string_equal(rule_name(note[2]), "not_commissionable");
    rate_memo_init(&f->month);
    assert_non_null(f->month.rates.row);
    for (int i = 0; i < 3; i++)
        lines_residual(&f->month, r[i]);
    int32_t a = r[0]->agreement;
    size_t filled = 0;
    for (size_t k = 0; k < f->month.rates.ncat; k++)
        filled += f->month.rates.row[(size_t)a * f->month.rates.ncat + k] != RATE_MEMO_UNKNOWN;
    assert_int_equal(filled, 2); /* WAVE's and DARK's categories; the fee earns nothing */
    for (int i = 0; i < 3; i++) {
        line_t l = lines_residual_of(&f->month, r[i]);
        assert_int_equal(l.rate_row, row[i]);
        assert_int_equal(l.note, note[i]);
        assert_int_equal(l.amount, amount[i]);
    }
}

/* Proves no matching rate gives a line of rate 0 with note no_rate. */
static void test_residual_no_rate(void **state)
{
    fake_t *f = *state;
    world(f);
    /* PL-L has no `*` row and nothing for dark; PL-C's rows belong to another plan */
    revenue_t *r = residual(f, "R1", "ACC-L3", "DARK", "100.00");
    assert_string_equal(status_names[r->status], "assigned");
    line_t l = lines_residual_of(&f->month, r);
    assert_string_equal(rule_name(l.note), "no_rate");
    assert_int_equal(l.rate, 0);
    assert_int_equal(l.rate_row, -1);
    assert_money(l.amount, "0.00");
}

/* Proves not_commissionable wins over no_rate, and over an existing rate (§8.5). */
static void test_residual_not_commissionable(void **state)
{
    fake_t *f = *state;
    world(f);
    revenue_t *r = residual(f, "R1", "ACC-L3", "DARK-FEE", "100.00"); /* no rate either */
    line_t l = lines_residual_of(&f->month, r);
    assert_string_equal(rule_name(l.note), "not_commissionable");
    assert_int_equal(l.rate, 0);
    assert_money(l.amount, "0.00");
    r = residual(f, "R2", "ACC-1", "FEE", "100.00"); /* PL-C's * / * would match */
    l = lines_residual_of(&f->month, r);
    assert_string_equal(rule_name(l.note), "not_commissionable");
    assert_int_equal(l.rate, 0);
    assert_int_equal(l.rate_row, -1);
    assert_money(l.amount, "0.00");
    /* a corrected file's row priced with a rate row found elsewhere: still none */
    l = lines_residual_rated(&f->month, r, 0);
    assert_string_equal(rule_name(l.note), "not_commissionable");
    assert_money(l.amount, "0.00");
}

/* Proves unassigned and held revenue have no line: the iterator yields the
 * residual of each assigned row once, in file order, with its revenue id and
 * row, then the stored lines. */
static void test_residual_only_when_assigned(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    set_tier(f, "A1", "Gold");
    revenue_t *r = residual(f, "R1", "ACC-NOBODY", "DATA", "100.00");
    assert_string_equal(status_names[r->status], "unassigned");
    r = residual(f, "R2", "ACC-1", "WAVE", "100.00");
    assert_string_equal(status_names[r->status], "held");
    residual(f, "R3", "ACC-1", "DATA", "100.00");
    residual(f, "R4", "ACC-NOBODY", "DATA", "100.00");
    residual(f, "R5", "ACC-1", "VOICE", "50.00");
    fake_adjustment(f, "ADJ-1", "A1", "5.00");
    lines_adjustments(m);
    line_iter_t it;
    line_t l;
    static const char *const want_id[] = {"R3", "R5", "ADJ-1"};
    static const int32_t want_row[] = {2, 4, 0};
    static const char *const want_amount[] = {"4.00", "1.00", "5.00"};
    size_t n = 0;
    lines_iter_start(&it, m);
    while (lines_next(&it, &l)) {
        assert_true(n < 3);
        assert_int_equal(l.kind, n < 2 ? LINE_RESIDUAL : LINE_ADJUSTMENT);
        assert_string_equal(l.source_id, want_id[n]);
        assert_int_equal(l.row, want_row[n]);
        assert_money(l.amount, want_amount[n]);
        n++;
    }
    assert_int_equal(n, 3);
    assert_false(lines_next(&it, &l)); /* stays at the end */
}

/* ---- spiffs ----------------------------------------------------------------- */

/* Proves a spiff is mrc × mrc_multiple with basis, rate, source and the installed MRC recorded. */
static void test_spiff_amount(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-11-10", "100.00", 24);
    installed(f, "N2", "A1", "DATA", ORDER_INCREMENTAL, "2017-11-30", "10.00", 12);
    lines_spiffs(m);
    assert_int_equal(count_lines(f, LINE_SPIFF), 2);
    const line_t *l = line_of(f, LINE_SPIFF, "N1");
    assert_int_equal(l->agreement, fake_ag(f, "A1"));
    assert_true(l->has_basis);
    assert_money(l->basis, "100.00");
    assert_int_equal(l->rate_scale, MULTIPLE_SCALE);
    assert_int_equal(l->rate, 300);
    assert_money(l->amount, "300.00");
    assert_string_equal(rule_name(l->note), "");
    assert_int_equal(l->product, strmap_get(&f->master.product_ix, "DATA", 4));
    assert_int_equal(l->order, month_order(m, "N1"));
    assert_money(line_of(f, LINE_SPIFF, "N2")->amount, "30.00");
    const order_t *o = fake_find_order(f, "N1");
    assert_int_equal(o->installed_period, m->period);
    assert_true(o->has_spiff);
    assert_money(o->spiff, "300.00");
    assert_money(m->current[fake_ag(f, "A1")].installed_mrc, "110.00");
}

/* Proves a spiff row is taken on the install date and with the tier in effect for P. */
static void test_spiff_rate_date_and_tier(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    /* installed in October, first known in P: October's 2.5 */
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-10-20", "100.00", 24);
    /* voice / Gold 5 applies with the Gold tier of P */
    installed(f, "N2", "A1", "VOICE", ORDER_NEW, "2017-11-05", "100.00", 1);
    set_tier(f, "A1", "Gold");
    lines_spiffs(m);
    assert_money(line_of(f, LINE_SPIFF, "N1")->amount, "250.00");
    assert_int_equal(line_of(f, LINE_SPIFF, "N1")->rate, 250);
    assert_money(line_of(f, LINE_SPIFF, "N2")->amount, "500.00");
}

/* Proves spiffs round half-even: 0.05 × 2.5 = 0.125 → 0.12, 0.07 × 2.5 = 0.175 → 0.18. */
static void test_spiff_rounding(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-10-20", "0.05", 24);
    installed(f, "N2", "A1", "DATA", ORDER_NEW, "2017-10-20", "0.07", 24);
    lines_spiffs(m);
    assert_money(line_of(f, LINE_SPIFF, "N1")->amount, "0.12");
    assert_money(line_of(f, LINE_SPIFF, "N2")->amount, "0.18");
}

/* Proves term_months < min_term_months gives a 0 line noted term_below_minimum; equal pays. */
static void test_spiff_term_below_minimum(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-11-10", "100.00", 11);
    installed(f, "N2", "A1", "DATA", ORDER_NEW, "2017-11-10", "100.00", 12);
    lines_spiffs(m);
    const line_t *l = line_of(f, LINE_SPIFF, "N1");
    assert_money(l->amount, "0.00");
    assert_string_equal(rule_name(l->note), "term_below_minimum");
    assert_money(l->basis, "100.00");
    assert_int_equal(l->rate, 300);
    assert_money(line_of(f, LINE_SPIFF, "N2")->amount, "300.00");
    assert_string_equal(rule_name(line_of(f, LINE_SPIFF, "N2")->note), "");
    /* installed all the same (mrc commitments retire it) */
    assert_money(m->current[fake_ag(f, "A1")].installed_mrc, "200.00");
}

/* Proves an install is recognised once, with or without a matching spiff row (§8.6). */
static void test_spiff_install_recognised_once(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-11-10", "100.00", 24);
    /* PL-L has no spiff rows: installed, no line */
    installed(f, "N2", "A1-L3", "WAVE", ORDER_NEW, "2017-11-10", "40.00", 24);
    /* recognised in an earlier period already */
    installed(f, "N3", "A1", "DATA", ORDER_NEW, "2017-09-10", "100.00", 24)->installed_period =
        fake_period("2017-09");
    lines_spiffs(m);
    lines_spiffs(m); /* a second pass finds nothing new */
    assert_int_equal(count_lines(f, LINE_SPIFF), 1);
    assert_money(line_of(f, LINE_SPIFF, "N1")->amount, "300.00");
    const order_t *o = fake_find_order(f, "N2");
    assert_int_equal(o->installed_period, m->period);
    assert_false(o->has_spiff);
    assert_int_equal(fake_find_order(f, "N3")->installed_period, fake_period("2017-09"));
    assert_money(m->current[fake_ag(f, "A1")].installed_mrc, "100.00");
    assert_money(m->current[fake_ag(f, "A1-L3")].installed_mrc, "40.00");
}

/* Proves an order of an earlier period whose install date arrives in P earns its spiff in P. */
static void test_spiff_install_update(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    order_t *o = fake_earlier_order(f, "2017-09", "E1", "P1", "A1", "DATA", ORDER_NEW,
                                    "2017-09-02", STATUS_ATTRIBUTED);
    o->mrc = fake_money("20.00");
    o->term_months = 12;
    o->install_date = fake_date("2017-09-20"); /* filled by this period's re-delivery */
    lines_spiffs(m);
    assert_money(line_of(f, LINE_SPIFF, "E1")->amount, "50.00"); /* 2.5 on 2017-09-20 */
    assert_int_equal(fake_find_order(f, "E1")->installed_period, m->period);
}

/* Proves no spiff before install, after P, or for renewals, disconnects and unattributed orders. */
static void test_spiff_not_eligible(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-12-01", "100.00", 24);
    installed(f, "N2", "A1", "DATA", ORDER_NEW, NULL, "100.00", 24);
    installed(f, "N3", "A1", "DATA", ORDER_RENEWAL, "2017-11-10", "100.00", 24);
    order_t *held = installed(f, "N4", "A1", "DATA", ORDER_NEW, "2017-11-10", "100.00", 24);
    held->status = STATUS_HELD;
    held->agreement = -1;
    order_t *rej = installed(f, "N5", "A1", "DATA", ORDER_NEW, "2017-11-10", "100.00", 24);
    rej->status = STATUS_REJECTED;
    rej->agreement = -1;
    lines_spiffs(m);
    assert_int_equal(count_lines(f, LINE_SPIFF), 0);
    for (size_t i = 0; i < m->orders.n; i++)
        assert_int_equal(m->orders.v[i].installed_period, PERIOD_NONE);
    assert_money(m->current[fake_ag(f, "A1")].installed_mrc, "0.00");
}

/* ---- chargebacks -------------------------------------------------------------- */

/* Proves a chargeback is −round(X × (term − served) / term) with note months_served=N. */
static void test_chargeback_pro_rata(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    service(f, "S1", "2017-01-15", 12, "240.00");
    disconnect(f, "D1", "S1", "2017-11-20"); /* 10 whole months served */
    lines_chargebacks(m);
    const line_t *l = line_of(f, LINE_CHARGEBACK, "D1");
    assert_int_equal(l->agreement, fake_ag(f, "A1"));
    assert_money(l->amount, "-40.00");
    assert_true(l->has_basis);
    assert_money(l->basis, "240.00");
    assert_string_equal(rule_name(l->note), "months_served");
    assert_int_equal(l->note_months, 10);
    assert_int_equal(l->order, month_order(m, "S1"));
    assert_int_equal(fake_find_order(f, "S1")->chargeback_period, m->period);
}

/* Proves chargebacks round half-even once: 100.00 × 5/7 → 71.43, 0.25 × 1/2 → 0.12. */
static void test_chargeback_rounding(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    service(f, "S1", "2017-09-10", 7, "100.00");
    disconnect(f, "D1", "S1", "2017-11-10"); /* 2 served, 5 of 7 left */
    service(f, "S2", "2017-10-01", 2, "0.25");
    disconnect(f, "D2", "S2", "2017-11-01"); /* 1 served, 1 of 2 left */
    service(f, "S3", "2017-10-31", 3, "0.03");
    disconnect(f, "D3", "S3", "2017-11-30"); /* month-end: 1 served; 0.03 × 2/3 = 0.02 */
    lines_chargebacks(m);
    assert_money(line_of(f, LINE_CHARGEBACK, "D1")->amount, "-71.43");
    assert_money(line_of(f, LINE_CHARGEBACK, "D2")->amount, "-0.12");
    assert_money(line_of(f, LINE_CHARGEBACK, "D3")->amount, "-0.02");
    assert_int_equal(line_of(f, LINE_CHARGEBACK, "D3")->note_months, 1);
}

/* Proves no chargeback once the term is served (served = term, or more). */
static void test_chargeback_none_after_term(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    service(f, "S1", "2016-11-01", 12, "240.00");
    disconnect(f, "D1", "S1", "2017-11-01"); /* exactly 12 */
    service(f, "S2", "2015-01-01", 12, "240.00");
    disconnect(f, "D2", "S2", "2017-11-01");
    service(f, "S3", "2016-11-02", 12, "240.00");
    disconnect(f, "D3", "S3", "2017-11-01"); /* one day short: 11 served */
    lines_chargebacks(m);
    assert_int_equal(count_lines(f, LINE_CHARGEBACK), 1);
    assert_money(line_of(f, LINE_CHARGEBACK, "D3")->amount, "-20.00");
    assert_int_equal(fake_find_order(f, "S1")->chargeback_period, PERIOD_NONE);
}

/* Proves at most one chargeback per service: two disconnects in P, or one charged earlier. */
static void test_chargeback_at_most_once(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    service(f, "S1", "2017-05-01", 12, "120.00");
    disconnect(f, "D1-B", "S1", "2017-11-01");
    disconnect(f, "D1-A", "S1", "2017-11-01"); /* same date, lower id: this one counts */
    disconnect(f, "D1-C", "S1", "2017-11-05");
    service(f, "S2", "2017-05-01", 12, "120.00")->chargeback_period = fake_period("2017-10");
    disconnect(f, "D2", "S2", "2017-11-01");
    lines_chargebacks(m);
    lines_chargebacks(m); /* a second pass adds nothing */
    assert_int_equal(count_lines(f, LINE_CHARGEBACK), 1);
    assert_money(line_of(f, LINE_CHARGEBACK, "D1-A")->amount, "-60.00");
    assert_int_equal(fake_find_order(f, "S2")->chargeback_period, fake_period("2017-10"));
}

/* Proves a chargeback needs a spiff ≠ 0, an attributed disconnect of P and a term > 0 (§8.6). */
static void test_chargeback_needs_spiff(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    service(f, "S1", "2017-05-01", 12, "0.00"); /* term_below_minimum spiff */
    disconnect(f, "D1", "S1", "2017-11-01");
    service(f, "S2", "2017-05-01", 12, NULL); /* no spiff row matched */
    disconnect(f, "D2", "S2", "2017-11-01");
    service(f, "S3", "2017-05-01", 12, "120.00");
    order_t *held = disconnect(f, "D3", "S3", "2017-11-01");
    held->status = STATUS_HELD;
    held->agreement = -1;
    service(f, "S4", "2017-05-01", 12, "120.00");
    /* attributed, but a disconnect of an earlier period */
    fake_earlier_order(f, "2017-10", "D4", "P1", "A1", "VOICE", ORDER_DISCONNECT, "2017-10-01",
                       STATUS_ATTRIBUTED)->original_id = "S4";
    service(f, "S5", "2017-05-01", 0, "120.00"); /* term 0: never charged back */
    disconnect(f, "D5", "S5", "2017-11-01");
    lines_chargebacks(m);
    assert_int_equal(count_lines(f, LINE_CHARGEBACK), 0);
}

/* Proves a disconnect dated before the install floors months_served at 0: the whole spiff. */
static void test_chargeback_floored_at_zero(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    service(f, "S1", "2017-11-25", 12, "120.00");
    disconnect(f, "D1", "S1", "2017-11-20");
    lines_chargebacks(m);
    const line_t *l = line_of(f, LINE_CHARGEBACK, "D1");
    assert_money(l->amount, "-120.00");
    assert_int_equal(l->note_months, 0);
}

/* Proves a service installed and disconnected in the same period is charged back in full. */
static void test_chargeback_same_period_as_spiff(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-11-02", "10.00", 24);
    disconnect(f, "D1", "N1", "2017-11-20");
    lines_spiffs(m);
    lines_chargebacks(m);
    assert_money(line_of(f, LINE_SPIFF, "N1")->amount, "30.00");
    assert_money(line_of(f, LINE_CHARGEBACK, "D1")->amount, "-30.00");
    assert_money(line_of(f, LINE_CHARGEBACK, "D1")->basis, "30.00");
}

/* ---- adjustments, credits, aggregates ----------------------------------------- */

/* Proves each accepted adjustment is one line, as given, with basis, rate and note blank. */
static void test_adjustments(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    fake_adjustment(f, "ADJ-1", "A1", "50.00");
    fake_adjustment(f, "ADJ-2", "A1-L3", "-20.01");
    lines_adjustments(m);
    assert_int_equal(count_lines(f, LINE_ADJUSTMENT), 2);
    const line_t *l = line_of(f, LINE_ADJUSTMENT, "ADJ-2");
    assert_int_equal(l->agreement, fake_ag(f, "A1-L3"));
    assert_money(l->amount, "-20.01");
    assert_false(l->has_basis);
    assert_int_equal(l->rate_scale, 0);
    assert_string_equal(rule_name(l->note), "");
    assert_money(line_of(f, LINE_ADJUSTMENT, "ADJ-1")->amount, "50.00");
}

/* Proves one credit line per benefit of the tier in effect, for active agreements with a program. */
static void test_credits_per_benefit(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    int32_t prog = 0; /* MKT-PP */
    m->tiers[fake_ag(f, "A2-MKT")].program = prog;
    m->tiers[fake_ag(f, "A2-MKT")].tier = "Gold";
    m->tiers[fake_ag(f, "A3-OLD")].program = prog; /* inactive in P: no credit */
    m->tiers[fake_ag(f, "A3-OLD")].tier = "Gold";
    m->tiers[fake_ag(f, "A1")].tier = "Gold"; /* no program: no credit */
    lines_credits(m);
    assert_int_equal(count_lines(f, LINE_CREDIT), 2);
    const line_t *l = line_of(f, LINE_CREDIT, "integration_credit");
    assert_int_equal(l->agreement, fake_ag(f, "A2-MKT"));
    assert_money(l->amount, "7000.00");
    assert_false(l->has_basis);
    assert_int_equal(l->rate_scale, 0);
    assert_string_equal(rule_name(l->note), "");
    assert_money(line_of(f, LINE_CREDIT, "co_marketing")->amount, "500.00");
}

/* Proves a tier without benefits earns no credit. */
static void test_credits_tier_without_benefit(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    m->tiers[fake_ag(f, "A2-MKT")].program = 0;
    m->tiers[fake_ag(f, "A2-MKT")].tier = "Platinum";
    lines_credits(m);
    assert_int_equal(count_lines(f, LINE_CREDIT), 0);
}

/* Proves the aggregates sum each kind per agreement and count cash lines, credits excluded. */
static void test_aggregate(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    residual(f, "R1", "ACC-1", "DATA", "1000.00");  /* 30.00 */
    residual(f, "R2", "ACC-1", "FEE", "1000.00");   /* 0.00, still a line */
    residual(f, "R3", "ACC-NOBODY", "DATA", "5.00"); /* unassigned: no line */
    installed(f, "N1", "A1", "DATA", ORDER_NEW, "2017-11-10", "100.00", 24);
    lines_spiffs(m);
    fake_adjustment(f, "ADJ-1", "A1", "-5.00");
    lines_adjustments(m);
    m->tiers[fake_ag(f, "A2-MKT")].program = 0;
    m->tiers[fake_ag(f, "A2-MKT")].tier = "Silver";
    lines_credits(m);
    lines_aggregate(m);
    const agreement_period_t *a1 = &m->current[fake_ag(f, "A1")];
    assert_money(a1->by_kind[LINE_RESIDUAL], "30.00");
    assert_money(a1->by_kind[LINE_SPIFF], "300.00");
    assert_money(a1->by_kind[LINE_ADJUSTMENT], "-5.00");
    assert_money(a1->by_kind[LINE_CREDIT], "0.00");
    assert_int_equal(a1->cash_lines, 4);
    const agreement_period_t *a2 = &m->current[fake_ag(f, "A2-MKT")];
    assert_money(a2->by_kind[LINE_CREDIT], "2000.00");
    assert_int_equal(a2->cash_lines, 0);
}

/* ---- overflow (SPEC §2: never a wrapped value) -------------------------------- */

/* A small world for the largest amounts: A1 (plan PL-X) pays a spiff of
 * 1000.00 x mrc, the largest multiple the book accepts. */
static month_t *big_world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PL-X", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2", "P1", LEGACY_CTL, "PL-X", "USD", "2017-01-01", NULL);
    fake_product(f, "DATA", LEGACY_CTL, "data", true);
    fake_rate(f, "PL-X", COMPONENT_SPIFF, "*", "*", "1000", -1, "2017-01-01", NULL);
    fake_finish(f);
    return fake_month(f, "2017-11");
}

/* Proves spiffs of the largest mrc x the largest multiple are exact (10^18
 * cents each, nine of them 9 x 10^18), and the tenth, whose sum would pass
 * int64, is an overflow naming that order's line and column mrc. */
static void test_spiff_sum_overflow(void **state)
{
    fake_t *f = *state;
    month_t *m = big_world(f);
    char id[16];
    for (int i = 1; i <= 10; i++) {
        snprintf(id, sizeof(id), "N%d", i);
        installed(f, id, "A1", "DATA", ORDER_NEW, "2017-11-10", "10000000000000.00", 24);
    }
    lines_spiffs(m);
    assert_false(month_overflowed(m));
    assert_int_equal(line_of(f, LINE_SPIFF, "N9")->amount, INT64_C(1000000000000000000));
    lines_aggregate(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.source, SOURCE_ORDERS);
    assert_int_equal(m->overflow.line, fake_find_order(f, "N10")->line);
    assert_string_equal(m->overflow.column, "mrc");
    assert_int_equal(m->overflow.agreement, fake_ag(f, "A1"));
    /* the total stopped at the last sum that fit */
    assert_int_equal(m->current[fake_ag(f, "A1")].by_kind[LINE_SPIFF],
                     INT64_C(9000000000000000000));
}

/* Proves many large adjustments: 9,223 of 10^13.00 fit exactly, the 9,224th
 * is an overflow naming its line in adjustments.csv and column amount. */
static void test_adjustment_sum_overflow(void **state)
{
    fake_t *f = *state;
    month_t *m = big_world(f);
    char id[16];
    for (int i = 1; i <= 9223; i++) {
        snprintf(id, sizeof(id), "ADJ-%d", i);
        fake_adjustment(f, id, "A1", "10000000000000.00");
    }
    lines_adjustments(m);
    lines_aggregate(m);
    assert_false(month_overflowed(m));
    assert_int_equal(m->current[fake_ag(f, "A1")].by_kind[LINE_ADJUSTMENT],
                     INT64_C(9223) * MONEY_INPUT_MAX);
    memset(m->current, 0, m->master->agreements.n * sizeof(*m->current));
    m->lines.n = 0;
    fake_adjustment(f, "ADJ-9224", "A1", "10000000000000.00");
    lines_adjustments(m);
    lines_aggregate(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.source, SOURCE_ADJUSTMENTS);
    assert_int_equal(m->overflow.line, 9224 + 1);
    assert_string_equal(m->overflow.column, "amount");
}

/* Proves lines of two agreements that each fit but whose magnitudes add past
 * int64 are refused (a report totals them per currency). */
static void test_gross_over_agreements(void **state)
{
    fake_t *f = *state;
    month_t *m = big_world(f);
    for (int i = 1; i <= 5000; i++) {
        char id[16];
        snprintf(id, sizeof(id), "ADJ-%d", i);
        fake_adjustment(f, id, i % 2 ? "A1" : "A2", i % 4 < 2 ? "10000000000000.00"
                                                               : "-10000000000000.00");
    }
    for (int i = 5001; i <= 9300; i++) {
        char id[16];
        snprintf(id, sizeof(id), "ADJ-%d", i);
        fake_adjustment(f, id, "A2", i % 2 ? "10000000000000.00" : "-10000000000000.00");
    }
    lines_adjustments(m);
    lines_aggregate(m);
    assert_true(month_overflowed(m));
    assert_int_equal(m->overflow.agreement, -1);
    assert_int_equal(m->overflow.line, 9224 + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_residual_most_specific),
        FAKE_TEST(test_residual_category_beats_tier),
        FAKE_TEST(test_residual_effective_dating),
        FAKE_TEST(test_residual_previous_rate),
        FAKE_TEST(test_residual_rounding),
        FAKE_TEST(test_residual_no_rate),
        FAKE_TEST(test_residual_memo_same_answers),
        FAKE_TEST(test_residual_not_commissionable),
        FAKE_TEST(test_residual_only_when_assigned),
        FAKE_TEST(test_spiff_amount),
        FAKE_TEST(test_spiff_rate_date_and_tier),
        FAKE_TEST(test_spiff_rounding),
        FAKE_TEST(test_spiff_term_below_minimum),
        FAKE_TEST(test_spiff_install_recognised_once),
        FAKE_TEST(test_spiff_install_update),
        FAKE_TEST(test_spiff_not_eligible),
        FAKE_TEST(test_chargeback_pro_rata),
        FAKE_TEST(test_chargeback_rounding),
        FAKE_TEST(test_chargeback_none_after_term),
        FAKE_TEST(test_chargeback_at_most_once),
        FAKE_TEST(test_chargeback_needs_spiff),
        FAKE_TEST(test_chargeback_floored_at_zero),
        FAKE_TEST(test_chargeback_same_period_as_spiff),
        FAKE_TEST(test_adjustments),
        FAKE_TEST(test_credits_per_benefit),
        FAKE_TEST(test_credits_tier_without_benefit),
        FAKE_TEST(test_aggregate),
        FAKE_TEST(test_spiff_sum_overflow),
        FAKE_TEST(test_adjustment_sum_overflow),
        FAKE_TEST(test_gross_over_agreements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
