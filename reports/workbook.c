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
#include "workbook.h"
#include "lines.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "results.h"
#include "tiers.h"
#include "xlsxutil.h"

#define EXCEL_ROWS 1048576u
#define CHART_ROWS 40      /* a chart shows at most this many bars */
#define CHART_CAP 15000    /* percent bars stop at 150 % (hundredths); labels show the truth */
#define CHART_CURRENCIES 8 /* at most this many per-currency charts */

/* The book and the formats only this workbook uses. */
typedef struct wb {
    xu_book_t *b;
    const month_t *m;
    const wb_context_t *x;
    const currency_totals_t *ct; /* results_currency_totals, computed once */
    size_t nct;
    lxw_format *wrap, *indent, *ok, *diff, *note, *mono, *header_after, *wrap_indent;
    char header[160], footer[64];
} wb_t;

/* Every cell write is checked (xu_keep records the first failure in the
 * book, wb_write_payouts reports it); a sheet that could not be added is
 * NULL and its cells are skipped. */
static lxw_error ws_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                           lxw_format *f)
{
    return ws ? worksheet_write_string(ws, r, c, s, f) : LXW_ERROR_NULL_PARAMETER_IGNORED;
}

static lxw_error ws_number(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
    return ws ? worksheet_write_number(ws, r, c, v, f) : LXW_ERROR_NULL_PARAMETER_IGNORED;
}

/* Lines a wrapped text takes in a column of width characters (a column's
 * width counts digits; text averages about 0.9 of one). */
static double text_lines(const char *s, double width)
{
    double lines = 0, n = 0;
    for (;; s++) {
        if (!*s || *s == '\n') {
            double k = 1;
            while (n * 0.9 > k * width)
                k++;
            lines += k;
            n = 0;
            if (!*s)
                return lines;
        } else if (((unsigned char)*s & 0xC0) != 0x80) {
            n++; /* a UTF-8 character, not its continuation bytes */
        }
    }
}

/* A row tall enough for its wrapped texts texts[0..n) in columns of the
 * given widths (default height when one line each). */
static void fit_row(xu_book_t *b, lxw_worksheet *ws, lxw_row_t r, const char *const *texts,
                    const double *widths, int n)
{
    double lines = 1;
    for (int i = 0; i < n; i++)
        if (texts[i] && text_lines(texts[i], widths[i]) > lines)
            lines = text_lines(texts[i], widths[i]);
    if (ws && lines > 1)
        xu_keep(b, worksheet_set_row(ws, r, 15 * lines, NULL));
}

/* Printed: landscape, one page wide, the header and footer. */
static void print_setup(wb_t *w, lxw_worksheet *ws)
{
    if (!ws)
        return;
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    xu_keep(w->b, worksheet_set_header(ws, w->header));
    xu_keep(w->b, worksheet_set_footer(ws, w->footer));
}

/* A table sheet that continues on "Name (2)" past Excel's row limit; each
 * part gets its autofilter when it is finished. Columns in `numeric` (a
 * bit per column) hold numbers: their header is right-aligned over them. */
typedef struct sheet {
    wb_t *w;
    xu_book_t *b;
    const char *name;
    const char *const *headers;
    const double *widths;
    int ncols, part;
    uint32_t numeric;
    lxw_worksheet *ws;
    lxw_row_t row;
} sheet_t;

static void sheet_finish_part(sheet_t *s)
{
    if (s->ws)
        xu_keep(s->b, worksheet_autofilter(s->ws, 0, 0, s->row > 1 ? s->row - 1 : 1,
                                           (lxw_col_t)(s->ncols - 1)));
}

static void sheet_new_part(sheet_t *s)
{
    char name[32];
    sheet_finish_part(s);
    s->part++;
    if (s->part == 1)
        snprintf(name, sizeof(name), "%s", s->name);
    else
        snprintf(name, sizeof(name), "%s (%d)", s->name, s->part);
    s->ws = xu_add_sheet(s->b, name);
    xu_headers(s->b, s->ws, s->headers, s->ncols);
    double lines = 1;
    for (int i = 0; s->ws && i < s->ncols; i++) {
        if (s->numeric & (1u << i))
            xu_keep(s->b, ws_string(s->ws, 0, (lxw_col_t)i, s->headers[i], s->b->header_num));
        else if (i > 0 && (s->numeric & (1u << (i - 1)))) /* kept apart from the number's */
            xu_keep(s->b, ws_string(s->ws, 0, (lxw_col_t)i, s->headers[i], s->w->header_after));
        if (s->widths && text_lines(s->headers[i], s->widths[i]) > lines)
            lines = text_lines(s->headers[i], s->widths[i]);
    }
    if (s->ws && lines > 1)
        xu_keep(s->b, worksheet_set_row(s->ws, 0, 15 * lines, NULL));
    if (s->widths)
        xu_widths(s->ws, s->widths, s->ncols);
    print_setup(s->w, s->ws);
    s->row = 1;
}

