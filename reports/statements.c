/*
 * statements.c — one workbook per partner with activity in P, in the
 * partner's language (en/es): one sheet per agreement, side by side in one
 * file and never pooled. Each sheet, every money block naming its currency:
 * header and payment line, payable waterfall, tier guidance (the next
 * review, its program, thresholds and basis), commitments, marketplace
 * points and the non-cash credit, residuals summed per service and product,
 * spiffs, chargebacks, adjustments, the partner's held items of P (first
 * sheet) and the last ST_HISTORY_PERIODS periods as a table whose earned
 * and paid columns carry data bars (a small chart inside the cells).
 * Printed: landscape, one page wide, header and footer naming partner,
 * period and page x of y; a draft says so in the page header and a banner.
 *
 * Build (month -> documents) and render (documents -> workbooks) are apart:
 * render reads nothing but the documents' bytes, so the ledger can keep them
 * and close can write the statements a run built. Text is never cut: every
 * text a sheet shows is composed in an arena, no fixed-size buffer.
 *
 * Scale: the month's rows are indexed by agreement once (residuals grouped
 * by agreement, service and product in one hash pass; other lines,
 * commitments and activities by a counting sort; held items by partner), so
 * building every document is linear in the month's rows, whatever the
 * number of partners; rendering is linear in the documents' size.
 *
 * The document, version 2. Integers are little-endian: u8, u16, u32, i32,
 * i64; str is a u32 byte count then the bytes (UTF-8, no NUL, no
 * terminator); rule is a str holding a rule code's name (codes.h rule_name,
 * "" for none); a date is an i32 day number (INT32_MAX: none); a rate is
 * i64 digits then u8 scale (value = digits / 10^scale; scale 0 with digits
 * 0: blank).
 *   doc        "CMSD" u16 version (2), i32 period, str partner_id,
 *              str partner_name, str lang ("en" | "es"),
 *              u32 n, n held, u32 n, n agreement
 *   held       (the partner's orders first delivered in P that are held or
 *              rejected, by order id; then its held revenue per service)
 *              u8 what (0 order, 1 revenue), str id (order / service),
 *              str product, u8 status (0 held, 1 rejected), i64 amount
 *              (order: MRC; revenue: the sum), i64 rows, str currency, rule rule
 *   agreement  str id, str company (legacy), str currency,
 *              tier, payable, commitments, activities, groups, lines, history
 *   tier       u8 has_tier, and when 1: str program, str tier, rule tier_rule;
 *              u8 has_review, and when 1: i32 review_period, str review_program,
 *                u8 program_changes, u8 frozen, u8 points, i32 window_from,
 *                i64 basis_to_date, u32 n, n str combined agreement id,
 *                str from_tier, str decided_tier ("" none), u8 can_promote,
 *                and when 1: str next_tier, i64 threshold, i64 needed;
 *                u32 n, n threshold of review_program by rank: str tier, i64 min
 *   payable    i64 carried_in, 5 i64 by_kind (line_kind_t order), i64 earned,
 *              i64 balance, i64 paid, i64 carried_out, rule status, date due,
 *              i64 credit (non-cash, this period)
 *   commitment u32 n, n: str id, i64 amount, i64 retired_period,
 *              i64 retired_to_date, i64 remaining, i64 percent_hundredths, rule status
 *   activity   u32 n, n: str id, str code, str name_en, str name_es (the
 *              book's names, "" none), date, i64 points, i64 points_to_date,
 *              u8 awarded, rule rule
 *   group      u32 n, n (residuals per service and product, in order):
 *              str service, str product, i64 rows, i64 basis, rate, i64 amount, rule note
 *   line       u32 n, n: u8 kind (line_kind_t), str source, str product,
 *              u8 has_basis, i64 basis, rate, i64 amount, rule note,
 *              i32 note_months, str order (chargeback: the order whose spiff
 *              is reversed), i32 term_months (chargeback: that order's term),
 *              str reason, str entered_by, str approved_by, date approved_on
 *              (adjustment; "" / none otherwise)
 *   history    u32 n, n (oldest first, P last): i32 period, 5 i64 by_kind,
 *              u8 has_payable, i64 earned, i64 paid, i64 carried_out, str tier
 * Money is cents. Any change to this layout bumps the version; render
 * refuses a version it does not know, a short or over-long document, and a
 * str holding a NUL.
 */
#include "statements.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
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

/* Labels of the sheet, per language. Spanish as a Latin American finance
 * team writes it. */
enum { L_TITLE, L_PERIOD, L_AGREEMENT, L_PROGRAM, L_CURRENCY, L_CURRENCY_NOTE, L_PAYABLE,
       L_CARRIED_IN, L_EARNED, L_BALANCE, L_PAID, L_CARRIED_OUT, L_STATUS, L_PAYMENT,
       L_PAYMENT_NONE, L_DUE, L_TIER_SECTION, L_TIER, L_NEXT_REVIEW, L_REVIEW_AT,
       L_REVIEW_PROGRAM, L_PROGRAM_CHANGES, L_THRESHOLDS, L_MIN_VALUE, L_BASIS_WINDOW,
       L_BASIS_POINTS, L_COMBINED, L_BASIS_TO_DATE, L_NEXT_TIER, L_NEEDED, L_DECIDED,
       L_FROZEN, L_TOP_TIER, L_NO_REVIEW, L_COMMITMENTS, L_COMMITMENT, L_AMOUNT_DUE,
       L_RETIRED, L_TO_DATE, L_REMAINING, L_PERCENT, L_POINTS_SECTION, L_POINTS_TO_DATE,
       L_ACTIVITY, L_CODE, L_DATE, L_POINTS, L_RESULT, L_CREDIT, L_CREDIT_NOTE, L_RESIDUALS,
       L_SERVICE, L_PRODUCT, L_ROWS, L_REVENUE, L_RATE, L_AMOUNT, L_NOTE, L_TOTAL,
       L_SPIFFS, L_ORDER, L_MRC, L_MULTIPLE, L_CHARGEBACKS, L_DISCONNECT, L_REVERSED,
       L_SPIFF_PAID, L_SERVED, L_ADJUSTMENTS, L_ADJUSTMENT, L_REASON, L_ENTERED_BY,
       L_APPROVED_BY, L_APPROVED_ON, L_HELD, L_HELD_NOTE, L_ITEM, L_HELD_ORDER,
       L_HELD_REVENUE, L_WHY, L_RESOLVE, L_HISTORY, L_EARNED_TOTAL, L_DRAFT, L_DRAFT_BANNER,
       L_PAGE, L_NONE_HELD, L_COUNT };
