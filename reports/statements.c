/*
 * statements.c — one workbook per partner with activity in P, in the
 * partner's language (en/es): one sheet per agreement, side by side in one
 * file and never pooled. Each sheet: header, payable waterfall, tier and the
 * amount needed for the next one, commitment progress, marketplace points
 * and the non-cash credit, then the lines with revenue summed per service
 * and product.
 *
 * Scale: the month's rows are indexed by agreement once (residuals grouped
 * by agreement, service and product in one hash pass; other lines,
 * commitments and activities by a counting sort), so writing every
 * statement is linear in the month's rows, whatever the number of partners.
 */
#include "statements.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "lines.h"
#include "tiers.h"
#include "xlsxutil.h"

enum { L_TITLE, L_PERIOD, L_AGREEMENT, L_PROGRAM, L_PAYABLE, L_CARRIED_IN, L_EARNED, L_BALANCE,
       L_PAID, L_CARRIED_OUT, L_STATUS, L_DUE, L_TIER_SECTION, L_TIER, L_BASIS_VALUE,
       L_NEXT_TIER, L_THRESHOLD, L_NEEDED, L_TOP_TIER, L_COMMITMENTS, L_COMMITMENT, L_AMOUNT_DUE,
       L_RETIRED, L_TO_DATE, L_REMAINING, L_PERCENT, L_POINTS_SECTION, L_POINTS_TO_DATE,
       L_ACTIVITY, L_CODE, L_DATE, L_POINTS, L_RESULT, L_CREDIT, L_CREDIT_NOTE, L_LINES, L_KIND,
       L_SOURCE, L_PRODUCT, L_ROWS, L_BASIS, L_RATE, L_AMOUNT, L_NOTE, L_TOTAL, L_DRAFT, L_COUNT };
static const char *const L[LANG_COUNT][L_COUNT] = {
    {"Commission statement", "Period", "Agreement", "Program", "Payable", "Carried in", "Earned",
     "Balance", "Paid", "Carried out", "Status", "Due date", "Tier", "Tier in effect",
     "Basis value", "Next tier", "Threshold", "Still needed", "Top tier of the program",
     "Commitments", "Commitment", "Committed", "Retired this period", "Retired to date",
     "Remaining", "Percent", "Marketplace points", "Points to date", "Activity", "Code", "Date",
     "Points", "Result", "Integration credit (non-cash)", "shown for information, never paid",
     "Lines", "Kind", "Service / source", "Product", "Rows", "Basis", "Rate %", "Amount", "Note",
     "Total", "DRAFT"},
    {"Estado de comisiones", "Período", "Acuerdo", "Programa", "A pagar", "Saldo anterior",
     "Ganado", "Saldo", "Pagado", "Saldo trasladado", "Estado", "Fecha de pago", "Nivel",
     "Nivel vigente", "Valor base", "Siguiente nivel", "Umbral", "Falta", "Nivel más alto del programa",
     "Compromisos", "Compromiso", "Comprometido", "Retirado este período", "Retirado a la fecha",
     "Restante", "Porcentaje", "Puntos del marketplace", "Puntos a la fecha", "Actividad",
     "Código", "Fecha", "Puntos", "Resultado", "Crédito de integración (no monetario)",
     "solo informativo, nunca se paga", "Líneas", "Tipo", "Servicio / origen", "Producto",
     "Filas", "Base", "Tasa %", "Monto", "Nota", "Total", "BORRADOR"},
};
static const char *const kind_label[LANG_COUNT][LINE_KIND_COUNT] = {
    {"Residual", "Spiff", "Chargeback", "Adjustment", "Credit"},
    {"Residual", "Incentivo", "Reversión", "Ajuste", "Crédito"},
};
static const char *const status_label[LANG_COUNT][2] = {{"awarded", "refused"},
                                                        {"otorgado", "rechazado"}};

/* ---- the month indexed by agreement ---------------------------------------- */

