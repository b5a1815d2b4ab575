/*
 * explain.c — explanations of one order, revenue row or agreement payable.
 *
 * The period is decided again in memory, read-only, from the same inputs
 * (their SHA-256 is checked against the ledger), so the explanation is the
 * decision the run made, with the facts it used. Orders are found in the
 * ledger first to learn their period.
 */
#include "explain.h"
#include "lines.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "labels.h"
#include "ledger.h"
#include "month.h"
#include "rates.h"
#include "tiers.h"

static const char *or_blank(const char *s) { return s && *s ? s : "(blank)"; }

static const char *agreement_name(const month_t *m, int32_t a)
{
    return a >= 0 ? m->master->agreements.v[a].id : "(none)";
}

static void print_rule(rule_code r)
{
    printf("  rule:        %s — %s\n", rule_name(r), rule_explain(LANG_EN, r));
}

static void print_resolution(status_t s, rule_code r)
{
    if (s == STATUS_HELD || s == STATUS_REJECTED || s == STATUS_UNASSIGNED)
        printf("  to resolve:  %s\n", rule_resolve(LANG_EN, r));
}

/* The money an order produced in the period: its spiff (rate row and
 * arithmetic), the chargeback it caused or suffered (months served), and
 * what its MRC retired of the agreement's MRC commitments. */
static void explain_order_money(const month_t *m, const order_t *o)
{
    const master_t *ms = m->master;
    int32_t self = (int32_t)(o - m->orders.v);
    char b1[MONEY_BUF], b2[MONEY_BUF], b3[MONEY_BUF], b4[MONEY_BUF], b5[MONEY_BUF], p[PERIOD_BUF],
        d1[DATE_BUF], d2[DATE_BUF];
    bool any = false;
    printf("money:\n");
    for (size_t i = 0; i < m->lines.n; i++) {
        const line_t *l = &m->lines.v[i];
        if (strcmp(l->source_id, o->id) != 0 && l->order != self)
            continue;
        if (l->kind != LINE_SPIFF && l->kind != LINE_CHARGEBACK)
            continue;
        any = true;
        const agreement_t *ag = &ms->agreements.v[l->agreement];
        if (l->kind == LINE_SPIFF) {
            const order_t *so = l->order >= 0 ? &m->orders.v[l->order] : o;
            printf("  spiff %s %s to agreement %s (in %s)\n", money_format(l->amount, b1),
                   ag->currency.code, ag->id, period_format(m->period, p));
            int32_t row = so->product >= 0
                              ? rates_find(m->book, ag->plan_id, COMPONENT_SPIFF,
                                           ms->products.v[so->product].category,
                                           m->tiers[l->agreement].tier, so->install_date)
                              : -1;
            if (row >= 0) {
                const rate_t *rt = &m->book->rates.v[row];
                printf("    rate row:  rates.csv line %d: plan %s, spiff, category %s, tier %s, "
                       "mrc_multiple %s, effective %s to %s\n", rt->line, rt->plan_id,
                       rt->category ? rt->category : "*", rt->tier ? rt->tier : "*",
                       decimal_format(rt->mrc_multiple, MULTIPLE_SCALE, b3),
                       date_format(rt->effective_from, d1),
                       rt->effective_to == DATE_NONE ? "open" : date_format(rt->effective_to, d2));
            }
            if (l->note != RULE_NONE)
                printf("    no spiff:  %s — %s\n", rule_name(l->note), rule_explain(LANG_EN, l->note));
            else
                printf("    arithmetic: MRC %s × %s = %s (rounded half-even to the cent, once)\n",
                       money_format(l->basis, b1), decimal_format(l->rate, MULTIPLE_SCALE, b3),
                       money_format(l->amount, b2));
        } else {
            const order_t *svc = l->order >= 0 ? &m->orders.v[l->order] : NULL;
            printf("  chargeback %s %s to agreement %s (in %s), source %s\n",
                   money_format(l->amount, b1), ag->currency.code, ag->id,
                   period_format(m->period, p), l->source_id);
            if (svc)
                printf("    arithmetic: spiff %s × (term %d − %d months served) / %d = %s "
                       "(service %s, installed %s)\n",
                       money_format(l->basis, b2), svc->term_months, (int)l->note_months,
                       svc->term_months, money_format(l->amount, b3), svc->id,
                       date_format(svc->install_date, d1));
        }
    }
    if (!any && o->has_spiff)
        printf("  spiff %s earned when installed (%s): explain agreement %s there\n",
               money_format(o->spiff, b1),
               o->installed_period != PERIOD_NONE ? period_format(o->installed_period, p) : "-",
               agreement_name(m, o->agreement));
    if (o->installed_period == m->period && o->agreement >= 0)
        for (size_t i = 0; i < m->commitments.n; i++) {
            const commitment_result_t *c = &m->commitments.v[i];
            const commitment_t *cm = &ms->commitments.v[c->commitment];
            if (cm->agreement != o->agreement || cm->basis != BASIS_MRC)
                continue;
            any = true;
            printf("  commitment %s (MRC basis): this order's MRC %s counts toward the %s "
                   "retired in %s; %s retired to date of %s, %s remaining (%s)\n",
                   cm->id, money_format(o->mrc, b1), money_format(c->retired_period, b2),
                   period_format(m->period, p), money_format(c->retired_to_date, b3),
                   money_format(cm->amount, b4), money_format(c->remaining, b5),
                   rule_name(c->status));
        }
    if (!any && !o->has_spiff)
        printf("  none in %s (no spiff, chargeback or commitment)\n", period_format(m->period, p));
}