static const char *const L[LANG_COUNT][L_COUNT] = {
    {"Commission statement", "Period", "Agreement", "Program", "Currency",
     "All amounts on this sheet are in", "Payable", "Carried in from last period",
     "Earned this period", "Balance", "Paid", "Carried to next period", "Status", "Payment",
     "No payment this period", "Due date", "Tier", "Tier in effect", "Next tier review",
     "At the end of", "Under the program", "The program changes at this review",
     "Thresholds of that program", "From", "Revenue counted", "Points counted",
     "Combined basis: adds up the revenue of", "Counted so far", "Next tier", "Still needed",
     "This review placed, from the next period", "Tiers are frozen at this review",
     "Top tier of the program: no higher tier", "No review scheduled", "Commitments",
     "Commitment", "Committed", "Counted this period", "Counted to date", "Remaining",
     "Percent", "Marketplace points", "Points to date", "Activity", "Code", "Date", "Points",
     "Result", "Integration credit (non-cash)", "shown for information, never paid",
     "Residuals", "Service", "Product", "Rows", "Revenue", "Rate %", "Amount", "Note", "Total",
     "Spiffs", "Order", "MRC", "Multiple of MRC", "Chargebacks", "Disconnect order",
     "Order whose spiff is reversed", "Spiff paid", "Months served of the term",
     "Adjustments", "Adjustment", "Reason", "Entered by", "Approved by", "Approved on",
     "Held this period", "orders and revenue of the partner not paid this period",
     "Order / service", "Order", "Revenue", "Why", "What resolves it", "History",
     "Earned", "DRAFT", "DRAFT — not final; amounts may change until the period is closed",
     "Page &P of &N", "Nothing held this period"},
    {"Estado de comisiones", "Período", "Acuerdo", "Programa", "Moneda",
     "Todos los importes de esta hoja están en", "A pagar", "Saldo del período anterior",
     "Comisiones del período", "Saldo", "Pagado", "Saldo al período siguiente", "Estado",
     "Pago", "Sin pago en este período", "Fecha de pago", "Nivel", "Nivel vigente",
     "Próxima revisión de nivel", "Al cierre de", "Según el programa",
     "El programa cambia en esta revisión", "Umbrales de ese programa", "Desde",
     "Ingresos computados", "Puntos computados", "Base combinada: suma los ingresos de",
     "Computado hasta ahora", "Nivel siguiente", "Monto faltante",
     "Nivel asignado por esta revisión, desde el período siguiente",
     "Los niveles están congelados en esta revisión",
     "Nivel más alto del programa: no hay nivel superior", "Sin revisión programada",
     "Compromisos", "Compromiso", "Comprometido", "Aplicado en el período",
     "Aplicado a la fecha", "Pendiente", "Porcentaje", "Puntos del Marketplace",
     "Puntos acumulados", "Actividad", "Código", "Fecha", "Puntos", "Resultado",
     "Crédito de integración (no monetario)", "solo informativo, no se paga",
     "Comisiones recurrentes", "Servicio", "Producto", "Filas", "Ingresos", "Tasa %",
     "Importe", "Nota", "Total", "Bonos por venta", "Orden", "Cargo mensual (MRC)",
     "Múltiplo del MRC", "Reversiones", "Orden de baja", "Orden cuyo bono se revierte",
     "Bono pagado", "Meses cumplidos del plazo", "Ajustes", "Ajuste", "Motivo",
     "Registrado por", "Aprobado por", "Aprobado el", "Retenido en este período",
     "órdenes e ingresos del socio que no se pagan en este período", "Orden / servicio",
     "Orden", "Ingresos", "Motivo", "Cómo se resuelve", "Historial", "Comisiones",
     "BORRADOR",
     "BORRADOR — no definitivo; los importes pueden cambiar hasta el cierre del período",
     "Página &P de &N", "Nada retenido en este período"},
};
static const char *const kind_label[LANG_COUNT][LINE_KIND_COUNT] = {
    {"Residuals", "Spiffs", "Chargebacks", "Adjustments", "Credit", "Restatements"},
    {"Comisiones recurrentes", "Bonos por venta", "Reversiones", "Ajustes", "Crédito",
     "Reexpresiones"},
};
static const char *const held_status[LANG_COUNT][2] = {{"held", "rejected"},
                                                       {"retenida", "rechazada"}};
static const char *const refused_label[LANG_COUNT] = {"not awarded", "no otorgado"};

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

/* A group's sort key: its service id's first 16 bytes as two big-endian
 * words (zero-padded: bytewise order, as strcmp's), then the whole id and
 * the product code. Built once per group, so the sort compares contiguous
 * keys instead of chasing each service's order or stub per comparison. */
typedef struct group_key {
    uint64_t k0, k1;
    const char *service, *product;
    int32_t group;
} group_key_t;

/* Bytes [from, from + 8) of s (of length n) as a big-endian word, 0 past
 * its end. */
static uint64_t be_prefix(const char *s, size_t n, size_t from)
{
    uint64_t w = 0;
    for (size_t i = from; i < from + 8; i++)
        w = w << 8 | (i < n ? (uint8_t)s[i] : 0);
    return w;
}

static int group_key_cmp(const void *x, const void *y)
{
    const group_key_t *a = x, *b = y;
    if (a->k0 != b->k0)
        return a->k0 < b->k0 ? -1 : 1;
    if (a->k1 != b->k1)
        return a->k1 < b->k1 ? -1 : 1;
    int c = strcmp(a->service, b->service);
    return c ? c : strcmp(a->product, b->product);
}

/* Order each agreement's groups by service id, then product code. */
static void sort_groups(const month_t *m, index_t *ix, size_t na)
{
    size_t most = 0;
    for (size_t a = 0; a < na; a++) {
        size_t n = (size_t)(ix->groups_of.first[a + 1] - ix->groups_of.first[a]);
        most = n > most ? n : most;
    }
    group_key_t *k = malloc((most ? most : 1) * sizeof(*k));
    if (!k)
        abort();
    for (size_t a = 0; a < na; a++) {
        int32_t from = ix->groups_of.first[a], to = ix->groups_of.first[a + 1];
        if (to - from < 2)
            continue;
        int32_t *items = ix->groups_of.items + from;
        size_t n = (size_t)(to - from);
        for (size_t i = 0; i < n; i++) {
            const group_t *g = &ix->groups[items[i]];
            const char *svc = group_service(m, g);
            size_t len = strlen(svc);
            k[i] = (group_key_t){be_prefix(svc, len, 0), be_prefix(svc, len, 8), svc,
                                 m->master->products.v[g->product].code, items[i]};
        }
        qsort(k, n, sizeof(*k), group_key_cmp);
        for (size_t i = 0; i < n; i++)
            items[i] = k[i].group;
    }
    free(k);
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
        line_t l = lines_residual_of(m, r);
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
                             .product = r->product, .rate_row = l.rate_row,
                             .note = (uint8_t)l.note};
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
        h->amount += l.amount;
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
    sort_groups(m, &ix, na);
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



/* ---- the partner's held items of P ------------------------------------------------- */