static lxw_row_t sheet_row(sheet_t *s)
{
    if (s->row >= EXCEL_ROWS)
        sheet_new_part(s);
    return s->row++;
}

static void sheet_open(sheet_t *s, wb_t *w, const char *name, const char *const *h, int n,
                       const double *widths, uint32_t numeric)
{
    memset(s, 0, sizeof(*s));
    s->w = w;
    s->b = w->b;
    s->name = name;
    s->headers = h;
    s->ncols = n;
    s->widths = widths;
    s->numeric = numeric;
    sheet_new_part(s);
}

static const char *program_name(const month_t *m, int32_t a)
{
    int32_t g = m->tiers[a].program;
    return g >= 0 ? m->book->programs.v[g].name : "";
}

static const char *agreement_currency(const month_t *m, int32_t a)
{
    return m->master->agreements.v[a].currency.code;
}

/* A chart over rows [first, last] of a sheet's columns (categories, values);
 * NULL when there is nothing to chart. */
static lxw_chart_series *add_bar_chart(xu_book_t *b, lxw_worksheet *ws, const char *sheet,
                                       uint8_t type, const char *title, lxw_row_t first,
                                       lxw_row_t last, lxw_col_t cat, lxw_col_t val,
                                       lxw_row_t at_row, lxw_col_t at_col,
                                       const char *num_format, double x_scale, double y_scale,
                                       lxw_chart **out)
{
    if (last < first || !ws)
        return NULL;
    lxw_chart *chart = workbook_add_chart(b->wb, type);
    lxw_chart_series *series = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!series) {
        xu_keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_series_set_categories(series, sheet, first, cat, last, cat);
    chart_series_set_values(series, sheet, first, val, last, val);
    chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    if (num_format)
        chart_axis_set_num_format(type == LXW_CHART_BAR ? chart->x_axis : chart->y_axis, num_format);
    if (type == LXW_CHART_BAR)
        chart_axis_set_reverse(chart->y_axis); /* the first row on top, as in the table */
    lxw_chart_options opt = {.x_scale = x_scale, .y_scale = y_scale};
    xu_keep(b, worksheet_insert_chart_opt(ws, at_row, at_col, chart, &opt));
    if (out)
        *out = chart;
    return series;
}

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
    t[i].amount += amount;
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
    t->v[t->slot[k]].paid += paid;
}

/* ---- Overview ------------------------------------------------------------------ */

#define OV_COLS 6 /* what, currency, count, amount, last period, change */

/* A titled block's header; columns 2..5 hold numbers. */
static void overview_block(wb_t *w, lxw_worksheet *ws, lxw_row_t *r, const char *title,
                           const char *const *h, int n)
{
    xu_book_t *b = w->b;
    (*r)++;
    xu_keep(b, ws_string(ws, (*r)++, 0, title, b->section));
    for (int i = 0; i < n; i++)
        xu_keep(b, ws_string(ws, *r, (lxw_col_t)i, h[i], i >= 2 ? b->header_num : b->header));
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
    fit_row(b, ws, *r, &what, width, 1);
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
    snprintf(title, sizeof(title), "Since last month (against %s)", period_format(x->prior_period, pb));
    static const char *const h[] = {"What changed", "currency", "", "this period", "last period",
                                    "change"};
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
                strcmp(agreement_currency(m, (int32_t)a), ct[i].code) == 0)
                before += x->prior[a].carried_out;
        money_t now = 0;
        for (size_t a = 0; a < na; a++)
            if (m->payables[a].present && m->payables[a].paid == 0 &&
                strcmp(agreement_currency(m, (int32_t)a), ct[i].code) == 0)
                now += m->payables[a].carried_out;
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
        fit_row(b, ws, *r, &t1, width, 1);
        xu_keep(b, xu_text(ws, (*r)++, 0, text, w->wrap));
        nmoves++;
    }
    if (!nnew && !ngone && !nmoves && !nch)
        xu_keep(b, ws_string(ws, (*r)++, 0, "No agreement's payout changed", NULL));
}