static void explain_order(const month_t *m, const order_t *o)
{
    const master_t *ms = m->master;
    char d1[DATE_BUF], d2[DATE_BUF], p[PERIOD_BUF], money[MONEY_BUF];
    printf("order %s (%s, delivered in %s, line %d of orders.csv)\n", o->id,
           order_type_names[o->type], period_format(o->period, p), o->line);
    printf("  decision:    %s", status_names[o->status]);
    if (o->status == STATUS_ATTRIBUTED)
        printf(" under agreement %s", agreement_name(m, o->agreement));
    printf("\n");
    print_rule(o->rule);
    printf("facts used:\n");
    printf("  partner:     %s%s\n", o->partner_id, o->partner < 0 ? " (unknown)" : "");
    if (o->product >= 0)
        printf("  product:     %s, portfolio %s, category %s\n", o->product_code,
               legacy_names[ms->products.v[o->product].portfolio],
               ms->products.v[o->product].category);
    else
        printf("  product:     %s (unknown)\n", o->product_code);
    if (o->agreement_ref) {
        int32_t a = strmap_get(&ms->agreement_ix, o->agreement_ref, strlen(o->agreement_ref));
        if (a >= 0) {
            const agreement_t *ag = &ms->agreements.v[a];
            printf("  named agreement: %s, legacy %s, partner %s, active %s to %s, currency %s\n",
                   ag->id, legacy_names[ag->legacy], ms->partners.v[ag->partner].id,
                   date_format(ag->start, d1), ag->end == DATE_NONE ? "open" : date_format(ag->end, d2),
                   ag->currency.code);
        } else {
            printf("  named agreement: %s (unknown)\n", o->agreement_ref);
        }
    } else {
        printf("  named agreement: (none: the partner's agreement of the portfolio is used)\n");
    }
    printf("  order date:  %s; install date %s; MRC %s %s; term %d months\n",
           date_format(o->order_date, d1), or_blank(date_format(o->install_date, d2)),
           money_format(o->mrc, money), o->currency.code, o->term_months);
    if (o->original_id) {
        int32_t k = month_order_ref(m, o->original_id);
        order_decision_t orig = k >= 0 ? month_order_decision(m, k) : (order_decision_t){0};
        if (k >= 0 && orig.status != STATUS_NONE)
            printf("  original:    %s, %s, agreement %s (%s)\n", o->original_id,
                   status_names[orig.status], agreement_name(m, orig.agreement),
                   orig.agreement >= 0 ? legacy_names[ms->agreements.v[orig.agreement].legacy]
                                       : "-");
        else
            printf("  original:    %s (not known before this order)\n", o->original_id);
    }
    if (o->opportunity_id) {
        int32_t k = strmap_get(&m->opportunity_ix, o->opportunity_id, strlen(o->opportunity_id));
        if (k >= 0) {
            const opportunity_t *op = &m->opportunities.v[k];
            printf("  opportunity: %s, %sjoint (CTL %s, LVL3 %s); first approval %s\n",
                   op->id, op->has_ctl && op->has_lvl3 ? "" : "not ", op->has_ctl ? "yes" : "no",
                   op->has_lvl3 ? "yes" : "no", or_blank(date_format(op->first_approval, d1)));
        }
    }
    if (o->installed_period != PERIOD_NONE)
        printf("  installed:   recognised in %s%s\n", period_format(o->installed_period, p),
               o->has_spiff ? "" : " (no spiff row matched)");
    print_resolution(o->status, o->rule);
    explain_order_money(m, o);
}

