/*
 * workbook.c — payouts.xlsx, the finance workbook of P (SPEC §6): Overview
 * (how much we pay per currency, to whom, what is held, what changed since
 * the previous period run, the payout by legacy program chart of each
 * currency), Summary, Lines, Exceptions (with the backlog of holds still
 * standing from earlier periods), Commitments (progress chart), Tiers (next
 * threshold and amount needed; tier distribution chart), Points and
 * Control (each check per currency, both sides and the difference; the
 * input files with their SHA-256; control.csv's rows).
 *
 * Money is never added across currencies: every money column has a
 * currency column beside it, every total and chart is per currency.
 * Written row by row in constant memory; tables have a frozen header
 * repeated on printed pages, an autofilter, landscape pages one page wide,
 * and a header and footer naming the sheet, the period and the page.
 */
#include "workbook_sheet.h"
#include "lines.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"

/* ---- per-currency sums keyed by text ------------------------------------------------- */

typedef struct total {
    const char *key, *key2; /* e.g. legacy and program, or a status */
    char currency[4];
    money_t amount;
    int64_t count;
} total_t;

/* Add to the total of (key, key2, currency), kept in first-seen order. */
static void total_add(total_t *t, size_t *n, size_t cap, const char *key, const char *key2,
                      const char *currency, money_t amount)
{
    size_t i = 0;
    while (i < *n && !(strcmp(t[i].key, key) == 0 && strcmp(t[i].key2, key2) == 0 &&
                       strcmp(t[i].currency, currency) == 0))
        i++;
    if (i == *n) {
        if (*n == cap)
            return;
        t[i] = (total_t){.key = key, .key2 = key2};
        snprintf(t[i].currency, sizeof(t[i].currency), "%s", currency);
        (*n)++;
    }
    t[i].amount = money_add_bounded(t[i].amount, amount);
    t[i].count++;
}

/* currency first: each currency's rows are together (one chart each) */
static int total_cmp(const void *x, const void *y)
{
    const total_t *a = x, *b = y;
    int c = strcmp(a->currency, b->currency);
    if (!c)
        c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->key2, b->key2);
}

typedef struct paid_partner {
    int32_t partner;
    char currency[4];
    money_t paid;
} paid_partner_t;

static int paid_partner_cmp(const void *x, const void *y)
{
    const paid_partner_t *a = x, *b = y;
    if (a->paid != b->paid)
        return a->paid > b->paid ? -1 : 1;
    if (a->partner != b->partner)
        return a->partner - b->partner;
    return strcmp(a->currency, b->currency);
}

/* The rows of paid partners, one per partner and currency in first-paid
 * order, found through an open-addressing table of their keys: linear in the
 * paid agreements. */
typedef struct paid_rows {
    paid_partner_t *v;
    size_t n;
    int32_t *slot; /* cap entries: an index into v, or -1 */
    size_t cap;
} paid_rows_t;

static uint64_t paid_key(int32_t partner, const char *currency)
{
    return (uint64_t)(uint32_t)partner << 24 | (uint64_t)(unsigned char)currency[0] << 16 |
           (uint64_t)(unsigned char)currency[1] << 8 | (unsigned char)currency[2];
}