/* A held or rejected order first delivered in P, or held revenue of one
 * service (summed), of a known partner. */
typedef struct held {
    int32_t partner;
    int32_t order;   /* m->orders index */
    bool revenue;    /* held revenue of the service `order` */
    int64_t rows;
    money_t amount;
    uint16_t currency;
    rule_code rule;
} held_t;

typedef struct held_index {
    held_t *v;
    size_t n;
    by_agreement_t of; /* per partner (the counting sort works for any index) */
} held_index_t;

static int held_cmp(const void *x, const void *y, void *ctx)
{
    const month_t *m = ctx;
    const held_t *a = x, *b = y;
    if (a->partner != b->partner)
        return a->partner < b->partner ? -1 : 1;
    if (a->revenue != b->revenue)
        return a->revenue ? 1 : -1;
    int c = strcmp(m->orders.v[a->order].id, m->orders.v[b->order].id);
    if (c)
        return c;
    return a->currency < b->currency ? -1 : a->currency > b->currency;
}

/* Held revenue is the partner's when its service is an order P holds whole
 * (an earlier order kept as a stub names no partner: its revenue shows on
 * the payouts workbook's Exceptions sheet only). */
static held_index_t index_held(const month_t *m)
{
    held_index_t h = {0};
    VEC(held_t) v = {0};
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = &m->orders.v[i];
        if (o->period != m->period || o->partner < 0 ||
            (o->status != STATUS_HELD && o->status != STATUS_REJECTED))
            continue;
        held_t x = {.partner = o->partner, .order = (int32_t)i, .amount = o->mrc,
                    .currency = currency_pack(o->currency), .rule = (rule_code)o->rule};
        VEC_PUSH(v, x);
    }
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status != STATUS_HELD || r->service < 0 || r->service >= ORDER_STUB ||
            m->orders.v[r->service].partner < 0)
            continue;
        held_t x = {.partner = m->orders.v[r->service].partner, .order = r->service,
                    .revenue = true, .rows = 1, .amount = r->amount, .currency = r->currency,
                    .rule = (rule_code)r->rule};
        VEC_PUSH(v, x);
    }
    h.v = v.v;
    h.n = v.n;
    if (h.n > 1)
        qsort_r(h.v, h.n, sizeof(*h.v), held_cmp, (void *)m);
    /* one revenue item per partner, service and currency (within the
     * month's sum of magnitudes: no overflow) */
    size_t w = 0;
    for (size_t i = 0; i < h.n; i++) {
        held_t *last = w ? &h.v[w - 1] : NULL;
        if (h.v[i].revenue && last && last->revenue && last->partner == h.v[i].partner &&
            last->order == h.v[i].order && last->currency == h.v[i].currency) {
            last->rows++;
            last->amount += h.v[i].amount;
        } else {
            h.v[w++] = h.v[i];
        }
    }
    h.n = w;
    int32_t *of = malloc((h.n ? h.n : 1) * sizeof(*of));
    if (!of)
        abort();
    for (size_t i = 0; i < h.n; i++)
        of[i] = h.v[i].partner;
    h.of = index_by_agreement(m->master->partners.n, h.n, of);
    free(of);
    return h;
}

/* ---- build: the month -> one document per partner ------------------------------ */

#define DOC_MAGIC "CMSD"
#define DOC_VERSION 2

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
    if (len)
        put(b, s, len);
}

static void put_rule(wbuf_t *b, rule_code c)
{
    put_str(b, c != RULE_NONE ? rule_name(c) : "");
}

static void put_rate(wbuf_t *b, decimal_t v, int scale)
{
    put_i64(b, v);
    put_u8(b, (unsigned)scale);
}

static void put_count(wbuf_t *b, const by_agreement_t *x, int32_t a)
{
    put_u32(b, (uint32_t)(x->first[a + 1] - x->first[a]));
}

/* The tier block (tiers_guidance: one program at a time). */
static void build_tier(wbuf_t *b, const month_t *m, int32_t a, int32_t *combined)
{
    const book_t *bk = m->book;
    tiers_guidance_t g;
    bool ok = tiers_guidance(m, a, combined, &g);
    bool has_tier = ok && g.program >= 0 && g.tier;
    put_u8(b, has_tier);
    if (has_tier) {
        put_str(b, bk->programs.v[g.program].name);
        put_str(b, g.tier);
        put_rule(b, g.rule);
    }
    bool review = ok && g.has_review;
    put_u8(b, review);
    if (!review)
        return;
    const program_t *pg = &bk->programs.v[g.review_program];
    put_i32(b, g.review_period);
    put_str(b, pg->name);
    put_u8(b, g.program_changes);
    put_u8(b, g.frozen);
    put_u8(b, g.points);
    put_i32(b, g.window_from);
    put_i64(b, g.basis_to_date);
    put_u32(b, (uint32_t)(g.combined ? g.ncombined : 0));
    for (size_t i = 0; g.combined && i < g.ncombined; i++)
        put_str(b, m->master->agreements.v[combined[i]].id);
    put_str(b, g.from_tier);
    put_str(b, g.decided_tier);
    put_u8(b, g.can_promote);
    if (g.can_promote) {
        put_str(b, bk->tiers.v[g.next_tier].tier);
        put_i64(b, g.threshold);
        put_i64(b, g.needed);
    }
    /* the program's thresholds by rank (a few rows: selection by rank) */
    uint32_t n = 0;
    for (size_t i = 0; i < bk->tiers.n; i++)
        n += strcmp(bk->tiers.v[i].program, pg->name) == 0;
    put_u32(b, n);
    int32_t last = INT32_MIN;
    size_t last_i = SIZE_MAX;
    for (uint32_t k = 0; k < n; k++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < bk->tiers.n; i++) {
            const tier_t *t = &bk->tiers.v[i];
            if (strcmp(t->program, pg->name) != 0)
                continue;
            bool after = t->rank > last || (t->rank == last && i > last_i);
            if (after && (best == SIZE_MAX || t->rank < bk->tiers.v[best].rank))
                best = i;
        }
        last = bk->tiers.v[best].rank;
        last_i = best;
        put_str(b, bk->tiers.v[best].tier);
        put_i64(b, bk->tiers.v[best].min_value);
    }
}

/* The book's name of an activity code under any program ("" none). */
static const char *activity_name(const book_t *bk, const char *code, lang_t lang)
{
    for (size_t i = 0; i < bk->points.n; i++) {
        const points_rule_t *p = &bk->points.v[i];
        if (strcmp(p->activity_code, code) == 0 && p->name[lang])
            return p->name[lang];
    }
    return "";
}

/* The history rows of agreement id in h: [*from, *to). */
static void history_of(const st_history_t *h, const char *id, size_t *from, size_t *to)
{
    *from = *to = 0;
    if (!h || !h->n)
        return;
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(h->v[mid].agreement_id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < h->n && strcmp(h->v[end].agreement_id, id) == 0)
        end++;
    *from = lo;
    *to = end;
}