static void explain_revenue(const month_t *m, const revenue_t *r, const char *id)
{
    const master_t *ms = m->master;
    char money[MONEY_BUF], rate[MONEY_BUF], com[MONEY_BUF], d1[DATE_BUF], d2[DATE_BUF];
    const char *service = revenue_service_id(m, r), *account = revenue_account_id(m, r);
    currency_t cur = currency_unpack(r->currency);
    int32_t line = lineseq_at(&m->revenue_lines, (size_t)(r - m->revenue.v));
    printf("revenue %s (line %d of revenue.csv): %s %s, account %s, service %s, product %s\n",
           id, line, money_format(r->amount, money), cur.code,
           *account ? account : "(not in accounts.csv)",
           service ? (*service ? service : "(not a known order)") : "(blank)",
           r->product >= 0 ? ms->products.v[r->product].code : "(unknown)");
    printf("  decision:    %s", status_names[r->status]);
    if (r->status == STATUS_ASSIGNED)
        printf(" to agreement %s", agreement_name(m, r->agreement));
    printf("\n");
    print_rule(r->rule);
    print_resolution(r->status, r->rule);
    if (r->status != STATUS_ASSIGNED)
        return;
    const agreement_t *ag = &ms->agreements.v[r->agreement];
    const tier_state_t *t = &m->tiers[r->agreement];
    printf("residual:\n  plan %s, category %s, tier %s, rate date %s\n", ag->plan_id,
           ms->products.v[r->product].category, t->tier ? t->tier : "(none)",
           date_format(period_first_day(m->period), d1));
    line_t l = lines_residual_of(m, r);
    if (l.note != RULE_NONE) {
        printf("  no commission: %s — %s\n", rule_name(l.note), rule_explain(LANG_EN, l.note));
        return;
    }
    const rate_t *rt = &m->book->rates.v[l.rate_row];
    printf("  rate row:    rates.csv line %d: plan %s, category %s, tier %s, %s%% effective %s to "
           "%s\n", rt->line, rt->plan_id, rt->category ? rt->category : "*",
           rt->tier ? rt->tier : "*", decimal_format(rt->rate_pct, RATE_SCALE, rate),
           date_format(rt->effective_from, d1),
           rt->effective_to == DATE_NONE ? "open" : date_format(rt->effective_to, d2));
    printf("  arithmetic:  %s × %s%% = %s (rounded half-even to the cent, once)\n", money,
           rate, money_format(l.amount, com));
}

/* §4.8: the row's assignment in each later corrected file of this period
 * (the inputs of later runs), after its assignment in the period's own run. */
static cm_status explain_restated_row(const month_t *m, ledger_t *l, const char *dir,
                                      const char *id, int *shown, cm_error_t *err)
{
    char pb[PERIOD_BUF], like[64];
    snprintf(like, sizeof(like), "periods/%%/restate/%s/revenue.csv", period_format(m->period, pb));
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ledger_db(l), "SELECT period, path FROM inputs WHERE path LIKE ?1 AND"
                           " period > ?2 ORDER BY period", -1, &st, NULL) != SQLITE_OK)
        return cm_fail(err, EXIT_INTERNAL, "ledger: %s", sqlite3_errmsg(ledger_db(l)));
    sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pb, -1, SQLITE_STATIC);
    cm_status rc = EXIT_DONE;
    while (rc == EXIT_DONE && sqlite3_step(st) == SQLITE_ROW) {
        const char *q = (const char *)sqlite3_column_text(st, 0);
        const char *rel = (const char *)sqlite3_column_text(st, 1);
        revenue_t rv;
        int32_t line = 0;
        bool found = false;
        rc = ingest_restated_row(dir, rel, m, id, &rv, &line, &found, err);
        if (rc != EXIT_DONE)
            break;
        if (!found) {
            if (*shown)
                printf("restated in %s (%s): no row %s (its revenue is 0 there)\n", q, rel, id);
            continue;
        }
        (*shown)++;
        char b[MONEY_BUF], rate[MONEY_BUF], com[MONEY_BUF];
        printf("restated in %s (%s line %d): %s %s\n", q, rel, line, money_format(rv.amount, b),
               currency_unpack(rv.currency).code);
        printf("  decision:    %s", status_names[rv.status]);
        if (rv.status == STATUS_ASSIGNED)
            printf(" to agreement %s", agreement_name(m, rv.agreement));
        printf("\n");
        print_rule(rv.rule);
        if (rv.status != STATUS_ASSIGNED)
            continue;
        line_t res = lines_residual_of(m, &rv);
        if (res.note != RULE_NONE)
            printf("  no commission: %s\n", rule_name(res.note));
        else
            printf("  residual:    %s × %s%% = %s (tier %s of %s)\n", b,
                   decimal_format(res.rate, res.rate_scale, rate), money_format(res.amount, com),
                   m->tiers[rv.agreement].tier ? m->tiers[rv.agreement].tier : "(none)", pb);
    }
    sqlite3_finalize(st);
    return rc;
}

