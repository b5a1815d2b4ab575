/*
 * fake.c — the test-world builder of fake.h. It fills master_t, book_t and
 * month_t the way batch/ingest.c and batch/ledger.c would, without files.
 */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"

int fake_setup(void **state)
{
    fake_t *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    return 0;
}

int fake_teardown(void **state)
{
    fake_release(*state);
    free(*state);
    return 0;
}

void fake_release(fake_t *f)
{
    if (f->month_ready)
        month_release(&f->month);
    master_release(&f->master);
    book_release(&f->book);
    arena_release(&f->arena);
    memset(f, 0, sizeof(*f));
}

/* ---- literals ------------------------------------------------------------ */

date_t fake_date(const char *s)
{
    date_t d;
    if (!s)
        return DATE_NONE;
    if (!date_parse(s, strlen(s), &d))
        fail_msg("fake: bad date literal '%s'", s);
    return d;
}

period_t fake_period(const char *s)
{
    period_t p;
    if (!s)
        return PERIOD_NONE;
    if (!period_parse(s, strlen(s), &p))
        fail_msg("fake: bad period literal '%s'", s);
    return p;
}

money_t fake_money(const char *s)
{
    money_t v;
    if (!money_parse(s, strlen(s), &v))
        fail_msg("fake: bad money literal '%s'", s);
    return v;
}

currency_t fake_currency(const char *s)
{
    currency_t c = {{0}};
    if (strlen(s) != 3)
        fail_msg("fake: bad currency literal '%s'", s);
    memcpy(c.code, s, 3);
    return c;
}

void fake_assert_money(money_t v, const char *s, const char *file, int line)
{
    char buf[MONEY_BUF];
    money_format(v, buf);
    if (strcmp(buf, s) != 0)
        fail_msg("%s:%d: amount %s, expected %s", file, line, buf, s);
}

static const char *fstr(fake_t *f, const char *s)
{
    return s ? arena_strndup(&f->arena, s, strlen(s)) : NULL;
}

static const char *mstr(fake_t *f, const char *s)
{
    return s ? arena_strndup(&f->month.arena, s, strlen(s)) : NULL;
}

static void need_building(const fake_t *f)
{
    if (f->finished)
        fail_msg("fake: master/book rows must be added before fake_finish");
}

static int32_t lookup(const strmap_t *ix, const char *key)
{
    return key ? strmap_get(ix, key, strlen(key)) : -1;
}

/* ---- master data --------------------------------------------------------- */

int32_t fake_partner(fake_t *f, const char *id, lang_t lang)
{
    need_building(f);
    partner_t p = {.id = fstr(f, id), .name = fstr(f, id), .kind = KIND_AGENT, .lang = lang};
    VEC_PUSH(f->master.partners, p);
    return (int32_t)(f->master.partners.n - 1);
}

int32_t fake_agreement(fake_t *f, const char *id, const char *partner_id, legacy_t legacy,
                       const char *plan_id, const char *currency, const char *start,
                       const char *end)
{
    need_building(f);
    int32_t partner = -1;
    for (size_t i = 0; i < f->master.partners.n; i++)
        if (strcmp(f->master.partners.v[i].id, partner_id) == 0)
            partner = (int32_t)i;
    if (partner < 0)
        fail_msg("fake: agreement %s names unknown partner %s", id, partner_id);
    agreement_t a = {.id = fstr(f, id), .partner = partner, .legacy = legacy,
                     .plan_id = fstr(f, plan_id), .currency = fake_currency(currency),
                     .start = fake_date(start), .end = fake_date(end),
                     .interval = INTERVAL_MONTHLY, .lag_days = 0, .min_payout = 0};
    VEC_PUSH(f->master.agreements, a);
    return (int32_t)(f->master.agreements.n - 1);
}

int32_t fake_product(fake_t *f, const char *code, legacy_t portfolio, const char *category,
                     bool commissionable)
{
    need_building(f);
    product_t p = {.code = fstr(f, code), .name = fstr(f, code), .category = fstr(f, category),
                   .portfolio = portfolio, .commissionable = commissionable};
    VEC_PUSH(f->master.products, p);
    return (int32_t)(f->master.products.n - 1);
}

static int32_t agreement_by_id(const fake_t *f, const char *id)
{
    for (size_t i = 0; i < f->master.agreements.n; i++)
        if (strcmp(f->master.agreements.v[i].id, id) == 0)
            return (int32_t)i;
    fail_msg("fake: unknown agreement %s", id);
    return -1;
}

