/*
 * statements.c — one workbook per partner with activity in P, in the
 * partner's language (en/es): one sheet per agreement, side by side in one
 * file and never pooled. Each sheet: header, payable waterfall, tier and the
 * amount needed for the next one, commitment progress, marketplace points
 * and the non-cash credit, then the lines with revenue summed per service
 * and product.
 *
 * Build (month -> documents) and render (documents -> workbooks) are apart:
 * render reads nothing but the documents' bytes, so the ledger can keep them
 * and close can write the statements a run built.
 *
 * Scale: the month's rows are indexed by agreement once (residuals grouped
 * by agreement, service and product in one hash pass; other lines,
 * commitments and activities by a counting sort), so building every
 * document is linear in the month's rows, whatever the number of partners;
 * rendering is linear in the documents' size.
 *
 * The document, version 1. Integers are little-endian: u8, u16, u32, i32,
 * i64; str is a u32 byte count then the bytes (UTF-8, no NUL, no
 * terminator); rule is a str holding a rule code's name (codes.h rule_name,
 * "" for none); a date is an i32 day number (INT32_MAX: none).
 *   doc        "CMSD" u16 version (1), i32 period, str partner_id,
 *              str partner_name, str lang ("en" | "es"), u32 n, n agreement
 *   agreement  str id, str company (legacy), str currency,
 *              u8 has_program, and when 1: str program, u8 basis (basis_t),
 *                i64 basis_value, u8 has_tier, and when 1: str tier, rule tier_rule,
 *                  u8 has_next, and when 1: str next_tier, i64 threshold, i64 needed;
 *              i64 carried_in, 5 i64 by_kind (line_kind_t order), i64 earned,
 *              i64 balance, i64 paid, i64 carried_out, rule status, date due,
 *              i64 credit (non-cash, this period),
 *              u32 n, n commitment: str id, i64 amount, i64 retired_period,
 *                i64 retired_to_date, i64 remaining, i64 percent_hundredths, rule status
 *              u32 n, n activity: str id, str code, date, i64 points,
 *                i64 points_to_date, u8 awarded, rule rule
 *              u32 n, n group (residuals per service and product, in order):
 *                str service, str product, i64 rows, i64 basis, str rate,
 *                i64 amount, rule note
 *              u32 n, n line: u8 kind (line_kind_t), str source, str product,
 *                u8 has_basis, i64 basis, str rate ("" blank), i64 amount,
 *                rule note, i32 note_months
 * Money is cents. Any change to this layout bumps the version; render
 * refuses a version it does not know, a short or over-long document, and a
 * str holding a NUL.
 */
#include "statements.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labels.h"
#include "results.h"
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
    {"Residual", "Spiff", "Chargeback", "Adjustment", "Credit", "Restatement"},
    {"Residual", "Incentivo", "Reversión", "Ajuste", "Crédito", "Reexpresión"},
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


/* ---- build: the month -> one document per partner ------------------------------ */

#define DOC_MAGIC "CMSD"
#define DOC_VERSION 1

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
} wbuf_t;

static void put(wbuf_t *b, const void *x, size_t len)
{
    if (b->cap - b->n < len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->n < len)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->n, x, len);
    b->n += len;
}

