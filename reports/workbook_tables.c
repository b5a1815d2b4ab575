/*
 * workbook_tables.c — payouts.xlsx's table sheets: Summary, Lines, Commitments,
 * Tiers and Points.
 */
#include "workbook_sheet.h"
#include "lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "tiers.h"

/* ---- the table sheets ----------------------------------------------------------- */

void wb_summary(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    const wb_prior_t *prior = w->x->prior;
    static const char *const h[] = {"partner_id", "partner", "agreement_id", "legacy", "program",
                                    "tier", "currency", "residual", "spiff", "chargeback",
                                    "adjustment", "credit (non-cash)", "carried_in", "earned",
                                    "paid", "carried_out", "status", "due_date",
                                    "paid last period", "change"};
    static const double wd[] = {14, 30, 16, 8, 14, 12, 9, 14, 14, 14, 14, 16, 14, 14, 14, 14, 14,
                                12, 16, 14};
    int ncols = prior ? 20 : 18;
    sheet_t s;
    wb_sheet_open(&s, w, "Summary", h, ncols, wd, 0xFF80u | (prior ? 3u << 18 : 0));
    const currency_totals_t *ct = w->ct;
    size_t nct = w->nct;
    money_t(*tot)[11] = calloc(nct + 1, sizeof(*tot));
    if (!tot)
        abort();
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        if (!p->present)
            continue;
        const agreement_t *ag = &m->master->agreements.v[a];
        const partner_t *pt = &m->master->partners.v[ag->partner];
        size_t ci = 0;
        while (ci < nct && strcmp(ct[ci].code, ag->currency.code) != 0)
            ci++;
        lxw_row_t r = wb_sheet_row(&s);
        wb_fit_row(b, s.ws, r, &pt->name, wd + 1, 1);
        xu_keep(b, xu_text(s.ws, r, 0, pt->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, pt->name, w->wrap));
        xu_keep(b, xu_text(s.ws, r, 2, ag->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 3, legacy_names[ag->legacy], NULL));
        xu_keep(b, xu_text(s.ws, r, 4, wb_program_name(m, (int32_t)a), NULL));
        xu_keep(b, xu_text(s.ws, r, 5, m->tiers[a].tier, NULL));
        xu_keep(b, xu_text(s.ws, r, 6, ag->currency.code, NULL));
        money_t before = prior && prior[a].present ? prior[a].paid : 0;
        money_t v[11] = {p->by_kind[LINE_RESIDUAL], p->by_kind[LINE_SPIFF],
                         p->by_kind[LINE_CHARGEBACK], p->by_kind[LINE_ADJUSTMENT],
                         p->by_kind[LINE_CREDIT], p->carried_in, p->earned, p->paid,
                         p->carried_out, before, p->paid - before};
        for (int k = 0; k < 9; k++)
            xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(7 + k), v[k], b->money));
        xu_keep(b, xu_text(s.ws, r, 16, rule_name(p->status), w->indent));
        xu_keep(b, xu_date(s.ws, r, 17, p->due_date, b->date));
        if (prior) {
            xu_keep(b, xu_money(s.ws, r, 18, v[9], b->money));
            xu_keep(b, xu_money(s.ws, r, 19, v[10], b->money));
        }
        for (int k = 0; k < 11 && ci < nct; k++)
            tot[ci][k] += v[k];
    }
    lxw_row_t r = s.row; /* the totals rows stay out of the autofilter */
    wb_sheet_finish_part(&s);
    char label[32];
    for (size_t i = 0; i < nct; i++) {
        if (!ct[i].has_payables || !ct[i].agreements)
            continue;
        snprintf(label, sizeof(label), "Total %s", ct[i].code);
        xu_keep(b, wb_ws_string(s.ws, r, 0, label, b->bold));
        xu_keep(b, xu_text(s.ws, r, 6, ct[i].code, b->bold));
        for (int k = 0; k < 9; k++)
            xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(7 + k), tot[i][k], b->money_total));
        if (prior) {
            xu_keep(b, xu_money(s.ws, r, 18, tot[i][9], b->money_total));
            xu_keep(b, xu_money(s.ws, r, 19, tot[i][10], b->money_total));
        }
        r++;
    }
    free(tot);
}