int32_t fake_account(fake_t *f, const char *id, const char *owner_agreement_id)
{
    need_building(f);
    account_t a = {.id = fstr(f, id),
                   .owner = owner_agreement_id ? agreement_by_id(f, owner_agreement_id) : -1};
    VEC_PUSH(f->master.accounts, a);
    return (int32_t)(f->master.accounts.n - 1);
}

int32_t fake_commitment(fake_t *f, const char *id, const char *agreement_id, basis_t basis,
                        const char *amount, const char *start, const char *end)
{
    need_building(f);
    commitment_t c = {.id = fstr(f, id), .agreement = agreement_by_id(f, agreement_id),
                      .basis = basis, .amount = fake_money(amount),
                      .start = fake_period(start), .end = fake_period(end)};
    VEC_PUSH(f->master.commitments, c);
    return (int32_t)(f->master.commitments.n - 1);
}

/* ---- rule book ----------------------------------------------------------- */

int32_t fake_program(fake_t *f, const char *name, legacy_t legacy, basis_t basis,
                     review_t review, int32_t window_months, const char *entry_tier,
                     const char *freeze_until, const char *combine_from,
                     const char *effective_from, const char *effective_to)
{
    need_building(f);
    program_t g = {.name = fstr(f, name), .legacy = legacy, .basis = basis, .review = review,
                   .window_months = window_months, .entry_tier = fstr(f, entry_tier),
                   .freeze_until = fake_period(freeze_until),
                   .combine_from = fake_period(combine_from),
                   .effective_from = fake_period(effective_from),
                   .effective_to = fake_period(effective_to)};
    VEC_PUSH(f->book.programs, g);
    return (int32_t)(f->book.programs.n - 1);
}

int32_t fake_tier(fake_t *f, const char *program, const char *tier, int32_t rank,
                  int64_t min_value)
{
    need_building(f);
    tier_t t = {.program = fstr(f, program), .tier = fstr(f, tier), .rank = rank,
                .min_value = min_value};
    VEC_PUSH(f->book.tiers, t);
    return (int32_t)(f->book.tiers.n - 1);
}

int32_t fake_points_rule(fake_t *f, const char *program, const char *phase_tier,
                         const char *activity_code, int64_t points, int64_t requires_points,
                         bool repeatable)
{
    need_building(f);
    points_rule_t p = {.program = fstr(f, program), .phase_tier = fstr(f, phase_tier),
                       .activity_code = fstr(f, activity_code), .points = points,
                       .requires_points = requires_points, .repeatable = repeatable};
    VEC_PUSH(f->book.points, p);
    return (int32_t)(f->book.points.n - 1);
}

int32_t fake_benefit(fake_t *f, const char *program, const char *tier, const char *benefit,
                     const char *monthly_amount, const char *currency)
{
    need_building(f);
    benefit_t b = {.program = fstr(f, program), .tier = fstr(f, tier),
                   .benefit = fstr(f, benefit), .monthly_amount = fake_money(monthly_amount),
                   .currency = fake_currency(currency)};
    VEC_PUSH(f->book.benefits, b);
    return (int32_t)(f->book.benefits.n - 1);
}

int32_t fake_rate(fake_t *f, const char *plan_id, component_t component, const char *category,
                  const char *tier, const char *value, int32_t min_term, const char *from,
                  const char *to)
{
    need_building(f);
    rate_t r = {.plan_id = fstr(f, plan_id), .component = component,
                .category = strcmp(category, "*") == 0 ? NULL : fstr(f, category),
                .tier = strcmp(tier, "*") == 0 ? NULL : fstr(f, tier),
                .min_term_months = min_term, .effective_from = fake_date(from),
                .effective_to = fake_date(to),
                .line = (int32_t)f->book.rates.n + 2};
    bool ok = component == COMPONENT_RESIDUAL
                  ? decimal_parse(value, strlen(value), RATE_SCALE, 100 * 10000, &r.rate_pct)
                  : decimal_parse(value, strlen(value), MULTIPLE_SCALE, MONEY_INPUT_MAX,
                                  &r.mrc_multiple);
    if (!ok)
        fail_msg("fake: bad rate value '%s'", value);
    VEC_PUSH(f->book.rates, r);
    return (int32_t)(f->book.rates.n - 1);
}

/* ---- indexes ------------------------------------------------------------- */

