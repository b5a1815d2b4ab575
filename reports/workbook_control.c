/*
 * workbook_control.c — payouts.xlsx's Exceptions (with the backlog) and Control
 * sheets.
 */
#include "workbook_sheet.h"
#include "lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"

/* ---- Exceptions ------------------------------------------------------------------ */

#define EX_COLS 12

typedef struct exception {
    const char *source, *id, *where, *partner, *agreement, *currency, *amount_is, *status;
    rule_code rule;
    const char *resolve; /* NULL: the rule's resolution */
    bool has_amount;
    money_t amount;
} exception_t;

static void exception_row(sheet_t *s, const exception_t *e)
{
    xu_book_t *b = s->b;
    lxw_row_t r = wb_sheet_row(s);
    const char *resolve = e->resolve ? e->resolve : rule_resolve(LANG_EN, e->rule);
    const char *wrapped[] = {e->agreement, rule_explain(LANG_EN, e->rule), resolve};
    const double widths[] = {s->widths[4], s->widths[10], s->widths[11]};
    wb_fit_row(b, s->ws, r, wrapped, widths, 3);
    xu_keep(b, xu_text(s->ws, r, 0, e->source, NULL));
    xu_keep(b, xu_text(s->ws, r, 1, e->id, NULL));
    xu_keep(b, xu_text(s->ws, r, 2, e->where, NULL));
    xu_keep(b, xu_text(s->ws, r, 3, e->partner, NULL));
    xu_keep(b, xu_text(s->ws, r, 4, e->agreement, s->w->wrap));
    xu_keep(b, xu_text(s->ws, r, 5, e->currency, NULL));
    if (e->has_amount)
        xu_keep(b, xu_money(s->ws, r, 6, e->amount, b->money));
    xu_keep(b, xu_text(s->ws, r, 7, e->amount_is, s->w->indent));
    xu_keep(b, xu_text(s->ws, r, 8, e->status, NULL));
    xu_keep(b, xu_text(s->ws, r, 9, rule_name(e->rule), NULL));
    xu_keep(b, xu_text(s->ws, r, 10, rule_explain(LANG_EN, e->rule), s->w->wrap));
    xu_keep(b, xu_text(s->ws, r, 11, resolve, s->w->wrap));
}

/* The agreement an order names, or the partner's active agreements of the
 * product's portfolio (the candidates), into buf. */
static const char *order_agreement(const month_t *m, const order_t *o, char *buf, size_t len)
{
    const master_t *ms = m->master;
    if (o->agreement >= 0)
        return ms->agreements.v[o->agreement].id;
    if (o->agreement_ref) {
        snprintf(buf, len, "%s (named)", o->agreement_ref);
        return buf;
    }
    buf[0] = '\0';
    if (o->partner < 0)
        return buf;
    size_t n = 0, used = 0;
    for (int32_t i = ms->by_partner_first[o->partner]; i < ms->by_partner_first[o->partner + 1];
         i++) {
        const agreement_t *ag = &ms->agreements.v[ms->by_partner[i]];
        if (o->product >= 0 && ag->legacy != ms->products.v[o->product].portfolio)
            continue;
        if (!agreement_active_on(ag, o->order_date))
            continue;
        int k = snprintf(buf + used, len - used, "%s%s", n ? " or " : "", ag->id);
        if (k < 0 || (size_t)k >= len - used)
            break;
        used += (size_t)k;
        n++;
    }
    if (n && used + 16 < len)
        snprintf(buf + used, len - used, n > 1 ? " (candidates)" : " (candidate)");
    return buf;
}

/* The ledger's facts on stub order ref, NULL when none. */
static const wb_order_t *stub_party(const wb_context_t *x, int32_t ref)
{
    size_t lo = 0, hi = x->norders;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->orders[mid].ref < ref)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->norders && x->orders[lo].ref == ref ? &x->orders[lo] : NULL;
}

