/*
 * workbook.c — payouts.xlsx, the finance workbook of P (SPEC §6): Overview
 * (how much we pay, to whom, what is held, on one screen, with the payout by
 * legacy program chart), Summary, Lines, Exceptions, Commitments (progress
 * chart), Tiers (next threshold and amount needed; tier distribution chart),
 * Points and Control. Written row by row in constant memory; tables have a
 * frozen header, an autofilter and totals where they add up.
 */
#include "workbook.h"
#include "lines.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "tiers.h"
#include "xlsxutil.h"

#define EXCEL_ROWS 1048576u

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
#define CHART_ROWS 40 /* a chart shows at most this many bars */

/* A table sheet that continues on "Name (2)" past Excel's row limit; each
 * part gets its autofilter when it is finished. */
typedef struct sheet {
    xu_book_t *b;
    const char *name;
    const char *const *headers;
    const double *widths;
    int ncols, part;
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
    if (s->widths)
        xu_widths(s->ws, s->widths, s->ncols);
    s->row = 1;
}

static lxw_row_t sheet_row(sheet_t *s)
{
    if (s->row >= EXCEL_ROWS)
        sheet_new_part(s);
    return s->row++;
}

static void sheet_open(sheet_t *s, xu_book_t *b, const char *name, const char *const *h, int n,
                       const double *widths)
{
    memset(s, 0, sizeof(*s));
    s->b = b;
    s->name = name;
    s->headers = h;
    s->ncols = n;
    s->widths = widths;
    sheet_new_part(s);
}

static const char *program_name(const month_t *m, int32_t a)
{
    int32_t g = m->tiers[a].program;
    return g >= 0 ? m->book->programs.v[g].name : "";
}

/* A chart over rows [first, last] of a sheet's columns (categories, values). */
static void add_bar_chart(xu_book_t *b, lxw_worksheet *ws, const char *sheet, uint8_t type,
                          const char *title, lxw_row_t first, lxw_row_t last, lxw_col_t cat,
                          lxw_col_t val, lxw_row_t at_row, lxw_col_t at_col, const char *num_format)
{
    if (last < first || !ws)
        return;
    lxw_chart *chart = workbook_add_chart(b->wb, type);
    lxw_chart_series *series = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!series) {
        xu_keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_series_set_categories(series, sheet, first, cat, last, cat);
    chart_series_set_values(series, sheet, first, val, last, val);
    chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    if (num_format)
        chart_axis_set_num_format(type == LXW_CHART_BAR ? chart->x_axis : chart->y_axis, num_format);
    lxw_chart_options opt = {.x_scale = 1.4, .y_scale = 1.2};
    xu_keep(b, worksheet_insert_chart_opt(ws, at_row, at_col, chart, &opt));
}

/* ---- Overview ------------------------------------------------------------------ */

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