/* Items of one kind listed per agreement: items[first[a] .. first[a+1]). */
typedef struct by_agreement {
    int32_t *first, *items;
} by_agreement_t;

/* Stable counting sort of n items by their agreement (< 0: left out). */
static by_agreement_t index_by_agreement(size_t na, size_t n, const int32_t *agreement_of)
{
    by_agreement_t x = {calloc(na + 2, sizeof(int32_t)), malloc((n ? n : 1) * sizeof(int32_t))};
    if (!x.first || !x.items)
        abort();
    for (size_t i = 0; i < n; i++)
        if (agreement_of[i] >= 0)
            x.first[agreement_of[i] + 2]++;
    for (size_t a = 2; a < na + 2; a++)
        x.first[a] += x.first[a - 1];
    for (size_t i = 0; i < n; i++)
        if (agreement_of[i] >= 0)
            x.items[x.first[agreement_of[i] + 1]++] = (int32_t)i;
    return x; /* first[a] now starts agreement a, first[a + 1] ends it */
}

static void by_agreement_free(by_agreement_t *x)
{
    free(x->first);
    free(x->items);
}

/* Assigned revenue of one agreement, service (its order, or the account
 * when the row names no known service) and product. */
typedef struct group {
    int32_t agreement, service, account, product, rate_row;
    uint8_t note;
    int64_t rows;
    money_t basis, amount;
} group_t;

typedef struct index {
    group_t *groups;
    size_t ngroups;
    by_agreement_t groups_of, lines_of, commitments_of, activities_of;
} index_t;

static uint64_t group_hash(int32_t a, int32_t s, int32_t p)
{
    uint64_t h = (uint64_t)(uint32_t)a * UINT64_C(0x9E3779B97F4A7C15);
    h = (h ^ (uint32_t)s) * UINT64_C(0xC2B2AE3D27D4EB4F);
    h = (h ^ (uint32_t)p) * UINT64_C(0x165667B19E3779F9);
    return h ^ (h >> 31);
}

static const char *group_service(const month_t *m, const group_t *g)
{
    if (g->service >= 0)
        return month_order_decision(m, g->service).id;
    return g->account >= 0 ? m->master->accounts.v[g->account].id : "";
}

static int group_cmp(const void *x, const void *y, void *ctx)
{
    const month_t *m = ((const void **)ctx)[0];
    const group_t *gs = ((const void **)ctx)[1];
    const group_t *a = &gs[*(const int32_t *)x], *b = &gs[*(const int32_t *)y];
    int c = strcmp(group_service(m, a), group_service(m, b));
    if (c)
        return c;
    return strcmp(m->master->products.v[a->product].code, m->master->products.v[b->product].code);
}

static void group_residuals(const month_t *m, index_t *ix)
{
    size_t cap = 1024, n = 0, gcap = 256;
    int32_t *slots = malloc(cap * sizeof(*slots));
    group_t *g = malloc(gcap * sizeof(*g));
    if (!slots || !g)
        abort();
    memset(slots, 0xFF, cap * sizeof(*slots));
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status != STATUS_ASSIGNED)
            continue;
        int32_t service = r->service >= 0 ? r->service : -1;
        int32_t account = service >= 0 ? -1 : revenue_account(r);
        int32_t key = service >= 0 ? service : -2 - account;
        size_t k = group_hash(r->agreement, key, r->product) & (cap - 1);
        while (slots[k] >= 0) {
            const group_t *h = &g[slots[k]];
            if (h->agreement == r->agreement && h->service == service && h->account == account &&
                h->product == r->product)
                break;
            k = (k + 1) & (cap - 1);
        }
        if (slots[k] < 0) {
            if (n == gcap) {
                gcap *= 2;
                g = realloc(g, gcap * sizeof(*g));
                if (!g)
                    abort();
            }
            g[n] = (group_t){.agreement = r->agreement, .service = service, .account = account,
                             .product = r->product, .rate_row = revenue_rate_row(m, r),
                             .note = (uint8_t)revenue_note(m, r)};
            slots[k] = (int32_t)n++;
            if (n * 2 > cap) { /* grow and re-place every group */
                cap *= 2;
                slots = realloc(slots, cap * sizeof(*slots));
                if (!slots)
                    abort();
                memset(slots, 0xFF, cap * sizeof(*slots));
                for (size_t j = 0; j < n; j++) {
                    const group_t *h = &g[j];
                    size_t q = group_hash(h->agreement, h->service >= 0 ? h->service : -2 - h->account,
                                          h->product) & (cap - 1);
                    while (slots[q] >= 0)
                        q = (q + 1) & (cap - 1);
                    slots[q] = (int32_t)j;
                }
                k = SIZE_MAX; /* re-find below */
            }
        }
        group_t *h = k == SIZE_MAX ? &g[n - 1] : &g[slots[k]];
        h->rows++;
        h->basis += r->amount;
        h->amount += revenue_commission(m, r);
    }
    free(slots);
    ix->groups = g;
    ix->ngroups = n;
}