/* One period of a statement's history (the earlier ones from the ledger,
 * then P's own). */
static void put_history_row(wbuf_t *b, const st_history_row_t *r)
{
    put_i32(b, r->period);
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        put_i64(b, r->by_kind[k]);
    put_u8(b, r->has_payable);
    put_i64(b, r->earned);
    put_i64(b, r->paid);
    put_i64(b, r->carried_out);
    put_str(b, r->tier);
}

static void build_history(wbuf_t *b, const month_t *m, int32_t a, const st_history_t *h)
{
    const agreement_t *ag = &m->master->agreements.v[a];
    size_t from, to;
    history_of(h, ag->id, &from, &to);
    uint32_t n = 1;
    for (size_t i = from; i < to; i++)
        n += h->v[i].period < m->period && h->v[i].period > m->period - ST_HISTORY_PERIODS;
    put_u32(b, n);
    for (size_t i = from; i < to; i++) {
        const st_history_row_t *r = &h->v[i];
        if (!(r->period < m->period && r->period > m->period - ST_HISTORY_PERIODS))
            continue;
        put_history_row(b, r);
    }
    const payable_t *p = &m->payables[a];
    st_history_row_t now = {.period = m->period, .has_payable = p->present,
                            .earned = p->earned, .paid = p->paid,
                            .carried_out = p->carried_out, .tier = m->tiers[a].tier};
    memcpy(now.by_kind, m->current[a].by_kind, sizeof(now.by_kind));
    put_history_row(b, &now);
}

static void build_agreement(wbuf_t *b, const month_t *m, const index_t *ix, int32_t a,
                            const st_history_t *h, int32_t *combined)
{
    const master_t *ms = m->master;
    const book_t *bk = m->book;
    const agreement_t *ag = &ms->agreements.v[a];
    put_str(b, ag->id);
    put_str(b, legacy_names[ag->legacy]);
    put_str(b, ag->currency.code);
    build_tier(b, m, a, combined);
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
        put_str(b, activity_name(bk, act->activity_code, LANG_EN));
        put_str(b, activity_name(bk, act->activity_code, LANG_ES));
        put_i32(b, act->activity_date);
        put_i64(b, act->points);
        put_i64(b, act->points_to_date);
        put_u8(b, act->status == STATUS_AWARDED);
        put_rule(b, act->rule);
    }
    put_count(b, &ix->groups_of, a);
    for (int32_t k = ix->groups_of.first[a]; k < ix->groups_of.first[a + 1]; k++) {
        const group_t *g = &ix->groups[ix->groups_of.items[k]];
        put_str(b, group_service(m, g));
        put_str(b, ms->products.v[g->product].code);
        put_i64(b, g->rows);
        put_i64(b, g->basis);
        if (g->rate_row >= 0)
            put_rate(b, bk->rates.v[g->rate_row].rate_pct, RATE_SCALE);
        else
            put_rate(b, 0, 0);
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
        put_rate(b, ln->rate_scale ? ln->rate : 0, ln->rate_scale);
        put_i64(b, ln->amount);
        put_rule(b, ln->note);
        put_i32(b, ln->note_months);
        const order_t *svc = ln->kind == LINE_CHARGEBACK && ln->order >= 0 &&
                                     ln->order < (int32_t)m->orders.n
                                 ? &m->orders.v[ln->order]
                                 : NULL;
        put_str(b, svc ? svc->id : "");
        put_i32(b, svc ? svc->term_months : 0);
        const adjustment_t *adj = ln->kind == LINE_ADJUSTMENT && ln->row >= 0 &&
                                          ln->row < (int32_t)m->adjustments.n
                                      ? &m->adjustments.v[ln->row]
                                      : NULL;
        put_str(b, adj ? adj->reason : "");
        put_str(b, adj ? adj->entered_by : "");
        put_str(b, adj ? adj->approved_by : "");
        put_i32(b, adj ? adj->approved_on : DATE_NONE);
    }
    build_history(b, m, a, h);
}

static void build_held(wbuf_t *b, const month_t *m, const held_index_t *h, int32_t p)
{
    put_count(b, &h->of, p);
    for (int32_t k = h->of.first[p]; k < h->of.first[p + 1]; k++) {
        const held_t *x = &h->v[h->of.items[k]];
        const order_t *o = &m->orders.v[x->order];
        put_u8(b, x->revenue);
        put_str(b, o->id);
        put_str(b, o->product >= 0 ? m->master->products.v[o->product].code : o->product_code);
        put_u8(b, !x->revenue && o->status == STATUS_REJECTED);
        put_i64(b, x->amount);
        put_i64(b, x->rows);
        put_str(b, currency_unpack(x->currency).code);
        put_rule(b, x->rule);
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

int st_docs_build_each(const month_t *m, const st_history_t *history, st_doc_sink sink,
                       void *ctx, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    const master_t *ms = m->master;
    held_index_t held = index_held(m);
    int32_t *order = malloc((ms->partners.n ? ms->partners.n : 1) * sizeof(*order));
    int32_t *combined = malloc((ms->agreements.n ? ms->agreements.n : 1) * sizeof(*combined));
    if (!order || !combined)
        abort();
    size_t np = 0;
    for (size_t p = 0; p < ms->partners.n; p++) {
        /* a partner with held items but nothing else gets a statement too:
         * it learns why nothing is paid */
        bool has_held = held.of.first[p + 1] > held.of.first[p];
        if (partner_active(m, (int32_t)p) || has_held)
            order[np++] = (int32_t)p;
    }
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
        build_held(&b, m, &held, p);
        uint32_t n = 0;
        for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++)
            n += agreement_shown(m, ms->by_partner[k]);
        put_u32(&b, n);
        for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++)
            if (agreement_shown(m, ms->by_partner[k]))
                build_agreement(&b, m, &ix, ms->by_partner[k], history, combined);
        rc = sink(ctx, pt->id, b.p, b.n);
        free(b.p);
    }
    free(combined);
    free(held.v);
    by_agreement_free(&held.of);
    index_free(&ix);
    free(order);
    return rc;
}

static int push_sink(void *ctx, const char *partner_id, const unsigned char *bytes, size_t len)
{
    st_docs_push(ctx, partner_id, bytes, len);
    return 0;
}

int st_docs_build(const month_t *m, const st_history_t *history, st_docs_t *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof(*out));
    return st_docs_build_each(m, history, push_sink, out, err, errlen);
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

void st_history_push(st_history_t *h, const st_history_row_t *row)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->v = realloc(h->v, h->cap * sizeof(*h->v));
        if (!h->v)
            abort();
    }
    st_history_row_t *x = &h->v[h->n++];
    *x = *row;
    x->agreement_id = arena_strndup(&h->arena, row->agreement_id, strlen(row->agreement_id));
    x->tier = row->tier ? arena_strndup(&h->arena, row->tier, strlen(row->tier)) : NULL;
}