static void write_overview(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    const master_t *ms = m->master;
    const wb_context_t *x = w->x;
    lxw_worksheet *ws = xu_add_sheet(b, "Overview");
    if (!ws)
        return;
    static const double widths[] = {58, 10, 12, 18, 18, 18};
    xu_widths(ws, widths, OV_COLS);
    print_setup(w, ws);
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
            total_add(programs, &nprog, CAP, legacy_names[ag->legacy], program_name(m, (int32_t)a),
                      ag->currency.code, p->paid);
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
    snprintf(title, sizeof(title), "Partner payouts — %s %d", month_name(LANG_EN, period_month(m->period)),
             m->period / 12);
    lxw_row_t r = 0;
    xu_keep(b, ws_string(ws, r++, 0, title, b->title));
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
            if (x->prior[a].present && strcmp(agreement_currency(m, (int32_t)a), ct[i].code) == 0)
                before += x->prior[a].paid;
        if (!ct[i].has_payables || (!ct[i].paid && !before))
            continue;
        any = true;
        xu_keep(b, ws_string(ws, r, 0, "Total paid", b->bold));
        xu_keep(b, xu_text(ws, r, 1, ct[i].code, NULL));
        xu_keep(b, ws_number(ws, r, 2, (double)ct[i].agreements_paid, b->integer));
        xu_keep(b, xu_money(ws, r, 3, ct[i].paid, b->money_total));
        if (x->prior) {
            xu_keep(b, xu_money(ws, r, 4, before, b->money));
            xu_keep(b, xu_money(ws, r, 5, ct[i].paid - before, b->money));
        }
        r++;
    }
    if (!any)
        xu_keep(b, ws_string(ws, r++, 0, "Nothing is paid this period", NULL));
    if (x->prior_period != PERIOD_NONE && x->prior) {
        snprintf(title, sizeof(title), "last period = %s, the previous period run",
                 period_format(x->prior_period, pb));
        xu_keep(b, ws_string(ws, r++, 0, title, w->note));
    }

    static const char *const hh[] = {"Held (carried forward)", "currency", "agreements", "amount",
                                     "status"};
    overview_block(w, ws, &r, "What is held", hh, 4);
    xu_keep(b, ws_string(ws, r - 1, 4, hh[4], w->header_after));
    for (size_t i = 0; i < nheld; i++) {
        xu_keep(b, xu_text(ws, r, 0, held[i].key2, NULL));
        xu_keep(b, xu_text(ws, r, 1, held[i].currency, NULL));
        xu_keep(b, ws_number(ws, r, 2, (double)held[i].count, b->integer));
        xu_keep(b, xu_money(ws, r, 3, held[i].amount, b->money));
        xu_keep(b, xu_text(ws, r++, 4, held[i].key, w->indent));
    }
    if (!nheld)
        xu_keep(b, ws_string(ws, r++, 0, "Nothing is held", NULL));

    /* exceptions: counts without a currency, amounts per currency */
    const control_t *c = &m->control;
    static const char *const he[] = {"Exceptions (see the Exceptions sheet)", "currency", "rows",
                                      "amount", "amount is"};
    overview_block(w, ws, &r, "Exceptions to resolve", he, 4);
    xu_keep(b, ws_string(ws, r - 1, 4, he[4], w->header_after));
    struct {
        const char *what;
        int64_t count;
    } counts[] = {{"Orders held (no agreement decided)", c->orders_held},
                  {"Orders rejected", c->orders_rejected},
                  {"Order rows refused (format)", c->orders_rejected_rows},
                  {"Input rows refused, all files (see rejects.csv)", c->rejects_total}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        xu_keep(b, ws_string(ws, r, 0, counts[i].what, NULL));
        xu_keep(b, ws_number(ws, r++, 2, (double)counts[i].count, b->integer));
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
            xu_keep(b, ws_string(ws, r, 0, rev[k].what, NULL));
            xu_keep(b, xu_text(ws, r, 1, ct[i].code, NULL));
            xu_keep(b, ws_number(ws, r, 2, (double)ct[i].revenue_rows[rev[k].k], b->integer));
            xu_keep(b, xu_money(ws, r, 3, ct[i].revenue[rev[k].k], b->money));
            xu_keep(b, ws_string(ws, r++, 4, "billed amount", w->indent));
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
            xu_keep(b, ws_number(ws, r, 2, (double)programs[j].count, b->integer));
            xu_keep(b, xu_money(ws, r++, 3, programs[j].amount, b->money));
        }
        if (charts < CHART_CURRENCIES) { /* beside the first blocks: on the first screen */
            snprintf(title, sizeof(title), "Paid by legacy program (%s)", programs[i].currency);
            add_bar_chart(b, ws, "Overview", LXW_CHART_BAR, title, first, r - 1, 0, 3,
                          (lxw_row_t)(3 + 16 * charts), 7, "#,##0", 1.4, 1.1, NULL);
            charts++;
        }
        i = j;
    }

    static const char *const ht[] = {"Top partners by amount paid", "currency", "partner_id",
                                     "paid"};
    overview_block(w, ws, &r, "To whom (largest payouts)", ht, 4);
    xu_keep(b, ws_string(ws, r - 1, 2, ht[2], b->header));
    for (size_t i = 0; i < npp && i < 10; i++) {
        const partner_t *pt = &ms->partners.v[pp[i].partner];
        fit_row(b, ws, r, &pt->name, widths, 1);
        xu_keep(b, xu_text(ws, r, 0, pt->name, w->wrap));
        xu_keep(b, xu_text(ws, r, 1, pp[i].currency, NULL));
        xu_keep(b, xu_text(ws, r, 2, pt->id, NULL));
        xu_keep(b, xu_money(ws, r++, 3, pp[i].paid, b->money));
    }
    free(pp);
}