static index_t index_month(const month_t *m)
{
    index_t ix = {0};
    size_t na = m->master->agreements.n;
    group_residuals(m, &ix);
    size_t most = ix.ngroups;
    if (m->lines.n > most)
        most = m->lines.n;
    if (m->commitments.n > most)
        most = m->commitments.n;
    if (m->activities.n > most)
        most = m->activities.n;
    int32_t *of = malloc((most ? most : 1) * sizeof(*of));
    if (!of)
        abort();
    for (size_t i = 0; i < ix.ngroups; i++)
        of[i] = ix.groups[i].agreement;
    ix.groups_of = index_by_agreement(na, ix.ngroups, of);
    for (size_t i = 0; i < m->lines.n; i++)
        of[i] = m->lines.v[i].agreement;
    ix.lines_of = index_by_agreement(na, m->lines.n, of);
    for (size_t i = 0; i < m->commitments.n; i++)
        of[i] = m->master->commitments.v[m->commitments.v[i].commitment].agreement;
    ix.commitments_of = index_by_agreement(na, m->commitments.n, of);
    for (size_t i = 0; i < m->activities.n; i++)
        of[i] = m->activities.v[i].agreement;
    ix.activities_of = index_by_agreement(na, m->activities.n, of);
    free(of);
    const void *ctx[2] = {m, ix.groups};
    for (size_t a = 0; a < na; a++) {
        int32_t from = ix.groups_of.first[a], to = ix.groups_of.first[a + 1];
        if (to - from > 1)
            qsort_r(ix.groups_of.items + from, (size_t)(to - from), sizeof(int32_t), group_cmp,
                    (void *)ctx);
    }
    return ix;
}

static void index_free(index_t *ix)
{
    free(ix->groups);
    by_agreement_free(&ix->groups_of);
    by_agreement_free(&ix->lines_of);
    by_agreement_free(&ix->commitments_of);
    by_agreement_free(&ix->activities_of);
}

/* ---- one agreement's sheet -------------------------------------------------- */

typedef struct sheet {
    xu_book_t *b;
    lxw_worksheet *ws;
    const month_t *m;
    const char *const *l;
    lang_t lang;
    lxw_row_t r;
} sheet_t;

static void label_money(sheet_t *s, const char *label, money_t v, lxw_format *f)
{
    worksheet_write_string(s->ws, s->r, 0, label, f);
    xu_money(s->ws, s->r++, 1, v, f == s->b->bold ? s->b->money_total : s->b->money);
}

static void section(sheet_t *s, const char *title)
{
    s->r++;
    worksheet_write_string(s->ws, s->r++, 0, title, s->b->section);
}

/* A table header; columns from first_num to last_num hold numbers. */
static void header_row(sheet_t *s, const char *const *h, int n, int first_num, int last_num)
{
    for (int i = 0; i < n; i++)
        worksheet_write_string(s->ws, s->r, (lxw_col_t)i, h[i],
                               i >= first_num && i <= last_num ? s->b->header_num : s->b->header);
    s->r++;
}

