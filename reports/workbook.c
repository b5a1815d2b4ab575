/*
 * workbook.c — payouts.xlsx: Summary, Lines, Exceptions, Commitments,
 * Tiers, Points and Control sheets, written row by row in constant memory.
 */
#include "workbook.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "xlsxutil.h"

#define EXCEL_ROWS 1048576u

/* A sheet that continues on "Name (2)" past Excel's row limit. */
typedef struct sheet {
    xu_book_t *b;
    const char *name;
    const char *const *headers;
    int ncols, part;
    lxw_worksheet *ws;
    lxw_row_t row;
} sheet_t;

static void sheet_new_part(sheet_t *s)
{
    char name[32];
    s->part++;
    if (s->part == 1)
        snprintf(name, sizeof(name), "%s", s->name);
    else
        snprintf(name, sizeof(name), "%s (%d)", s->name, s->part);
    s->ws = workbook_add_worksheet(s->b->wb, name);
    xu_headers(s->b, s->ws, s->headers, s->ncols);
    s->row = 1;
}

static lxw_row_t sheet_row(sheet_t *s)
{
    if (s->row >= EXCEL_ROWS)
        sheet_new_part(s);
    return s->row++;
}

static void sheet_open(sheet_t *s, xu_book_t *b, const char *name, const char *const *h, int n)
{
    memset(s, 0, sizeof(*s));
    s->b = b;
    s->name = name;
    s->headers = h;
    s->ncols = n;
    sheet_new_part(s);
}

static const char *program_name(const month_t *m, int32_t a)
{
    int32_t g = m->tiers[a].program;
    return g >= 0 ? m->book->programs.v[g].name : "";
}

static void write_summary(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"partner_id", "partner", "agreement_id", "legacy", "program",
                                    "tier", "residual", "spiff", "chargeback", "adjustment",
                                    "credit (non-cash)", "carried_in", "earned", "paid",
                                    "carried_out", "status", "due_date"};
    sheet_t s;
    sheet_open(&s, b, "Summary", h, 17);
    money_t tot[9] = {0};
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        if (!p->present)
            continue;
        const agreement_t *ag = &m->master->agreements.v[a];
        const partner_t *pt = &m->master->partners.v[ag->partner];
        lxw_row_t r = sheet_row(&s);
        xu_text(s.ws, r, 0, pt->id, NULL);
        xu_text(s.ws, r, 1, pt->name, NULL);
        xu_text(s.ws, r, 2, ag->id, NULL);
        xu_text(s.ws, r, 3, legacy_names[ag->legacy], NULL);
        xu_text(s.ws, r, 4, program_name(m, (int32_t)a), NULL);
        xu_text(s.ws, r, 5, m->tiers[a].tier, NULL);
        money_t v[9] = {p->by_kind[LINE_RESIDUAL], p->by_kind[LINE_SPIFF],
                        p->by_kind[LINE_CHARGEBACK], p->by_kind[LINE_ADJUSTMENT],
                        p->by_kind[LINE_CREDIT], p->carried_in, p->earned, p->paid, p->carried_out};
        for (int k = 0; k < 9; k++) {
            xu_money(s.ws, r, (lxw_col_t)(6 + k), v[k], b->money);
            tot[k] += v[k];
        }
        xu_text(s.ws, r, 15, rule_name(p->status), NULL);
        if (p->due_date != DATE_NONE) {
            char d[DATE_BUF];
            xu_text(s.ws, r, 16, date_format(p->due_date, d), NULL);
        }
    }
    lxw_row_t r = sheet_row(&s);
    worksheet_write_string(s.ws, r, 0, "Total", b->bold);
    for (int k = 0; k < 9; k++)
        xu_money(s.ws, r, (lxw_col_t)(6 + k), tot[k], b->money);
}