/* ---- the table sheets ----------------------------------------------------------- */

static void write_summary(wb_t *w)
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
    sheet_open(&s, w, "Summary", h, ncols, wd, 0xFF80u | (prior ? 3u << 18 : 0));
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
        lxw_row_t r = sheet_row(&s);
        fit_row(b, s.ws, r, &pt->name, wd + 1, 1);
        xu_keep(b, xu_text(s.ws, r, 0, pt->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, pt->name, w->wrap));
        xu_keep(b, xu_text(s.ws, r, 2, ag->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 3, legacy_names[ag->legacy], NULL));
        xu_keep(b, xu_text(s.ws, r, 4, program_name(m, (int32_t)a), NULL));
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
    sheet_finish_part(&s);
    char label[32];
    for (size_t i = 0; i < nct; i++) {
        if (!ct[i].has_payables || !ct[i].agreements)
            continue;
        snprintf(label, sizeof(label), "Total %s", ct[i].code);
        xu_keep(b, ws_string(s.ws, r, 0, label, b->bold));
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
static void write_lines(wb_t *w, const currency_totals_t *ct, size_t nct, money_t *by_currency)
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
        sum[k] += l.amount;
        used[k] = true;
    }
    /* one currency: it heads the amount column (the sheet is its
     * biggest table: a column of one repeated code would cost ~5 % of the
     * workbook's time at 10M rows); several: a currency column */
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
        sheet_open(&s, w, "Lines", h1c, 4, wd1, 1u << 3);
    else
        sheet_open(&s, w, "Lines", h, 5, wd, 1u << 4);
    int cc = one ? 0 : 1; /* the columns after agreement_id shift by the currency's */
    for (size_t a = 0; a < na; a++) {
        const char *code = ms->agreements.v[a].currency.code;
        size_t ci = 0;
        while (ci < nct && strcmp(ct[ci].code, code) != 0)
            ci++;
        for (size_t k = 0; k < slots; k++) {
            if (!used[a * slots + k])
                continue;
            lxw_row_t r = sheet_row(&s);
            size_t kind = k / (ncat + 1), c = k % (ncat + 1);
            xu_keep(b, xu_text(s.ws, r, 0, ms->agreements.v[a].id, NULL));
            if (!one)
                xu_keep(b, xu_text(s.ws, r, 1, code, NULL));
            xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(1 + cc), line_kind_names[kind], NULL));
            xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(2 + cc), c < ncat ? cats[c] : "", NULL));
            xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(3 + cc), sum[a * slots + k], b->money));
            if (ci < nct)
                by_currency[ci * LINE_KIND_COUNT + kind] += sum[a * slots + k];
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
        lxw_row_t r = sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, ms->agreements.v[l->agreement].id, NULL));
        if (!one)
            xu_keep(b, xu_text(s.ws, r, 1, code, NULL));
        xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(1 + cc), line_kind_names[LINE_RESTATEMENT], NULL));
        xu_keep(b, xu_text(s.ws, r, (lxw_col_t)(2 + cc), note, NULL));
        xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(3 + cc), l->amount, b->money));
        if (ci < nct)
            by_currency[ci * LINE_KIND_COUNT + LINE_RESTATEMENT] += l->amount;
    }
    sheet_finish_part(&s);
    free(cats);
    free(cat_of);
    free(sum);
    free(used);
}

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
    lxw_row_t r = sheet_row(s);
    const char *resolve = e->resolve ? e->resolve : rule_resolve(LANG_EN, e->rule);
    const char *wrapped[] = {e->agreement, rule_explain(LANG_EN, e->rule), resolve};
    const double widths[] = {s->widths[4], s->widths[10], s->widths[11]};
    fit_row(b, s->ws, r, wrapped, widths, 3);
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
    for (int32_t i = ms->by_partner_first[o->partner]; i < ms->by_partner_first[o->partner + 1]; i++) {
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

static void write_exceptions(wb_t *w)
{
    const month_t *m = w->m;
    const master_t *ms = m->master;
    static const char *const h[] = {"source", "id", "file:line", "partner_id",
                                    "agreement (named or candidate)", "currency", "amount",
                                    "amount is", "status", "rule", "explanation", "to resolve"};
    static const double wd[] = {10, 16, 24, 14, 26, 9, 14, 24, 12, 32, 44, 52};
    sheet_t s;
    sheet_open(&s, w, "Exceptions", h, EX_COLS, wd, 1u << 6);
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
        exception_t e = {"order", o->id, where, o->partner_id, order_agreement(m, o, ag, sizeof(ag)),
                         o->currency.code, "MRC", status_names[o->status], o->rule, res, true,
                         o->mrc};
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
    sheet_finish_part(&s);
    const wb_context_t *x = w->x;
    if (s.part != 1 || r + x->nholds + 4 >= EXCEL_ROWS)
        return;
    /* the backlog: holds still standing from earlier periods */
    xu_book_t *b = w->b;
    r++;
    xu_keep(b, ws_string(s.ws, r++, 0, "Backlog: revenue held in earlier periods and still "
                                       "standing (its order not attributed; an account still held "
                                       "last period)", b->section));
    static const char *const hb[] = {"source", "service or account", "held since", "held in",
                                     "agreement (named or owner)", "currency", "cumulative held",
                                     "amount is", "rows", "age (months)", "", "to resolve"};
    for (int i = 0; i < EX_COLS; i++)
        if (*hb[i])
            xu_keep(b, ws_string(s.ws, r, (lxw_col_t)i, hb[i],
                                 i == 6 || i == 8 || i == 9 ? b->header_num
                                 : i == 7                   ? w->header_after
                                                            : b->header));
    r++;
    if (!x->nholds)
        xu_keep(b, ws_string(s.ws, r++, 0, "No hold stands from an earlier period", NULL));
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
        fit_row(b, s.ws, r, wrapped, widths, 1);
        xu_keep(b, ws_string(s.ws, r, 0, "revenue", NULL));
        xu_keep(b, xu_text(s.ws, r, 1, hd->service_id, NULL));
        xu_keep(b, xu_text(s.ws, r, 2, period_format(hd->first, since), NULL));
        xu_keep(b, xu_text(s.ws, r, 3, span, w->wrap));
        xu_keep(b, xu_text(s.ws, r, 4, hd->agreement_id, NULL));
        xu_keep(b, xu_text(s.ws, r, 5, hd->currency, NULL));
        xu_keep(b, xu_money(s.ws, r, 6, hd->amount, b->money));
        xu_keep(b, ws_string(s.ws, r, 7, "billed amount", w->indent));
        xu_keep(b, ws_number(s.ws, r, 8, (double)hd->rows, b->integer));
        xu_keep(b, ws_number(s.ws, r, 9, (double)(m->period - hd->first), b->integer));
        xu_keep(b, xu_text(s.ws, r++, 11, resolve, w->wrap));
    }
}