void fake_finish(fake_t *f)
{
    need_building(f);
    master_t *ms = &f->master;
    for (size_t i = 0; i < ms->partners.n; i++)
        strmap_put(&ms->partner_ix, ms->partners.v[i].id, strlen(ms->partners.v[i].id),
                   (int32_t)i);
    for (size_t i = 0; i < ms->agreements.n; i++)
        strmap_put(&ms->agreement_ix, ms->agreements.v[i].id, strlen(ms->agreements.v[i].id),
                   (int32_t)i);
    for (size_t i = 0; i < ms->products.n; i++)
        strmap_put(&ms->product_ix, ms->products.v[i].code, strlen(ms->products.v[i].code),
                   (int32_t)i);
    for (size_t i = 0; i < ms->accounts.n; i++)
        strmap_put(&ms->account_ix, ms->accounts.v[i].id, strlen(ms->accounts.v[i].id),
                   (int32_t)i);

    master_index_partners(ms, &f->arena);
    f->finished = true;
}

/* ---- the month ----------------------------------------------------------- */

month_t *fake_month(fake_t *f, const char *period)
{
    if (!f->finished)
        fail_msg("fake: call fake_finish before fake_month");
    if (f->month_ready)
        fail_msg("fake: one month per test");
    month_init(&f->month, &f->master, &f->book, fake_period(period));
    f->month_ready = true;
    return &f->month;
}

static month_t *need_month(fake_t *f)
{
    if (!f->month_ready)
        fail_msg("fake: call fake_month before adding period rows");
    return &f->month;
}

int32_t fake_ag(const fake_t *f, const char *agreement_id)
{
    int32_t a = lookup(&f->master.agreement_ix, agreement_id);
    if (a < 0)
        fail_msg("fake: unknown agreement %s", agreement_id);
    return a;
}

order_t *fake_find_order(fake_t *f, const char *order_id)
{
    int32_t ix = month_order(need_month(f), order_id);
    if (ix < 0)
        fail_msg("fake: unknown order %s", order_id);
    return month_whole_order(&f->month, ix);
}

static order_t *push_order(fake_t *f, period_t period, const char *id, const char *partner_id,
                           const char *agreement_id, const char *product, order_type_t type,
                           const char *order_date)
{
    month_t *m = need_month(f);
    const master_t *ms = &f->master;
    if (month_order(m, id) >= 0)
        fail_msg("fake: order %s added twice", id);
    order_t o = {.id = mstr(f, id), .partner_id = mstr(f, partner_id),
                 .agreement_ref = mstr(f, agreement_id), .account_id = mstr(f, "ACC-0"),
                 .product_code = mstr(f, product), .type = type,
                 .order_date = fake_date(order_date), .install_date = DATE_NONE,
                 .currency = fake_currency("USD"), .period = period,
                 .line = (int32_t)m->orders.n + 2,
                 .product = lookup(&ms->product_ix, product),
                 .partner = lookup(&ms->partner_ix, partner_id), .agreement = -1,
                 .installed_period = PERIOD_NONE, .chargeback_period = PERIOD_NONE};
    VEC_PUSH(m->orders, o);
    strmap_put(&m->order_ix, o.id, strlen(o.id), (int32_t)(m->orders.n - 1));
    return &m->orders.v[m->orders.n - 1];
}

order_t *fake_order(fake_t *f, const char *id, const char *partner_id, const char *agreement_id,
                    const char *product, order_type_t type, const char *order_date)
{
    order_t *o = push_order(f, need_month(f)->period, id, partner_id, agreement_id, product,
                            type, order_date);
    f->month.control.orders_read++;
    return o;
}

order_t *fake_earlier_order(fake_t *f, const char *period, const char *id,
                            const char *partner_id, const char *agreement_id,
                            const char *product, order_type_t type, const char *order_date,
                            status_t status)
{
    period_t p = fake_period(period);
    if (p >= need_month(f)->period)
        fail_msg("fake: earlier order %s must be of a period before P", id);
    order_t *o = push_order(f, p, id, partner_id, agreement_id, product, type, order_date);
    o->status = status;
    if (status == STATUS_ATTRIBUTED) {
        o->agreement = fake_ag(f, agreement_id);
        o->rule = type == ORDER_DISCONNECT ? RULE_DISCONNECT_FOLLOWS_SERVICE
                  : type == ORDER_INCREMENTAL ? RULE_FOLLOWS_ORIGINAL
                                              : RULE_NAMED_AGREEMENT;
    } else {
        o->rule = status == STATUS_HELD ? RULE_NO_AGREEMENT_FOR_PORTFOLIO
                                        : RULE_UNKNOWN_AGREEMENT;
    }
    return o;
}

int32_t fake_earlier_stub(fake_t *f, const char *id, const char *agreement_id, status_t status)
{
    month_t *m = need_month(f);
    if (month_order_ref(m, id) >= 0)
        fail_msg("fake: order %s added twice", id);
    month_add_stub(m, id, strlen(id), agreement_id ? fake_ag(f, agreement_id) : -1, status);
    month_index_stubs(m, m->stubs.n - 1, m->stubs.n);
    return ORDER_STUB + (int32_t)(m->stubs.n - 1);
}

