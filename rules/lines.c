/*
 * lines.c — commission lines, SPEC §4.4, §8.5 and §8.6.
 */
#include "lines.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rates.h"

static const char *tier_of(const month_t *m, int32_t a) { return m->tiers[a].tier; }

#define RATE_MEMO_MAX_CELLS (1u << 24) /* 64 MiB at most */

void rate_memo_init(month_t *m)
{
    const master_t *ms = m->master;
    rate_memo_t *memo = &m->rates;
    free(memo->category_of);
    free(memo->row);
    memset(memo, 0, sizeof(*memo));
    size_t ncat = 0;
    int32_t *category_of = malloc((ms->products.n + 1) * sizeof(int32_t));
    if (!category_of)
        abort();
    strmap_t cats = {0};
    for (size_t i = 0; i < ms->products.n; i++) {
        const char *c = ms->products.v[i].category;
        int32_t k = strmap_get(&cats, c, strlen(c));
        if (k < 0)
            strmap_put(&cats, c, strlen(c), k = (int32_t)ncat++);
        category_of[i] = k;
    }
    strmap_free(&cats);
    size_t cells = ms->agreements.n * ncat;
    if (cells == 0 || cells > RATE_MEMO_MAX_CELLS) {
        free(category_of);
        return;
    }
    memo->category_of = category_of;
    memo->ncat = ncat;
    memo->row = malloc(cells * sizeof(int32_t));
    if (!memo->row)
        abort();
    for (size_t i = 0; i < cells; i++)
        memo->row[i] = RATE_MEMO_UNKNOWN;
}

/* The memo cell of an assigned row, NULL without a memo. */
static int32_t *memo_cell(const month_t *m, const revenue_t *r)
{
    const rate_memo_t *memo = &m->rates;
    if (!memo->row)
        return NULL;
    return &memo->row[(size_t)r->agreement * memo->ncat + (size_t)memo->category_of[r->product]];
}

static int32_t rate_lookup(const month_t *m, const revenue_t *r)
{
    const product_t *p = &m->master->products.v[r->product];
    const agreement_t *ag = &m->master->agreements.v[r->agreement];
    return rates_find(m->book, ag->plan_id, COMPONENT_RESIDUAL, p->category,
                      tier_of(m, r->agreement), period_first_day(m->period));
}

static bool earns_residual(const month_t *m, const revenue_t *r)
{
    return r->status == STATUS_ASSIGNED && m->master->products.v[r->product].commissionable;
}

void lines_residual(month_t *m, const revenue_t *r)
{
    int32_t *cell = earns_residual(m, r) ? memo_cell(m, r) : NULL;
    if (cell && *cell == RATE_MEMO_UNKNOWN)
        *cell = rate_lookup(m, r);
}

/* The residual's rates row: -1 unless assigned, commissionable and rated. */
static int32_t residual_rate_row(const month_t *m, const revenue_t *r)
{
    if (!earns_residual(m, r))
        return -1;
    const int32_t *cell = memo_cell(m, r);
    return cell && *cell != RATE_MEMO_UNKNOWN ? *cell : rate_lookup(m, r);
}

static line_t new_line(int32_t agreement, line_kind_t kind, const char *source)
{
    line_t l = {.agreement = agreement, .kind = kind, .source_id = source,
                .product = -1, .order = -1, .row = -1, .rate_row = -1};
    return l;
}

line_t lines_residual_rated(const month_t *m, const revenue_t *r, int32_t rate_row)
{
    assert(r->status == STATUS_ASSIGNED && r->product >= 0);
    line_t l = new_line(r->agreement, LINE_RESIDUAL, NULL);
    l.has_basis = true;
    l.basis = r->amount;
    l.rate_scale = RATE_SCALE;
    l.product = r->product;
    if (!m->master->products.v[r->product].commissionable) {
        l.note = RULE_NOT_COMMISSIONABLE; /* §8.5: wins over no_rate */
    } else if (rate_row < 0) {
        l.note = RULE_NO_RATE;
    } else {
        l.rate_row = rate_row;
        l.rate = m->book->rates.v[rate_row].rate_pct;
        /* revenue × rate_pct / 100, the rate scaled by 10^4; rate_pct is at
         * most 100 (CSV_RATE_MAX), so |amount| <= |revenue| fits */
        l.amount = money_muldiv(r->amount, l.rate, 100 * 10000);
    }
    return l;
}

line_t lines_residual_of(const month_t *m, const revenue_t *r)
{
    return lines_residual_rated(m, r, residual_rate_row(m, r));
}

void lines_iter_start(line_iter_t *it, const month_t *m)
{
    it->m = m;
    it->next = 0;
    idseq_cursor(&it->ids, &m->revenue_ids);
}