void st_history_free(st_history_t *h)
{
    free(h->v);
    arena_release(&h->arena);
    memset(h, 0, sizeof(*h));
}

/* ---- decode: bytes -> a document in memory --------------------------------------- */

typedef struct d_rate {
    int64_t digits;
    int scale; /* 0 with digits 0: blank */
} d_rate_t;

typedef struct d_held {
    bool revenue, rejected;
    const char *id, *product, *currency, *rule;
    int64_t amount, rows;
} d_held_t;

typedef struct d_threshold {
    const char *tier;
    int64_t min;
} d_threshold_t;

typedef struct d_commitment {
    const char *id, *status;
    int64_t amount, retired_period, retired_to_date, remaining, percent_hundredths;
} d_commitment_t;

typedef struct d_activity {
    const char *id, *code, *name[LANG_COUNT], *rule;
    int32_t date;
    int64_t points, points_to_date;
    bool awarded;
} d_activity_t;

typedef struct d_group {
    const char *service, *product, *note;
    d_rate_t rate;
    int64_t rows, basis, amount;
} d_group_t;

typedef struct d_line {
    int kind;
    bool has_basis;
    const char *source, *product, *note, *order, *reason, *entered_by, *approved_by;
    d_rate_t rate;
    int64_t basis, amount;
    int32_t note_months, term_months, approved_on;
} d_line_t;

typedef struct d_hist {
    int32_t period;
    int64_t by_kind[LINE_KIND_COUNT], earned, paid, carried_out;
    bool has_payable;
    const char *tier;
} d_hist_t;

typedef struct d_agreement {
    const char *id, *company, *currency;
    /* tier */
    bool has_tier, has_review, program_changes, frozen, points, can_promote;
    const char *program, *tier, *tier_rule, *review_program, *from_tier, *decided_tier,
        *next_tier;
    int32_t review_period, window_from;
    int64_t basis_to_date, threshold, needed;
    uint32_t ncombined, nthresholds;
    const char **combined;
    d_threshold_t *thresholds;
    /* payable */
    int64_t carried_in, by_kind[LINE_KIND_COUNT], earned, balance, paid, carried_out, credit;
    const char *status;
    int32_t due;
    uint32_t ncommitments, nactivities, ngroups, nlines, nhistory;
    d_commitment_t *commitments;
    d_activity_t *activities;
    d_group_t *groups;
    d_line_t *lines;
    d_hist_t *history;
} d_agreement_t;