static void put_le(wbuf_t *b, uint64_t v, int bytes)
{
    unsigned char x[8];
    for (int i = 0; i < bytes; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    put(b, x, (size_t)bytes);
}

static void put_u8(wbuf_t *b, unsigned v) { put_le(b, v, 1); }
static void put_u32(wbuf_t *b, uint32_t v) { put_le(b, v, 4); }
static void put_i32(wbuf_t *b, int32_t v) { put_le(b, (uint32_t)v, 4); }
static void put_i64(wbuf_t *b, int64_t v) { put_le(b, (uint64_t)v, 8); }

static void put_str(wbuf_t *b, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    put_u32(b, (uint32_t)len);
    put(b, s, len);
}

static void put_rule(wbuf_t *b, rule_code c)
{
    put_str(b, c != RULE_NONE ? rule_name(c) : "");
}

static void put_count(wbuf_t *b, const by_agreement_t *x, int32_t a)
{
    put_u32(b, (uint32_t)(x->first[a + 1] - x->first[a]));
}

static void build_agreement(wbuf_t *b, const month_t *m, const index_t *ix, int32_t a)
{
    const master_t *ms = m->master;
    const book_t *bk = m->book;
    const agreement_t *ag = &ms->agreements.v[a];
    const tier_state_t *t = &m->tiers[a];
    put_str(b, ag->id);
    put_str(b, legacy_names[ag->legacy]);
    put_str(b, ag->currency.code);
    put_u8(b, t->program >= 0);
    if (t->program >= 0) {
        const program_t *pg = &bk->programs.v[t->program];
        put_str(b, pg->name);
        put_u8(b, pg->basis);
        put_i64(b, t->basis_value);
        put_u8(b, t->tier != NULL);
        if (t->tier) {
            put_str(b, t->tier);
            put_rule(b, t->rule);
            int32_t next;
            int64_t needed;
            bool has_next = tiers_next_threshold(bk, t, &next, &needed);
            put_u8(b, has_next);
            if (has_next) {
                put_str(b, bk->tiers.v[next].tier);
                put_i64(b, bk->tiers.v[next].min_value);
                put_i64(b, needed);
            }
        }
    }
    const payable_t *p = &m->payables[a];
    put_i64(b, p->carried_in);
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        put_i64(b, p->by_kind[k]);
    put_i64(b, p->earned);
    put_i64(b, p->balance);
    put_i64(b, p->paid);
    put_i64(b, p->carried_out);
    put_rule(b, p->status);
    put_i32(b, p->due_date);
    put_i64(b, m->current[a].by_kind[LINE_CREDIT]);

    put_count(b, &ix->commitments_of, a);
    for (int32_t k = ix->commitments_of.first[a]; k < ix->commitments_of.first[a + 1]; k++) {
        const commitment_result_t *cr = &m->commitments.v[ix->commitments_of.items[k]];
        const commitment_t *cm = &ms->commitments.v[cr->commitment];
        put_str(b, cm->id);
        put_i64(b, cm->amount);
        put_i64(b, cr->retired_period);
        put_i64(b, cr->retired_to_date);
        put_i64(b, cr->remaining);
        put_i64(b, cr->percent_hundredths);
        put_rule(b, cr->status);
    }
    put_count(b, &ix->activities_of, a);
    for (int32_t k = ix->activities_of.first[a]; k < ix->activities_of.first[a + 1]; k++) {
        const activity_t *act = &m->activities.v[ix->activities_of.items[k]];
        put_str(b, act->id);
        put_str(b, act->activity_code);
        put_i32(b, act->activity_date);
        put_i64(b, act->points);
        put_i64(b, act->points_to_date);
        put_u8(b, act->status == STATUS_AWARDED);
        put_rule(b, act->rule);
    }
    char rate[MONEY_BUF];
    put_count(b, &ix->groups_of, a);
    for (int32_t k = ix->groups_of.first[a]; k < ix->groups_of.first[a + 1]; k++) {
        const group_t *g = &ix->groups[ix->groups_of.items[k]];
        put_str(b, group_service(m, g));
        put_str(b, ms->products.v[g->product].code);
        put_i64(b, g->rows);
        put_i64(b, g->basis);
        decimal_t pct = g->rate_row >= 0 ? bk->rates.v[g->rate_row].rate_pct : 0;
        put_str(b, decimal_format(pct, RATE_SCALE, rate));
        put_i64(b, g->amount);
        put_rule(b, (rule_code)g->note);
    }
    put_count(b, &ix->lines_of, a);
    for (int32_t k = ix->lines_of.first[a]; k < ix->lines_of.first[a + 1]; k++) {
        const line_t *ln = &m->lines.v[ix->lines_of.items[k]];
        put_u8(b, ln->kind);
        put_str(b, ln->source_id);
        put_str(b, ln->product >= 0 ? ms->products.v[ln->product].code : "");
        put_u8(b, ln->has_basis);
        put_i64(b, ln->has_basis ? ln->basis : 0);
        put_str(b, ln->rate_scale ? decimal_format(ln->rate, ln->rate_scale, rate) : "");
        put_i64(b, ln->amount);
        put_rule(b, ln->note);
        put_i32(b, ln->note_months);
    }
}

static bool agreement_shown(const month_t *m, int32_t a)
{
    return m->payables[a].present || m->current[a].by_kind[LINE_CREDIT] || m->current[a].points;
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

/* Partners by id, bytewise (the documents' order). */
static int partner_cmp(const void *x, const void *y, void *ctx)
{
    const partner_t *v = ctx;
    return strcmp(v[*(const int32_t *)x].id, v[*(const int32_t *)y].id);
}

int st_docs_build_each(const month_t *m, st_doc_sink sink, void *ctx, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    const master_t *ms = m->master;
    int32_t *order = malloc((ms->partners.n ? ms->partners.n : 1) * sizeof(*order));
    if (!order)
        abort();
    size_t np = 0;
    for (size_t p = 0; p < ms->partners.n; p++)
        if (partner_active(m, (int32_t)p))
            order[np++] = (int32_t)p;
    qsort_r(order, np, sizeof(*order), partner_cmp, (void *)ms->partners.v);
    index_t ix = index_month(m);
    int rc = 0;
    for (size_t i = 0; i < np && rc == 0; i++) {
        int32_t p = order[i];
        const partner_t *pt = &ms->partners.v[p];
        wbuf_t b = {0};
        put(&b, DOC_MAGIC, 4);
        put_le(&b, DOC_VERSION, 2);
        put_i32(&b, m->period);
        put_str(&b, pt->id);
        put_str(&b, pt->name);
        put_str(&b, lang_names[pt->lang]);
        uint32_t n = 0;
        for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++)
            n += agreement_shown(m, ms->by_partner[k]);
        put_u32(&b, n);
        for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++)
            if (agreement_shown(m, ms->by_partner[k]))
                build_agreement(&b, m, &ix, ms->by_partner[k]);
        rc = sink(ctx, pt->id, b.p, b.n);
        free(b.p);
    }
    index_free(&ix);
    free(order);
    return rc;
}

static int push_sink(void *ctx, const char *partner_id, const unsigned char *bytes, size_t len)
{
    st_docs_push(ctx, partner_id, bytes, len);
    return 0;
}

int st_docs_build(const month_t *m, st_docs_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    return st_docs_build_each(m, push_sink, out, err, errlen);
}

void st_docs_free(st_docs_t *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].partner_id);
        free(d->v[i].bytes);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

