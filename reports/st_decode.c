/*
 * st_decode.c — bytes -> a statement document in memory (st_doc.h), every
 * count and text checked against the bytes left.
 */
#include "st_doc.h"

#include <string.h>

#include "money.h"

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
    /* the Total row of the lines (st_blocks.c write_lines) fits int64 */
    money_t total = 0;
    for (uint32_t i = 0; i < a->ngroups && !r->bad; i++)
        if (!money_accumulate(&total, a->groups[i].amount))
            r->bad = "amounts whose total does not fit";
    for (uint32_t i = 0; i < a->nlines && !r->bad; i++)
        if (a->lines[i].kind >= LINE_SPIFF && a->lines[i].kind != LINE_CREDIT &&
            !money_accumulate(&total, a->lines[i].amount))
            r->bad = "amounts whose total does not fit";
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
const char *decode_doc(const st_doc_t *d, d_doc_t *x)
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