static int total_cmp(const void *x, const void *y)
{
    const total_t *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    if (!c)
        c = strcmp(a->key2, b->key2);
    return c ? c : strcmp(a->currency, b->currency);
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

/* A titled block's header; columns from first_num to 3 hold numbers. */
static void overview_block(xu_book_t *b, lxw_worksheet *ws, lxw_row_t *r, const char *title,
                           const char *const *h, int n, int first_num)
{
    (*r)++;
    xu_keep(b, ws_string(ws, (*r)++, 0, title, b->section));
    for (int i = 0; i < n; i++)
        xu_keep(b, ws_string(ws, *r, (lxw_col_t)i, h[i],
                               i >= first_num && i <= 3 ? b->header_num : b->header));
    (*r)++;
}

static void write_overview(xu_book_t *b, const month_t *m)
{
    const master_t *ms = m->master;
    lxw_worksheet *ws = xu_add_sheet(b, "Overview");
    if (!ws)
        return;
    static const double widths[] = {34, 20, 12, 18, 14};
    xu_widths(ws, widths, 5);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 1);
    enum { CAP = 256 };
    total_t paid[CAP], held[CAP], programs[CAP];
    size_t npaid = 0, nheld = 0, nprog = 0;
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
            total_add(paid, &npaid, CAP, "", "", ag->currency.code, p->paid);
            total_add(programs, &nprog, CAP, legacy_names[ag->legacy], program_name(m, (int32_t)a),
                      ag->currency.code, p->paid);
            paid_rows_add(&rows, ag->partner, ag->currency.code, p->paid);
        } else if (p->carried_out != 0) {
            total_add(held, &nheld, CAP, rule_name(p->status), rule_explain(LANG_EN, p->status),
                      ag->currency.code, p->carried_out);
        }
    }
    qsort(paid, npaid, sizeof(*paid), total_cmp);
    qsort(held, nheld, sizeof(*held), total_cmp);
    qsort(programs, nprog, sizeof(*programs), total_cmp);
    free(rows.slot);
    paid_partner_t *pp = rows.v;
    size_t npp = rows.n;
    qsort(pp, npp, sizeof(*pp), paid_partner_cmp);

    char title[96];
    snprintf(title, sizeof(title), "Partner payouts — %s %d", month_name(LANG_EN, period_month(m->period)),
             m->period / 12);
    lxw_row_t r = 0;
    xu_keep(b, ws_string(ws, r++, 0, title, b->title));
    xu_keep(b, ws_string(ws, r++, 0, "Paid = cash due to partners this period; held = balances "
                                       "carried to a later period; credits are non-cash.", NULL));

    static const char *const hp[] = {"We pay", "currency", "agreements", "amount"};
    overview_block(b, ws, &r, "How much we pay", hp, 4, 2);
    for (size_t i = 0; i < npaid; i++) {
        xu_keep(b, ws_string(ws, r, 0, "Total paid", b->bold));
        xu_keep(b, xu_text(ws, r, 1, paid[i].currency, NULL));
        xu_keep(b, ws_number(ws, r, 2, (double)paid[i].count, b->integer));
        xu_keep(b, xu_money(ws, r++, 3, paid[i].amount, b->money_total));
    }
    if (!npaid)
        xu_keep(b, ws_string(ws, r++, 0, "Nothing is paid this period", NULL));

    static const char *const hh[] = {"Held (carried forward)", "currency", "agreements", "amount",
                                     "status"};
    overview_block(b, ws, &r, "What is held", hh, 5, 2);
    for (size_t i = 0; i < nheld; i++) {
        xu_keep(b, xu_text(ws, r, 0, held[i].key2, NULL));
        xu_keep(b, xu_text(ws, r, 1, held[i].currency, NULL));
        xu_keep(b, ws_number(ws, r, 2, (double)held[i].count, b->integer));
        xu_keep(b, xu_money(ws, r, 3, held[i].amount, b->money));
        xu_keep(b, xu_text(ws, r++, 4, held[i].key, NULL));
    }
    const control_t *c = &m->control;
    struct {
        const char *what;
        int64_t count;
        money_t amount;
        bool has_amount;
    } ex[] = {{"Orders held (see Exceptions)", c->orders_held, 0, false},
              {"Orders rejected", c->orders_rejected + c->orders_rejected_rows, 0, false},
              {"Revenue held", c->revenue_held, c->revenue_amount_held, true},
              {"Revenue unassigned (house)", c->revenue_unassigned, c->revenue_amount_unassigned, true},
              {"Revenue rejected", c->revenue_rejected + c->revenue_rejected_rows,
               c->revenue_amount_rejected + c->revenue_amount_rejected_rows, true},
              {"Rejected input rows (all files)", c->rejects_total, 0, false}};
    static const char *const he[] = {"Exceptions", "", "rows", "amount"};
    overview_block(b, ws, &r, "Exceptions to resolve", he, 4, 2);
    for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
        xu_keep(b, ws_string(ws, r, 0, ex[i].what, NULL));
        xu_keep(b, ws_number(ws, r, 2, (double)ex[i].count, b->integer));
        if (ex[i].has_amount)
            xu_keep(b, xu_money(ws, r, 3, ex[i].amount, b->money));
        r++;
    }

    static const char *const hg[] = {"Legacy program", "currency", "agreements", "paid"};
    overview_block(b, ws, &r, "Payout by legacy program", hg, 4, 2);
    lxw_row_t first = r;
    char label[160];
    for (size_t i = 0; i < nprog; i++) {
        snprintf(label, sizeof(label), "%s %s", programs[i].key, programs[i].key2);
        xu_keep(b, xu_text(ws, r, 0, label, NULL));
        xu_keep(b, xu_text(ws, r, 1, programs[i].currency, NULL));
        xu_keep(b, ws_number(ws, r, 2, (double)programs[i].count, b->integer));
        xu_keep(b, xu_money(ws, r++, 3, programs[i].amount, b->money));
    }
    add_bar_chart(b, ws, "Overview", LXW_CHART_BAR, "Paid by legacy program", first, r - 1, 0, 3,
                  3, 6, "#,##0"); /* beside the first blocks: on the first screen */

    static const char *const ht[] = {"Top partners by amount paid", "currency", "partner_id", "paid"};
    overview_block(b, ws, &r, "To whom (largest payouts)", ht, 4, 3);
    for (size_t i = 0; i < npp && i < 10; i++) {
        const partner_t *pt = &ms->partners.v[pp[i].partner];
        xu_keep(b, xu_text(ws, r, 0, pt->name, NULL));
        xu_keep(b, xu_text(ws, r, 1, pp[i].currency, NULL));
        xu_keep(b, xu_text(ws, r, 2, pt->id, NULL));
        xu_keep(b, xu_money(ws, r++, 3, pp[i].paid, b->money));
    }
    free(pp);
}