revenue_t *fake_revenue(fake_t *f, const char *id, const char *account_id,
                        const char *service_id, const char *product, const char *amount)
{
    month_t *m = need_month(f);
    int32_t order = service_id ? month_order_ref(m, service_id) : -1;
    int32_t account = lookup(&f->master.account_ix, account_id);
    revenue_t r = {.service = order >= 0 ? revenue_service_order(order)
                                         : revenue_without_order(account, service_id != NULL),
                   .product = lookup(&f->master.product_ix, product),
                   .amount = fake_money(amount), .currency = currency_pack(fake_currency("USD")),
                   .agreement = -1};
    month_add_revenue(m, &r, id, strlen(id), (int32_t)m->revenue.n + 2, account);
    m->control.revenue_read++;
    m->control.revenue_amount_in += r.amount;
    return &m->revenue.v[m->revenue.n - 1];
}

void fake_approval(fake_t *f, const char *id, const char *opportunity_id, const char *approved_on)
{
    month_t *m = need_month(f);
    approval_t a = {.id = mstr(f, id), .opportunity_id = mstr(f, opportunity_id),
                    .approved_by = mstr(f, "CFO"), .document_ref = mstr(f, "DOC"),
                    .approved_on = fake_date(approved_on), .period = m->period};
    VEC_PUSH(m->approvals, a);
    int32_t op = month_opportunity(m, a.opportunity_id, true);
    if (a.approved_on < m->opportunities.v[op].first_approval)
        m->opportunities.v[op].first_approval = a.approved_on;
}

void fake_adjustment(fake_t *f, const char *id, const char *agreement_id, const char *amount)
{
    month_t *m = need_month(f);
    int32_t a = fake_ag(f, agreement_id);
    adjustment_t adj = {.id = mstr(f, id), .agreement_id = f->master.agreements.v[a].id,
                        .reason = mstr(f, "correction"), .entered_by = mstr(f, "clerk"),
                        .approved_by = mstr(f, "manager"), .amount = fake_money(amount),
                        .currency = f->master.agreements.v[a].currency,
                        .approved_on = period_first_day(m->period), .agreement = a,
                        .line = (int32_t)m->adjustments.n + 2};
    VEC_PUSH(m->adjustments, adj);
}

activity_t *fake_activity(fake_t *f, const char *id, const char *partner_id, const char *code,
                          const char *date)
{
    month_t *m = need_month(f);
    activity_t act = {.id = mstr(f, id), .partner_id = mstr(f, partner_id),
                      .activity_code = mstr(f, code), .evidence_ref = mstr(f, "EV"),
                      .activity_date = fake_date(date), .line = (int32_t)m->activities.n + 2,
                      .agreement = -1};
    VEC_PUSH(m->activities, act);
    return &m->activities.v[m->activities.n - 1];
}

static int history_order(const void *x, const void *y)
{
    const history_t *a = x, *b = y;
    if (a->agreement != b->agreement)
        return a->agreement < b->agreement ? -1 : 1;
    return a->period < b->period ? -1 : a->period > b->period;
}

void fake_history(fake_t *f, const char *agreement_id, const char *period, const char *revenue,
                  const char *installed_mrc)
{
    month_t *m = need_month(f);
    history_t h = {.agreement = fake_ag(f, agreement_id), .period = fake_period(period),
                   .revenue = fake_money(revenue), .installed_mrc = fake_money(installed_mrc)};
    if (h.period >= m->period)
        fail_msg("fake: history of %s must be before P", period);
    VEC_PUSH(m->history, h);
    qsort(m->history.v, m->history.n, sizeof(*m->history.v), history_order);
}

tier_prior_t *fake_prior_tier(fake_t *f, const char *agreement_id, const char *period,
                              const char *program, const char *tier, rule_code rule)
{
    month_t *m = need_month(f);
    tier_prior_t *t = &m->tier_prior[fake_ag(f, agreement_id)];
    t->period = fake_period(period);
    t->program = mstr(f, program);
    t->tier = mstr(f, tier);
    t->rule = rule;
    t->reviewed = false;
    t->next_program = NULL;
    t->next_tier = NULL;
    t->next_rule = RULE_NONE;
    return t;
}

cm_status fake_decide(fake_t *f, cm_error_t *err)
{
    month_t *m = need_month(f);
    if (month_phase(m) == MONTH_LOADING)
        month_inputs_read(m);
    return month_decide(m, err);
}
