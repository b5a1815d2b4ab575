/*
 * st_blocks.c — the blocks of an agreement's sheet: payment, payable, tier
 * guidance, commitments, points, lines, held items and history.
 */
#include "st_sheet.h"

#include <string.h>

#include "money.h"

#include "labels.h"

/* The payment line: amount, currency and due date, or why nothing is paid. */
void write_payment(sheet_t *s, const d_agreement_t *a)
{
    s->r++;
    if (a->paid && a->due != DATE_NONE) {
        s_str(s, s->r, COL_A, s->l[L_PAYMENT], s->f->payment);
        s_money(s, s->r, COL_B, a->paid, s->f->payment_money);
        s_str(s, s->r, COL_C, a->currency, s->f->payment);  /* left of C: apart from B */
        s_str(s, s->r, COL_D, s->l[L_DUE], s->f->payment);
        chk(s, xu_date(s->ws, s->r++, COL_E, a->due, s->b->date));
        return;
    }
    s_str(s, s->r, COL_A, s->l[L_PAYMENT], s->f->payment);
    s_str(s, s->r, COL_B, s->l[L_PAYMENT_NONE], s->f->payment);
    const char *why = explain(s, a->status), *fix = resolve(s, a->status);
    if (*why)
        s_text(s, s->r, COL_D, *fix && strcmp(fix, rule_resolve(s->lang, RULE_PAID)) != 0
                                   ? aprintf(s->tmp, "%s — %s", why, fix)
                                   : why,
               NULL);
    s->r++;
}

void write_payable(sheet_t *s, const d_agreement_t *a)
{
    section(s, in_cur(s, s->l[L_PAYABLE]));
    label_money(s, s->l[L_CARRIED_IN], a->carried_in, false);
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        if (k != LINE_CREDIT && (k != LINE_RESTATEMENT || a->by_kind[k]))
            label_money(s, kind_label[s->lang][k], a->by_kind[k], false);
    label_money(s, s->l[L_EARNED], a->earned, false);
    label_money(s, s->l[L_BALANCE], a->balance, false);
    label_money(s, s->l[L_PAID], a->paid, true);
    label_money(s, s->l[L_CARRIED_OUT], a->carried_out, false);
    /* the status and what resolves it are on the payment line above */
}