static void write_lines(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"agreement_id", "kind", "category", "amount"};
    const master_t *ms = m->master;
    /* categories of the products, in product order; slot ncat = no product */
    size_t np = ms->products.n, ncat = 0;
    const char **cats = calloc(np + 1, sizeof(*cats));
    int32_t *cat_of = calloc(np + 1, sizeof(*cat_of));
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
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status != STATUS_ASSIGNED)
            continue;
        size_t k = (size_t)r->agreement * slots + LINE_RESIDUAL * (ncat + 1) + (size_t)cat_of[r->product];
        sum[k] += r->commission;
        used[k] = true;
    }
    for (size_t i = 0; i < m->lines.n; i++) {
        const line_t *l = &m->lines.v[i];
        size_t c = l->product >= 0 ? (size_t)cat_of[l->product] : ncat;
        size_t k = (size_t)l->agreement * slots + (size_t)l->kind * (ncat + 1) + c;
        sum[k] += l->amount;
        used[k] = true;
    }
    sheet_t s;
    sheet_open(&s, b, "Lines", h, 4);
    for (size_t a = 0; a < na; a++)
        for (size_t k = 0; k < slots; k++) {
            if (!used[a * slots + k])
                continue;
            lxw_row_t r = sheet_row(&s);
            size_t kind = k / (ncat + 1), c = k % (ncat + 1);
            xu_text(s.ws, r, 0, ms->agreements.v[a].id, NULL);
            xu_text(s.ws, r, 1, line_kind_names[kind], NULL);
            xu_text(s.ws, r, 2, c < ncat ? cats[c] : "", NULL);
            xu_money(s.ws, r, 3, sum[a * slots + k], b->money);
        }
    free(cats);
    free(cat_of);
    free(sum);
    free(used);
}

static void write_exceptions(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"source", "id / file:line", "column", "status", "rule",
                                    "explanation", "to resolve", "amount"};
    sheet_t s;
    sheet_open(&s, b, "Exceptions", h, 8);
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = &m->orders.v[i];
        if (o->period != m->period || o->status == STATUS_ATTRIBUTED)
            continue;
        lxw_row_t r = sheet_row(&s);
        xu_text(s.ws, r, 0, "order", NULL);
        xu_text(s.ws, r, 1, o->id, NULL);
        xu_text(s.ws, r, 3, status_names[o->status], NULL);
        xu_text(s.ws, r, 4, rule_name(o->rule), NULL);
        xu_text(s.ws, r, 5, rule_explain(LANG_EN, o->rule), NULL);
        xu_text(s.ws, r, 6, rule_resolve(LANG_EN, o->rule), NULL);
        xu_money(s.ws, r, 7, o->mrc, b->money);
    }
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *rv = &m->revenue.v[i];
        if (rv->status == STATUS_ASSIGNED)
            continue;
        lxw_row_t r = sheet_row(&s);
        xu_text(s.ws, r, 0, "revenue", NULL);
        xu_text(s.ws, r, 1, rv->id, NULL);
        xu_text(s.ws, r, 3, status_names[rv->status], NULL);
        xu_text(s.ws, r, 4, rule_name(rv->rule), NULL);
        xu_text(s.ws, r, 5, rule_explain(LANG_EN, rv->rule), NULL);
        xu_text(s.ws, r, 6, rule_resolve(LANG_EN, rv->rule), NULL);
        xu_money(s.ws, r, 7, rv->amount, b->money);
    }
    char where[600];
    for (size_t i = 0; i < m->rejects.n; i++) {
        const reject_t *j = &m->rejects.v[i];
        lxw_row_t r = sheet_row(&s);
        snprintf(where, sizeof(where), "%s:%d", j->file, j->line);
        xu_text(s.ws, r, 0, "input row", NULL);
        xu_text(s.ws, r, 1, where, NULL);
        xu_text(s.ws, r, 2, j->column, NULL);
        xu_text(s.ws, r, 3, "rejected", NULL);
        xu_text(s.ws, r, 4, rule_name(j->reason), NULL);
        xu_text(s.ws, r, 5, rule_explain(LANG_EN, j->reason), NULL);
        xu_text(s.ws, r, 6, rule_resolve(LANG_EN, j->reason), NULL);
    }
}

static void write_commitments(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"commitment_id", "agreement_id", "basis", "amount",
                                    "retired_period", "retired_to_date", "remaining",
                                    "percent", "status"};
    sheet_t s;
    sheet_open(&s, b, "Commitments", h, 9);
    for (size_t i = 0; i < m->commitments.n; i++) {
        const commitment_result_t *c = &m->commitments.v[i];
        const commitment_t *cm = &m->master->commitments.v[c->commitment];
        lxw_row_t r = sheet_row(&s);
        xu_text(s.ws, r, 0, cm->id, NULL);
        xu_text(s.ws, r, 1, m->master->agreements.v[cm->agreement].id, NULL);
        xu_text(s.ws, r, 2, basis_names[cm->basis], NULL);
        xu_money(s.ws, r, 3, cm->amount, b->money);
        xu_money(s.ws, r, 4, c->retired_period, b->money);
        xu_money(s.ws, r, 5, c->retired_to_date, b->money);
        xu_money(s.ws, r, 6, c->remaining, b->money);
        xu_money(s.ws, r, 7, c->percent_hundredths, b->money);
        xu_text(s.ws, r, 8, rule_name(c->status), NULL);
    }
}