static void write_commitments(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    static const char *const h[] = {"commitment_id", "agreement_id", "currency", "basis", "amount",
                                    "retired_period", "retired_to_date", "remaining",
                                    "percent", "status", "bar (capped at 150 %)"};
    static const double wd[] = {18, 16, 9, 10, 14, 14, 14, 14, 10, 10, 12};
    sheet_t s;
    sheet_open(&s, w, "Commitments", h, 11, wd, 0x5F0u);
    for (size_t i = 0; i < m->commitments.n; i++) {
        const commitment_result_t *c = &m->commitments.v[i];
        const commitment_t *cm = &m->master->commitments.v[c->commitment];
        lxw_row_t r = sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, cm->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, m->master->agreements.v[cm->agreement].id, NULL));
        xu_keep(b, xu_text(s.ws, r, 2, agreement_currency(m, cm->agreement), NULL));
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
    sheet_finish_part(&s);
    if (s.part != 1 || !m->commitments.n)
        return;
    if (last > CHART_ROWS)
        last = CHART_ROWS;
    lxw_chart *chart = NULL;
    lxw_chart_series *series =
        add_bar_chart(b, s.ws, "Commitments", LXW_CHART_BAR,
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

static void write_tiers(wb_t *w)
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
    sheet_open(&s, w, "Tiers", h, 12, wd, (1u << 4) | (1u << 10) | (1u << 11));
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        if (!agreement_active_in(&m->master->agreements.v[a], m->period))
            continue;
        const tier_state_t *t = &m->tiers[a];
        lxw_row_t r = sheet_row(&s);
        bool money = t->program >= 0 && bk->programs.v[t->program].basis == BASIS_REVENUE;
        xu_keep(b, xu_text(s.ws, r, 0, m->master->agreements.v[a].id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, program_name(m, (int32_t)a), NULL));
        xu_keep(b, xu_text(s.ws, r, 2, t->tier, NULL));
        xu_keep(b, xu_text(s.ws, r, 3,
                           money ? agreement_currency(m, (int32_t)a) : t->program >= 0 ? "points" : "",
                           NULL));
        if (money)
            xu_keep(b, xu_money(s.ws, r, 4, t->basis_value, b->money));
        else if (t->program >= 0)
            xu_keep(b, ws_number(s.ws, r, 4, (double)t->basis_value, b->integer));
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
                    xu_keep(b, ws_number(s.ws, r, 10, (double)g.threshold, b->integer));
                    xu_keep(b, ws_number(s.ws, r, 11, (double)g.needed, b->integer));
                }
            }
        }
        for (size_t i = 0; t->program >= 0 && t->tier && i < nd; i++)
            if (strcmp(dist[i].program, bk->programs.v[t->program].name) == 0 &&
                strcmp(dist[i].tier, t->tier) == 0)
                dist[i].n++;
    }
    lxw_row_t last = s.row;
    sheet_finish_part(&s);
    /* the distribution below the table, and its chart beside the table */
    lxw_row_t r = last + 1, first;
    if (s.part == 1 && last + nd + 3 < EXCEL_ROWS) {
        xu_keep(b, ws_string(s.ws, r++, 0, "Tier distribution (agreements active in the period)",
                               b->section));
        xu_keep(b, ws_string(s.ws, r, 0, "program tier", b->header));
        xu_keep(b, ws_string(s.ws, r, 1, "", b->header));
        xu_keep(b, ws_string(s.ws, r++, 2, "agreements", b->header_num));
        first = r;
        char label[160];
        for (size_t i = 0; i < nd; i++) {
            if (!dist[i].n)
                continue;
            snprintf(label, sizeof(label), "%s %s", dist[i].program, dist[i].tier);
            xu_keep(b, xu_text(s.ws, r, 0, label, NULL));
            xu_keep(b, ws_number(s.ws, r++, 2, (double)dist[i].n, b->integer));
        }
        /* horizontal bars: the full program and tier name beside each */
        add_bar_chart(b, s.ws, "Tiers", LXW_CHART_BAR,
                      "Tier distribution (agreements, a count: no currency)", first, r - 1, 0, 2,
                      1, 11, "#,##0", 1.6, 1.3, NULL);
    }
    free(with);
    free(dist);
}