/* The Lines sheet, and the line side of Control's "lines = aggregates"
 * check: line amounts per (currency, kind), added into by_currency (one
 * row of LINE_KIND_COUNT per entry of ct). */
void wb_lines(wb_t *w, const currency_totals_t *ct, size_t nct, money_t *by_currency)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    static const char *const h[] = {"agreement_id", "currency", "kind", "category", "amount"};
    static const double wd[] = {16, 9, 12, 16, 16};
    const master_t *ms = m->master;
    /* categories of the products, in product order; slot ncat = no product */
    size_t np = ms->products.n, ncat = 0;
    const char **cats = calloc(np + 1, sizeof(*cats));
    int32_t *cat_of = calloc(np + 1, sizeof(*cat_of));
    if (!cats || !cat_of)
        abort();
    for (size_t i = 0; i < np; i++) {
        size_t k = 0;
        while (k < ncat && strcmp(cats[k], ms->products.v[i].category) != 0)
            k++;
        if (k == ncat)
            cats[ncat++] = ms->products.v[i].category;
        cat_of[i] = (int32_t)k;
    }
    size_t slots = (ncat + 1) * LINE_KIND_COUNT, na = ms->agreements.n;
    money_t *sum = calloc(na * slots + 1, sizeof(*sum));
    bool *used = calloc(na * slots + 1, sizeof(*used));
    if (!sum || !used)
        abort();
    line_iter_t it;
    line_t l;
    lines_iter_start(&it, m);
    while (lines_next(&it, &l)) {
        if (l.kind == LINE_RESTATEMENT)
            continue; /* a row each, naming the period restated (below) */
        size_t c = l.product >= 0 ? (size_t)cat_of[l.product] : ncat;
        size_t k = (size_t)l.agreement * slots + (size_t)l.kind * (ncat + 1) + c;
        sum[k] = money_add_bounded(sum[k], l.amount);
        used[k] = true;
    }
    /* one currency: it heads the amount column (no column repeating one
     * code down the book's biggest table); several: a currency column */
    size_t with_lines = 0, only = 0;
    for (size_t i = 0; i < nct; i++)
        if (ct[i].has_payables) {
            with_lines++;
            only = i;
        }
    bool one = with_lines <= 1;
    static const char *const h1[] = {"agreement_id", "kind", "category", "amount"};
    static const double wd1[] = {16, 12, 16, 18};
    char amount[32];
    const char *h1c[4] = {h1[0], h1[1], h1[2], amount};
    snprintf(amount, sizeof(amount), "amount (%s)", with_lines ? ct[only].code : "no currency");
    sheet_t s;
    if (one)
        wb_sheet_open(&s, w, "Lines", h1c, 4, wd1, 1u << 3);
    else
        wb_sheet_open(&s, w, "Lines", h, 5, wd, 1u << 4);
    int cc = one ? 0 : 1; /* the columns after agreement_id shift by the currency's */
    for (size_t a = 0; a < na; a++) {
        const char *code = ms->agreements.v[a].currency.code;
        size_t ci = 0;
        while (ci < nct && strcmp(ct[ci].code, code) != 0)
            ci++;
        for (size_t k = 0; k < slots; k++) {
            if (!used[a * slots + k])
                continue;
            lxw_row_t r = wb_sheet_row(&s);
            size_t kind = k / (ncat + 1), c = k % (ncat + 1);
            xu_keep(b, xu_text(s.ws, r, 0, ms->agreements.v[a].id, NULL));
            if (!one)
                xu_keep(b, xu_text(s.ws, r, 1, code, NULL));
            xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(1 + cc), line_kind_names[kind], NULL));
            xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(2 + cc), c < ncat ? cats[c] : "", NULL));
            xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(3 + cc), sum[a * slots + k], b->money));
            if (ci < nct)
                by_currency[ci * LINE_KIND_COUNT + kind] =
                    money_add_bounded(by_currency[ci * LINE_KIND_COUNT + kind], sum[a * slots + k]);
        }
    }
    for (size_t i = 0; i < m->lines.n; i++) { /* §4.8: "restates P" in the category column */
        const line_t *l = &m->lines.v[i];
        if (l->kind != LINE_RESTATEMENT)
            continue;
        const char *code = ms->agreements.v[l->agreement].currency.code;
        size_t ci = 0;
        while (ci < nct && strcmp(ct[ci].code, code) != 0)
            ci++;
        char note[32];
        snprintf(note, sizeof(note), "restates %s", l->source_id);
        lxw_row_t r = wb_sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, ms->agreements.v[l->agreement].id, NULL));
        if (!one)
            xu_keep(b, xu_text(s.ws, r, 1, code, NULL));
        xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(1 + cc), line_kind_names[LINE_RESTATEMENT], NULL));
        xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(2 + cc), note, NULL));
        xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(3 + cc), l->amount, b->money));
        if (ci < nct)
            by_currency[ci * LINE_KIND_COUNT + LINE_RESTATEMENT] =
                money_add_bounded(by_currency[ci * LINE_KIND_COUNT + LINE_RESTATEMENT], l->amount);
    }
    wb_sheet_finish_part(&s);
    free(cats);
    free(cat_of);
    free(sum);
    free(used);
}