void st_docs_push(st_docs_t *d, const char *partner_id, const unsigned char *bytes, size_t len)
{
    if (d->n >= d->cap) { /* cap 0 with n > 0: v holds n malloc'd documents */
        d->cap = d->n < 32 ? 64 : d->n * 2;
        d->v = realloc(d->v, d->cap * sizeof(*d->v));
        if (!d->v)
            abort();
    }
    st_doc_t *x = &d->v[d->n++];
    x->partner_id = strdup(partner_id);
    x->bytes = malloc(len ? len : 1);
    if (!x->partner_id || !x->bytes)
        abort();
    if (len)
        memcpy(x->bytes, bytes, len);
    x->len = len;
}

/* ---- decode: bytes -> a document in memory --------------------------------------- */

typedef struct d_commitment {
    const char *id, *status;
    int64_t amount, retired_period, retired_to_date, remaining, percent_hundredths;
} d_commitment_t;

typedef struct d_activity {
    const char *id, *code, *rule;
    int32_t date;
    int64_t points, points_to_date;
    bool awarded;
} d_activity_t;

typedef struct d_group {
    const char *service, *product, *rate, *note;
    int64_t rows, basis, amount;
} d_group_t;

typedef struct d_line {
    int kind;
    bool has_basis;
    const char *source, *product, *rate, *note;
    int64_t basis, amount;
    int32_t note_months;
} d_line_t;

typedef struct d_agreement {
    const char *id, *company, *currency;
    bool has_program, has_tier, has_next;
    const char *program, *tier, *tier_rule, *next_tier;
    int basis;
    int64_t basis_value, threshold, needed;
    int64_t carried_in, by_kind[LINE_KIND_COUNT], earned, balance, paid, carried_out, credit;
    const char *status;
    int32_t due;
    uint32_t ncommitments, nactivities, ngroups, nlines;
    d_commitment_t *commitments;
    d_activity_t *activities;
    d_group_t *groups;
    d_line_t *lines;
} d_agreement_t;

typedef struct d_doc {
    arena_t arena; /* strings and arrays */
    period_t period;
    const char *partner_id, *partner_name;
    lang_t lang;
    uint32_t nagreements;
    d_agreement_t *agreements;
} d_doc_t;

typedef struct rbuf {
    const unsigned char *p, *end;
    arena_t *arena;
    const char *bad; /* the first problem, NULL while none */
} rbuf_t;