static void write_points(wb_t *w)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    static const char *const h[] = {"activity_id", "agreement_id", "activity_code", "activity_date",
                                    "status", "points", "points_to_date", "rule"};
    static const double wd[] = {14, 16, 22, 12, 10, 10, 14, 24};
    sheet_t s;
    sheet_open(&s, w, "Points", h, 8, wd, 0x60u);
    for (size_t i = 0; i < m->activities.n; i++) {
        const activity_t *a = &m->activities.v[i];
        lxw_row_t r = sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, a->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1,
                           a->agreement >= 0 ? m->master->agreements.v[a->agreement].id : "", NULL));
        xu_keep(b, xu_text(s.ws, r, 2, a->activity_code, NULL));
        xu_keep(b, xu_date(s.ws, r, 3, a->activity_date, b->date));
        xu_keep(b, xu_text(s.ws, r, 4, status_names[a->status], NULL));
        xu_keep(b, ws_number(s.ws, r, 5, (double)a->points, b->integer));
        xu_keep(b, ws_number(s.ws, r, 6, (double)a->points_to_date, b->integer));
        xu_keep(b, xu_text(s.ws, r, 7, rule_name(a->rule), w->indent));
    }
    sheet_finish_part(&s);
}

/* ---- Control ------------------------------------------------------------------------ */