void write_tier(sheet_t *s, const d_agreement_t *a)
{
    if (!a->has_tier && !a->has_review)
        return;
    bool points = a->has_review && a->points;
    section(s, points || !a->has_review ? s->l[L_TIER_SECTION] : in_cur(s, s->l[L_TIER_SECTION]));
    if (a->has_tier) {
        s_str(s, s->r, COL_A, s->l[L_TIER], s->f->label);
        s_text(s, s->r, COL_B, a->tier, s->b->bold);
        s_text(s, s->r++, COL_D, explain(s, a->tier_rule), NULL);
    }
    if (!a->has_review) {
        s_str(s, s->r++, COL_A, s->l[L_NO_REVIEW], NULL);
        return;
    }
    label_text(s, s->l[L_NEXT_REVIEW],
               aprintf(s->tmp, "%s %s", s->l[L_REVIEW_AT],
                       period_text(s->tmp, s->lang, a->review_period)),
               s->b->bold);
    s_str(s, s->r, COL_A, s->l[L_REVIEW_PROGRAM], s->f->label);
    s_text(s, s->r, COL_B, a->review_program, NULL);
    if (a->program_changes)
        s_str(s, s->r, COL_D, s->l[L_PROGRAM_CHANGES], s->b->bold);
    s->r++;
    if (points)
        label_text(s, s->l[L_BASIS_POINTS], s->l[L_POINTS_TO_DATE], NULL);
    else
        label_text(s, s->l[L_BASIS_WINDOW],
                   a->window_from == a->review_period
                       ? period_text(s->tmp, s->lang, a->review_period)
                       : aprintf(s->tmp, "%s – %s", period_text(s->tmp, s->lang, a->window_from),
                                 period_text(s->tmp, s->lang, a->review_period)),
                   NULL);
    if (a->ncombined) {
        size_t len = 1;
        for (uint32_t i = 0; i < a->ncombined; i++)
            len += strlen(a->combined[i]) + 2;
        char *list = arena_alloc(s->tmp, len);
        list[0] = 0;
        for (uint32_t i = 0; i < a->ncombined; i++) {
            if (i)
                strcat(list, ", ");
            strcat(list, a->combined[i]);
        }
        s_str(s, s->r, COL_A, s->l[L_COMBINED], s->f->bold_wrap);
        s_text(s, s->r++, COL_B, list, NULL);
    }
    s_str(s, s->r, COL_A, s->l[L_BASIS_TO_DATE], s->f->label);
    basis_cell(s, COL_B, points, a->basis_to_date);
    s->r++;
    if (*a->decided_tier) {
        s_str(s, s->r, COL_A, s->l[L_DECIDED], s->f->bold_wrap);
        s_text(s, s->r++, COL_B, a->decided_tier, s->b->bold);
    } else if (a->frozen) {
        s_str(s, s->r++, COL_A, s->l[L_FROZEN], NULL);
    } else if (a->can_promote) {
        label_text(s, s->l[L_NEXT_TIER], a->next_tier, NULL);
        s_str(s, s->r, COL_A, s->l[L_NEEDED], s->b->bold);
        if (points)
            s_int(s, s->r, COL_B, a->needed);
        else
            s_money(s, s->r, COL_B, a->needed, s->b->money_total);
        s->r++;
    } else {
        s_str(s, s->r++, COL_A, s->l[L_TOP_TIER], NULL);
    }
    if (a->nthresholds) {
        s->r++;
        const char *h[] = {s->l[L_THRESHOLDS], points ? s->l[L_POINTS] : in_cur(s, s->l[L_MIN_VALUE])};
        static const lxw_col_t c[] = {COL_A, COL_B};
        static const bool num[] = {false, true};
        header_row(s, h, c, 2, num);
        for (uint32_t i = 0; i < a->nthresholds; i++) {
            s_text(s, s->r, COL_A, a->thresholds[i].tier, NULL);
            basis_cell(s, COL_B, points, a->thresholds[i].min);
            s->r++;
        }
    }
}

void write_commitments(sheet_t *s, const d_agreement_t *a)
{
    if (!a->ncommitments)
        return;
    section(s, in_cur(s, s->l[L_COMMITMENTS]));
    const char *h[] = {s->l[L_COMMITMENT], s->l[L_AMOUNT_DUE], s->l[L_RETIRED], s->l[L_TO_DATE],
                       s->l[L_REMAINING], s->l[L_PERCENT], s->l[L_STATUS]};
    static const lxw_col_t c[] = {COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_H};
    static const bool num[] = {false, true, true, true, true, true, false};
    header_row(s, h, c, 7, num);
    for (uint32_t k = 0; k < a->ncommitments; k++) {
        const d_commitment_t *cm = &a->commitments[k];
        s_text(s, s->r, COL_A, cm->id, s->f->wrap);
        s_money(s, s->r, COL_B, cm->amount, s->b->money);
        s_money(s, s->r, COL_C, cm->retired_period, s->b->money);
        s_money(s, s->r, COL_D, cm->retired_to_date, s->b->money);
        s_money(s, s->r, COL_E, cm->remaining, s->b->money);
        chk(s, xu_percent(s->ws, s->r, COL_F, cm->percent_hundredths, s->b->percent));
        s_text(s, s->r++, COL_H, explain(s, cm->status), s->f->wrap);
    }
}