bool lines_next(line_iter_t *it, line_t *out)
{
    const month_t *m = it->m;
    size_t nrev = m->revenue.n;
    for (; it->next < nrev; it->next++) {
        const revenue_t *r = &m->revenue.v[it->next];
        if (r->status != STATUS_ASSIGNED)
            continue;
        *out = lines_residual_of(m, r);
        out->row = (int32_t)it->next;
        out->source_id = idseq_at(&it->ids, it->next);
        it->next++;
        return true;
    }
    if (it->next - nrev >= m->lines.n)
        return false;
    *out = m->lines.v[it->next++ - nrev];
    return true;
}

void lines_spiffs(month_t *m)
{
    date_t last = period_last_day(m->period);
    for (size_t i = 0; i < m->orders.n; i++) {
        order_t *o = &m->orders.v[i];
        if (o->status != STATUS_ATTRIBUTED ||
            (o->type != ORDER_NEW && o->type != ORDER_INCREMENTAL) ||
            o->installed_period != PERIOD_NONE || o->install_date == DATE_NONE ||
            o->install_date > last)
            continue;
        /* §8.6: recognised as installed once, whether or not a spiff row matches */
        o->installed_period = m->period;
        if (!money_accumulate(&m->current[o->agreement].installed_mrc, o->mrc)) {
            month_overflow(m, "the installed MRC of the agreement", o->agreement, SOURCE_ORDERS,
                           o->period, o->line, "mrc");
            return;
        }
        const agreement_t *ag = &m->master->agreements.v[o->agreement];
        const product_t *p = &m->master->products.v[o->product];
        int32_t row = rates_find(m->book, ag->plan_id, COMPONENT_SPIFF, p->category,
                                 tier_of(m, o->agreement), o->install_date);
        if (row < 0)
            continue;
        const rate_t *rt = &m->book->rates.v[row];
        line_t l = new_line(o->agreement, LINE_SPIFF, o->id);
        l.has_basis = true;
        l.basis = o->mrc;
        l.rate_scale = MULTIPLE_SCALE;
        l.rate = rt->mrc_multiple;
        l.product = o->product;
        l.order = (int32_t)i;
        l.rate_row = row;
        if (rt->min_term_months >= 0 && o->term_months < rt->min_term_months) {
            l.amount = 0;
            l.note = RULE_TERM_BELOW_MINIMUM;
        } else if (!money_muldiv_checked(o->mrc, rt->mrc_multiple, 100, &l.amount)) {
            /* |mrc| <= MONEY_INPUT_MAX and multiple <= 1000.00 keep it in
             * range; a failure is a broken bound, still never a wrap */
            month_overflow(m, "the spiff (mrc x mrc_multiple)", o->agreement, SOURCE_ORDERS,
                           o->period, o->line, "mrc");
            return;
        }
        o->has_spiff = true;
        o->spiff = l.amount;
        VEC_PUSH(m->lines, l);
    }
}

static int by_date_then_id(const void *x, const void *y, void *ctx)
{
    const month_t *m = ctx;
    const order_t *a = month_whole_order(m, *(const int32_t *)x);
    const order_t *b = month_whole_order(m, *(const int32_t *)y);
    if (a->order_date != b->order_date)
        return a->order_date < b->order_date ? -1 : 1;
    return strcmp(a->id, b->id);
}

void lines_chargebacks(month_t *m)
{
    size_t n = 0;
    int32_t *ix = malloc((m->orders.n ? m->orders.n : 1) * sizeof(*ix));
    if (!ix)
        abort();
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = &m->orders.v[i];
        if (o->period == m->period && o->type == ORDER_DISCONNECT &&
            o->status == STATUS_ATTRIBUTED)
            ix[n++] = (int32_t)i;
    }
    qsort_r(ix, n, sizeof(*ix), by_date_then_id, m);
    for (size_t k = 0; k < n; k++) {
        const order_t *d = month_whole_order(m, ix[k]);
        int32_t s = month_order(m, d->original_id);
        order_t *svc = &m->orders.v[s]; /* attributed disconnect: original known */
        /* §8.6: only a spiff actually earned, at most once per service */
        if (!svc->has_spiff || svc->spiff == 0 || svc->chargeback_period != PERIOD_NONE ||
            svc->install_date == DATE_NONE || svc->term_months <= 0)
            continue;
        int served = date_whole_months(svc->install_date, d->order_date);
        if (served >= svc->term_months)
            continue;
        line_t l = new_line(d->agreement, LINE_CHARGEBACK, d->id);
        l.has_basis = true;
        l.basis = svc->spiff;
        /* |spiff x unserved / term| <= |spiff|: in range, negation included */
        l.amount = -money_muldiv(svc->spiff, svc->term_months - served, svc->term_months);
        l.note = RULE_MONTHS_SERVED;
        l.note_months = served;
        l.product = svc->product;
        l.order = s;
        svc->chargeback_period = m->period;
        VEC_PUSH(m->lines, l);
    }
    free(ix);
}