/* ---- the table sheets ----------------------------------------------------------- */

static void write_summary(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"partner_id", "partner", "agreement_id", "legacy", "program",
                                    "tier", "currency", "residual", "spiff", "chargeback",
                                    "adjustment", "credit (non-cash)", "carried_in", "earned",
                                    "paid", "carried_out", "status", "due_date"};
    static const double w[] = {14, 30, 16, 8, 14, 12, 9, 14, 14, 14, 14, 16, 14, 14, 14, 14, 14, 12};
    sheet_t s;
    sheet_open(&s, b, "Summary", h, 18, w);
    money_t tot[9] = {0};
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        if (!p->present)
            continue;
        const agreement_t *ag = &m->master->agreements.v[a];
        const partner_t *pt = &m->master->partners.v[ag->partner];
        lxw_row_t r = sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, pt->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, pt->name, NULL));
        xu_keep(b, xu_text(s.ws, r, 2, ag->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 3, legacy_names[ag->legacy], NULL));
        xu_keep(b, xu_text(s.ws, r, 4, program_name(m, (int32_t)a), NULL));
        xu_keep(b, xu_text(s.ws, r, 5, m->tiers[a].tier, NULL));
        xu_keep(b, xu_text(s.ws, r, 6, ag->currency.code, NULL));
        money_t v[9] = {p->by_kind[LINE_RESIDUAL], p->by_kind[LINE_SPIFF],
                        p->by_kind[LINE_CHARGEBACK], p->by_kind[LINE_ADJUSTMENT],
                        p->by_kind[LINE_CREDIT], p->carried_in, p->earned, p->paid, p->carried_out};
        for (int k = 0; k < 9; k++) {
            xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(7 + k), v[k], b->money));
            tot[k] += v[k];
        }
        xu_keep(b, xu_text(s.ws, r, 16, rule_name(p->status), NULL));
        xu_keep(b, xu_date(s.ws, r, 17, p->due_date, b->date));
    }
    lxw_row_t r = s.row; /* the totals row stays out of the autofilter */
    sheet_finish_part(&s);
    xu_keep(b, ws_string(s.ws, r, 0, "Total (all currencies)", b->bold));
    for (int k = 0; k < 9; k++)
        xu_keep(b, xu_money(s.ws, r, (lxw_col_t)(7 + k), tot[k], b->money_total));
}