static uint64_t get_le(rbuf_t *r, int bytes)
{
    if (r->bad || r->end - r->p < bytes) {
        if (!r->bad)
            r->bad = "truncated";
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += bytes;
    return v;
}

static bool get_u8(rbuf_t *r) { return get_le(r, 1) != 0; }
static int get_byte(rbuf_t *r) { return (int)get_le(r, 1); }
static int32_t get_i32(rbuf_t *r) { return (int32_t)(uint32_t)get_le(r, 4); }
static int64_t get_i64(rbuf_t *r) { return (int64_t)get_le(r, 8); }

static const char *get_str(rbuf_t *r)
{
    uint64_t len = get_le(r, 4);
    if (r->bad)
        return "";
    if ((uint64_t)(r->end - r->p) < len) {
        r->bad = "truncated";
        return "";
    }
    if (memchr(r->p, 0, (size_t)len)) {
        r->bad = "a text holds a NUL byte";
        return "";
    }
    char *s = arena_strndup(r->arena, (const char *)r->p, (size_t)len);
    r->p += len;
    return s;
}

/* A count of items each at least min_bytes long: never more than the bytes left. */
static uint32_t get_count(rbuf_t *r, size_t min_bytes)
{
    uint32_t n = (uint32_t)get_le(r, 4);
    if (!r->bad && (uint64_t)n * min_bytes > (uint64_t)(r->end - r->p)) {
        r->bad = "a count exceeds the document";
        return 0;
    }
    return n;
}

static void *get_array(rbuf_t *r, uint32_t n, size_t size)
{
    return n ? arena_alloc(r->arena, (size_t)n * size) : NULL;
}

static void decode_agreement(rbuf_t *r, d_agreement_t *a)
{
    a->id = get_str(r);
    a->company = get_str(r);
    a->currency = get_str(r);
    a->has_program = get_u8(r);
    if (a->has_program) {
        a->program = get_str(r);
        a->basis = get_byte(r);
        a->basis_value = get_i64(r);
        a->has_tier = get_u8(r);
        if (a->has_tier) {
            a->tier = get_str(r);
            a->tier_rule = get_str(r);
            a->has_next = get_u8(r);
            if (a->has_next) {
                a->next_tier = get_str(r);
                a->threshold = get_i64(r);
                a->needed = get_i64(r);
            }
        }
    }
    a->carried_in = get_i64(r);
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        a->by_kind[k] = get_i64(r);
    a->earned = get_i64(r);
    a->balance = get_i64(r);
    a->paid = get_i64(r);
    a->carried_out = get_i64(r);
    a->status = get_str(r);
    a->due = get_i32(r);
    a->credit = get_i64(r);
    a->ncommitments = get_count(r, 4 + 5 * 8 + 4);
    a->commitments = get_array(r, a->ncommitments, sizeof(*a->commitments));
    for (uint32_t i = 0; i < a->ncommitments && !r->bad; i++) {
        d_commitment_t *c = &a->commitments[i];
        c->id = get_str(r);
        c->amount = get_i64(r);
        c->retired_period = get_i64(r);
        c->retired_to_date = get_i64(r);
        c->remaining = get_i64(r);
        c->percent_hundredths = get_i64(r);
        c->status = get_str(r);
    }
    a->nactivities = get_count(r, 4 + 4 + 4 + 16 + 1 + 4);
    a->activities = get_array(r, a->nactivities, sizeof(*a->activities));
    for (uint32_t i = 0; i < a->nactivities && !r->bad; i++) {
        d_activity_t *c = &a->activities[i];
        c->id = get_str(r);
        c->code = get_str(r);
        c->date = get_i32(r);
        c->points = get_i64(r);
        c->points_to_date = get_i64(r);
        c->awarded = get_u8(r);
        c->rule = get_str(r);
    }
    a->ngroups = get_count(r, 4 + 4 + 16 + 4 + 8 + 4);
    a->groups = get_array(r, a->ngroups, sizeof(*a->groups));
    for (uint32_t i = 0; i < a->ngroups && !r->bad; i++) {
        d_group_t *g = &a->groups[i];
        g->service = get_str(r);
        g->product = get_str(r);
        g->rows = get_i64(r);
        g->basis = get_i64(r);
        g->rate = get_str(r);
        g->amount = get_i64(r);
        g->note = get_str(r);
    }
    a->nlines = get_count(r, 1 + 4 + 4 + 1 + 8 + 4 + 8 + 4 + 4);
    a->lines = get_array(r, a->nlines, sizeof(*a->lines));
    for (uint32_t i = 0; i < a->nlines && !r->bad; i++) {
        d_line_t *l = &a->lines[i];
        l->kind = get_byte(r);
        if (l->kind >= LINE_KIND_COUNT && !r->bad)
            r->bad = "unknown line kind";
        l->source = get_str(r);
        l->product = get_str(r);
        l->has_basis = get_u8(r);
        l->basis = get_i64(r);
        l->rate = get_str(r);
        l->amount = get_i64(r);
        l->note = get_str(r);
        l->note_months = get_i32(r);
    }
}

/* Decode d into x (released by arena_release(&x->arena) even on failure);
 * NULL, or what is wrong with the bytes. */
static const char *decode_doc(const st_doc_t *d, d_doc_t *x)
{
    memset(x, 0, sizeof(*x));
    rbuf_t r = {d->bytes, d->bytes + d->len, &x->arena, NULL};
    if (d->len < 6 || memcmp(d->bytes, DOC_MAGIC, 4) != 0)
        return "not a statement document";
    r.p += 4;
    if (get_le(&r, 2) != DOC_VERSION)
        return "a statement document of another version";
    x->period = get_i32(&r);
    x->partner_id = get_str(&r);
    x->partner_name = get_str(&r);
    const char *lang = get_str(&r);
    x->lang = LANG_COUNT;
    for (int l = 0; l < LANG_COUNT; l++)
        if (strcmp(lang, lang_names[l]) == 0)
            x->lang = (lang_t)l;
    if (x->lang == LANG_COUNT && !r.bad)
        r.bad = "unknown language";
    /* the shortest agreement: 3 str, has_program, 10 i64 of the payable,
     * status, due, credit and 4 counts */
    x->nagreements = get_count(&r, 3 * 4 + 1 + 10 * 8 + 4 + 4 + 8 + 4 * 4);
    x->agreements = get_array(&r, x->nagreements, sizeof(*x->agreements));
    for (uint32_t i = 0; i < x->nagreements && !r.bad; i++)
        decode_agreement(&r, &x->agreements[i]);
    if (!r.bad && r.p != r.end)
        r.bad = "bytes after the end";
    if (!r.bad && strcmp(x->partner_id, d->partner_id) != 0)
        r.bad = "its partner id differs from the one it is filed under";
    if (!r.bad && (x->period < 1900 * 12 || x->period > 9999 * 12 + 11))
        r.bad = "bad period";
    return r.bad;
}

/* ---- names (statements.h: the name mappings) -------------------------------------- */

/* Lower-cased copy of s in the arena, length len. */
static const char *lower_key(arena_t *a, const char *s, size_t len)
{
    char *k = arena_strndup(a, s, len);
    for (size_t i = 0; i < len; i++)
        if (k[i] >= 'A' && k[i] <= 'Z')
            k[i] = (char)(k[i] - 'A' + 'a');
    return k;
}

static bool name_used(const strmap_t *used, arena_t *a, const char *s)
{
    size_t len = strlen(s);
    return strmap_get(used, lower_key(a, s, len), len) >= 0;
}

static void name_take(strmap_t *used, arena_t *a, const char *s)
{
    size_t len = strlen(s);
    strmap_put(used, lower_key(a, s, len), len, 0);
}

static bool device_name(const char *s)
{
    static const char *const dev[] = {"con", "prn", "aux", "nul"};
    size_t n = strcspn(s, ".");
    char k[5];
    if (n < 3 || n > 4)
        return false;
    for (size_t i = 0; i < n; i++)
        k[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    k[n] = 0;
    if (n == 3) {
        for (size_t i = 0; i < 4; i++)
            if (memcmp(k, dev[i], 3) == 0)
                return true;
        return false;
    }
    return (memcmp(k, "com", 3) == 0 || memcmp(k, "lpt", 3) == 0) && k[3] >= '1' && k[3] <= '9';
}

#define FILE_ID_MAX 64 /* SPEC §2: ids are 1-64 characters */

/* The statement file name of partner_id (without ".xlsx"): see statements.h.
 * out holds 4 * FILE_ID_MAX bytes; false when the id is empty or too long. */
static bool file_name(const char *id, strmap_t *used, arena_t *a, char *out)
{
    size_t len = strlen(id);
    if (len == 0 || len > FILE_ID_MAX)
        return false;
    bool dev = device_name(id);
    char *o = out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || ((c == '.' || c == '-') && i > 0);
        if (keep && !(i == 0 && dev))
            *o++ = (char)c;
        else
            o += sprintf(o, "~%02X", c);
    }
    *o = 0;
    if (name_used(used, a, out)) {
        char *end = o;
        for (unsigned n = 2;; n++) {
            sprintf(end, "~%u", n);
            if (!name_used(used, a, out))
                break;
        }
    }
    name_take(used, a, out);
    return true;
}

#define SHEET_NAME_MAX 31

/* The sheet name of an agreement id: see statements.h. out holds 32 bytes. */
static void sheet_name(const char *id, strmap_t *used, arena_t *a, char *out)
{
    size_t n = 0;
    for (const char *p = id; *p && n < SHEET_NAME_MAX; p++) {
        unsigned char c = (unsigned char)*p;
        out[n++] = c < 0x20 || c > 0x7E || strchr(":\\/?*[]", c) ? '_' : (char)c;
    }
    if (n == 0)
        out[n++] = '_';
    out[n] = 0;
    if (out[0] == '\'')
        out[0] = '_';
    if (out[n - 1] == '\'')
        out[n - 1] = '_';
    if (name_used(used, a, out) || strcmp(lower_key(a, out, n), "history") == 0) {
        char base[SHEET_NAME_MAX + 1], suffix[16];
        memcpy(base, out, n + 1);
        for (unsigned k = 2;; k++) {
            int sl = snprintf(suffix, sizeof(suffix), "~%u", k);
            size_t keep = n + (size_t)sl <= SHEET_NAME_MAX ? n : SHEET_NAME_MAX - (size_t)sl;
            memcpy(out, base, keep);
            memcpy(out + keep, suffix, (size_t)sl + 1);
            if (!name_used(used, a, out))
                break;
        }
    }
    name_take(used, a, out);
}

/* ---- render: one document -> one workbook ------------------------------------------ */

typedef struct sheet {
    xu_book_t *b;
    lxw_worksheet *ws;
    const char *const *l;
    lang_t lang;
    lxw_row_t r;
    lxw_error e; /* the first write error */
} sheet_t;

/* Record the first libxlsxwriter error of the sheet. */
static void chk(sheet_t *s, lxw_error e)
{
    if (e != LXW_NO_ERROR && s->e == LXW_NO_ERROR)
        s->e = e;
}

static void s_str(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    chk(s, worksheet_write_string(s->ws, r, c, text, f));
}

static void s_text(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    chk(s, xu_text(s->ws, r, c, text, f));
}

static void s_money(sheet_t *s, lxw_row_t r, lxw_col_t c, money_t v, lxw_format *f)
{
    chk(s, xu_money(s->ws, r, c, v, f));
}

static void s_int(sheet_t *s, lxw_row_t r, lxw_col_t c, int64_t v)
{
    chk(s, worksheet_write_number(s->ws, r, c, (double)v, s->b->integer));
}

/* A rule's explanation; a name this build does not know is shown as it is. */
static const char *explain(const sheet_t *s, const char *rule)
{
    if (!*rule)
        return "";
    rule_code c = rule_from_name(rule);
    return c != RULE_NONE ? rule_explain(s->lang, c) : rule;
}

static void label_money(sheet_t *s, const char *label, money_t v, lxw_format *f)
{
    s_str(s, s->r, 0, label, f);
    s_money(s, s->r++, 1, v, f == s->b->bold ? s->b->money_total : s->b->money);
}

static void section(sheet_t *s, const char *title)
{
    s->r++;
    s_str(s, s->r++, 0, title, s->b->section);
}

/* A table header; columns from first_num to last_num hold numbers. */
static void header_row(sheet_t *s, const char *const *h, int n, int first_num, int last_num)
{
    for (int i = 0; i < n; i++)
        s_str(s, s->r, (lxw_col_t)i, h[i],
              i >= first_num && i <= last_num ? s->b->header_num : s->b->header);
    s->r++;
}

/* A basis value: money for revenue programs, a count of points otherwise. */
static void basis_cell(sheet_t *s, lxw_col_t c, const d_agreement_t *a, int64_t v)
{
    if (a->basis == BASIS_REVENUE)
        s_money(s, s->r, c, v, s->b->money);
    else
        s_int(s, s->r, c, v);
}

static void write_payable(sheet_t *s, const d_agreement_t *a)
{
    section(s, s->l[L_PAYABLE]);
    label_money(s, s->l[L_CARRIED_IN], a->carried_in, NULL);
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        if (k != LINE_CREDIT && (k != LINE_RESTATEMENT || a->by_kind[k]))
            label_money(s, kind_label[s->lang][k], a->by_kind[k], NULL);
    label_money(s, s->l[L_EARNED], a->earned, NULL);
    label_money(s, s->l[L_BALANCE], a->balance, NULL);
    label_money(s, s->l[L_PAID], a->paid, s->b->bold);
    label_money(s, s->l[L_CARRIED_OUT], a->carried_out, NULL);
    s_str(s, s->r, 0, s->l[L_STATUS], NULL);
    s_text(s, s->r++, 1, explain(s, a->status), NULL);
    if (a->due != DATE_NONE) {
        s_str(s, s->r, 0, s->l[L_DUE], NULL);
        chk(s, xu_date(s->ws, s->r++, 1, a->due, s->b->date));
    }
}

static void write_tier(sheet_t *s, const d_agreement_t *a)
{
    if (!a->has_program || !a->has_tier)
        return;
    section(s, s->l[L_TIER_SECTION]);
    s_str(s, s->r, 0, s->l[L_TIER], NULL);
    s_text(s, s->r, 1, a->tier, s->b->bold);
    s_text(s, s->r++, 2, explain(s, a->tier_rule), NULL);
    s_str(s, s->r, 0, s->l[L_BASIS_VALUE], NULL);
    basis_cell(s, 1, a, a->basis_value);
    s->r++;
    if (a->has_next) {
        s_str(s, s->r, 0, s->l[L_NEXT_TIER], NULL);
        s_text(s, s->r++, 1, a->next_tier, NULL);
        s_str(s, s->r, 0, s->l[L_THRESHOLD], NULL);
        basis_cell(s, 1, a, a->threshold);
        s->r++;
        s_str(s, s->r, 0, s->l[L_NEEDED], s->b->bold);
        basis_cell(s, 1, a, a->needed);
        s->r++;
    } else {
        s_str(s, s->r++, 0, s->l[L_TOP_TIER], NULL);
    }
}

static void write_commitments(sheet_t *s, const d_agreement_t *a)
{
    if (!a->ncommitments)
        return;
    section(s, s->l[L_COMMITMENTS]);
    const char *h[] = {s->l[L_COMMITMENT], s->l[L_AMOUNT_DUE], s->l[L_RETIRED], s->l[L_TO_DATE],
                       s->l[L_REMAINING], s->l[L_PERCENT], s->l[L_STATUS]};
    header_row(s, h, 7, 1, 5);
    for (uint32_t k = 0; k < a->ncommitments; k++) {
        const d_commitment_t *c = &a->commitments[k];
        s_text(s, s->r, 0, c->id, NULL);
        s_money(s, s->r, 1, c->amount, s->b->money);
        s_money(s, s->r, 2, c->retired_period, s->b->money);
        s_money(s, s->r, 3, c->retired_to_date, s->b->money);
        s_money(s, s->r, 4, c->remaining, s->b->money);
        chk(s, xu_percent(s->ws, s->r, 5, c->percent_hundredths, s->b->percent));
        s_text(s, s->r++, 6, explain(s, c->status), NULL);
    }
}

static void write_points(sheet_t *s, const d_agreement_t *a)
{
    bool points_program = a->has_program && a->basis == BASIS_POINTS;
    if (!a->nactivities && !points_program && !a->credit)
        return;
    section(s, s->l[L_POINTS_SECTION]);
    if (points_program) {
        s_str(s, s->r, 0, s->l[L_POINTS_TO_DATE], NULL);
        s_int(s, s->r++, 1, a->basis_value);
    }
    if (a->credit) {
        s_str(s, s->r, 0, s->l[L_CREDIT], NULL);
        s_money(s, s->r, 1, a->credit, s->b->money);
        s_str(s, s->r++, 2, s->l[L_CREDIT_NOTE], NULL);
    }
    if (!a->nactivities)
        return;
    const char *h[] = {s->l[L_ACTIVITY], s->l[L_CODE], s->l[L_DATE], s->l[L_POINTS],
                       s->l[L_POINTS_TO_DATE], s->l[L_RESULT]};
    header_row(s, h, 6, 3, 4);
    for (uint32_t k = 0; k < a->nactivities; k++) {
        const d_activity_t *act = &a->activities[k];
        s_text(s, s->r, 0, act->id, NULL);
        s_text(s, s->r, 1, act->code, NULL);
        chk(s, xu_date(s->ws, s->r, 2, act->date, s->b->date));
        s_int(s, s->r, 3, act->points);
        s_int(s, s->r, 4, act->points_to_date);
        const char *st = status_label[s->lang][act->awarded ? 0 : 1];
        const char *why = explain(s, act->rule);
        size_t len = strlen(st) + strlen(why) + 3;
        char *result = malloc(len);
        if (!result)
            abort();
        snprintf(result, len, "%s: %s", st, why);
        s_text(s, s->r++, 5, result, NULL);
        free(result);
    }
}

static void write_lines(sheet_t *s, const d_agreement_t *a)
{
    section(s, s->l[L_LINES]);
    const char *h[] = {s->l[L_KIND], s->l[L_SOURCE], s->l[L_PRODUCT], s->l[L_ROWS],
                       s->l[L_BASIS], s->l[L_RATE], s->l[L_AMOUNT], s->l[L_NOTE]};
    header_row(s, h, 8, 3, 6);
    money_t total = 0;
    char note[64];
    for (uint32_t k = 0; k < a->ngroups; k++) {
        const d_group_t *g = &a->groups[k];
        s_text(s, s->r, 0, kind_label[s->lang][LINE_RESIDUAL], NULL);
        s_text(s, s->r, 1, g->service, NULL);
        s_text(s, s->r, 2, g->product, NULL);
        s_int(s, s->r, 3, g->rows);
        s_money(s, s->r, 4, g->basis, s->b->money);
        s_text(s, s->r, 5, g->rate, s->b->right);
        s_money(s, s->r, 6, g->amount, s->b->money);
        s_text(s, s->r, 7, explain(s, g->note), NULL);
        s->r++;
        total += g->amount;
    }
    for (uint32_t k = 0; k < a->nlines; k++) {
        const d_line_t *ln = &a->lines[k];
        s_text(s, s->r, 0, kind_label[s->lang][ln->kind], NULL);
        s_text(s, s->r, 1, ln->source, NULL);
        s_text(s, s->r, 2, ln->product, NULL);
        if (ln->has_basis)
            s_money(s, s->r, 4, ln->basis, s->b->money);
        s_text(s, s->r, 5, ln->rate, s->b->right);
        s_money(s, s->r, 6, ln->amount, s->b->money);
        if (ln->kind == LINE_CREDIT) {
            s_str(s, s->r, 7, s->l[L_CREDIT_NOTE], NULL);
        } else if (*ln->note) {
            rule_code c = rule_from_name(ln->note);
            s_text(s, s->r, 7,
                   c != RULE_NONE ? note_explain(s->lang, c, ln->note_months, note, sizeof(note))
                                  : ln->note,
                   NULL);
        }
        s->r++;
        if (ln->kind != LINE_CREDIT)
            total += ln->amount;
    }
    s_str(s, s->r, 0, s->l[L_TOTAL], s->b->bold);
    s_money(s, s->r++, 6, total, s->b->money_total);
}

/* One agreement's sheet; 0, or -1 with the reason in err. */
static int agreement_sheet(xu_book_t *b, const d_doc_t *d, const d_agreement_t *a, bool draft,
                           strmap_t *used, arena_t *names, char *err, size_t errlen)
{
    char name[SHEET_NAME_MAX + 1];
    sheet_name(a->id, used, names, name);
    sheet_t s = {.b = b, .ws = xu_add_sheet(b, name), .l = L[d->lang], .lang = d->lang};
    if (!s.ws) {
        snprintf(err, errlen, "agreement %s: %s", a->id, b->failed);
        return -1;
    }
    static const double widths[] = {30, 22, 20, 18, 16, 12, 16, 36};
    xu_widths(s.ws, widths, 8);
    worksheet_set_landscape(s.ws);
    worksheet_fit_to_pages(s.ws, 1, 0);
    char pbuf[64];
    snprintf(pbuf, sizeof(pbuf), "%s %d", month_name(d->lang, period_month(d->period)),
             d->period / 12);
    s_str(&s, s.r, 0, s.l[L_TITLE], b->title);
    if (draft)
        s_str(&s, s.r, 2, s.l[L_DRAFT], b->title);
    s.r++;
    s_text(&s, s.r++, 0, d->partner_name, b->bold);
    s_str(&s, s.r, 0, s.l[L_PERIOD], NULL);
    s_str(&s, s.r++, 1, pbuf, NULL);
    s_str(&s, s.r, 0, s.l[L_AGREEMENT], NULL);
    s_text(&s, s.r, 1, a->id, NULL);
    s_text(&s, s.r++, 2, a->company, NULL);
    if (a->has_program) {
        s_str(&s, s.r, 0, s.l[L_PROGRAM], NULL);
        s_text(&s, s.r++, 1, a->program, NULL);
    }
    write_payable(&s, a);
    write_tier(&s, a);
    write_commitments(&s, a);
    write_points(&s, a);
    write_lines(&s, a);
    if (s.e != LXW_NO_ERROR) {
        snprintf(err, errlen, "agreement %s, sheet %s: %s", a->id, name, lxw_strerror(s.e));
        return -1;
    }
    return 0;
}

/* Up to this many detail rows a statement is built in memory (no temporary
 * files: ten thousand small statements write in a fraction of the time);
 * above it, constant-memory mode keeps memory flat. */
#define IN_MEMORY_ROWS 20000

static int64_t doc_rows(const d_doc_t *d)
{
    int64_t rows = 0;
    for (uint32_t i = 0; i < d->nagreements; i++) {
        const d_agreement_t *a = &d->agreements[i];
        rows += (int64_t)a->ngroups + a->nlines + a->nactivities + a->ncommitments + 40;
    }
    return rows;
}

/* Render one document into path; 0, or -1 with a message naming the file. */
static int render_one(const st_doc_t *doc, const char *path, bool draft, char *err, size_t errlen)
{
    d_doc_t d;
    const char *bad = decode_doc(doc, &d);
    if (bad) {
        snprintf(err, errlen, "%s: the statement document of partner %s is unusable: %s", path,
                 doc->partner_id, bad);
        arena_release(&d.arena);
        return -1;
    }
    if (xu_create(path, err, errlen) != 0) {
        arena_release(&d.arena);
        return -1;
    }
    xu_book_t b;
    errno = 0;
    if (!xu_open(&b, path, d.period, L[d.lang][L_TITLE], doc_rows(&d) > IN_MEMORY_ROWS)) {
        snprintf(err, errlen, "%s: cannot create the workbook%s%s", path, errno ? ": " : "",
                 errno ? strerror(errno) : "");
        arena_release(&d.arena);
        return -1;
    }
    arena_t names = {0};
    strmap_t used = {0};
    char why[512];
    int rc = 0;
    for (uint32_t i = 0; i < d.nagreements && rc == 0; i++) {
        rc = agreement_sheet(&b, &d, &d.agreements[i], draft, &used, &names, why, sizeof(why));
    }
    strmap_free(&used);
    arena_release(&names);
    char msg[512];
    if (xu_close(&b, msg, sizeof(msg)) != 0 && rc == 0) {
        snprintf(why, sizeof(why), "%s", msg);
        rc = -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        unlink(path);
    }
    arena_release(&d.arena);
    return rc;
}

/* The statements of documents first, first + step, ... (two halves are
 * written at once on two threads; each file is its own workbook). */
typedef struct job {
    const st_docs_t *docs;
    char *const *paths;
    bool draft;
    size_t first, step;
    size_t failed; /* the document that failed (rc != 0) */
    int rc;
    char err[1024];
} job_t;

static void *render_some(void *arg)
{
    job_t *j = arg;
    for (size_t i = j->first; j->rc == 0 && i < j->docs->n; i += j->step) {
        j->rc = render_one(&j->docs->v[i], j->paths[i], j->draft, j->err, sizeof(j->err));
        j->failed = i;
    }
    return NULL;
}

/* index.csv: partner_id,file for every document, in their order. */
static int write_index(const st_docs_t *d, const char *dir, char *const *files, char *err,
                       size_t errlen)
{
    size_t len = strlen(dir) + 16;
    char *path = malloc(len);
    if (!path)
        abort();
    snprintf(path, len, "%s/index.csv", dir);
    int rc = xu_create(path, err, errlen);
    FILE *f = rc == 0 ? fopen(path, "w") : NULL;
    if (rc == 0 && !f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (f) {
        fputs("partner_id,file\n", f);
        for (size_t i = 0; i < d->n; i++) {
            results_csv_field(f, d->v[i].partner_id);
            fputc(',', f);
            results_csv_field(f, files[i]);
            fputc('\n', f);
        }
        bool bad = ferror(f) != 0;
        int e = errno;
        if (fclose(f) != 0) {
            bad = true;
            e = errno;
        }
        if (bad) {
            snprintf(err, errlen, "%s: %s", path, strerror(e));
            rc = -1;
        }
    }
    free(path);
    return rc;
}

int st_docs_render(const st_docs_t *d, const char *dir, bool draft, char *err, size_t errlen)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", dir, errno ? strerror(errno) : "not a folder");
        return -1;
    }
    /* names first, in document order (a clash's suffix depends on it) */
    char **files = calloc(d->n + 1, sizeof(*files)), **paths = calloc(d->n + 1, sizeof(*paths));
    if (!files || !paths)
        abort();
    arena_t names = {0};
    strmap_t used = {0};
    int rc = 0;
    size_t dirlen = strlen(dir);
    for (size_t i = 0; i < d->n && rc == 0; i++) {
        char name[4 * FILE_ID_MAX + 16];
        if (!file_name(d->v[i].partner_id, &used, &names, name)) {
            snprintf(err, errlen,
                     "%s: partner id '%.80s' is not 1-%d characters: no statement file name", dir,
                     d->v[i].partner_id, FILE_ID_MAX);
            rc = -1;
            break;
        }
        size_t len = strlen(name) + 6;
        files[i] = malloc(len);
        paths[i] = malloc(dirlen + len + 1);
        if (!files[i] || !paths[i])
            abort();
        snprintf(files[i], len, "%s.xlsx", name);
        snprintf(paths[i], dirlen + len + 1, "%s/%s", dir, files[i]);
    }
    strmap_free(&used);
    arena_release(&names);
    if (rc == 0) {
        job_t jobs[2];
        for (size_t i = 0; i < 2; i++)
            jobs[i] = (job_t){.docs = d, .paths = paths, .draft = draft, .first = i, .step = 2};
        pthread_t other;
        bool started = pthread_create(&other, NULL, render_some, &jobs[1]) == 0;
        render_some(&jobs[0]);
        if (started)
            pthread_join(other, NULL);
        else
            render_some(&jobs[1]);
        /* the first failing document in order, whichever thread met it */
        const job_t *bad = NULL;
        for (size_t i = 0; i < 2; i++)
            if (jobs[i].rc != 0 && (!bad || jobs[i].failed < bad->failed))
                bad = &jobs[i];
        if (bad) {
            snprintf(err, errlen, "%s", bad->err);
            rc = -1;
        }
    }
    if (rc == 0)
        rc = write_index(d, dir, files, err, errlen);
    for (size_t i = 0; i < d->n; i++) {
        free(files[i]);
        free(paths[i]);
    }
    free(files);
    free(paths);
    return rc;
}

int st_write_statements(const month_t *m, const char *dir, bool draft, char *err, size_t errlen)
{
    st_docs_t docs;
    int rc = st_docs_build(m, &docs, err, errlen);
    if (rc == 0)
        rc = st_docs_render(&docs, dir, draft, err, errlen);
    st_docs_free(&docs);
    return rc;
}