void wb_exceptions(wb_t *w)
{
    const month_t *m = w->m;
    const master_t *ms = m->master;
    static const char *const h[] = {"source", "id", "file:line", "partner_id",
                                    "agreement (named or candidate)", "currency", "amount",
                                    "amount is", "status", "rule", "explanation", "to resolve"};
    static const double wd[] = {10, 16, 24, 14, 26, 9, 14, 24, 12, 32, 44, 52};
    sheet_t s;
    wb_sheet_open(&s, w, "Exceptions", h, EX_COLS, wd, 1u << 6);
    char where[600], ag[400], resolve[800], pb[PERIOD_BUF];
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = &m->orders.v[i];
        if (o->period != m->period || o->status == STATUS_ATTRIBUTED)
            continue;
        snprintf(where, sizeof(where), "orders.csv:%d", (int)o->line);
        const char *res = NULL;
        if (o->original_id) {
            snprintf(resolve, sizeof(resolve), "%s: original order %s",
                     rule_resolve(LANG_EN, o->rule), o->original_id);
            res = resolve;
        }
        const char *named = order_agreement(m, o, ag, sizeof(ag));
        exception_t e = {"order", o->id, where, o->partner_id, named, o->currency.code, "MRC",
                         status_names[o->status], o->rule, res, true, o->mrc};
        exception_row(&s, &e);
    }
    idseq_cursor_t ids;
    idseq_cursor(&ids, &m->revenue_ids);
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *rv = &m->revenue.v[i];
        if (rv->status == STATUS_ASSIGNED)
            continue;
        snprintf(where, sizeof(where), "revenue.csv:%d", (int)lineseq_at(&m->revenue_lines, i));
        const char *partner = "", *agr = "", *res = NULL;
        if (rv->service >= 0) { /* its order: what resolves it */
            order_decision_t d = month_order_decision(m, rv->service);
            if (rv->service < ORDER_STUB) {
                const order_t *o = &m->orders.v[rv->service];
                partner = o->partner_id;
                agr = order_agreement(m, o, ag, sizeof(ag));
                snprintf(resolve, sizeof(resolve), "%s: order %s (orders.csv of %s, line %d)",
                         rule_resolve(LANG_EN, rv->rule), d.id, period_format(o->period, pb),
                         (int)o->line);
            } else {
                if (d.agreement >= 0)
                    agr = ms->agreements.v[d.agreement].id;
                const wb_order_t *wo = stub_party(w->x, rv->service);
                if (wo) {
                    partner = wo->partner_id;
                    if (!*agr && *wo->agreement_ref) {
                        snprintf(ag, sizeof(ag), "%s (named)", wo->agreement_ref);
                        agr = ag;
                    } else if (!*agr && rv->product >= 0) {
                        order_t probe = {.partner = strmap_get(&ms->partner_ix, partner,
                                                               strlen(partner)),
                                         .product = rv->product, .agreement = -1,
                                         .order_date = period_first_day(m->period)};
                        agr = order_agreement(m, &probe, ag, sizeof(ag));
                    }
                }
                snprintf(resolve, sizeof(resolve), "%s: order %s (an earlier period's)",
                         rule_resolve(LANG_EN, rv->rule), d.id);
            }
            res = resolve;
        } else if (rv->agreement >= 0) {
            agr = ms->agreements.v[rv->agreement].id;
        }
        if (!*partner && rv->agreement >= 0)
            partner = ms->partners.v[ms->agreements.v[rv->agreement].partner].id;
        currency_t cur = currency_unpack(rv->currency);
        exception_t e = {"revenue", idseq_at(&ids, i), where, partner, agr, cur.code,
                         "billed amount", status_names[rv->status], rv->rule, res, true,
                         rv->amount};
        exception_row(&s, &e);
    }
    for (size_t i = 0; i < m->rejects.n; i++) {
        const reject_t *j = &m->rejects.v[i];
        snprintf(where, sizeof(where), "%s:%d", j->file, j->line);
        snprintf(resolve, sizeof(resolve), "Fix %s line %d%s%s: %s", j->file, j->line,
                 *j->column ? ", column " : "", j->column, rule_resolve(LANG_EN, j->reason));
        currency_t cur = currency_unpack(j->currency);
        exception_t e = {"input row", "", where, "", "", j->has_amount ? cur.code : "",
                         j->has_amount ? "billed amount" : "not read (row refused)", "refused",
                         j->reason, resolve, j->has_amount, j->amount};
        exception_row(&s, &e);
    }
    lxw_row_t r = s.row;
    wb_sheet_finish_part(&s);
    const wb_context_t *x = w->x;
    if (s.part != 1 || r + x->nholds + 4 >= EXCEL_ROWS)
        return;
    /* the backlog: holds still standing from earlier periods */
    xu_book_t *b = w->b;
    r++;
    xu_keep(b, wb_ws_string(s.ws, r++, 0, "Backlog: revenue held in earlier periods and still "
                                       "standing (its order not attributed; an account still held "
                                       "last period)", b->section));
    static const char *const hb[] = {"source", "service or account", "held since", "held in",
                                     "agreement (named or owner)", "currency", "cumulative held",
                                     "amount is", "rows", "age (months)", "", "to resolve"};
    for (int i = 0; i < EX_COLS; i++)
        if (*hb[i])
            xu_keep(b, wb_ws_string(s.ws, r, (lxw_col_t)i, hb[i],
                                 i == 6 || i == 8 || i == 9 ? b->header_num
                                 : i == 7                   ? w->header_after
                                                            : b->header));
    r++;
    if (!x->nholds)
        xu_keep(b, wb_ws_string(s.ws, r++, 0, "No hold stands from an earlier period", NULL));
    for (size_t i = 0; i < x->nholds; i++) {
        const wb_hold_t *hd = &x->holds[i];
        char since[PERIOD_BUF], last[PERIOD_BUF], span[64];
        snprintf(span, sizeof(span), "%d period(s)", (int)hd->periods);
        (void)last;
        if (strncmp(hd->service_id, "account ", 8) == 0)
            snprintf(resolve, sizeof(resolve), "Check the agreement that owns %s (accounts.csv); "
                     "its held revenue is not paid until then", hd->service_id);
        else
            snprintf(resolve, sizeof(resolve), "Resolve order %s's exception; its held revenue "
                     "is not paid until then", hd->service_id);
        const char *wrapped[] = {resolve};
        const double widths[] = {52};
        wb_fit_row(b, s.ws, r, wrapped, widths, 1);
        xu_keep(b, wb_ws_string(s.ws, r, 0, "revenue", NULL));
        xu_keep(b, xu_text(s.ws, r, 1, hd->service_id, NULL));
        xu_keep(b, xu_text(s.ws, r, 2, period_format(hd->first, since), NULL));
        xu_keep(b, xu_text(s.ws, r, 3, span, w->wrap));
        xu_keep(b, xu_text(s.ws, r, 4, hd->agreement_id, NULL));
        xu_keep(b, xu_text(s.ws, r, 5, hd->currency, NULL));
        xu_keep(b, xu_money(s.ws, r, 6, hd->amount, b->money));
        xu_keep(b, wb_ws_string(s.ws, r, 7, "billed amount", w->indent));
        xu_keep(b, wb_ws_number(s.ws, r, 8, (double)hd->rows, b->integer));
        xu_keep(b, wb_ws_number(s.ws, r, 9, (double)(m->period - hd->first), b->integer));
        xu_keep(b, xu_text(s.ws, r++, 11, resolve, w->wrap));
    }
}