static void paid_rows_add(paid_rows_t *t, int32_t partner, const char *currency, money_t paid)
{
    uint64_t key = paid_key(partner, currency);
    size_t k = (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (t->cap - 1);
    while (t->slot[k] >= 0) {
        const paid_partner_t *e = &t->v[t->slot[k]];
        if (paid_key(e->partner, e->currency) == key)
            break;
        k = (k + 1) & (t->cap - 1);
    }
    if (t->slot[k] < 0) {
        t->v[t->n] = (paid_partner_t){.partner = partner};
        snprintf(t->v[t->n].currency, sizeof(t->v[t->n].currency), "%s", currency);
        t->slot[k] = (int32_t)t->n++;
    }
    t->v[t->slot[k]].paid = money_add_bounded(t->v[t->slot[k]].paid, paid);
}

/* ---- Overview ------------------------------------------------------------------ */

#define OV_COLS 6 /* what, currency, count, amount, last period, change */

/* A titled block's header; columns 2..5 hold numbers. */
static void overview_block(wb_t *w, lxw_worksheet *ws, lxw_row_t *r, const char *title,
                           const char *const *h, int n)
{
    xu_book_t *b = w->b;
    (*r)++;
    xu_keep(b, wb_ws_string(ws, (*r)++, 0, title, b->section));
    for (int i = 0; i < n; i++)
        xu_keep(b, wb_ws_string(ws, *r, (lxw_col_t)i, h[i], i >= 2 ? b->header_num : b->header));
    (*r)++;
}

/* One agreement's change since the previous period run. */
typedef struct change {
    int32_t agreement;
    money_t now, before;
} change_t;

static int change_cmp(const void *x, const void *y)
{
    const change_t *a = x, *b = y;
    money_t da = a->now - a->before, db = b->now - b->before;
    if (da != db)
        return da > db ? -1 : 1;
    return a->agreement - b->agreement;
}

/* A row of "since last month": text, currency, now, before, change. */
static void change_row(wb_t *w, lxw_worksheet *ws, lxw_row_t *r, const char *what,
                       const char *currency, money_t now, money_t before)
{
    xu_book_t *b = w->b;
    static const double width[] = {58};
    wb_fit_row(b, ws, *r, &what, width, 1);
    xu_keep(b, xu_text(ws, *r, 0, what, w->wrap));
    xu_keep(b, xu_text(ws, *r, 1, currency, NULL));
    xu_keep(b, xu_money(ws, *r, 3, now, b->money));
    xu_keep(b, xu_money(ws, *r, 4, before, b->money));
    xu_keep(b, xu_money(ws, (*r)++, 5, now - before, b->money));
}

static void since_last_month(wb_t *w, lxw_worksheet *ws, lxw_row_t *r, const currency_totals_t *ct,
                             size_t nct)
{
    const month_t *m = w->m;
    const wb_context_t *x = w->x;
    xu_book_t *b = w->b;
    const master_t *ms = m->master;
    char title[96], pb[PERIOD_BUF], text[400];
    snprintf(title, sizeof(title), "Since last month (against %s)",
             period_format(x->prior_period, pb));
    static const char *const h[] = {"What changed", "currency",    "",
                                    "this period",  "last period", "change"};
    overview_block(w, ws, r, title, h, OV_COLS);
    size_t na = ms->agreements.n, nnew = 0, ngone = 0, nmoves = 0;
    change_t *ch = calloc(na + 1, sizeof(*ch));
    size_t nch = 0;
    if (!ch)
        abort();
    /* held (carried to a later period) per currency, now and before */
    for (size_t i = 0; i < nct; i++) {
        money_t before = 0;
        for (size_t a = 0; a < na; a++)
            if (x->prior[a].present && x->prior[a].paid == 0 &&
                strcmp(wb_agreement_currency(m, (int32_t)a), ct[i].code) == 0)
                before += x->prior[a].carried_out;
        money_t now = 0;
        for (size_t a = 0; a < na; a++)
            if (m->payables[a].present && m->payables[a].paid == 0 &&
                strcmp(wb_agreement_currency(m, (int32_t)a), ct[i].code) == 0)
                now = money_add_bounded(now, m->payables[a].carried_out);
        if (now || before)
            change_row(w, ws, r, now > before   ? "Held amounts up"
                                 : now < before ? "Held amounts down"
                                                : "Held amounts unchanged",
                       ct[i].code, now, before);
    }
    for (size_t a = 0; a < na; a++) {
        const payable_t *p = &m->payables[a];
        const wb_prior_t *q = &x->prior[a];
        money_t now = p->present ? p->paid : 0, before = q->present ? q->paid : 0;
        const agreement_t *ag = &ms->agreements.v[a];
        const char *pname = ms->partners.v[ag->partner].name;
        if (now != 0 && before == 0) {
            snprintf(text, sizeof(text), "New: %s (%s) paid", ag->id, pname);
            change_row(w, ws, r, text, ag->currency.code, now, before);
            nnew++;
        } else if (now == 0 && before != 0) {
            snprintf(text, sizeof(text), "No longer paid: %s (%s), %s", ag->id, pname,
                     p->present ? rule_explain(LANG_EN, p->status) : "no payable this period");
            change_row(w, ws, r, text, ag->currency.code, now, before);
            ngone++;
        } else if (now != before) {
            ch[nch++] = (change_t){(int32_t)a, now, before};
        }
    }
    qsort(ch, nch, sizeof(*ch), change_cmp);
    for (size_t i = 0; i < nch && i < 5 && ch[i].now > ch[i].before; i++) {
        const agreement_t *ag = &ms->agreements.v[ch[i].agreement];
        snprintf(text, sizeof(text), "Increase: %s (%s)", ag->id, ms->partners.v[ag->partner].name);
        change_row(w, ws, r, text, ag->currency.code, ch[i].now, ch[i].before);
    }
    for (size_t k = 0; k < nch && k < 5; k++) {
        size_t i = nch - 1 - k;
        if (ch[i].now >= ch[i].before)
            break;
        const agreement_t *ag = &ms->agreements.v[ch[i].agreement];
        snprintf(text, sizeof(text), "Decrease: %s (%s)", ag->id, ms->partners.v[ag->partner].name);
        change_row(w, ws, r, text, ag->currency.code, ch[i].now, ch[i].before);
    }
    free(ch);
    for (size_t a = 0; a < na; a++) {
        const tier_prior_t *tp = &m->tier_prior[a];
        const tier_state_t *t = &m->tiers[a];
        if (!t->tier || !tp->tier || tp->period == PERIOD_NONE || strcmp(tp->tier, t->tier) == 0)
            continue;
        snprintf(text, sizeof(text), "Tier move: %s %s → %s (%s)", ms->agreements.v[a].id,
                 tp->tier, t->tier, rule_name(t->rule));
        const char *t1 = text;
        static const double width[] = {58};
        wb_fit_row(b, ws, *r, &t1, width, 1);
        xu_keep(b, xu_text(ws, (*r)++, 0, text, w->wrap));
        nmoves++;
    }
    if (!nnew && !ngone && !nmoves && !nch)
        xu_keep(b, wb_ws_string(ws, (*r)++, 0, "No agreement's payout changed", NULL));
}

void wb_overview(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    const master_t *ms = m->master;
    const wb_context_t *x = w->x;
    lxw_worksheet *ws = xu_add_sheet(b, "Overview");
    if (!ws)
        return;
    static const double widths[] = {58, 10, 12, 18, 18, 18};
    xu_keep(b, xu_widths(ws, widths, OV_COLS));
    wb_print_setup(w, ws);
    enum { CAP = 256 };
    total_t held[CAP], programs[CAP];
    size_t nheld = 0, nprog = 0;
    /* at most one row per paid agreement; the table at most half full */
    paid_rows_t rows = {.v = calloc(ms->agreements.n + 1, sizeof(paid_partner_t)), .cap = 16};
    while (rows.cap < 2 * ms->agreements.n)
        rows.cap *= 2;
    rows.slot = malloc(rows.cap * sizeof(*rows.slot));
    if (!rows.v || !rows.slot)
        abort();
    memset(rows.slot, 0xFF, rows.cap * sizeof(*rows.slot));
    for (size_t a = 0; a < ms->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        if (!p->present)
            continue;
        const agreement_t *ag = &ms->agreements.v[a];
        if (p->status == RULE_PAID && p->paid != 0) {
            total_add(programs, &nprog, CAP, legacy_names[ag->legacy],
                      wb_program_name(m, (int32_t)a), ag->currency.code, p->paid);
            paid_rows_add(&rows, ag->partner, ag->currency.code, p->paid);
        } else if (p->carried_out != 0) {
            total_add(held, &nheld, CAP, rule_name(p->status), rule_explain(LANG_EN, p->status),
                      ag->currency.code, p->carried_out);
        }
    }
    qsort(held, nheld, sizeof(*held), total_cmp);
    qsort(programs, nprog, sizeof(*programs), total_cmp);
    free(rows.slot);
    paid_partner_t *pp = rows.v;
    size_t npp = rows.n;
    qsort(pp, npp, sizeof(*pp), paid_partner_cmp);
    const currency_totals_t *ct = w->ct;
    size_t nct = w->nct;

    char title[96], pb[PERIOD_BUF];
    snprintf(title, sizeof(title), "Partner payouts — %s %d",
             month_name(LANG_EN, period_month(m->period)), m->period / 12);
    lxw_row_t r = 0;
    xu_keep(b, wb_ws_string(ws, r++, 0, title, b->title));
    xu_keep(b, worksheet_set_row(ws, r, 30, NULL));
    xu_keep(b, worksheet_merge_range(ws, r, 0, r, OV_COLS - 1,
                                     "Paid = cash due to partners this period; held = balances "
                                     "carried to a later period; credits are non-cash. Amounts "
                                     "are never added across currencies.", w->note));
    r++;

    /* how much we pay, per currency, against the previous period run */
    static const char *const hp[] = {"We pay", "currency", "agreements", "amount", "last period",
                                     "change"};
    overview_block(w, ws, &r, "How much we pay", hp, x->prior ? 6 : 4);
    bool any = false;
    for (size_t i = 0; i < nct; i++) {
        money_t before = 0;
        for (size_t a = 0; x->prior && a < ms->agreements.n; a++)
            if (x->prior[a].present &&
                strcmp(wb_agreement_currency(m, (int32_t)a), ct[i].code) == 0)
                before += x->prior[a].paid;
        if (!ct[i].has_payables || (!ct[i].paid && !before))
            continue;
        any = true;
        xu_keep(b, wb_ws_string(ws, r, 0, "Total paid", b->bold));
        xu_keep(b, xu_text(ws, r, 1, ct[i].code, NULL));
        xu_keep(b, wb_ws_number(ws, r, 2, (double)ct[i].agreements_paid, b->integer));
        xu_keep(b, xu_money(ws, r, 3, ct[i].paid, b->money_total));
        if (x->prior) {
            xu_keep(b, xu_money(ws, r, 4, before, b->money));
            xu_keep(b, xu_money(ws, r, 5, ct[i].paid - before, b->money));
        }
        r++;
    }
    if (!any)
        xu_keep(b, wb_ws_string(ws, r++, 0, "Nothing is paid this period", NULL));
    if (x->prior_period != PERIOD_NONE && x->prior) {
        snprintf(title, sizeof(title), "last period = %s, the previous period run",
                 period_format(x->prior_period, pb));
        xu_keep(b, wb_ws_string(ws, r++, 0, title, w->note));
    }

    static const char *const hh[] = {"Held (carried forward)", "currency", "agreements", "amount",
                                     "status"};
    overview_block(w, ws, &r, "What is held", hh, 4);
    xu_keep(b, wb_ws_string(ws, r - 1, 4, hh[4], w->header_after));
    for (size_t i = 0; i < nheld; i++) {
        xu_keep(b, xu_text(ws, r, 0, held[i].key2, NULL));
        xu_keep(b, xu_text(ws, r, 1, held[i].currency, NULL));
        xu_keep(b, wb_ws_number(ws, r, 2, (double)held[i].count, b->integer));
        xu_keep(b, xu_money(ws, r, 3, held[i].amount, b->money));
        xu_keep(b, xu_text(ws, r++, 4, held[i].key, w->indent));
    }
    if (!nheld)
        xu_keep(b, wb_ws_string(ws, r++, 0, "Nothing is held", NULL));

    /* exceptions: counts without a currency, amounts per currency */
    const control_t *c = &m->control;
    static const char *const he[] = {"Exceptions (see the Exceptions sheet)", "currency", "rows",
                                      "amount", "amount is"};
    overview_block(w, ws, &r, "Exceptions to resolve", he, 4);
    xu_keep(b, wb_ws_string(ws, r - 1, 4, he[4], w->header_after));
    struct {
        const char *what;
        int64_t count;
    } counts[] = {{"Orders held (no agreement decided)", c->orders_held},
                  {"Orders rejected", c->orders_rejected},
                  {"Order rows refused (format)", c->orders_rejected_rows},
                  {"Input rows refused, all files (see rejects.csv)", c->rejects_total}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        xu_keep(b, wb_ws_string(ws, r, 0, counts[i].what, NULL));
        xu_keep(b, wb_ws_number(ws, r++, 2, (double)counts[i].count, b->integer));
    }
    static const struct {
        int k;
        const char *what;
    } rev[] = {{CT_HELD, "Revenue held (its order or account owner not settled)"},
               {CT_UNASSIGNED, "Revenue unassigned (house)"},
               {CT_REJECTED, "Revenue rejected"},
               {CT_REJECTED_ROWS, "Revenue rows refused (duplicate id, other period)"}};
    for (size_t i = 0; i < nct; i++)
        for (size_t k = 0; k < sizeof(rev) / sizeof(rev[0]); k++) {
            if (!ct[i].revenue_rows[rev[k].k])
                continue;
            xu_keep(b, wb_ws_string(ws, r, 0, rev[k].what, NULL));
            xu_keep(b, xu_text(ws, r, 1, ct[i].code, NULL));
            xu_keep(b, wb_ws_number(ws, r, 2, (double)ct[i].revenue_rows[rev[k].k], b->integer));
            xu_keep(b, xu_money(ws, r, 3, ct[i].revenue[rev[k].k], b->money));
            xu_keep(b, wb_ws_string(ws, r++, 4, "billed amount", w->indent));
        }

    if (x->prior_period != PERIOD_NONE && x->prior)
        since_last_month(w, ws, &r, ct, nct);

    static const char *const hg[] = {"Legacy program", "currency", "agreements", "paid"};
    overview_block(w, ws, &r, "Payout by legacy program", hg, 4);
    char label[160];
    size_t charts = 0;
    for (size_t i = 0; i < nprog;) {
        lxw_row_t first = r;
        size_t j = i;
        for (; j < nprog && strcmp(programs[j].currency, programs[i].currency) == 0; j++) {
            snprintf(label, sizeof(label), "%s %s", programs[j].key, programs[j].key2);
            xu_keep(b, xu_text(ws, r, 0, label, NULL));
            xu_keep(b, xu_text(ws, r, 1, programs[j].currency, NULL));
            xu_keep(b, wb_ws_number(ws, r, 2, (double)programs[j].count, b->integer));
            xu_keep(b, xu_money(ws, r++, 3, programs[j].amount, b->money));
        }
        if (charts < CHART_CURRENCIES) { /* beside the first blocks: on the first screen */
            snprintf(title, sizeof(title), "Paid by legacy program (%s)", programs[i].currency);
            wb_bar_chart(b, ws, "Overview", LXW_CHART_BAR, title, first, r - 1, 0, 3,
                         (lxw_row_t)(3 + 16 * charts), 7, "#,##0", 1.4, 1.1, NULL);
            charts++;
        }
        i = j;
    }

    static const char *const ht[] = {"Top partners by amount paid", "currency", "partner_id",
                                     "paid"};
    overview_block(w, ws, &r, "To whom (largest payouts)", ht, 4);
    xu_keep(b, wb_ws_string(ws, r - 1, 2, ht[2], b->header));
    for (size_t i = 0; i < npp && i < 10; i++) {
        const partner_t *pt = &ms->partners.v[pp[i].partner];
        wb_fit_row(b, ws, r, &pt->name, widths, 1);
        xu_keep(b, xu_text(ws, r, 0, pt->name, w->wrap));
        xu_keep(b, xu_text(ws, r, 1, pp[i].currency, NULL));
        xu_keep(b, xu_text(ws, r, 2, pt->id, NULL));
        xu_keep(b, xu_money(ws, r++, 3, pp[i].paid, b->money));
    }
    free(pp);
}

cm_status wb_write_payouts_ctx(const month_t *m, const wb_context_t *x, const char *path,
                               cm_error_t *err)
{
    assert(month_phase(m) >= MONTH_DECIDED); /* writers read a decided month */
    static const wb_context_t none = {.prior_period = PERIOD_NONE};
    if (!x)
        x = &none;
    xu_book_t b;
    cm_status rc = xu_create(path, err);
    if (rc == EXIT_DONE)
        rc = xu_open(&b, path, m->period, "Partner payouts", true, err);
    if (rc != EXIT_DONE)
        return rc;
    wb_t w = {.b = &b, .m = m, .x = x};
    w.wrap = xu_format(&b);
    format_set_text_wrap(w.wrap);
    w.wrap_indent = xu_format(&b);
    format_set_text_wrap(w.wrap_indent);
    format_set_indent(w.wrap_indent, 1);
    w.indent = xu_format(&b); /* text right of a number: kept apart */
    format_set_indent(w.indent, 1);
    w.note = xu_format(&b);
    format_set_text_wrap(w.note);
    format_set_italic(w.note);
    format_set_align(w.note, LXW_ALIGN_VERTICAL_TOP);
    w.header_after = xu_format(&b); /* a text header right of a number's */
    format_set_bold(w.header_after);
    format_set_bg_color(w.header_after, 0xDDE4EE);
    format_set_bottom(w.header_after, LXW_BORDER_THIN);
    format_set_indent(w.header_after, 1);
    format_set_text_wrap(w.header_after);
    format_set_align(w.header_after, LXW_ALIGN_VERTICAL_TOP);
    w.mono = xu_format(&b);
    format_set_font_name(w.mono, "Courier New");
    format_set_font_size(w.mono, 9);
    w.ok = xu_format(&b);
    format_set_bold(w.ok);
    format_set_font_color(w.ok, 0x006100);
    format_set_align(w.ok, LXW_ALIGN_CENTER);
    w.diff = xu_format(&b);
    format_set_bold(w.diff);
    format_set_font_color(w.diff, 0x9C0006);
    format_set_bg_color(w.diff, 0xFFC7CE);
    format_set_align(w.diff, LXW_ALIGN_CENTER);
    char pb[PERIOD_BUF];
    /* &A the sheet, &P of &N the page; && is a literal & */
    snprintf(w.header, sizeof(w.header), "&L&A&CPartner payouts %s&R%s",
             period_format(m->period, pb), x->version ? x->version : "");
    snprintf(w.footer, sizeof(w.footer), "&L%s&RPage &P of &N", pb);
    size_t nct;
    currency_totals_t *ct = results_currency_totals(m, &nct);
    money_t *lines = calloc(nct * LINE_KIND_COUNT + 1, sizeof(*lines));
    if (!lines)
        abort();
    w.ct = ct;
    w.nct = nct;
    wb_overview(&w);
    wb_summary(&w);
    wb_lines(&w, ct, nct, lines);
    wb_exceptions(&w);
    wb_commitments(&w);
    wb_tiers(&w);
    wb_points(&w);
    wb_control(&w, ct, nct, lines);
    free(lines);
    free(ct);
    return xu_close(&b, err);
}

cm_status wb_write_payouts(const month_t *m, const char *path, cm_error_t *err)
{
    return wb_write_payouts_ctx(m, NULL, path, err);
}