static void write_lines(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"agreement_id", "kind", "category", "amount"};
    static const double w[] = {16, 12, 16, 16};
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
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status != STATUS_ASSIGNED)
            continue;
        size_t k = (size_t)r->agreement * slots + LINE_RESIDUAL * (ncat + 1) + (size_t)cat_of[r->product];
        sum[k] += revenue_commission(m, r);
        used[k] = true;
    }
    for (size_t i = 0; i < m->lines.n; i++) {
        const line_t *l = &m->lines.v[i];
        if (l->kind == LINE_RESTATEMENT)
            continue; /* a row each, naming the period restated (below) */
        size_t c = l->product >= 0 ? (size_t)cat_of[l->product] : ncat;
        size_t k = (size_t)l->agreement * slots + (size_t)l->kind * (ncat + 1) + c;
        sum[k] += l->amount;
        used[k] = true;
    }
    sheet_t s;
    sheet_open(&s, b, "Lines", h, 4, w);
    for (size_t a = 0; a < na; a++)
        for (size_t k = 0; k < slots; k++) {
            if (!used[a * slots + k])
                continue;
            lxw_row_t r = sheet_row(&s);
            size_t kind = k / (ncat + 1), c = k % (ncat + 1);
            xu_keep(b, xu_text(s.ws, r, 0, ms->agreements.v[a].id, NULL));
            xu_keep(b, xu_text(s.ws, r, 1, line_kind_names[kind], NULL));
            xu_keep(b, xu_text(s.ws, r, 2, c < ncat ? cats[c] : "", NULL));
            xu_keep(b, xu_money(s.ws, r, 3, sum[a * slots + k], b->money));
        }
    for (size_t i = 0; i < m->lines.n; i++) { /* §4.8: "restates P" in the category column */
        const line_t *l = &m->lines.v[i];
        if (l->kind != LINE_RESTATEMENT)
            continue;
        char note[32];
        snprintf(note, sizeof(note), "restates %s", l->source_id);
        lxw_row_t r = sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, ms->agreements.v[l->agreement].id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, line_kind_names[LINE_RESTATEMENT], NULL));
        xu_keep(b, xu_text(s.ws, r, 2, note, NULL));
        xu_keep(b, xu_money(s.ws, r, 3, l->amount, b->money));
    }
    sheet_finish_part(&s);
    free(cats);
    free(cat_of);
    free(sum);
    free(used);
}

static void exception_row(sheet_t *s, const char *source, const char *where, const char *column,
                          const char *status, rule_code rule)
{
    xu_book_t *b = s->b;
    lxw_row_t r = sheet_row(s);
    xu_keep(b, xu_text(s->ws, r, 0, source, NULL));
    xu_keep(b, xu_text(s->ws, r, 1, where, NULL));
    xu_keep(b, xu_text(s->ws, r, 2, column, NULL));
    xu_keep(b, xu_text(s->ws, r, 3, status, NULL));
    xu_keep(b, xu_text(s->ws, r, 4, rule_name(rule), NULL));
    xu_keep(b, xu_text(s->ws, r, 5, rule_explain(LANG_EN, rule), NULL));
    xu_keep(b, xu_text(s->ws, r, 6, rule_resolve(LANG_EN, rule), NULL));
}

