/*
 * st_index.c — the month indexed by agreement for the statements (st_index.h).
 */
#include "st_index.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "money.h"

/* ---- the month indexed by agreement ---------------------------------------- */

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

void by_agreement_free(by_agreement_t *x)
{
    free(x->first);
    free(x->items);
}

static uint64_t group_hash(int32_t s, int32_t p)
{
    uint64_t h = (uint64_t)(uint32_t)s * UINT64_C(0xC2B2AE3D27D4EB4F);
    h = (h ^ (uint32_t)p) * UINT64_C(0x165667B19E3779F9);
    return h ^ (h >> 31);
}

const char *group_service(const month_t *m, const group_t *g)
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

/* Grow *v (of *cap items of size each) to hold n. */
static void reserve(void **v, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c < n)
        c *= 2;
    *v = realloc(*v, c * size);
    if (!*v)
        abort();
    *cap = c;
}

/* ix->order[0 .. n): the n groups of ix->groups by service id, then product
 * code (ties keep the groups' order: their first row's). */
static void sort_groups(const month_t *m, index_t *ix, size_t n)
{
    reserve((void **)&ix->order, &ix->ocap, n, sizeof(*ix->order));
    for (size_t i = 0; i < n; i++)
        ix->order[i] = (int32_t)i;
    if (n < 2)
        return;
    reserve((void **)&ix->keys, &ix->kcap, n, sizeof(*ix->keys));
    group_key_t *k = ix->keys;
    for (size_t i = 0; i < n; i++) {
        const group_t *g = &ix->groups[i];
        const char *svc = group_service(m, g);
        size_t len = strlen(svc);
        k[i] = (group_key_t){be_prefix(svc, len, 0), be_prefix(svc, len, 8), svc,
                             m->master->products.v[g->product].code, (int32_t)i};
    }
    qsort(k, n, sizeof(*k), group_key_cmp);
    for (size_t i = 0; i < n; i++)
        ix->order[i] = k[i].group;
}

size_t index_groups(const month_t *m, index_t *ix, int32_t a)
{
    int32_t from = ix->revenue_of.first[a], to = ix->revenue_of.first[a + 1];
    size_t rows = (size_t)(to - from);
    if (rows == 0)
        return 0;
    /* open addressing, at most half full: one slot array sized for the
     * agreement's rows (each row could be its own group) */
    size_t cap = 16;
    while (cap < 2 * rows)
        cap *= 2;
    if (cap > ix->scap) {
        free(ix->slots);
        ix->slots = malloc(cap * sizeof(*ix->slots));
        if (!ix->slots)
            abort();
        ix->scap = cap;
    }
    memset(ix->slots, 0xFF, cap * sizeof(*ix->slots));
    size_t n = 0;
    for (int32_t k = from; k < to; k++) {
        const revenue_t *r = &m->revenue.v[ix->revenue_of.items[k]];
        line_t l = lines_residual_of(m, r);
        int32_t service = r->service >= 0 ? r->service : -1;
        int32_t account = service >= 0 ? -1 : revenue_account(r);
        size_t q = group_hash(service >= 0 ? service : -2 - account, r->product) & (cap - 1);
        group_t *g = NULL;
        for (; ix->slots[q] >= 0; q = (q + 1) & (cap - 1)) {
            group_t *h = &ix->groups[ix->slots[q]];
            if (h->service == service && h->account == account && h->product == r->product) {
                g = h;
                break;
            }
        }
        if (!g) {
            reserve((void **)&ix->groups, &ix->gcap, n + 1, sizeof(*ix->groups));
            g = &ix->groups[n];
            *g = (group_t){.service = service, .account = account, .product = r->product,
                           .rate_row = l.rate_row, .note = (uint8_t)l.note};
            ix->slots[q] = (int32_t)n++;
        }
        /* within the month's sums of magnitudes (month.h): no overflow */
        g->rows++;
        g->basis = money_add_bounded(g->basis, r->amount);
        g->amount = money_add_bounded(g->amount, l.amount);
    }
    sort_groups(m, ix, n);
    return n;
}

/* The assigned revenue rows of each agreement, in the month's order (a
 * stable counting sort straight from the rows). */
static by_agreement_t index_revenue(const month_t *m, size_t na)
{
    assert(m->revenue.n <= INT32_MAX);
    by_agreement_t x = {calloc(na + 2, sizeof(int32_t)), NULL};
    if (!x.first)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status != STATUS_ASSIGNED)
            continue;
        assert(r->agreement >= 0 && (size_t)r->agreement < na);
        x.first[r->agreement + 2]++;
        n++;
    }
    x.items = malloc((n ? n : 1) * sizeof(int32_t));
    if (!x.items)
        abort();
    for (size_t a = 2; a < na + 2; a++)
        x.first[a] += x.first[a - 1];
    for (size_t i = 0; i < m->revenue.n; i++)
        if (m->revenue.v[i].status == STATUS_ASSIGNED)
            x.items[x.first[m->revenue.v[i].agreement + 1]++] = (int32_t)i;
    return x;
}

index_t index_month(const month_t *m)
{
    index_t ix = {0};
    size_t na = m->master->agreements.n;
    ix.revenue_of = index_revenue(m, na);
    size_t most = m->lines.n;
    if (m->commitments.n > most)
        most = m->commitments.n;
    if (m->activities.n > most)
        most = m->activities.n;
    int32_t *of = malloc((most ? most : 1) * sizeof(*of));
    if (!of)
        abort();
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
    return ix;
}

void index_free(index_t *ix)
{
    by_agreement_free(&ix->revenue_of);
    by_agreement_free(&ix->lines_of);
    by_agreement_free(&ix->commitments_of);
    by_agreement_free(&ix->activities_of);
    free(ix->groups);
    free(ix->slots);
    free(ix->keys);
    free(ix->order);
}


/* ---- the partner's held items of P ------------------------------------------------- */

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
held_index_t index_held(const month_t *m)
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
            last->amount = money_add_bounded(last->amount, h.v[i].amount);
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
