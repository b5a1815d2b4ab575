/*
 * statements.c — partner statements, the build: the decided month -> one
 * document per partner (st_doc.h), and the documents' and history's
 * containers. The statement (st_render.c and the st_ files it uses): one
 * workbook per partner with activity in P, in the partner's language
 * (en/es), one sheet per agreement, side by side in one file and never
 * pooled. Each sheet, every money block naming its currency: header and
 * payment line, payable waterfall, tier guidance (the next review, its
 * program, thresholds and basis), commitments, marketplace points and the
 * non-cash credit, residuals summed per service and product, spiffs,
 * chargebacks, adjustments, the partner's held items of P (first sheet) and
 * the last ST_HISTORY_PERIODS periods as a table whose earned and paid
 * columns carry data bars (a small chart inside the cells). Printed:
 * landscape, one page wide, header and footer naming partner, period and
 * page x of y; a draft says so in the page header and a banner.
 *
 * Files: st_index (the month listed by agreement), st_doc.h + st_decode
 * (the document's bytes and their decoding), st_render (documents ->
 * workbooks), st_blocks (an agreement sheet's blocks), st_cells (cell
 * writers), st_labels (texts), st_names (file and sheet names).
 *
 * Build (month -> documents) and render (documents -> workbooks) are apart:
 * render reads nothing but the documents' bytes, so the ledger can keep them
 * and close can write the statements a run built. Text is never cut: every
 * text a sheet shows is composed in an arena, no fixed-size buffer.
 *
 * Scale: the month's rows are listed per agreement once (revenue, lines,
 * commitments and activities by counting sorts; held items per partner);
 * each agreement's residuals are grouped per service and product when its
 * document is written, in scratch sized by the biggest agreement. Building
 * every document is linear in the month's rows, whatever the number of
 * partners, and holds one document at a time; rendering is linear in the
 * documents' size.
 */
#include "statements.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "st_doc.h"
#include "st_index.h"
#include "tiers.h"

/* ---- build: the month -> one document per partner ------------------------------ */

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

static void build_agreement(wbuf_t *b, const month_t *m, index_t *ix, int32_t a,
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
    size_t ngroups = index_groups(m, ix, a);
    put_u32(b, (uint32_t)ngroups);
    for (size_t k = 0; k < ngroups; k++) {
        const group_t *g = &ix->groups[ix->order[k]];
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

cm_status st_docs_build_each(const month_t *m, const st_history_t *history, st_doc_sink sink,
                             void *ctx, cm_error_t *err)
{
    assert(month_phase(m) >= MONTH_DECIDED); /* writers read a decided month */
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
    cm_status rc = EXIT_DONE;
    for (size_t i = 0; i < np && rc == EXIT_DONE; i++) {
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
        rc = sink(ctx, pt->id, b.p, b.n, err);
        free(b.p);
    }
    free(combined);
    free(held.v);
    by_agreement_free(&held.of);
    index_free(&ix);
    free(order);
    return rc;
}

static cm_status push_sink(void *ctx, const char *partner_id, const unsigned char *bytes,
                           size_t len, cm_error_t *err)
{
    (void)err;
    st_docs_push(ctx, partner_id, bytes, len);
    return EXIT_DONE;
}

cm_status st_docs_build(const month_t *m, const st_history_t *history, st_docs_t *out,
                        cm_error_t *err)
{
    memset(out, 0, sizeof(*out));
    return st_docs_build_each(m, history, push_sink, out, err);
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