static void write_exceptions(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"source", "id / file:line", "column", "status", "rule",
                                    "explanation", "to resolve", "amount"};
    static const double w[] = {10, 34, 14, 10, 26, 50, 50, 14};
    sheet_t s;
    sheet_open(&s, b, "Exceptions", h, 8, w);
    char where[600];
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = &m->orders.v[i];
        if (o->period != m->period || o->status == STATUS_ATTRIBUTED)
            continue;
        snprintf(where, sizeof(where), "%s (orders.csv:%d)", o->id, (int)o->line);
        exception_row(&s, "order", where, "", status_names[o->status], o->rule);
        xu_keep(b, xu_money(s.ws, s.row - 1, 7, o->mrc, b->money));
    }
    idseq_cursor_t ids;
    idseq_cursor(&ids, &m->revenue_ids);
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *rv = &m->revenue.v[i];
        if (rv->status == STATUS_ASSIGNED)
            continue;
        snprintf(where, sizeof(where), "%s (revenue.csv:%d)", idseq_at(&ids, i),
                 (int)lineseq_at(&m->revenue_lines, i));
        exception_row(&s, "revenue", where, "", status_names[rv->status], rv->rule);
        xu_keep(b, xu_money(s.ws, s.row - 1, 7, rv->amount, b->money));
    }
    for (size_t i = 0; i < m->rejects.n; i++) {
        const reject_t *j = &m->rejects.v[i];
        snprintf(where, sizeof(where), "%s:%d", j->file, j->line);
        exception_row(&s, "input row", where, j->column, "rejected", j->reason);
    }
    sheet_finish_part(&s);
}

static void write_commitments(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"commitment_id", "agreement_id", "basis", "amount",
                                    "retired_period", "retired_to_date", "remaining",
                                    "percent", "status"};
    static const double w[] = {18, 16, 10, 14, 14, 14, 14, 10, 10};
    sheet_t s;
    sheet_open(&s, b, "Commitments", h, 9, w);
    for (size_t i = 0; i < m->commitments.n; i++) {
        const commitment_result_t *c = &m->commitments.v[i];
        const commitment_t *cm = &m->master->commitments.v[c->commitment];
        lxw_row_t r = sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, cm->id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, m->master->agreements.v[cm->agreement].id, NULL));
        xu_keep(b, xu_text(s.ws, r, 2, basis_names[cm->basis], NULL));
        xu_keep(b, xu_money(s.ws, r, 3, cm->amount, b->money));
        xu_keep(b, xu_money(s.ws, r, 4, c->retired_period, b->money));
        xu_keep(b, xu_money(s.ws, r, 5, c->retired_to_date, b->money));
        xu_keep(b, xu_money(s.ws, r, 6, c->remaining, b->money));
        xu_keep(b, xu_percent(s.ws, r, 7, c->percent_hundredths, b->percent));
        xu_keep(b, xu_text(s.ws, r, 8, rule_name(c->status), NULL));
    }
    lxw_row_t last = s.row - 1;
    sheet_finish_part(&s);
    if (s.part == 1 && m->commitments.n)
        add_bar_chart(b, s.ws, "Commitments", LXW_CHART_BAR, "Commitment retired to date (%)", 1,
                      last < CHART_ROWS ? last : CHART_ROWS, 0, 7, 1, 10, "0%");
}

/* Tier distribution: agreements per (program, tier) in effect, in book order. */
typedef struct tier_count {
    const char *program, *tier;
    int64_t n;
} tier_count_t;