void wb_commitments(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    static const char *const h[] = {"commitment_id", "agreement_id", "currency", "basis", "amount",
                                    "retired_period", "retired_to_date", "remaining",
                                    "percent", "status", "bar (capped at 150 %)"};
    static const double wd[] = {18, 16, 9, 10, 14, 14, 14, 14, 10, 10, 12};
    sheet_t s;
    wb_sheet_open(&s, w, "Commitments", h, 11, wd, 0x5F0u);
    for (size_t i = 0; i < m->commitments.n; i++) {
        const commitment_result_t *c = &m->commitments.v[i];
        const commitment_t *cm = &m->master->commitments.v[c->commitment];
        lxw_row_t r = wb_sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, cm->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, m->master->agreements.v[cm->agreement].id, NULL));
        xu_keep(b, xu_text(s.ws, r, 2, wb_agreement_currency(m, cm->agreement), NULL));
        xu_keep(b, xu_text(s.ws, r, 3, basis_names[cm->basis], NULL));
        xu_keep(b, xu_money(s.ws, r, 4, cm->amount, b->money));
        xu_keep(b, xu_money(s.ws, r, 5, c->retired_period, b->money));
        xu_keep(b, xu_money(s.ws, r, 6, c->retired_to_date, b->money));
        xu_keep(b, xu_money(s.ws, r, 7, c->remaining, b->money));
        xu_keep(b, xu_percent(s.ws, r, 8, c->percent_hundredths, b->percent));
        xu_keep(b, xu_text(s.ws, r, 9, rule_name(c->status), w->indent));
        int64_t bar = c->percent_hundredths > CHART_CAP ? CHART_CAP
                      : c->percent_hundredths < 0  ? 0
                                                   : c->percent_hundredths;
        xu_keep(b, xu_percent(s.ws, r, 10, bar, b->percent));
    }
    lxw_row_t last = s.row - 1;
    wb_sheet_finish_part(&s);
    if (s.part != 1 || !m->commitments.n)
        return;
    if (last > CHART_ROWS)
        last = CHART_ROWS;
    lxw_chart *chart = NULL;
    lxw_chart_series *series =
        wb_bar_chart(b, s.ws, "Commitments", LXW_CHART_BAR,
                     "Commitment retired to date (% of each commitment; bars stop at 150 %)", 1,
                     last, 0, 10, 1, 12, "0%", 1.6, 1.3, &chart);
    if (!series)
        return;
    chart_axis_set_min(chart->x_axis, 0);
    chart_axis_set_max(chart->x_axis, 1.5);
    /* each bar labelled with its true percent (column I) */
    lxw_chart_data_label *labels[CHART_ROWS + 1];
    lxw_chart_data_label lab[CHART_ROWS];
    char refs[CHART_ROWS][32];
    size_t n = 0;
    for (lxw_row_t r = 1; r <= last; r++, n++) {
        snprintf(refs[n], sizeof(refs[n]), "=Commitments!$I$%u", (unsigned)(r + 1));
        lab[n] = (lxw_chart_data_label){.value = refs[n]};
        labels[n] = &lab[n];
    }
    labels[n] = NULL;
    chart_series_set_labels(series);
    xu_keep(b, chart_series_set_labels_custom(series, labels));
}