/* ---- Control ------------------------------------------------------------------------ */

/* One check: left side = right side, per currency (or "" for counts). */
static void control_check(wb_t *w, sheet_t *s, const char *what, const char *currency,
                          const char *left, int64_t lv, const char *right, int64_t rv, bool money)
{
    xu_book_t *b = w->b;
    lxw_row_t r = wb_sheet_row(s);
    const char *texts[] = {what, left, right};
    const double widths[] = {s->widths[0], s->widths[2], s->widths[4] - 2};
    wb_fit_row(b, s->ws, r, texts, widths, 3);
    xu_keep(b, xu_text(s->ws, r, 0, what, w->wrap));
    xu_keep(b, xu_text(s->ws, r, 1, currency, NULL));
    xu_keep(b, xu_text(s->ws, r, 2, left, w->wrap));
    xu_keep(b, xu_text(s->ws, r, 4, right, w->wrap_indent));
    if (money) {
        xu_keep(b, xu_money(s->ws, r, 3, lv, b->money));
        xu_keep(b, xu_money(s->ws, r, 5, rv, b->money));
        xu_keep(b, xu_money(s->ws, r, 6, lv - rv, b->money));
    } else {
        xu_keep(b, wb_ws_number(s->ws, r, 3, (double)lv, b->integer));
        xu_keep(b, wb_ws_number(s->ws, r, 5, (double)rv, b->integer));
        xu_keep(b, wb_ws_number(s->ws, r, 6, (double)(lv - rv), b->integer));
    }
    xu_keep(b, wb_ws_string(s->ws, r, 7, lv == rv ? "OK" : "DIFF", lv == rv ? w->ok : w->diff));
}