/* One check: left side = right side, per currency (or "" for counts). */
static void control_check(wb_t *w, sheet_t *s, const char *what, const char *currency,
                          const char *left, int64_t lv, const char *right, int64_t rv, bool money)
{
    xu_book_t *b = w->b;
    lxw_row_t r = sheet_row(s);
    const char *texts[] = {what, left, right};
    const double widths[] = {s->widths[0], s->widths[2], s->widths[4] - 2};
    fit_row(b, s->ws, r, texts, widths, 3);
    xu_keep(b, xu_text(s->ws, r, 0, what, w->wrap));
    xu_keep(b, xu_text(s->ws, r, 1, currency, NULL));
    xu_keep(b, xu_text(s->ws, r, 2, left, w->wrap));
    xu_keep(b, xu_text(s->ws, r, 4, right, w->wrap_indent));
    if (money) {
        xu_keep(b, xu_money(s->ws, r, 3, lv, b->money));
        xu_keep(b, xu_money(s->ws, r, 5, rv, b->money));
        xu_keep(b, xu_money(s->ws, r, 6, lv - rv, b->money));
    } else {
        xu_keep(b, ws_number(s->ws, r, 3, (double)lv, b->integer));
        xu_keep(b, ws_number(s->ws, r, 5, (double)rv, b->integer));
        xu_keep(b, ws_number(s->ws, r, 6, (double)(lv - rv), b->integer));
    }
    xu_keep(b, ws_string(s->ws, r, 7, lv == rv ? "OK" : "DIFF", lv == rv ? w->ok : w->diff));
}

static void write_control(wb_t *w, const currency_totals_t *ct, size_t nct,
                          const money_t *lines_by_currency)
{
    const month_t *m = w->m;
    xu_book_t *b = w->b;
    const control_t *c = &m->control;
    static const char *const h[] = {"check", "currency", "left side", "left", "right side",
                                    "right", "difference", "result"};
    static const double wd[] = {34, 9, 34, 16, 62, 16, 14, 8};
    sheet_t s;
    sheet_open(&s, w, "Control", h, 8, wd, 0x68u);
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
            in += t->revenue[k];
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
        money_t cash = t->kinds[LINE_RESIDUAL] + t->kinds[LINE_SPIFF] + t->kinds[LINE_CHARGEBACK] +
                       t->kinds[LINE_ADJUSTMENT];
        control_check(w, &s, "earned = cash lines", t->code, "earned (payables)", t->earned,
                      "residual + spiff + chargeback + adjustment", cash, true);
        control_check(w, &s, "roll-forward", t->code, "carried in + earned",
                      t->carried_in + t->earned, "paid + carried out", t->paid + t->carried_out,
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
                    now += x->residual;
                    before += x->residual_before;
                }
            }
            for (size_t k = 0; k < m->lines.n; k++) {
                const line_t *l = &m->lines.v[k];
                if (l->kind == LINE_RESTATEMENT && l->note_months == rp &&
                    strcmp(m->master->agreements.v[l->agreement].currency.code, t->code) == 0)
                    posted += l->amount;
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
    sheet_finish_part(&s);

    /* the input files, the program, and control.csv as written */
    const wb_context_t *x = w->x;
    r++;
    xu_keep(b, ws_string(s.ws, r++, 0, "Input files of the period", b->section));
    static const char *const hi[] = {"file", "", "SHA-256", "", "", "rows", "bytes"};
    for (int i = 0; i < 7; i++)
        if (*hi[i])
            xu_keep(b, ws_string(s.ws, r, (lxw_col_t)i, hi[i], i >= 5 ? b->header_num : b->header));
    r++;
    for (size_t i = 0; i < x->ninputs; i++) {
        xu_keep(b, xu_text(s.ws, r, 0, x->inputs[i].path, w->wrap));
        xu_keep(b, worksheet_merge_range(s.ws, r, 2, r, 4, x->inputs[i].sha256, w->mono));
        xu_keep(b, ws_number(s.ws, r, 5, (double)x->inputs[i].records, b->integer));
        xu_keep(b, ws_number(s.ws, r++, 6, (double)x->inputs[i].bytes, b->integer));
    }
    if (!x->ninputs)
        xu_keep(b, ws_string(s.ws, r++, 0, "(not recorded)", NULL));
    r++;
    xu_keep(b, ws_string(s.ws, r, 0, "Program version", b->bold));
    xu_keep(b, xu_text(s.ws, r++, 2, x->version ? x->version : "", NULL));
    r++;
    xu_keep(b, ws_string(s.ws, r++, 0, "control.csv (results/control.csv, same values)", b->section));
    xu_keep(b, ws_string(s.ws, r, 0, "name", b->header));
    xu_keep(b, ws_string(s.ws, r++, 3, "value", b->header_num));
    size_t n;
    control_row_t *rows = results_control_rows(m, &n);
    for (size_t i = 0; i < n; i++) {
        xu_keep(b, xu_text(s.ws, r, 0, rows[i].name, NULL));
        if (rows[i].money)
            xu_keep(b, xu_money(s.ws, r++, 3, rows[i].value, b->money));
        else
            xu_keep(b, ws_number(s.ws, r++, 3, (double)rows[i].value, b->integer));
    }
    free(rows);
}