/* Tier distribution: agreements per (program, tier) in effect, in book order. */
typedef struct tier_count {
    const char *program, *tier;
    int64_t n;
} tier_count_t;

void wb_tiers(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    /* next_review .. still_needed: the guidance the statements and explain
     * show (rules/tiers.h tiers_guidance), from one program at a time */
    static const char *const h[] = {"agreement_id", "program",      "tier",        "currency",
                                    "basis_value",  "next_tier",    "rule",        "next_review",
                                    "under program", "promotion_tier", "threshold", "still_needed"};
    static const double wd[] = {16, 16, 16, 9, 14, 14, 10, 12, 30, 16, 14, 14};
    const book_t *bk = m->book;
    tier_count_t *dist = calloc(bk->tiers.n + 1, sizeof(*dist));
    if (!dist)
        abort();
    size_t nd = bk->tiers.n;
    for (size_t i = 0; i < nd; i++)
        dist[i] = (tier_count_t){bk->tiers.v[i].program, bk->tiers.v[i].tier, 0};
    sheet_t s;
    int32_t *with = malloc((m->master->agreements.n ? m->master->agreements.n : 1) * sizeof(*with));
    if (!with)
        abort();
    wb_sheet_open(&s, w, "Tiers", h, 12, wd, (1u << 4) | (1u << 10) | (1u << 11));
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        if (!agreement_active_in(&m->master->agreements.v[a], m->period))
            continue;
        const tier_state_t *t = &m->tiers[a];
        lxw_row_t r = wb_sheet_row(&s);
        bool money = t->program >= 0 && bk->programs.v[t->program].basis == BASIS_REVENUE;
        xu_keep(b, xu_text(s.ws, r, 0, m->master->agreements.v[a].id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, wb_program_name(m, (int32_t)a), NULL));
        xu_keep(b, xu_text(s.ws, r, 2, t->tier, NULL));
        xu_keep(b, xu_text(s.ws, r, 3,
                           money             ? wb_agreement_currency(m, (int32_t)a)
                           : t->program >= 0 ? "points"
                                             : "",
                           NULL));
        if (money)
            xu_keep(b, xu_money(s.ws, r, 4, t->basis_value, b->money));
        else if (t->program >= 0)
            xu_keep(b, wb_ws_number(s.ws, r, 4, (double)t->basis_value, b->integer));
        xu_keep(b, xu_text(s.ws, r, 5, t->reviewed ? t->next_tier : "", w->indent));
        xu_keep(b, xu_text(s.ws, r, 6, rule_name(t->rule), NULL));
        tiers_guidance_t g;
        if (tiers_guidance(m, (int32_t)a, with, &g) && g.has_review) {
            char pb[PERIOD_BUF];
            xu_keep(b, xu_text(s.ws, r, 7, period_format(g.review_period, pb), NULL));
            const char *prog = bk->programs.v[g.review_program].name;
            char *label = NULL;
            if (g.program_changes && asprintf(&label, "%s (program changes)", prog) < 0)
                abort();
            xu_keep(b, xu_text(s.ws, r, 8, label ? label : prog, NULL));
            free(label);
            if (g.can_promote) {
                xu_keep(b, xu_text(s.ws, r, 9, bk->tiers.v[g.next_tier].tier, NULL));
                if (!g.points) {
                    xu_keep(b, xu_money(s.ws, r, 10, g.threshold, b->money));
                    xu_keep(b, xu_money(s.ws, r, 11, g.needed, b->money));
                } else {
                    xu_keep(b, wb_ws_number(s.ws, r, 10, (double)g.threshold, b->integer));
                    xu_keep(b, wb_ws_number(s.ws, r, 11, (double)g.needed, b->integer));
                }
            }
        }
        for (size_t i = 0; t->program >= 0 && t->tier && i < nd; i++)
            if (strcmp(dist[i].program, bk->programs.v[t->program].name) == 0 &&
                strcmp(dist[i].tier, t->tier) == 0)
                dist[i].n++;
    }
    lxw_row_t last = s.row;
    wb_sheet_finish_part(&s);
    /* the distribution below the table, and its chart beside the table */
    lxw_row_t r = last + 1, first;
    if (s.part == 1 && last + nd + 3 < EXCEL_ROWS) {
        xu_keep(b, wb_ws_string(s.ws, r++, 0, "Tier distribution (agreements active in the period)",
                               b->section));
        xu_keep(b, wb_ws_string(s.ws, r, 0, "program tier", b->header));
        xu_keep(b, wb_ws_string(s.ws, r, 1, "", b->header));
        xu_keep(b, wb_ws_string(s.ws, r++, 2, "agreements", b->header_num));
        first = r;
        char label[160];
        for (size_t i = 0; i < nd; i++) {
            if (!dist[i].n)
                continue;
            snprintf(label, sizeof(label), "%s %s", dist[i].program, dist[i].tier);
            xu_keep(b, xu_text(s.ws, r, 0, label, NULL));
            xu_keep(b, wb_ws_number(s.ws, r++, 2, (double)dist[i].n, b->integer));
        }
        /* horizontal bars: the full program and tier name beside each */
        wb_bar_chart(b, s.ws, "Tiers", LXW_CHART_BAR,
                     "Tier distribution (agreements, a count: no currency)", first, r - 1, 0, 2, 1,
                     11, "#,##0", 1.6, 1.3, NULL);
    }
    free(with);
    free(dist);
}