void write_points(sheet_t *s, const d_agreement_t *a)
{
    bool points_program = a->has_review && a->points;
    if (!a->nactivities && !points_program && !a->credit)
        return;
    section(s, s->l[L_POINTS_SECTION]);
    if (points_program) {
        s_str(s, s->r, COL_A, s->l[L_POINTS_TO_DATE], s->f->label);
        s_int(s, s->r++, COL_B, a->basis_to_date);
    }
    if (a->credit) {
        s_str(s, s->r, COL_A, in_cur(s, s->l[L_CREDIT]), s->f->bold_wrap);
        s_money(s, s->r, COL_B, a->credit, s->b->money);
        s_str(s, s->r++, COL_D, s->l[L_CREDIT_NOTE], NULL);
    }
    if (!a->nactivities)
        return;
    const char *h[] = {s->l[L_ACTIVITY], s->l[L_CODE], s->l[L_DATE], s->l[L_POINTS],
                       s->l[L_POINTS_TO_DATE], s->l[L_RESULT]};
    static const lxw_col_t c[] = {COL_A, COL_B, COL_C, COL_D, COL_E, COL_H};
    static const bool num[] = {false, false, false, true, true, false};
    header_row(s, h, c, 6, num);
    for (uint32_t k = 0; k < a->nactivities; k++) {
        const d_activity_t *act = &a->activities[k];
        const char *name = *act->name[s->lang] ? act->name[s->lang] : act->code;
        s_text(s, s->r, COL_A, name, s->f->wrap);
        s_text(s, s->r, COL_B, act->code, s->f->wrap);
        chk(s, xu_date(s->ws, s->r, COL_C, act->date, s->b->date));
        s_int(s, s->r, COL_D, act->points);
        s_int(s, s->r, COL_E, act->points_to_date);
        const char *why = explain(s, act->rule);
        if (!act->awarded) { /* "not awarded: this activity ..." */
            char *t = (char *)aprintf(s->tmp, "%s: %s", refused_label[s->lang], why);
            char *first = t + strlen(refused_label[s->lang]) + 2;
            if (*first >= 'A' && *first <= 'Z' && !(first[1] >= 'A' && first[1] <= 'Z'))
                *first = (char)(*first - 'A' + 'a');
            why = t;
        }
        s_text(s, s->r++, COL_H, why, s->f->wrap);
    }
}

/* A chargeback's note in full: the order whose spiff is reversed, the
 * spiff, the term and the months served, with plurals in both languages. */
static const char *chargeback_note(sheet_t *s, const d_line_t *ln)
{
    int served = ln->note_months, term = ln->term_months, left = term - served;
    const char *spiff = money_text(s->tmp, ln->basis);
    const char *order = *ln->order ? ln->order : "?";
    if (s->lang == LANG_ES)
        return aprintf(s->tmp,
                       "Bono de %s %s de la orden %s revertido por %s no cumplido%s de su "
                       "plazo de %d %s (%d %s cumplido%s)",
                       spiff, s->currency, order,
                       left == 1 ? "el mes" : aprintf(s->tmp, "los %d meses", left),
                       left == 1 ? "" : "s", term, term == 1 ? "mes" : "meses", served,
                       served == 1 ? "mes" : "meses", served == 1 ? "" : "s");
    return aprintf(s->tmp,
                   "Spiff of %s %s on order %s reversed for %s not served of its %d-month "
                   "term (%d %s served)",
                   spiff, s->currency, order,
                   left == 1 ? "the month" : aprintf(s->tmp, "the %d months", left), term, served,
                   served == 1 ? "month" : "months");
}

/* Residuals, then spiffs, chargebacks and adjustments, each under its own
 * heading with its own columns; then the total of the cash lines. */