typedef struct d_doc {
    arena_t arena; /* strings and arrays */
    period_t period;
    const char *partner_id, *partner_name;
    lang_t lang;
    uint32_t nheld, nagreements;
    d_held_t *held;
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

static d_rate_t get_rate(rbuf_t *r)
{
    d_rate_t x = {get_i64(r), get_byte(r)};
    if (x.scale > 8 && !r->bad)
        r->bad = "a rate of an unknown scale";
    return x;
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

static void decode_tier(rbuf_t *r, d_agreement_t *a)
{
    a->has_tier = get_u8(r);
    if (a->has_tier) {
        a->program = get_str(r);
        a->tier = get_str(r);
        a->tier_rule = get_str(r);
    }
    a->has_review = get_u8(r);
    if (!a->has_review)
        return;
    a->review_period = get_i32(r);
    a->review_program = get_str(r);
    a->program_changes = get_u8(r);
    a->frozen = get_u8(r);
    a->points = get_u8(r);
    a->window_from = get_i32(r);
    a->basis_to_date = get_i64(r);
    a->ncombined = get_count(r, 4);
    a->combined = get_array(r, a->ncombined, sizeof(*a->combined));
    for (uint32_t i = 0; i < a->ncombined && !r->bad; i++)
        a->combined[i] = get_str(r);
    a->from_tier = get_str(r);
    a->decided_tier = get_str(r);
    a->can_promote = get_u8(r);
    if (a->can_promote) {
        a->next_tier = get_str(r);
        a->threshold = get_i64(r);
        a->needed = get_i64(r);
    }
    a->nthresholds = get_count(r, 4 + 8);
    a->thresholds = get_array(r, a->nthresholds, sizeof(*a->thresholds));
    for (uint32_t i = 0; i < a->nthresholds && !r->bad; i++) {
        a->thresholds[i].tier = get_str(r);
        a->thresholds[i].min = get_i64(r);
    }
    if (!r->bad && (a->review_period < 1900 * 12 || a->review_period > 9999 * 12 + 11))
        r->bad = "bad review period";
}

static void decode_agreement(rbuf_t *r, d_agreement_t *a)
{
    a->id = get_str(r);
    a->company = get_str(r);
    a->currency = get_str(r);
    decode_tier(r, a);
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
    a->nactivities = get_count(r, 4 * 4 + 4 + 16 + 1 + 4);
    a->activities = get_array(r, a->nactivities, sizeof(*a->activities));
    for (uint32_t i = 0; i < a->nactivities && !r->bad; i++) {
        d_activity_t *c = &a->activities[i];
        c->id = get_str(r);
        c->code = get_str(r);
        c->name[LANG_EN] = get_str(r);
        c->name[LANG_ES] = get_str(r);
        c->date = get_i32(r);
        c->points = get_i64(r);
        c->points_to_date = get_i64(r);
        c->awarded = get_u8(r);
        c->rule = get_str(r);
    }
    a->ngroups = get_count(r, 4 + 4 + 16 + 9 + 8 + 4);
    a->groups = get_array(r, a->ngroups, sizeof(*a->groups));
    for (uint32_t i = 0; i < a->ngroups && !r->bad; i++) {
        d_group_t *g = &a->groups[i];
        g->service = get_str(r);
        g->product = get_str(r);
        g->rows = get_i64(r);
        g->basis = get_i64(r);
        g->rate = get_rate(r);
        g->amount = get_i64(r);
        g->note = get_str(r);
    }
    a->nlines = get_count(r, 1 + 4 + 4 + 1 + 8 + 9 + 8 + 4 + 4 + 4 + 4 + 4 * 3 + 4);
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
        l->rate = get_rate(r);
        l->amount = get_i64(r);
        l->note = get_str(r);
        l->note_months = get_i32(r);
        l->order = get_str(r);
        l->term_months = get_i32(r);
        l->reason = get_str(r);
        l->entered_by = get_str(r);
        l->approved_by = get_str(r);
        l->approved_on = get_i32(r);
    }
    a->nhistory = get_count(r, 4 + 5 * 8 + 1 + 3 * 8 + 4);
    a->history = get_array(r, a->nhistory, sizeof(*a->history));
    for (uint32_t i = 0; i < a->nhistory && !r->bad; i++) {
        d_hist_t *h = &a->history[i];
        h->period = get_i32(r);
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            h->by_kind[k] = get_i64(r);
        h->has_payable = get_u8(r);
        h->earned = get_i64(r);
        h->paid = get_i64(r);
        h->carried_out = get_i64(r);
        h->tier = get_str(r);
        if (!r->bad && (h->period < 1900 * 12 || h->period > 9999 * 12 + 11))
            r->bad = "bad history period";
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
    x->nheld = get_count(&r, 1 + 4 + 4 + 1 + 8 + 8 + 4 + 4);
    x->held = get_array(&r, x->nheld, sizeof(*x->held));
    for (uint32_t i = 0; i < x->nheld && !r.bad; i++) {
        d_held_t *h = &x->held[i];
        h->revenue = get_u8(&r);
        h->id = get_str(&r);
        h->product = get_str(&r);
        h->rejected = get_u8(&r);
        h->amount = get_i64(&r);
        h->rows = get_i64(&r);
        h->currency = get_str(&r);
        h->rule = get_str(&r);
    }
    /* the shortest agreement: 3 str, 2 tier flags, 10 i64 of the payable,
     * status, due, credit and 5 counts */
    x->nagreements = get_count(&r, 3 * 4 + 2 + 10 * 8 + 4 + 4 + 8 + 5 * 4);
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

/* Formats of a statement workbook beyond xlsxutil's. */
typedef struct st_formats {
    lxw_format *wrap, *bold_wrap, *banner, *rate, *multiple, *head, *head_num, *payment,
        *payment_money, *label, *indent, *text, *head_indent;
} st_formats_t;

typedef struct sheet {
    xu_book_t *b;
    const st_formats_t *f;
    lxw_worksheet *ws;
    const char *const *l;
    lang_t lang;
    const char *currency;
    arena_t *tmp; /* every composed text: never a fixed-size buffer */
    lxw_row_t r;
    lxw_row_t tall_row; /* the row whose height was set last, and its lines */
    int tall_lines;
    lxw_error e; /* the first write error */
} sheet_t;

/* Columns: A label / first key, B-G values, H and I long text (wrapped). */
enum { COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_G, COL_H, COL_I, NCOLS };

/* printf into the arena: the whole text, whatever its length. */
static const char *aprintf(arena_t *a, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char *s = arena_alloc(a, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, aq);
    va_end(aq);
    return s;
}

/* "December 2017" / "diciembre de 2017". */
static const char *period_text(arena_t *a, lang_t lang, period_t p)
{
    return aprintf(a, lang == LANG_ES ? "%s de %d" : "%s %d", month_name(lang, period_month(p)),
                   p / 12);
}

/* Money as people read it in a note: "750.00" (the sheet's number format
 * shows cells; this is for text). */
static const char *money_text(arena_t *a, money_t v)
{
    char buf[MONEY_BUF];
    const char *s = money_format(v, buf);
    return arena_strndup(a, s, strlen(s));
}

/* Record the first libxlsxwriter error of the sheet. */
static void chk(sheet_t *s, lxw_error e)
{
    if (e != LXW_NO_ERROR && s->e == LXW_NO_ERROR)
        s->e = e;
}

static const double col_widths[NCOLS] = {30, 16, 16, 16, 15, 15, 15, 38, 34};
#define LINE_POINTS 15.0

/* Lines text takes wrapped in column c: per paragraph, its characters over
 * the column's width (a generous estimate: a cut line is worse than a
 * blank one). */
static int text_lines(const char *text, lxw_col_t c)
{
    double per_line = col_widths[c] * 1.2;
    int lines = 0;
    size_t chars = 0;
    for (const char *p = text;; p++) {
        if (*p == '\n' || *p == 0) {
            lines += chars ? (int)((double)chars / per_line) + 1 : 1;
            chars = 0;
            if (!*p)
                break;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            chars++;
        }
    }
    return lines;
}

/* Multi-line text wraps: a wrapping cell sets its row's height to the
 * lines it needs (Excel does not fit rows when it opens a file). */
static void fit_row(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    if (!text || !f || (f != s->f->wrap && f != s->f->bold_wrap && f != s->f->label &&
                        f != s->f->head && f != s->f->head_num && f != s->f->head_indent))
        return;
    int lines = text_lines(text, c);
    if (lines < 2 || (s->tall_row == r && s->tall_lines >= lines))
        return;
    s->tall_row = r;
    s->tall_lines = lines;
    chk(s, worksheet_set_row(s->ws, r, LINE_POINTS * lines, NULL));
}

static void s_str(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    if (!f)
        f = s->f->text;
    fit_row(s, r, c, text, f);
    chk(s, worksheet_write_string(s->ws, r, c, text, f));
}

static void s_text(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    if (!f)
        f = s->f->text;
    fit_row(s, r, c, text, f);
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

/* A rate or multiple as a number cell (blank when the document has none). */
static void s_rate(sheet_t *s, lxw_row_t r, lxw_col_t c, d_rate_t v, lxw_format *f)
{
    if (v.scale == 0 && v.digits == 0)
        return;
    double x = (double)v.digits;
    for (int i = 0; i < v.scale; i++)
        x /= 10;
    chk(s, worksheet_write_number(s->ws, r, c, x, f));
}

/* A rule's explanation; a name this build does not know is shown as it is. */
static const char *explain(const sheet_t *s, const char *rule)
{
    if (!*rule)
        return "";
    rule_code c = rule_from_name(rule);
    return c != RULE_NONE ? rule_explain(s->lang, c) : rule;
}

static const char *resolve(const sheet_t *s, const char *rule)
{
    rule_code c = *rule ? rule_from_name(rule) : RULE_NONE;
    return c != RULE_NONE ? rule_resolve(s->lang, c) : "";
}

/* "label (USD)": a money block names its currency. */
static const char *in_cur(const sheet_t *s, const char *label)
{
    return aprintf(s->tmp, "%s (%s)", label, s->currency);
}

static void label_money(sheet_t *s, const char *label, money_t v, bool bold)
{
    s_str(s, s->r, COL_A, label, bold ? s->b->bold : s->f->label);
    s_money(s, s->r++, COL_B, v, bold ? s->b->money_total : s->b->money);
}

static void label_text(sheet_t *s, const char *label, const char *value, lxw_format *f)
{
    s_str(s, s->r, COL_A, label, s->f->label);
    s_text(s, s->r++, COL_B, value, f);
}

static void section(sheet_t *s, const char *title)
{
    s->r++;
    s_str(s, s->r++, COL_A, title, s->b->section);
}

/* A table header: names[i] in column cols[i]; numbers right-aligned. */
static void header_row(sheet_t *s, const char *const *names, const lxw_col_t *cols, int n,
                       const bool *num)
{
    for (int i = 0; i < n; i++) {
        /* text right after a right-aligned number column keeps its distance */
        bool after_num = i > 0 && num && num[i - 1] && cols[i - 1] + 1 == cols[i];
        s_str(s, s->r, cols[i], names[i],
              num && num[i] ? s->f->head_num : after_num ? s->f->head_indent : s->f->head);
    }
    s->r++;
}

/* A basis value: money for revenue programs, a count of points otherwise. */
static void basis_cell(sheet_t *s, lxw_col_t c, bool points, int64_t v)
{
    if (points)
        s_int(s, s->r, c, v);
    else
        s_money(s, s->r, c, v, s->b->money);
}

/* The payment line: amount, currency and due date, or why nothing is paid. */
static void write_payment(sheet_t *s, const d_agreement_t *a)
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

static void write_payable(sheet_t *s, const d_agreement_t *a)
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

static void write_tier(sheet_t *s, const d_agreement_t *a)
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

static void write_commitments(sheet_t *s, const d_agreement_t *a)
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

static void write_points(sheet_t *s, const d_agreement_t *a)
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
static void write_lines(sheet_t *s, const d_agreement_t *a)
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
            total += g->amount;
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
            total += ln->amount;
        }
    }
    s->r++;
    s_str(s, s->r, COL_A, in_cur(s, s->l[L_TOTAL]), s->b->bold);
    s_money(s, s->r++, COL_F, total, s->b->money_total);
}

/* The partner's held and rejected orders and held revenue of P. */
static void write_held(sheet_t *s, const d_doc_t *d)
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
static void write_history(sheet_t *s, const d_agreement_t *a)
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
     * both (a drawing chart per sheet would add three parts to every
     * workbook and a third to the statements' time) */
    if (a->nhistory < 2)
        return;
    lxw_conditional_format bars = {.type = LXW_CONDITIONAL_DATA_BAR, .bar_color = 0x5B9BD5,
                                   .bar_solid = 1, .data_bar_2010 = 1};
    chk(s, worksheet_conditional_format_range(s->ws, first, COL_F, s->r - 1, COL_G, &bars));
}

/* A header or footer section: characters XML forbids replaced (xu_xml_text),
 * '&' doubled (Excel's escape). */
static const char *hf_escape(arena_t *a, const char *text)
{
    char *copy = NULL;
    const char *t = xu_xml_text(text, &copy);
    size_t n = 0;
    for (const char *p = t; *p; p++)
        n += *p == '&' ? 2 : 1;
    char *o = arena_alloc(a, n + 1), *q = o;
    for (const char *p = t; *p; p++) {
        *q++ = *p;
        if (*p == '&')
            *q++ = '&';
    }
    *q = 0;
    free(copy);
    return o;
}

/* Page header (title, agreement, DRAFT) and footer (partner, period, page x
 * of y). Excel limits each to 255 characters: a partner name too long for
 * the footer gives way to the partner id there (the sheet shows the name). */
static void page_setup(sheet_t *s, const d_doc_t *d, const d_agreement_t *a, bool draft)
{
    worksheet_set_landscape(s->ws);
    worksheet_fit_to_pages(s->ws, 1, 0);
    worksheet_set_margins(s->ws, 0.4, 0.4, 0.7, 0.7);
    const char *per = hf_escape(s->tmp, period_text(s->tmp, d->lang, d->period));
    const char *header = aprintf(s->tmp, "&L%s — %s%s%s&R%s", hf_escape(s->tmp, s->l[L_TITLE]),
                                 hf_escape(s->tmp, a->id),
                                 draft ? "&C&\"-,Bold\"&14" : "", draft ? s->l[L_DRAFT] : "", per);
    if (strlen(header) > 255)
        header = aprintf(s->tmp, "&L%s%s%s&R%s", hf_escape(s->tmp, s->l[L_TITLE]),
                         draft ? "&C&\"-,Bold\"&14" : "", draft ? s->l[L_DRAFT] : "", per);
    chk(s, worksheet_set_header(s->ws, header));
    const char *footer = aprintf(s->tmp, "&L%s&C%s&R%s", hf_escape(s->tmp, d->partner_name), per,
                                 s->l[L_PAGE]);
    if (strlen(footer) > 255)
        footer = aprintf(s->tmp, "&L%s&C%s&R%s", hf_escape(s->tmp, d->partner_id), per,
                         s->l[L_PAGE]);
    chk(s, worksheet_set_footer(s->ws, footer));
}

/* One agreement's sheet; 0, or -1 with the reason in err. */
static int agreement_sheet(xu_book_t *b, const st_formats_t *f, const d_doc_t *d,
                           const d_agreement_t *a, bool first, bool draft, strmap_t *used,
                           arena_t *names, char *err, size_t errlen)
{
    char name[SHEET_NAME_MAX + 1];
    sheet_name(a->id, used, names, name);
    arena_t tmp = {0};
    sheet_t s = {.b = b, .f = f, .ws = xu_add_sheet(b, name), .l = L[d->lang],
                 .lang = d->lang, .currency = a->currency, .tmp = &tmp};
    if (!s.ws) {
        snprintf(err, errlen, "agreement %s: %s", a->id, b->failed);
        return -1;
    }
    xu_widths(s.ws, col_widths, NCOLS);
    page_setup(&s, d, a, draft);
    if (draft) {
        chk(&s, worksheet_merge_range(s.ws, 0, COL_A, 0, COL_I, s.l[L_DRAFT_BANNER], f->banner));
        s.r++;
    }
    s_str(&s, s.r++, COL_A, s.l[L_TITLE], b->title);
    s_text(&s, s.r++, COL_A, d->partner_name, f->bold_wrap);
    label_text(&s, s.l[L_PERIOD], period_text(&tmp, d->lang, d->period), NULL);
    s_str(&s, s.r, COL_A, s.l[L_AGREEMENT], f->label);
    s_text(&s, s.r, COL_B, a->id, NULL);
    s_text(&s, s.r++, COL_D, a->company, NULL);
    if (a->has_tier) {
        label_text(&s, s.l[L_PROGRAM], a->program, NULL);
    }
    s_str(&s, s.r, COL_A, s.l[L_CURRENCY], f->label);
    s_text(&s, s.r, COL_B, a->currency, b->bold);
    s_str(&s, s.r++, COL_D, aprintf(&tmp, "%s %s", s.l[L_CURRENCY_NOTE], a->currency), NULL);
    write_payment(&s, a);
    write_payable(&s, a);
    write_tier(&s, a);
    write_commitments(&s, a);
    write_points(&s, a);
    write_lines(&s, a);
    if (first)
        write_held(&s, d);
    write_history(&s, a);
    arena_release(&tmp);
    if (s.e != LXW_NO_ERROR) {
        snprintf(err, errlen, "agreement %s, sheet %s: %s", a->id, name, lxw_strerror(s.e));
        return -1;
    }
    return 0;
}

/* A partner with held items and no agreement shown: one sheet with them. */
static int held_sheet(xu_book_t *b, const st_formats_t *f, const d_doc_t *d, bool draft,
                      char *err, size_t errlen)
{
    arena_t tmp = {0};
    sheet_t s = {.b = b, .f = f, .ws = xu_add_sheet(b, "Statement"),
                 .l = L[d->lang], .lang = d->lang, .currency = "", .tmp = &tmp};
    if (!s.ws) {
        snprintf(err, errlen, "%s", b->failed);
        return -1;
    }
    xu_widths(s.ws, col_widths, NCOLS);
    d_agreement_t none = {.id = ""};
    page_setup(&s, d, &none, draft);
    if (draft) {
        chk(&s, worksheet_merge_range(s.ws, 0, COL_A, 0, COL_I, s.l[L_DRAFT_BANNER], f->banner));
        s.r++;
    }
    s_str(&s, s.r++, COL_A, s.l[L_TITLE], b->title);
    s_text(&s, s.r++, COL_A, d->partner_name, f->bold_wrap);
    label_text(&s, s.l[L_PERIOD], period_text(&tmp, d->lang, d->period), NULL);
    write_held(&s, d);
    arena_release(&tmp);
    if (s.e != LXW_NO_ERROR) {
        snprintf(err, errlen, "sheet Statement: %s", lxw_strerror(s.e));
        return -1;
    }
    return 0;
}

static void st_formats(xu_book_t *b, st_formats_t *f)
{
    lxw_workbook *wb = b->wb;
    /* numbers and dates sit at the top of a row that wrapped text makes tall */
    lxw_format *top[] = {b->money, b->money_total, b->date, b->integer, b->percent, b->right,
                         b->bold};
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
        format_set_align(top[i], LXW_ALIGN_VERTICAL_TOP);
    f->wrap = workbook_add_format(wb);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    f->bold_wrap = workbook_add_format(wb);
    format_set_bold(f->bold_wrap);
    format_set_text_wrap(f->bold_wrap);
    format_set_align(f->bold_wrap, LXW_ALIGN_VERTICAL_TOP);
    f->label = workbook_add_format(wb);
    format_set_text_wrap(f->label);
    format_set_align(f->label, LXW_ALIGN_VERTICAL_TOP);
    f->banner = workbook_add_format(wb);
    format_set_bold(f->banner);
    format_set_font_size(f->banner, 14);
    format_set_font_color(f->banner, 0x9C0006);
    format_set_bg_color(f->banner, 0xFFC7CE);
    format_set_align(f->banner, LXW_ALIGN_CENTER);
    f->text = workbook_add_format(wb);
    format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
    f->indent = workbook_add_format(wb);
    format_set_indent(f->indent, 1);
    format_set_align(f->indent, LXW_ALIGN_VERTICAL_TOP);
    f->rate = workbook_add_format(wb);
    format_set_num_format(f->rate, "0.####");
    format_set_align(f->rate, LXW_ALIGN_VERTICAL_TOP);
    f->multiple = workbook_add_format(wb);
    format_set_num_format(f->multiple, "\"× \"0.##");
    format_set_align(f->multiple, LXW_ALIGN_VERTICAL_TOP);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_text_wrap(f->head);
    format_set_bottom(f->head, LXW_BORDER_THIN);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_BOTTOM);
    f->head_indent = workbook_add_format(wb);
    format_set_bold(f->head_indent);
    format_set_text_wrap(f->head_indent);
    format_set_bottom(f->head_indent, LXW_BORDER_THIN);
    format_set_indent(f->head_indent, 1);
    format_set_align(f->head_indent, LXW_ALIGN_VERTICAL_BOTTOM);
    f->head_num = workbook_add_format(wb);
    format_set_bold(f->head_num);
    format_set_text_wrap(f->head_num);
    format_set_bottom(f->head_num, LXW_BORDER_THIN);
    format_set_align(f->head_num, LXW_ALIGN_RIGHT);
    format_set_align(f->head_num, LXW_ALIGN_VERTICAL_BOTTOM);
    f->payment = workbook_add_format(wb);
    format_set_bold(f->payment);
    format_set_font_size(f->payment, 12);
    f->payment_money = workbook_add_format(wb);
    format_set_bold(f->payment_money);
    format_set_font_size(f->payment_money, 12);
    format_set_num_format(f->payment_money, "#,##0.00");
}