/* A basis value: money for revenue programs, a count of points otherwise. */
static void basis_cell(sheet_t *s, lxw_col_t c, int32_t program, int64_t v)
{
    if (s->m->book->programs.v[program].basis == BASIS_REVENUE)
        xu_money(s->ws, s->r, c, v, s->b->money);
    else
        worksheet_write_number(s->ws, s->r, c, (double)v, s->b->integer);
}

static void write_payable(sheet_t *s, int32_t a)
{
    const payable_t *p = &s->m->payables[a];
    section(s, s->l[L_PAYABLE]);
    label_money(s, s->l[L_CARRIED_IN], p->carried_in, NULL);
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        if (k != LINE_CREDIT)
            label_money(s, kind_label[s->lang][k], p->by_kind[k], NULL);
    label_money(s, s->l[L_EARNED], p->earned, NULL);
    label_money(s, s->l[L_BALANCE], p->balance, NULL);
    label_money(s, s->l[L_PAID], p->paid, s->b->bold);
    label_money(s, s->l[L_CARRIED_OUT], p->carried_out, NULL);
    worksheet_write_string(s->ws, s->r, 0, s->l[L_STATUS], NULL);
    xu_text(s->ws, s->r++, 1, rule_explain(s->lang, p->status), NULL);
    if (p->due_date != DATE_NONE) {
        worksheet_write_string(s->ws, s->r, 0, s->l[L_DUE], NULL);
        xu_date(s->ws, s->r++, 1, p->due_date, s->b->date);
    }
}

static void write_tier(sheet_t *s, int32_t a)
{
    const tier_state_t *t = &s->m->tiers[a];
    if (t->program < 0 || !t->tier)
        return;
    const book_t *bk = s->m->book;
    section(s, s->l[L_TIER_SECTION]);
    worksheet_write_string(s->ws, s->r, 0, s->l[L_TIER], NULL);
    xu_text(s->ws, s->r, 1, t->tier, s->b->bold);
    xu_text(s->ws, s->r++, 2, rule_explain(s->lang, t->rule), NULL);
    worksheet_write_string(s->ws, s->r, 0, s->l[L_BASIS_VALUE], NULL);
    basis_cell(s, 1, t->program, t->basis_value);
    s->r++;
    int32_t next;
    int64_t needed;
    if (tiers_next_threshold(bk, t, &next, &needed)) {
        worksheet_write_string(s->ws, s->r, 0, s->l[L_NEXT_TIER], NULL);
        xu_text(s->ws, s->r++, 1, bk->tiers.v[next].tier, NULL);
        worksheet_write_string(s->ws, s->r, 0, s->l[L_THRESHOLD], NULL);
        basis_cell(s, 1, t->program, bk->tiers.v[next].min_value);
        s->r++;
        worksheet_write_string(s->ws, s->r, 0, s->l[L_NEEDED], s->b->bold);
        basis_cell(s, 1, t->program, needed);
        s->r++;
    } else {
        worksheet_write_string(s->ws, s->r++, 0, s->l[L_TOP_TIER], NULL);
    }
}