void write_lines(sheet_t *s, const d_agreement_t *a)
{
    money_t total = 0;
    if (a->ngroups) {
        section(s, in_cur(s, s->l[L_RESIDUALS]));
        const char *h[] = {s->l[L_SERVICE], s->l[L_PRODUCT], s->l[L_ROWS], s->l[L_REVENUE],
                           s->l[L_RATE], s->l[L_AMOUNT], s->l[L_NOTE]};
        static const lxw_col_t c[] = {COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_H};
        static const bool num[] = {false, false, true, true, true, true, false};
        header_row(s, h, c, 7, num);
        for (uint32_t k = 0; k < a->ngroups; k++) {
            const d_group_t *g = &a->groups[k];
            s_text(s, s->r, COL_A, g->service, s->f->wrap);
            s_text(s, s->r, COL_B, g->product, NULL);
            s_int(s, s->r, COL_C, g->rows);
            s_money(s, s->r, COL_D, g->basis, s->b->money);
            s_rate(s, s->r, COL_E, g->rate, s->f->rate);
            s_money(s, s->r, COL_F, g->amount, s->b->money);
            s_text(s, s->r++, COL_H, explain(s, g->note), s->f->wrap);
            total = money_add_bounded(total, g->amount); /* decode_doc: fits */
        }
    }
    for (int kind = LINE_SPIFF; kind < LINE_KIND_COUNT; kind++) {
        if (kind == LINE_CREDIT)
            continue; /* non-cash: shown with the tier's benefit */
        uint32_t n = 0;
        for (uint32_t k = 0; k < a->nlines; k++)
            n += a->lines[k].kind == kind;
        if (!n)
            continue;
        section(s, in_cur(s, kind_label[s->lang][kind]));
        if (kind == LINE_SPIFF) {
            const char *h[] = {s->l[L_ORDER], s->l[L_PRODUCT], s->l[L_MRC], s->l[L_MULTIPLE],
                               s->l[L_AMOUNT], s->l[L_NOTE]};
            static const lxw_col_t c[] = {COL_A, COL_B, COL_D, COL_E, COL_F, COL_H};
            static const bool num[] = {false, false, true, true, true, false};
            header_row(s, h, c, 6, num);
        } else if (kind == LINE_CHARGEBACK) {
            const char *h[] = {s->l[L_DISCONNECT], s->l[L_REVERSED], s->l[L_PRODUCT],
                               s->l[L_SPIFF_PAID], s->l[L_SERVED], s->l[L_AMOUNT], s->l[L_NOTE]};
            static const lxw_col_t c[] = {COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_H};
            static const bool num[] = {false, false, false, true, true, true, false};
            header_row(s, h, c, 7, num);
        } else if (kind == LINE_RESTATEMENT) { /* §4.8: one line per period restated */
            const char *h[] = {s->l[L_PERIOD], s->l[L_REVENUE], s->l[L_AMOUNT], s->l[L_NOTE]};
            static const lxw_col_t c[] = {COL_A, COL_D, COL_F, COL_H};
            static const bool num[] = {false, true, true, false};
            header_row(s, h, c, 4, num);
        } else {
            const char *h[] = {s->l[L_ADJUSTMENT], s->l[L_ENTERED_BY], s->l[L_APPROVED_BY],
                               s->l[L_APPROVED_ON], s->l[L_AMOUNT], s->l[L_REASON]};
            static const lxw_col_t c[] = {COL_A, COL_B, COL_C, COL_D, COL_F, COL_H};
            static const bool num[] = {false, false, false, false, true, false};
            header_row(s, h, c, 6, num);
        }
        for (uint32_t k = 0; k < a->nlines; k++) {
            const d_line_t *ln = &a->lines[k];
            if (ln->kind != kind)
                continue;
            s_text(s, s->r, COL_A, ln->source, s->f->wrap);
            if (kind == LINE_SPIFF) {
                s_text(s, s->r, COL_B, ln->product, NULL);
                if (ln->has_basis)
                    s_money(s, s->r, COL_D, ln->basis, s->b->money);
                s_rate(s, s->r, COL_E, ln->rate, s->f->multiple);
                s_text(s, s->r, COL_H, explain(s, ln->note), s->f->wrap);
            } else if (kind == LINE_CHARGEBACK) {
                s_text(s, s->r, COL_B, ln->order, NULL);
                s_text(s, s->r, COL_C, ln->product, NULL);
                if (ln->has_basis)
                    s_money(s, s->r, COL_D, ln->basis, s->b->money);
                s_str(s, s->r, COL_E,
                      aprintf(s->tmp, s->lang == LANG_ES ? "%d de %d" : "%d of %d",
                              ln->note_months, ln->term_months),
                      s->b->right);
                s_text(s, s->r, COL_H, chargeback_note(s, ln), s->f->wrap);
            } else if (kind == LINE_RESTATEMENT) { /* basis: the revenue difference */
                if (ln->has_basis)
                    s_money(s, s->r, COL_D, ln->basis, s->b->money);
                s_text(s, s->r, COL_H,
                       aprintf(s->tmp, s->lang == LANG_ES ? "reexpresa %s: %s" : "restates %s: %s",
                               ln->source, explain(s, ln->note)),
                       s->f->wrap);
            } else {
                s_text(s, s->r, COL_B, ln->entered_by, s->f->wrap);
                s_text(s, s->r, COL_C, ln->approved_by, s->f->wrap);
                chk(s, xu_date(s->ws, s->r, COL_D, ln->approved_on, s->b->date));
                s_text(s, s->r, COL_H, ln->reason, s->f->wrap);
            }
            s_money(s, s->r++, COL_F, ln->amount, s->b->money);
            total = money_add_bounded(total, ln->amount);
        }
    }
    s->r++;
    s_str(s, s->r, COL_A, in_cur(s, s->l[L_TOTAL]), s->b->bold);
    s_money(s, s->r++, COL_F, total, s->b->money_total);
}