static void write_tiers(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"agreement_id", "program", "tier", "basis_value", "next_tier",
                                    "rule", "next_threshold_tier", "threshold", "still_needed"};
    static const double w[] = {16, 14, 12, 14, 12, 10, 18, 14, 14};
    const book_t *bk = m->book;
    tier_count_t *dist = calloc(bk->tiers.n + 1, sizeof(*dist));
    if (!dist)
        abort();
    size_t nd = bk->tiers.n;
    for (size_t i = 0; i < nd; i++)
        dist[i] = (tier_count_t){bk->tiers.v[i].program, bk->tiers.v[i].tier, 0};
    sheet_t s;
    sheet_open(&s, b, "Tiers", h, 9, w);
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        if (!agreement_active_in(&m->master->agreements.v[a], m->period))
            continue;
        const tier_state_t *t = &m->tiers[a];
        lxw_row_t r = sheet_row(&s);
        bool money = t->program >= 0 && bk->programs.v[t->program].basis == BASIS_REVENUE;
        xu_keep(b, xu_text(s.ws, r, 0, m->master->agreements.v[a].id, NULL));
        xu_keep(b, xu_text(s.ws, r, 1, program_name(m, (int32_t)a), NULL));
        xu_keep(b, xu_text(s.ws, r, 2, t->tier, NULL));
        if (money)
            xu_keep(b, xu_money(s.ws, r, 3, t->basis_value, b->money));
        else if (t->program >= 0)
            xu_keep(b, ws_number(s.ws, r, 3, (double)t->basis_value, b->integer));
        xu_keep(b, xu_text(s.ws, r, 4, t->reviewed ? t->next_tier : "", NULL));
        xu_keep(b, xu_text(s.ws, r, 5, rule_name(t->rule), NULL));
        int32_t next;
        int64_t needed;
        if (tiers_next_threshold(bk, t, &next, &needed)) {
            xu_keep(b, xu_text(s.ws, r, 6, bk->tiers.v[next].tier, NULL));
            if (money) {
                xu_keep(b, xu_money(s.ws, r, 7, bk->tiers.v[next].min_value, b->money));
                xu_keep(b, xu_money(s.ws, r, 8, needed, b->money));
            } else {
                xu_keep(b, ws_number(s.ws, r, 7, (double)bk->tiers.v[next].min_value, b->integer));
                xu_keep(b, ws_number(s.ws, r, 8, (double)needed, b->integer));
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
        xu_keep(b, ws_string(s.ws, r++, 1, "agreements", b->header));
        first = r;
        char label[160];
        for (size_t i = 0; i < nd; i++) {
            if (!dist[i].n)
                continue;
            snprintf(label, sizeof(label), "%s %s", dist[i].program, dist[i].tier);
            xu_keep(b, xu_text(s.ws, r, 0, label, NULL));
            xu_keep(b, ws_number(s.ws, r++, 1, (double)dist[i].n, b->integer));
        }
        add_bar_chart(b, s.ws, "Tiers", LXW_CHART_COLUMN, "Tier distribution", first, r - 1, 0, 1,
                      1, 10, "#,##0");
    }
    free(dist);
}

static void write_points(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"activity_id", "agreement_id", "activity_code", "activity_date",
                                    "status", "points", "points_to_date", "rule"};
    static const double w[] = {14, 16, 22, 12, 10, 10, 14, 24};
    sheet_t s;
    sheet_open(&s, b, "Points", h, 8, w);
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
        xu_keep(b, xu_text(s.ws, r, 7, rule_name(a->rule), NULL));
    }
    sheet_finish_part(&s);
}