static void write_commitments(sheet_t *s, const index_t *ix, int32_t a)
{
    const by_agreement_t *c = &ix->commitments_of;
    if (c->first[a] == c->first[a + 1])
        return;
    section(s, s->l[L_COMMITMENTS]);
    const char *h[] = {s->l[L_COMMITMENT], s->l[L_AMOUNT_DUE], s->l[L_RETIRED], s->l[L_TO_DATE],
                       s->l[L_REMAINING], s->l[L_PERCENT], s->l[L_STATUS]};
    header_row(s, h, 7, 1, 5);
    for (int32_t k = c->first[a]; k < c->first[a + 1]; k++) {
        const commitment_result_t *cr = &s->m->commitments.v[c->items[k]];
        const commitment_t *cm = &s->m->master->commitments.v[cr->commitment];
        xu_text(s->ws, s->r, 0, cm->id, NULL);
        xu_money(s->ws, s->r, 1, cm->amount, s->b->money);
        xu_money(s->ws, s->r, 2, cr->retired_period, s->b->money);
        xu_money(s->ws, s->r, 3, cr->retired_to_date, s->b->money);
        xu_money(s->ws, s->r, 4, cr->remaining, s->b->money);
        xu_percent(s->ws, s->r, 5, cr->percent_hundredths, s->b->percent);
        xu_text(s->ws, s->r++, 6, rule_explain(s->lang, cr->status), NULL);
    }
}

static void write_points(sheet_t *s, const index_t *ix, int32_t a)
{
    const by_agreement_t *c = &ix->activities_of;
    const tier_state_t *t = &s->m->tiers[a];
    bool points_program = t->program >= 0 && s->m->book->programs.v[t->program].basis == BASIS_POINTS;
    money_t credit = s->m->current[a].by_kind[LINE_CREDIT];
    if (c->first[a] == c->first[a + 1] && !points_program && !credit)
        return;
    section(s, s->l[L_POINTS_SECTION]);
    if (points_program) {
        worksheet_write_string(s->ws, s->r, 0, s->l[L_POINTS_TO_DATE], NULL);
        worksheet_write_number(s->ws, s->r++, 1, (double)t->basis_value, s->b->integer);
    }
    if (credit) {
        worksheet_write_string(s->ws, s->r, 0, s->l[L_CREDIT], NULL);
        xu_money(s->ws, s->r, 1, credit, s->b->money);
        worksheet_write_string(s->ws, s->r++, 2, s->l[L_CREDIT_NOTE], NULL);
    }
    if (c->first[a] == c->first[a + 1])
        return;
    const char *h[] = {s->l[L_ACTIVITY], s->l[L_CODE], s->l[L_DATE], s->l[L_POINTS],
                       s->l[L_POINTS_TO_DATE], s->l[L_RESULT]};
    header_row(s, h, 6, 3, 4);
    for (int32_t k = c->first[a]; k < c->first[a + 1]; k++) {
        const activity_t *act = &s->m->activities.v[c->items[k]];
        xu_text(s->ws, s->r, 0, act->id, NULL);
        xu_text(s->ws, s->r, 1, act->activity_code, NULL);
        xu_date(s->ws, s->r, 2, act->activity_date, s->b->date);
        worksheet_write_number(s->ws, s->r, 3, (double)act->points, s->b->integer);
        worksheet_write_number(s->ws, s->r, 4, (double)act->points_to_date, s->b->integer);
        char result[200];
        snprintf(result, sizeof(result), "%s: %s",
                 status_label[s->lang][act->status == STATUS_AWARDED ? 0 : 1],
                 rule_explain(s->lang, act->rule));
        xu_text(s->ws, s->r++, 5, result, NULL);
    }
}