/* A tier amount: cents for a revenue basis, whole points otherwise. */
static const char *tier_amount(bool points, int64_t v, char *buf)
{
    if (!points)
        return money_format(v, buf);
    snprintf(buf, MONEY_BUF, "%" PRId64 " points", v);
    return buf;
}

/* The tier guidance the statement and the Tiers sheet show (rules/tiers.h
 * tiers_guidance): one program at a time. */
static void explain_tier_guidance(const month_t *m, int32_t a)
{
    int32_t *with = malloc((m->master->agreements.n ? m->master->agreements.n : 1) * sizeof(*with));
    if (!with)
        abort();
    tiers_guidance_t g;
    char b[MONEY_BUF], pb[PERIOD_BUF], wb[PERIOD_BUF];
    if (tiers_guidance(m, a, with, &g)) {
        const book_t *bk = m->book;
        printf("  tier:        %s (%s)\n", g.tier ? g.tier : "none", rule_name(g.rule));
        if (g.decided_tier)
            printf("  this period's review placed %s from the next period\n", g.decided_tier);
        if (g.has_review) {
            printf("  next review: end of %s under %s%s%s\n", period_format(g.review_period, pb),
                   bk->programs.v[g.review_program].name,
                   g.program_changes ? " (the program changes at that review)" : "",
                   g.frozen ? ", frozen: the tier is kept" : "");
            if (g.points)
                printf("  basis:       points to date, %s so far\n",
                       tier_amount(true, g.basis_to_date, b));
            else
                printf("  basis:       revenue %s to %s, %s so far\n",
                       period_format(g.window_from, wb), period_format(g.review_period, pb),
                       tier_amount(false, g.basis_to_date, b));
            if (g.combined) {
                printf("  combined:   ");
                for (size_t i = 0; i < g.ncombined; i++)
                    printf(" %s", m->master->agreements.v[with[i]].id);
                printf("\n");
            }
            if (g.can_promote) {
                char t[MONEY_BUF];
                printf("  next tier:   %s at %s; still needed %s\n", bk->tiers.v[g.next_tier].tier,
                       tier_amount(g.points, g.threshold, t), tier_amount(g.points, g.needed, b));
            }
        } else {
            printf("  next review: none ahead\n");
        }
    }
    free(with);
}

/* §4.8: restatements the agreement's payable holds (of earlier periods), and
 * restatements of this period posted by later runs (the ledger's). */