static void write_control(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"name", "value"};
    static const double w[] = {36, 18};
    const control_t *c = &m->control;
    sheet_t s;
    sheet_open(&s, b, "Control", h, 2, w);
    struct {
        const char *name;
        int64_t v;
        bool money;
    } rows[] = {
        {"orders read", c->orders_read, false}, {"orders attributed", c->orders_attributed, false},
        {"orders held", c->orders_held, false}, {"orders rejected", c->orders_rejected, false},
        {"order rows rejected (format)", c->orders_rejected_rows, false},
        {"orders re-delivered identical", c->orders_duplicate_ignored, false},
        {"orders install date updated", c->orders_install_update, false},
        {"revenue rows read", c->revenue_read, false},
        {"revenue amount in", c->revenue_amount_in, true},
        {"revenue assigned", c->revenue_amount_assigned, true},
        {"revenue unassigned (house)", c->revenue_amount_unassigned, true},
        {"revenue held", c->revenue_amount_held, true},
        {"revenue rejected", c->revenue_amount_rejected, true},
        {"revenue rejected rows", c->revenue_amount_rejected_rows, true},
        {"rows read, all files", c->rows_read_total, false},
        {"rejected input rows, all files", c->rejects_total, false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        lxw_row_t r = sheet_row(&s);
        xu_keep(b, xu_text(s.ws, r, 0, rows[i].name, NULL));
        if (rows[i].money)
            xu_keep(b, xu_money(s.ws, r, 1, rows[i].v, b->money));
        else
            xu_keep(b, ws_number(s.ws, r, 1, (double)rows[i].v, b->integer));
    }
    int64_t out = c->orders_attributed + c->orders_held + c->orders_rejected +
                  c->orders_rejected_rows + c->orders_duplicate_ignored + c->orders_install_update;
    money_t amt = c->revenue_amount_assigned + c->revenue_amount_unassigned +
                  c->revenue_amount_held + c->revenue_amount_rejected +
                  c->revenue_amount_rejected_rows;
    lxw_row_t r = sheet_row(&s);
    xu_keep(b, xu_text(s.ws, r, 0, "orders reconcile", b->bold));
    xu_keep(b, xu_text(s.ws, r, 1, out == c->orders_read ? "OK" : "DIFF", b->bold));
    r = sheet_row(&s);
    xu_keep(b, xu_text(s.ws, r, 0, "revenue amount reconciles", b->bold));
    xu_keep(b, xu_text(s.ws, r, 1, amt == c->revenue_amount_in ? "OK" : "DIFF", b->bold));
    /* §4.8 each corrected file: its residuals now and as last stated, and
     * the restatement lines posted for it (their difference) */
    for (size_t i = 0; i < m->restate_files.n; i++) {
        const restate_file_t *f = &m->restate_files.v[i];
        char pbuf[PERIOD_BUF], name[96];
        period_format(f->period, pbuf);
        money_t posted = 0; /* a subset of the period's lines: fits (month.h) */
        for (size_t k = 0; k < m->lines.n; k++)
            if (m->lines.v[k].kind == LINE_RESTATEMENT && m->lines.v[k].note_months == f->period)
                posted += m->lines.v[k].amount;
        struct {
            const char *what;
            int64_t v;
            bool money;
        } rr[] = {{"rows read", f->rows_read, false},
                  {"rows rejected", f->rows_rejected, false},
                  {"revenue amount in", f->amount_in, true},
                  {"revenue assigned", f->amount_assigned, true},
                  {"revenue assigned as last stated", f->revenue_before, true},
                  {"residuals", f->residual, true},
                  {"residuals as last stated", f->residual_before, true},
                  {"restatement lines posted", posted, true}};
        for (size_t k = 0; k < sizeof(rr) / sizeof(rr[0]); k++) {
            r = sheet_row(&s);
            snprintf(name, sizeof(name), "restatement of %s: %s", pbuf, rr[k].what);
            xu_keep(b, xu_text(s.ws, r, 0, name, NULL));
            if (rr[k].money)
                xu_keep(b, xu_money(s.ws, r, 1, rr[k].v, b->money));
            else
                xu_keep(b, ws_number(s.ws, r, 1, (double)rr[k].v, b->integer));
        }
        r = sheet_row(&s);
        snprintf(name, sizeof(name), "restatement of %s reconciles", pbuf);
        xu_keep(b, xu_text(s.ws, r, 0, name, b->bold));
        xu_keep(b, xu_text(s.ws, r, 1, posted == f->residual - f->residual_before ? "OK" : "DIFF",
                           b->bold));
    }
    sheet_finish_part(&s);
}

int wb_write_payouts(const month_t *m, const char *path, char *err, size_t errlen)
{
    if (xu_create(path, err, errlen) != 0)
        return -1;
    xu_book_t b;
    errno = 0;
    if (!xu_open(&b, path, m->period, "Partner payouts", true)) {
        snprintf(err, errlen, "%s: cannot create the workbook%s%s", path, errno ? ": " : "",
                 errno ? strerror(errno) : "");
        return -1;
    }
    write_overview(&b, m);
    write_summary(&b, m);
    write_lines(&b, m);
    write_exceptions(&b, m);
    write_commitments(&b, m);
    write_tiers(&b, m);
    write_points(&b, m);
    write_control(&b, m);
    char msg[512];
    if (xu_close(&b, msg, sizeof(msg)) != 0) {
        snprintf(err, errlen, "%s: %s", path, msg);
        return -1;
    }
    return 0;
}
