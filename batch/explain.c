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
    rule_code note = revenue_note(m, r);
    if (note != RULE_NONE) {
        printf("  no commission: %s — %s\n", rule_name(note), rule_explain(LANG_EN, note));
        return;
    }
    const rate_t *rt = &m->book->rates.v[revenue_rate_row(m, r)];
    printf("  rate row:    rates.csv line %d: plan %s, category %s, tier %s, %s%% effective %s to "
           "%s\n", rt->line, rt->plan_id, rt->category ? rt->category : "*",
           rt->tier ? rt->tier : "*", decimal_format(rt->rate_pct, RATE_SCALE, rate),
           date_format(rt->effective_from, d1),
           rt->effective_to == DATE_NONE ? "open" : date_format(rt->effective_to, d2));
    printf("  arithmetic:  %s × %s%% = %s (rounded half-even to the cent, once)\n", money,
           rate, money_format(revenue_commission(m, r), com));
}

/* §4.8: the row's assignment in each later corrected file of this period
 * (the inputs of later runs), after its assignment in the period's own run. */
static exit_code explain_restated_row(const month_t *m, ledger_t *l, const char *dir,
                                      const char *id, int *shown, batch_error_t *err)
{
    char pb[PERIOD_BUF], like[64];
    snprintf(like, sizeof(like), "periods/%%/restate/%s/revenue.csv", period_format(m->period, pb));
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ledger_db(l), "SELECT period, path FROM inputs WHERE path LIKE ?1 AND"
                           " period > ?2 ORDER BY period", -1, &st, NULL) != SQLITE_OK)
        return fail_with(err, EXIT_INTERNAL, "ledger: %s", sqlite3_errmsg(ledger_db(l)));
    sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pb, -1, SQLITE_STATIC);
    exit_code rc = EXIT_DONE;
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
        rule_code note = revenue_note(m, &rv);
        if (note != RULE_NONE)
            printf("  no commission: %s\n", rule_name(note));
        else
            printf("  residual:    %s × %s%% = %s (tier %s of %s)\n", b,
                   decimal_format(revenue_rate_pct(m, &rv), RATE_SCALE, rate),
                   money_format(revenue_commission(m, &rv), com),
                   m->tiers[rv.agreement].tier ? m->tiers[rv.agreement].tier : "(none)", pb);
    }
    sqlite3_finalize(st);
    return rc;
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
}

/* The period an order was first delivered in, from the ledger. */
static exit_code order_period(const run_options_t *o, const char *id, period_t *p,
                              batch_error_t *err)
{
    char *db = o->db_path ? strdup(o->db_path) : path_join(o->data_dir, "ledger.db");
    ledger_t *l = NULL;
    exit_code rc = ledger_open(db, true, &l, err);
    free(db);
    if (rc != EXIT_DONE)
        return rc;
    if (!l)
        return fail_with(err, EXIT_STATE_CONFLICT, "no ledger yet: run a period first");
    sqlite3_stmt *st = NULL;
    *p = PERIOD_NONE;
    if (sqlite3_prepare_v2(ledger_db(l), "SELECT period FROM orders WHERE order_id = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            period_parse((const char *)sqlite3_column_text(st, 0), 7, p);
    }
    sqlite3_finalize(st);
    ledger_close(l);
    if (*p == PERIOD_NONE)
        return fail_with(err, EXIT_INVALID_INPUT,
                         "order %s is not in the ledger (never delivered, or rejected by format "
                         "checks: see rejects.csv)", id);
    return EXIT_DONE;
}

exit_code cmd_explain(const run_options_t *o, const explain_request_t *q, batch_error_t *err)
{
    run_options_t ro = *o;
    ro.quiet = true;
    ro.every_account = true; /* the row's account is shown even when its service decides */
    exit_code rc = EXIT_DONE;
    if (q->kind == EXPLAIN_ORDER)
        rc = order_period(o, q->id, &ro.period, err);
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
                rc = fail_with(err, EXIT_INVALID_INPUT,
                               "revenue %s is not a decided row of this period nor of a later "
                               "correction of it (see rejects.csv)", q->id);
        } else {
            int32_t a = strmap_get(&m->master->agreement_ix, q->id, strlen(q->id));
            if (a >= 0) {
                explain_agreement(m, a);
                explain_agreement_restated(m, run_job_ledger(j), a);
            } else
                rc = fail_with(err, EXIT_INVALID_INPUT, "agreement %s is not in master data",
                               q->id);
        }
    }
    run_job_free(j);
    return rc;
}