void wb_points(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    static const char *const h[] = {"activity_id", "agreement_id", "activity_code", "activity_date",
                                    "status", "points", "points_to_date", "rule"};
    static const double wd[] = {14, 16, 22, 12, 10, 10, 14, 24};
    sheet_t s;
    wb_sheet_open(&s, w, "Points", h, 8, wd, 0x60u);
    for (size_t i = 0; i < m->activities.n; i++) {
        const activity_t *a = &m->activities.v[i];
        lxw_row_t r = wb_sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, a->id, NULL));
        xu_keep(b,
                xu_text(s.ws, r, 1,
                        a->agreement >= 0 ? m->master->agreements.v[a->agreement].id : "", NULL));
        xu_keep(b, xu_text(s.ws, r, 2, a->activity_code, NULL));
        xu_keep(b, xu_date(s.ws, r, 3, a->activity_date, b->date));
        xu_keep(b, xu_text(s.ws, r, 4, status_names[a->status], NULL));
        xu_keep(b, wb_ws_number(s.ws, r, 5, (double)a->points, b->integer));
        xu_keep(b, wb_ws_number(s.ws, r, 6, (double)a->points_to_date, b->integer));
        xu_keep(b, xu_text(s.ws, r, 7, rule_name(a->rule), w->indent));
    }
    wb_sheet_finish_part(&s);
}