void wb_control(wb_t *w, const currency_totals_t *ct, size_t nct,
                const money_t *lines_by_currency)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    const control_t *c = &m->control;
    static const char *const h[] = {"check", "currency", "left side", "left", "right side",
                                    "right", "difference", "result"};
    static const double wd[] = {34, 9, 34, 16, 62, 16, 14, 8};
    sheet_t s;
    wb_sheet_open(&s, w, "Control", h, 8, wd, 0x68u);
    int64_t out = c->orders_attributed + c->orders_held + c->orders_rejected +
                  c->orders_rejected_rows + c->orders_duplicate_ignored + c->orders_install_update;
    control_check(w, &s, "orders.csv rows", "", "rows read", c->orders_read,
                  "attributed + held + rejected + refused rows + identical re-deliveries + "
                  "install dates recorded", out, false);
    int64_t rrows = c->revenue_assigned + c->revenue_unassigned + c->revenue_held +
                    c->revenue_rejected + c->revenue_rejected_rows;
    control_check(w, &s, "revenue.csv rows", "", "rows read", c->revenue_read,
                  "assigned + unassigned + held + rejected + refused rows", rrows, false);
    char what[96];
    for (size_t i = 0; i < nct; i++) {
        const currency_totals_t *t = &ct[i];
        if (!t->has_revenue)
            continue;
        money_t in = 0;
        int64_t rows_in = 0;
        for (int k = CT_ASSIGNED; k < CT_REVENUE; k++) {
            in = money_add_bounded(in, t->revenue[k]);
            rows_in += t->revenue_rows[k];
        }
        /* the left side is revenue.csv's own total of the currency, read from the rows */
        control_check(w, &s, "revenue.csv amount", t->code, "amount read (revenue_amount_in)",
                      t->revenue[CT_IN],
                      "assigned + unassigned (house) + held + rejected + refused rows", in, true);
    }
    static const char *const kind_label[LINE_KIND_COUNT] = {
        "residual", "spiff", "chargeback", "adjustment", "credit (non-cash)"};
    for (size_t i = 0; i < nct; i++) {
        const currency_totals_t *t = &ct[i];
        if (!t->has_payables)
            continue;
        for (int k = 0; k < LINE_KIND_COUNT; k++) {
            snprintf(what, sizeof(what), "lines = aggregates: %s", kind_label[k]);
            control_check(w, &s, what, t->code, "Σ lines (Lines sheet)",
                          lines_by_currency[i * LINE_KIND_COUNT + k],
                          "Σ agreement aggregates (lines_*_amount)", t->kinds[k], true);
        }
        money_t cash = 0;
        for (int k = LINE_RESIDUAL; k <= LINE_ADJUSTMENT; k++)
            cash = money_add_bounded(cash, t->kinds[k]);
        control_check(w, &s, "earned = cash lines", t->code, "earned (payables)", t->earned,
                      "residual + spiff + chargeback + adjustment", cash, true);
        control_check(w, &s, "roll-forward", t->code, "carried in + earned",
                      money_add_bounded(t->carried_in, t->earned), "paid + carried out",
                      money_add_bounded(t->paid, t->carried_out),
                      true);
        control_check(w, &s, "roll-forward: agreements", t->code, "agreements with a payable",
                      t->agreements, "paid + carried + settled at zero",
                      t->agreements_paid + t->agreements_carried + t->agreements_settled, false);
        /* §4.8 each corrected file: the restatement lines posted for it are
         * its residuals now less those last stated (subsets of the period's
         * bounded totals, month.h) */
        for (size_t f = 0; f < m->restate_files.n; f++) {
            period_t rp = m->restate_files.v[f].period;
            money_t posted = 0, now = 0, before = 0;
            bool any = false;
            for (size_t k = 0; k < m->restated.n; k++) {
                const restated_t *x = &m->restated.v[k];
                if (x->period == rp &&
                    strcmp(m->master->agreements.v[x->agreement].currency.code, t->code) == 0) {
                    any = true;
                    now = money_add_bounded(now, x->residual);
                    before = money_add_bounded(before, x->residual_before);
                }
            }
            for (size_t k = 0; k < m->lines.n; k++) {
                const line_t *l = &m->lines.v[k];
                if (l->kind == LINE_RESTATEMENT && l->note_months == rp &&
                    strcmp(m->master->agreements.v[l->agreement].currency.code, t->code) == 0)
                    posted = money_add_bounded(posted, l->amount);
            }
            if (!any)
                continue;
            char pbuf[PERIOD_BUF], what[64];
            snprintf(what, sizeof(what), "restatement of %s", period_format(rp, pbuf));
            control_check(w, &s, what, t->code, "restatement lines posted", posted,
                          "residuals now − residuals last stated", now - before, true);
        }
    }
    lxw_row_t r = s.row;
    wb_sheet_finish_part(&s);

    /* the input files, the program, and control.csv as written */
    const wb_context_t *x = w->x;
    r++;
    xu_keep(b, wb_ws_string(s.ws, r++, 0, "Input files of the period", b->section));
    static const char *const hi[] = {"file", "", "SHA-256", "", "", "rows", "bytes"};
    for (int i = 0; i < 7; i++)
        if (*hi[i])
            xu_keep(b,
                    wb_ws_string(s.ws, r, (lxw_col_t)i, hi[i], i >= 5 ? b->header_num : b->header));
    r++;
    for (size_t i = 0; i < x->ninputs; i++) {
        xu_keep(b, xu_text(s.ws, r, 0, x->inputs[i].path, w->wrap));
        xu_keep(b, worksheet_merge_range(s.ws, r, 2, r, 4, x->inputs[i].sha256, w->mono));
        xu_keep(b, wb_ws_number(s.ws, r, 5, (double)x->inputs[i].records, b->integer));
        xu_keep(b, wb_ws_number(s.ws, r++, 6, (double)x->inputs[i].bytes, b->integer));
    }
    if (!x->ninputs)
        xu_keep(b, wb_ws_string(s.ws, r++, 0, "(not recorded)", NULL));
    r++;
    xu_keep(b, wb_ws_string(s.ws, r, 0, "Program version", b->bold));
    xu_keep(b, xu_text(s.ws, r++, 2, x->version ? x->version : "", NULL));
    r++;
    xu_keep(b, wb_ws_string(s.ws, r++, 0, "control.csv (results/control.csv, same values)",
                            b->section));
    xu_keep(b, wb_ws_string(s.ws, r, 0, "name", b->header));
    xu_keep(b, wb_ws_string(s.ws, r++, 3, "value", b->header_num));
    size_t n;
    control_row_t *rows = results_control_rows(m, &n);
    for (size_t i = 0; i < n; i++) {
        xu_keep(b, xu_text(s.ws, r, 0, rows[i].name, NULL));
        if (rows[i].money)
            xu_keep(b, xu_money(s.ws, r++, 3, rows[i].value, b->money));
        else
            xu_keep(b, wb_ws_number(s.ws, r++, 3, (double)rows[i].value, b->integer));
    }
    free(rows);
}