static void explain_agreement_restated(const month_t *m, ledger_t *l, int32_t a)
{
    char b1[MONEY_BUF], b2[MONEY_BUF], b3[MONEY_BUF], b4[MONEY_BUF], pb[PERIOD_BUF];
    for (size_t i = 0; i < m->restated.n; i++) {
        const restated_t *x = &m->restated.v[i];
        if (x->agreement != a)
            continue;
        printf("  restates %s: assigned revenue %s (stated %s), residuals %s (stated %s)\n",
               period_format(x->period, pb), money_format(x->revenue, b1),
               money_format(x->revenue_before, b2), money_format(x->residual, b3),
               money_format(x->residual_before, b4));
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ledger_db(l), "SELECT period, revenue, residual, basis, amount FROM"
                           " restated WHERE agreement_id = ?1 AND restated_period = ?2"
                           " ORDER BY period", -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, m->master->agreements.v[a].id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, period_format(m->period, pb), -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        printf("  restated in %s: assigned revenue %s, residuals %s (line: basis %s, amount %s)\n",
               (const char *)sqlite3_column_text(st, 0),
               money_format(sqlite3_column_int64(st, 1), b1),
               money_format(sqlite3_column_int64(st, 2), b2),
               money_format(sqlite3_column_int64(st, 3), b3),
               money_format(sqlite3_column_int64(st, 4), b4));
    sqlite3_finalize(st);
}

static void explain_agreement(const month_t *m, int32_t a)
{
    const agreement_t *ag = &m->master->agreements.v[a];
    const payable_t *p = &m->payables[a];
    char b[MONEY_BUF], d[DATE_BUF], pb[PERIOD_BUF];
    printf("agreement %s (%s, partner %s, %s, lag %d days, minimum payout %s %s) in %s\n", ag->id,
           legacy_names[ag->legacy], m->master->partners.v[ag->partner].id,
           interval_names[ag->interval], ag->lag_days, money_format(ag->min_payout, b),
           ag->currency.code, period_format(m->period, pb));
    if (!p->present) {
        printf("  no payable this period (inactive, nothing carried, no lines)\n");
        return;
    }
    printf("  carried in   %16s\n", money_format(p->carried_in, b));
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        printf("  %-12s %16s%s\n", line_kind_names[k], money_format(p->by_kind[k], b),
               k == LINE_CREDIT ? "  (non-cash, never paid)" : "");
    printf("  earned       %16s\n", money_format(p->earned, b));
    printf("  balance      %16s\n", money_format(p->balance, b));
    printf("  paid         %16s\n", money_format(p->paid, b));
    printf("  carried out  %16s\n", money_format(p->carried_out, b));
    printf("  status:      %s — %s\n", rule_name(p->status), rule_explain(LANG_EN, p->status));
    if (p->due_date != DATE_NONE)
        printf("  due date:    %s (last day of the period + %d days)\n", date_format(p->due_date, d),
               ag->lag_days);
    explain_tier_guidance(m, a);
}

/* The ledger read-only into *l, or "not found" (3) naming what and name
 * when there is no ledger yet (no period has been run). */
static cm_status open_ledger(const run_options_t *o, ledger_t **l, const char *what,
                             const char *name, cm_error_t *err)
{
    char *db = run_db_path(o);
    cm_status rc = ledger_open(db, true, l, err);
    free(db);
    if (rc == EXIT_DONE && !*l)
        rc = cm_fail(err, EXIT_INVALID_INPUT,
                     "not found: %s%s (no ledger yet: no period has been run)", what, name);
    return rc;
}

/* The period an order was first delivered in, from the ledger. */
static cm_status order_period(const run_options_t *o, const char *id, period_t *p,
                              cm_error_t *err)
{
    ledger_t *l = NULL;
    cm_status rc = open_ledger(o, &l, "order ", id, err);
    if (rc == EXIT_DONE)
        rc = ledger_order_period(l, id, p, err);
    ledger_close(l);
    if (rc == EXIT_DONE && *p == PERIOD_NONE)
        rc = cm_fail(err, EXIT_INVALID_INPUT,
                     "not found: order %s is not in the ledger (never delivered, or refused "
                     "by format checks: see rejects.csv)", id);
    return rc;
}

/* One screen per partner: each agreement's payable, then its holds. */
static void explain_partner(const month_t *m, int32_t pt)
{
    const master_t *ms = m->master;
    const partner_t *p = &ms->partners.v[pt];
    char b[MONEY_BUF], pb[PERIOD_BUF];
    printf("partner %s (%s, %s%s) in %s\n", p->id, p->name, partner_kind_names[p->kind],
           p->on_hold ? ", ON HOLD" : "", period_format(m->period, pb));
    int32_t first = ms->by_partner_first[pt], last = ms->by_partner_first[pt + 1];
    if (first == last)
        printf("  no agreement\n");
    for (int32_t i = first; i < last; i++) {
        int32_t a = ms->by_partner[i];
        explain_agreement(m, a);
        int64_t held_orders = 0, held_rows = 0;
        money_t held_amount = 0;
        for (size_t k = 0; k < m->orders.n; k++) {
            const order_t *o = &m->orders.v[k];
            if (o->period == m->period && o->partner == pt && o->status == STATUS_HELD &&
                (o->agreement == a || (o->agreement_ref && strcmp(o->agreement_ref, ms->agreements.v[a].id) == 0))) {
                held_orders++;
                printf("  held order:  %s (orders.csv:%d) MRC %s %s — %s\n", o->id, o->line,
                       money_format(o->mrc, b), o->currency.code, rule_explain(LANG_EN, o->rule));
            }
        }
        for (size_t k = 0; k < m->revenue.n; k++) {
            const revenue_t *r = &m->revenue.v[k];
            if (r->status != STATUS_HELD || r->service < 0 || r->service >= ORDER_STUB)
                continue;
            const order_t *o = &m->orders.v[r->service];
            if (o->partner != pt || !(o->agreement == a || (o->agreement_ref &&
                                      strcmp(o->agreement_ref, ms->agreements.v[a].id) == 0)))
                continue;
            held_rows++;
            /* a subset of P's revenue rows: Σ|amount| over them fits (month.h) */
            held_amount = money_add_bounded(held_amount, r->amount);
        }
        if (held_rows)
            printf("  held revenue: %lld row(s), %s %s (their orders are held)\n",
                   (long long)held_rows, money_format(held_amount, b),
                   ms->agreements.v[a].currency.code);
        if (!held_orders && !held_rows)
            printf("  holds:       none\n");
    }
}

/* Not found (3) unless the ledger has run the period. */
static cm_status period_run(const run_options_t *o, cm_error_t *err)
{
    char pb[PERIOD_BUF];
    period_format(o->period, pb);
    ledger_t *l = NULL;
    cm_status rc = open_ledger(o, &l, pb, " has not been run", err);
    if (rc == EXIT_DONE && ledger_period_state(l, o->period) == PERIOD_UNRUN)
        rc = cm_fail(err, EXIT_INVALID_INPUT, "not found: %s has not been run", pb);
    ledger_close(l);
    return rc;
}

cm_status cmd_explain(const run_options_t *o, const explain_request_t *q, cm_error_t *err)
{
    run_options_t ro = *o;
    ro.quiet = true;
    ro.every_account = true; /* the row's account is shown even when its service decides */
    cm_status rc = EXIT_DONE;
    if (q->kind == EXPLAIN_ORDER)
        rc = order_period(o, q->id, &ro.period, err);
    else
        rc = period_run(o, err);
    if (rc != EXIT_DONE)
        return rc;
    job_t *j = NULL;
    rc = run_decide_readonly(&ro, &j, err);
    if (rc == EXIT_DONE) {
        const month_t *m = run_job_month(j);
        if (q->kind == EXPLAIN_ORDER) {
            explain_order(m, &m->orders.v[month_order(m, q->id)]);
        } else if (q->kind == EXPLAIN_REVENUE) {
            const revenue_t *r = NULL;
            idseq_cursor_t c;
            idseq_cursor(&c, &m->revenue_ids);
            for (size_t i = 0; i < m->revenue.n && !r; i++)
                if (strcmp(idseq_at(&c, i), q->id) == 0)
                    r = &m->revenue.v[i];
            int shown = r != NULL;
            if (r)
                explain_revenue(m, r, q->id);
            else /* a row first billed in a corrected file of this period */
                printf("revenue %s: not a row of this period's own revenue.csv\n", q->id);
            rc = explain_restated_row(m, run_job_ledger(j), o->data_dir, q->id, &shown, err);
            if (rc == EXIT_DONE && !shown)
                rc = cm_fail(err, EXIT_INVALID_INPUT,
                               "not found: revenue %s is not a decided row of this period nor of a later "
                               "correction of it (see rejects.csv)", q->id);
        } else if (q->kind == EXPLAIN_PARTNER) {
            int32_t p = strmap_get(&m->master->partner_ix, q->id, strlen(q->id));
            if (p >= 0)
                explain_partner(m, p);
            else
                rc = cm_fail(err, EXIT_INVALID_INPUT, "not found: partner %s is not in master data",
                               q->id);
        } else {
            int32_t a = strmap_get(&m->master->agreement_ix, q->id, strlen(q->id));
            if (a >= 0) {
                explain_agreement(m, a);
                explain_agreement_restated(m, run_job_ledger(j), a);
            } else
                rc = cm_fail(err, EXIT_INVALID_INPUT, "not found: agreement %s is not in master data",
                               q->id);
        }
    }
    run_job_free(j);
    return rc;
}