static void write_lines(sheet_t *s, const index_t *ix, int32_t a)
{
    const month_t *m = s->m;
    section(s, s->l[L_LINES]);
    const char *h[] = {s->l[L_KIND], s->l[L_SOURCE], s->l[L_PRODUCT], s->l[L_ROWS],
                       s->l[L_BASIS], s->l[L_RATE], s->l[L_AMOUNT], s->l[L_NOTE]};
    header_row(s, h, 8, 3, 6);
    money_t total = 0;
    char rate[MONEY_BUF], note[64];
    for (int32_t k = ix->groups_of.first[a]; k < ix->groups_of.first[a + 1]; k++) {
        const group_t *g = &ix->groups[ix->groups_of.items[k]];
        xu_text(s->ws, s->r, 0, kind_label[s->lang][LINE_RESIDUAL], NULL);
        xu_text(s->ws, s->r, 1, group_service(m, g), NULL);
        xu_text(s->ws, s->r, 2, m->master->products.v[g->product].code, NULL);
        worksheet_write_number(s->ws, s->r, 3, (double)g->rows, s->b->integer);
        xu_money(s->ws, s->r, 4, g->basis, s->b->money);
        decimal_t pct = g->rate_row >= 0 ? m->book->rates.v[g->rate_row].rate_pct : 0;
        xu_text(s->ws, s->r, 5, decimal_format(pct, RATE_SCALE, rate), s->b->right);
        xu_money(s->ws, s->r, 6, g->amount, s->b->money);
        if (g->note)
            xu_text(s->ws, s->r, 7, rule_explain(s->lang, g->note), NULL);
        s->r++;
        total += g->amount;
    }
    for (int32_t k = ix->lines_of.first[a]; k < ix->lines_of.first[a + 1]; k++) {
        const line_t *ln = &m->lines.v[ix->lines_of.items[k]];
        xu_text(s->ws, s->r, 0, kind_label[s->lang][ln->kind], NULL);
        xu_text(s->ws, s->r, 1, ln->source_id, NULL);
        if (ln->product >= 0)
            xu_text(s->ws, s->r, 2, m->master->products.v[ln->product].code, NULL);
        if (ln->has_basis)
            xu_money(s->ws, s->r, 4, ln->basis, s->b->money);
        if (ln->rate_scale)
            xu_text(s->ws, s->r, 5, decimal_format(ln->rate, ln->rate_scale, rate), s->b->right);
        xu_money(s->ws, s->r, 6, ln->amount, s->b->money);
        if (ln->kind == LINE_CREDIT)
            xu_text(s->ws, s->r, 7, s->l[L_CREDIT_NOTE], NULL);
        else if (ln->note)
            xu_text(s->ws, s->r, 7, note_explain(s->lang, ln->note, ln->note_months, note, sizeof(note)),
                    NULL);
        s->r++;
        if (ln->kind != LINE_CREDIT)
            total += ln->amount;
    }
    worksheet_write_string(s->ws, s->r, 0, s->l[L_TOTAL], s->b->bold);
    xu_money(s->ws, s->r++, 6, total, s->b->money_total);
}

static void agreement_sheet(xu_book_t *b, const month_t *m, const index_t *ix, int32_t a,
                            lang_t lang, bool draft)
{
    const agreement_t *ag = &m->master->agreements.v[a];
    char name[32];
    snprintf(name, sizeof(name), "%.31s", ag->id);
    sheet_t s = {.b = b, .ws = workbook_add_worksheet(b->wb, name), .m = m, .l = L[lang],
                 .lang = lang};
    static const double widths[] = {30, 22, 20, 18, 16, 12, 16, 36};
    xu_widths(s.ws, widths, 8);
    worksheet_set_landscape(s.ws);
    worksheet_fit_to_pages(s.ws, 1, 0);
    char pbuf[64];
    snprintf(pbuf, sizeof(pbuf), "%s %d", month_name(lang, period_month(m->period)),
             m->period / 12);
    worksheet_write_string(s.ws, s.r, 0, s.l[L_TITLE], b->title);
    if (draft)
        worksheet_write_string(s.ws, s.r, 2, s.l[L_DRAFT], b->title);
    s.r++;
    xu_text(s.ws, s.r++, 0, m->master->partners.v[ag->partner].name, b->bold);
    worksheet_write_string(s.ws, s.r, 0, s.l[L_PERIOD], NULL);
    worksheet_write_string(s.ws, s.r++, 1, pbuf, NULL);
    worksheet_write_string(s.ws, s.r, 0, s.l[L_AGREEMENT], NULL);
    xu_text(s.ws, s.r, 1, ag->id, NULL);
    xu_text(s.ws, s.r++, 2, legacy_names[ag->legacy], NULL);
    if (m->tiers[a].program >= 0) {
        worksheet_write_string(s.ws, s.r, 0, s.l[L_PROGRAM], NULL);
        xu_text(s.ws, s.r++, 1, m->book->programs.v[m->tiers[a].program].name, NULL);
    }
    write_payable(&s, a);
    write_tier(&s, a);
    write_commitments(&s, ix, a);
    write_points(&s, ix, a);
    write_lines(&s, ix, a);
}