static void write_tiers(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"agreement_id", "program", "tier", "basis_value",
                                    "next_tier", "rule"};
    sheet_t s;
    sheet_open(&s, b, "Tiers", h, 6);
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        if (!agreement_active_in(&m->master->agreements.v[a], m->period))
            continue;
        const tier_state_t *t = &m->tiers[a];
        lxw_row_t r = sheet_row(&s);
        xu_text(s.ws, r, 0, m->master->agreements.v[a].id, NULL);
        xu_text(s.ws, r, 1, program_name(m, (int32_t)a), NULL);
        xu_text(s.ws, r, 2, t->tier, NULL);
        if (t->program >= 0 && m->book->programs.v[t->program].basis == BASIS_REVENUE)
            xu_money(s.ws, r, 3, t->basis_value, b->money);
        else if (t->program >= 0)
            worksheet_write_number(s.ws, r, 3, (double)t->basis_value, NULL);
        xu_text(s.ws, r, 4, t->reviewed ? t->next_tier : "", NULL);
        xu_text(s.ws, r, 5, rule_name(t->rule), NULL);
    }
}

static void write_points(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"activity_id", "agreement_id", "activity_code", "status",
                                    "points", "points_to_date", "rule"};
    sheet_t s;
    sheet_open(&s, b, "Points", h, 7);
    for (size_t i = 0; i < m->activities.n; i++) {
        const activity_t *a = &m->activities.v[i];
        lxw_row_t r = sheet_row(&s);
        xu_text(s.ws, r, 0, a->id, NULL);
        xu_text(s.ws, r, 1, a->agreement >= 0 ? m->master->agreements.v[a->agreement].id : "", NULL);
        xu_text(s.ws, r, 2, a->activity_code, NULL);
        xu_text(s.ws, r, 3, status_names[a->status], NULL);
        worksheet_write_number(s.ws, r, 4, (double)a->points, NULL);
        worksheet_write_number(s.ws, r, 5, (double)a->points_to_date, NULL);
        xu_text(s.ws, r, 6, rule_name(a->rule), NULL);
    }
}

static void write_control(xu_book_t *b, const month_t *m)
{
    static const char *const h[] = {"name", "value"};
    const control_t *c = &m->control;
    sheet_t s;
    sheet_open(&s, b, "Control", h, 2);
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
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        lxw_row_t r = sheet_row(&s);
        xu_text(s.ws, r, 0, rows[i].name, NULL);
        if (rows[i].money)
            xu_money(s.ws, r, 1, rows[i].v, b->money);
        else
            worksheet_write_number(s.ws, r, 1, (double)rows[i].v, NULL);
    }
    int64_t out = c->orders_attributed + c->orders_held + c->orders_rejected +
                  c->orders_rejected_rows + c->orders_duplicate_ignored + c->orders_install_update;
    money_t amt = c->revenue_amount_assigned + c->revenue_amount_unassigned +
                  c->revenue_amount_held + c->revenue_amount_rejected +
                  c->revenue_amount_rejected_rows;
    lxw_row_t r = sheet_row(&s);
    xu_text(s.ws, r, 0, "orders reconcile", b->bold);
    xu_text(s.ws, r, 1, out == c->orders_read ? "OK" : "DIFF", b->bold);
    r = sheet_row(&s);
    xu_text(s.ws, r, 0, "revenue amount reconciles", b->bold);
    xu_text(s.ws, r, 1, amt == c->revenue_amount_in ? "OK" : "DIFF", b->bold);
}

int wb_write_payouts(const month_t *m, const char *path, char *err, size_t errlen)
{
    xu_book_t b;
    if (!xu_open(&b, path, m->period, "Partner payouts")) {
        snprintf(err, errlen, "%s: cannot create", path);
        return -1;
    }
    write_summary(&b, m);
    write_lines(&b, m);
    write_exceptions(&b, m);
    write_commitments(&b, m);
    write_tiers(&b, m);
    write_points(&b, m);
    write_control(&b, m);
    return xu_close(&b, err, errlen);
}