int wb_write_payouts_ctx(const month_t *m, const wb_context_t *x, const char *path, char *err,
                         size_t errlen)
{
    static const wb_context_t none = {.prior_period = PERIOD_NONE};
    if (!x)
        x = &none;
    if (xu_create(path, err, errlen) != 0)
        return -1;
    xu_book_t b;
    errno = 0;
    if (!xu_open(&b, path, m->period, "Partner payouts", true)) {
        snprintf(err, errlen, "%s: cannot create the workbook%s%s", path, errno ? ": " : "",
                 errno ? strerror(errno) : "");
        return -1;
    }
    wb_t w = {.b = &b, .m = m, .x = x};
    w.wrap = workbook_add_format(b.wb);
    format_set_text_wrap(w.wrap);
    w.wrap_indent = workbook_add_format(b.wb);
    format_set_text_wrap(w.wrap_indent);
    format_set_indent(w.wrap_indent, 1);
    w.indent = workbook_add_format(b.wb); /* text right of a number: kept apart */
    format_set_indent(w.indent, 1);
    w.note = workbook_add_format(b.wb);
    format_set_text_wrap(w.note);
    format_set_italic(w.note);
    format_set_align(w.note, LXW_ALIGN_VERTICAL_TOP);
    w.header_after = workbook_add_format(b.wb); /* a text header right of a number's */
    format_set_bold(w.header_after);
    format_set_bg_color(w.header_after, 0xDDE4EE);
    format_set_bottom(w.header_after, LXW_BORDER_THIN);
    format_set_indent(w.header_after, 1);
    format_set_text_wrap(w.header_after);
    format_set_align(w.header_after, LXW_ALIGN_VERTICAL_TOP);
    w.mono = workbook_add_format(b.wb);
    format_set_font_name(w.mono, "Courier New");
    format_set_font_size(w.mono, 9);
    w.ok = workbook_add_format(b.wb);
    format_set_bold(w.ok);
    format_set_font_color(w.ok, 0x006100);
    format_set_align(w.ok, LXW_ALIGN_CENTER);
    w.diff = workbook_add_format(b.wb);
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
    write_overview(&w);
    write_summary(&w);
    write_lines(&w, ct, nct, lines);
    write_exceptions(&w);
    write_commitments(&w);
    write_tiers(&w);
    write_points(&w);
    write_control(&w, ct, nct, lines);
    free(lines);
    free(ct);
    char msg[512];
    if (xu_close(&b, msg, sizeof(msg)) != 0) {
        snprintf(err, errlen, "%s: %s", path, msg);
        return -1;
    }
    return 0;
}

int wb_write_payouts(const month_t *m, const char *path, char *err, size_t errlen)
{
    return wb_write_payouts_ctx(m, NULL, path, err, errlen);
}