void lines_adjustments(month_t *m)
{
    for (size_t i = 0; i < m->adjustments.n; i++) {
        const adjustment_t *adj = &m->adjustments.v[i];
        line_t l = new_line(adj->agreement, LINE_ADJUSTMENT, adj->id);
        l.amount = adj->amount;
        l.row = (int32_t)i;
        VEC_PUSH(m->lines, l);
    }
}

void lines_restatements(month_t *m)
{
    for (size_t i = 0; i < m->restated.n; i++) {
        const restated_t *x = &m->restated.v[i];
        char p[PERIOD_BUF];
        period_format(x->period, p);
        line_t l = new_line(x->agreement, LINE_RESTATEMENT, arena_strndup(&m->arena, p, strlen(p)));
        l.has_basis = true;
        if (!money_sub(x->revenue, x->revenue_before, &l.basis) ||
            !money_sub(x->residual, x->residual_before, &l.amount)) {
            month_overflow(m, "the restatement (now - as last stated) of the agreement",
                           x->agreement, SOURCE_NONE, m->period, 0, NULL);
            return;
        }
        l.note = RULE_RESTATES;
        l.note_months = x->period;
        l.row = (int32_t)i;
        VEC_PUSH(m->lines, l);
    }
}

void lines_credits(month_t *m)
{
    const book_t *b = m->book;
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const tier_state_t *t = &m->tiers[a];
        if (!agreement_active_in(&m->master->agreements.v[a], m->period) || !t->tier ||
            t->program < 0)
            continue;
        const char *prog = b->programs.v[t->program].name;
        for (size_t k = 0; k < b->benefits.n; k++) {
            const benefit_t *bf = &b->benefits.v[k];
            if (strcmp(bf->program, prog) != 0 || strcmp(bf->tier, t->tier) != 0)
                continue;
            line_t l = new_line((int32_t)a, LINE_CREDIT, bf->benefit);
            l.amount = bf->monthly_amount;
            l.row = (int32_t)k;
            VEC_PUSH(m->lines, l);
        }
    }
}

/* What overflowed, per line kind: one agreement's lines of that kind. */
static const char *const kind_total[LINE_KIND_COUNT] = {
    "the residual lines of the agreement", "the spiff lines of the agreement",
    "the chargeback lines of the agreement", "the adjustment lines of the agreement",
    "the credit lines of the agreement", "the restatement lines of the agreement"};
/* ... or the sum of the magnitudes of every line of the period. */
static const char *const lines_gross = "the sum of |amount| over the period's lines";

/* An overflow summing line l: name the input row its amount came from. */
static void line_overflow(month_t *m, const line_t *l, const char *what, int32_t agreement)
{
    switch (l->kind) {
    case LINE_RESIDUAL: /* its revenue row's amount */
        month_overflow(m, what, agreement, SOURCE_REVENUE, m->period,
                       month_revenue_line(m, (size_t)l->row), "amount");
        return;
    case LINE_SPIFF:
    case LINE_CHARGEBACK: { /* the service's MRC made the amount */
        const order_t *o = month_whole_order(m, l->order);
        month_overflow(m, what, agreement, SOURCE_ORDERS, o->period, o->line, "mrc");
        return;
    }
    case LINE_ADJUSTMENT:
        month_overflow(m, what, agreement, SOURCE_ADJUSTMENTS, m->period,
                       m->adjustments.v[l->row].line, "amount");
        return;
    case LINE_CREDIT:
        month_overflow(m, what, agreement, SOURCE_BENEFITS, m->period,
                       m->book->benefits.v[l->row].line, "monthly_amount");
        return;
    default:
        month_overflow(m, what, agreement, SOURCE_NONE, m->period, 0, NULL);
        return;
    }
}

/* Sums every line into its agreement's by_kind, checked; and the sum of the
 * magnitudes of all the period's lines (every kind, every agreement), so that
 * whatever subset of lines a report or a payable totals, in whatever order
 * (a currency, a category, a statement, earned), fits int64 too. */
void lines_aggregate(month_t *m)
{
    money_t gross = 0;
    line_iter_t it;
    line_t l;
    lines_iter_start(&it, m);
    while (lines_next(&it, &l)) {
        agreement_period_t *c = &m->current[l.agreement];
        money_t mag;
        if (!money_accumulate(&c->by_kind[l.kind], l.amount)) {
            line_overflow(m, &l, kind_total[l.kind], l.agreement);
            return;
        }
        if (!money_abs(l.amount, &mag) || !money_accumulate(&gross, mag)) {
            line_overflow(m, &l, lines_gross, -1);
            return;
        }
        if (l.kind != LINE_CREDIT)
            c->cash_lines++;
    }
}