static bool partner_active(const month_t *m, int32_t p)
{
    const master_t *ms = m->master;
    for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++) {
        int32_t a = ms->by_partner[k];
        if (m->payables[a].present || m->current[a].cash_lines || m->current[a].points ||
            m->current[a].by_kind[LINE_CREDIT])
            return true;
    }
    return false;
}

/* Up to this many detail rows a statement is built in memory (no temporary
 * files: ten thousand small statements write in a fraction of the time);
 * above it, constant-memory mode keeps memory flat. */
#define IN_MEMORY_ROWS 20000

static int64_t partner_rows(const month_t *m, const index_t *ix, int32_t p)
{
    const master_t *ms = m->master;
    int64_t rows = 0;
    for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++) {
        int32_t a = ms->by_partner[k];
        rows += ix->groups_of.first[a + 1] - ix->groups_of.first[a];
        rows += ix->lines_of.first[a + 1] - ix->lines_of.first[a];
        rows += ix->activities_of.first[a + 1] - ix->activities_of.first[a];
        rows += ix->commitments_of.first[a + 1] - ix->commitments_of.first[a] + 40;
    }
    return rows;
}

/* The statements of every partner p with p % step == first (two halves are
 * written at once on two threads; each file is its own workbook). */
typedef struct job {
    const month_t *m;
    const index_t *ix;
    const char *dir;
    bool draft;
    size_t first, step;
    int rc;
    char err[256];
} job_t;

static void *write_some(void *arg)
{
    job_t *j = arg;
    const month_t *m = j->m;
    const master_t *ms = m->master;
    for (size_t p = j->first; j->rc == 0 && p < ms->partners.n; p += j->step) {
        if (!partner_active(m, (int32_t)p))
            continue;
        const partner_t *pt = &ms->partners.v[p];
        size_t len = strlen(j->dir) + strlen(pt->id) + 8;
        char *path = malloc(len);
        if (!path)
            abort();
        snprintf(path, len, "%s/%s.xlsx", j->dir, pt->id);
        xu_book_t b;
        bool ok = xu_open(&b, path, m->period, L[pt->lang][L_TITLE],
                          partner_rows(m, j->ix, (int32_t)p) > IN_MEMORY_ROWS);
        free(path);
        if (!ok) {
            snprintf(j->err, sizeof(j->err), "%s: cannot create statement", pt->id);
            j->rc = -1;
            break;
        }
        for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++) {
            int32_t a = ms->by_partner[k];
            if (m->payables[a].present || m->current[a].by_kind[LINE_CREDIT] ||
                m->current[a].points)
                agreement_sheet(&b, m, j->ix, a, pt->lang, j->draft);
        }
        j->rc = xu_close(&b, j->err, sizeof(j->err));
    }
    return NULL;
}

int st_write_statements(const month_t *m, const char *dir, bool draft, char *err, size_t errlen)
{
    index_t ix = index_month(m);
    job_t jobs[2];
    for (size_t i = 0; i < 2; i++)
        jobs[i] = (job_t){.m = m, .ix = &ix, .dir = dir, .draft = draft, .first = i, .step = 2};
    pthread_t other;
    bool started = pthread_create(&other, NULL, write_some, &jobs[1]) == 0;
    write_some(&jobs[0]);
    if (started)
        pthread_join(other, NULL);
    else
        write_some(&jobs[1]);
    index_free(&ix);
    for (size_t i = 0; i < 2; i++)
        if (jobs[i].rc != 0) {
            snprintf(err, errlen, "%s", jobs[i].err);
            return -1;
        }
    return 0;
}