/* Up to this many detail rows a statement is built in memory (no temporary
 * files: ten thousand small statements write in a fraction of the time);
 * above it, constant-memory mode keeps memory flat. */
#define IN_MEMORY_ROWS 20000

static int64_t doc_rows(const d_doc_t *d)
{
    int64_t rows = d->nheld;
    for (uint32_t i = 0; i < d->nagreements; i++) {
        const d_agreement_t *a = &d->agreements[i];
        rows += (int64_t)a->ngroups + a->nlines + a->nactivities + a->ncommitments +
                a->nhistory + a->nthresholds + 60;
    }
    return rows;
}

/* e's message into err[0..errlen) (cut when longer). */
static void copy_message(char *err, size_t errlen, const cm_error_t *e)
{
    size_t n = strnlen(e->message, errlen - 1);
    memcpy(err, e->message, n);
    err[n] = '\0';
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
    xu_book_t b;
    cm_error_t e;
    if (xu_create(path, &e) != EXIT_DONE ||
        xu_open(&b, path, d.period, L[d.lang][L_TITLE], doc_rows(&d) > IN_MEMORY_ROWS, &e) !=
            EXIT_DONE) {
        copy_message(err, errlen, &e);
        arena_release(&d.arena);
        return -1;
    }
    arena_t names = {0};
    strmap_t used = {0};
    st_formats_t f;
    st_formats(&b, &f);
    char why[512];
    int rc = 0;
    for (uint32_t i = 0; i < d.nagreements && rc == 0; i++) {
        rc = agreement_sheet(&b, &f, &d, &d.agreements[i], i == 0, draft, &used, &names, why,
                             sizeof(why));
    }
    if (d.nagreements == 0)
        rc = held_sheet(&b, &f, &d, draft, why, sizeof(why));
    strmap_free(&used);
    arena_release(&names);
    if (xu_close(&b, &e) != EXIT_DONE && rc == 0) {
        copy_message(err, errlen, &e);
        rc = -1;
    } else if (rc != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
    }
    if (rc != 0)
        unlink(path);
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
    cm_error_t e;
    int rc = xu_create(path, &e) == EXIT_DONE ? 0 : -1;
    if (rc != 0)
        copy_message(err, errlen, &e);
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
    int rc = st_docs_build(m, NULL, &docs, err, errlen);
    if (rc == 0)
        rc = st_docs_render(&docs, dir, draft, err, errlen);
    st_docs_free(&docs);
    return rc;
}