/* The partner's held and rejected orders and held revenue of P. */
void write_held(sheet_t *s, const d_doc_t *d)
{
    section(s, aprintf(s->tmp, "%s: %s", s->l[L_HELD], s->l[L_HELD_NOTE]));
    if (!d->nheld) {
        s_str(s, s->r++, COL_A, s->l[L_NONE_HELD], NULL);
        return;
    }
    const char *h[] = {s->l[L_ITEM], s->l[L_PRODUCT], s->l[L_STATUS], s->l[L_ROWS],
                       s->l[L_AMOUNT], s->l[L_CURRENCY], s->l[L_WHY], s->l[L_RESOLVE]};
    static const lxw_col_t c[] = {COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_H, COL_I};
    static const bool num[] = {false, false, false, true, true, false, false, false};
    header_row(s, h, c, 8, num);
    for (uint32_t i = 0; i < d->nheld; i++) {
        const d_held_t *x = &d->held[i];
        s_text(s, s->r, COL_A,
               aprintf(s->tmp, "%s %s", x->revenue ? s->l[L_HELD_REVENUE] : s->l[L_HELD_ORDER],
                       x->id),
               s->f->wrap);
        s_text(s, s->r, COL_B, x->product, NULL);
        s_str(s, s->r, COL_C, held_status[s->lang][x->rejected], NULL);
        if (x->revenue)
            s_int(s, s->r, COL_D, x->rows);
        s_money(s, s->r, COL_E, x->amount, s->b->money);
        s_text(s, s->r, COL_F, x->currency, s->f->indent);
        s_text(s, s->r, COL_H, explain(s, x->rule), s->f->wrap);
        s_text(s, s->r++, COL_I, resolve(s, x->rule), s->f->wrap);
    }
}

/* The last periods: earned by kind, paid, carried out and tier; with more
 * than one period, data bars chart earned and paid in their cells. */
void write_history(sheet_t *s, const d_agreement_t *a)
{
    if (!a->nhistory)
        return;
    section(s, in_cur(s, s->l[L_HISTORY]));
    const char *h[] = {s->l[L_PERIOD],
                       kind_label[s->lang][LINE_RESIDUAL],
                       kind_label[s->lang][LINE_SPIFF],
                       kind_label[s->lang][LINE_CHARGEBACK],
                       kind_label[s->lang][LINE_ADJUSTMENT],
                       s->l[L_EARNED_TOTAL],
                       s->l[L_PAID],
                       s->l[L_CARRIED_OUT],
                       s->l[L_TIER]};
    static const lxw_col_t c[] = {COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_G, COL_H, COL_I};
    static const bool num[] = {false, true, true, true, true, true, true, true, false};
    header_row(s, h, c, 9, num);
    lxw_row_t first = s->r;
    for (uint32_t i = 0; i < a->nhistory; i++) {
        const d_hist_t *x = &a->history[i];
        s_str(s, s->r, COL_A, period_text(s->tmp, s->lang, x->period), NULL);
        for (int k = 0; k < LINE_CREDIT; k++)
            s_money(s, s->r, (lxw_col_t)(COL_B + k), x->by_kind[k], s->b->money);
        if (x->has_payable) {
            s_money(s, s->r, COL_F, x->earned, s->b->money);
            s_money(s, s->r, COL_G, x->paid, s->b->money);
            s_money(s, s->r, COL_H, x->carried_out, s->b->money);
        }
        s_text(s, s->r++, COL_I, x->tier, s->f->indent);
    }
    /* the small chart: in-cell bars over earned and paid, one scale for
     * both (conditional formats: no drawing part in the workbook) */
    if (a->nhistory < 2)
        return;
    lxw_conditional_format bars = {.type = LXW_CONDITIONAL_DATA_BAR, .bar_color = 0x5B9BD5,
                                   .bar_solid = 1, .data_bar_2010 = 1};
    chk(s, worksheet_conditional_format_range(s->ws, first, COL_F, s->r - 1, COL_G, &bars));
}
