/*
 * month.c — the month_t of month.h: its phases, the orders, stubs and revenue
 * rows added and looked up, the sums and sorts the rules share.
 */
#include "month.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "idsort.h"

void month_init(month_t *m, const master_t *master, const book_t *book, period_t p)
{
    size_t n = master->agreements.n ? master->agreements.n : 1;
    m->master = master;
    m->book = book;
    m->period = p;
    m->carried_in = arena_alloc(&m->arena, n * sizeof(*m->carried_in));
    m->points_before = arena_alloc(&m->arena, n * sizeof(*m->points_before));
    m->tier_prior = arena_alloc(&m->arena, n * sizeof(*m->tier_prior));
    m->current = arena_alloc(&m->arena, n * sizeof(*m->current));
    m->tiers = arena_alloc(&m->arena, n * sizeof(*m->tiers));
    m->payables = arena_alloc(&m->arena, n * sizeof(*m->payables));
    for (size_t i = 0; i < n; i++) {
        m->tier_prior[i].period = PERIOD_NONE;
        m->tiers[i].program = -1;
        m->tiers[i].next_program = -1;
        m->payables[i].due_date = DATE_NONE;
    }
}

void month_inputs_read(month_t *m)
{
    assert(m->phase == MONTH_LOADING);
    m->phase = MONTH_READ;
}

void month_start_deciding(month_t *m)
{
    assert(m->phase == MONTH_READ || m->phase == MONTH_DECIDING);
    m->phase = MONTH_DECIDING;
}

void month_decided(month_t *m)
{
    assert(m->phase == MONTH_DECIDING && !month_overflowed(m));
    m->phase = MONTH_DECIDED;
}

void month_release(month_t *m)
{
    free(m->orders.v);
    free(m->stubs.v);
    strheap_release(&m->stub_ids);
    free(m->revenue.v);
    idseq_release(&m->revenue_ids);
    lineseq_release(&m->revenue_lines);
    free(m->revenue_accounts.v);
    free(m->revenue_by_id);
    free(m->rates.category_of);
    free(m->rates.row);
    free(m->approvals.v);
    free(m->opportunities.v);
    free(m->adjustments.v);
    free(m->activities.v);
    free(m->rejects.v);
    free(m->history.v);
    free(m->lines.v);
    free(m->commitments.v);
    strmap_free(&m->order_ix);
    strmap_free(&m->opportunity_ix);
    strmap_free(&m->awarded);
    strmap_free(&m->seen_ids);
    free(m->install_updates.v);
    free(m->stub_periods.v);
    free(m->stub_period_end.v);
    free(m->restated.v);
    free(m->restate_files.v);
    arena_release(&m->arena);
    memset(m, 0, sizeof(*m));
}

bool agreement_active_on(const agreement_t *a, date_t d)
{
    return a->start <= d && (a->end == DATE_NONE || d <= a->end);
}

bool agreement_active_in(const agreement_t *a, period_t p)
{
    return a->start <= period_last_day(p) &&
           (a->end == DATE_NONE || a->end >= period_first_day(p));
}

bool month_overflow(month_t *m, const char *what, int32_t agreement, month_source_t source,
                    period_t period, int32_t line, const char *column)
{
    if (!m->overflow.what)
        m->overflow = (month_overflow_t){.what = what, .agreement = agreement, .source = source,
                                         .period = period, .line = line, .column = column};
    return false;
}

bool month_agreement_sum(const month_t *m, int32_t a, period_t from, period_t to, bool mrc,
                         money_t *out)
{
    money_t sum = 0;
    /* history is sorted by (agreement, period): binary search the first row. */
    size_t lo = 0, hi = m->history.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const history_t *h = &m->history.v[mid];
        if (h->agreement < a || (h->agreement == a && h->period < from))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < m->history.n; i++) {
        const history_t *h = &m->history.v[i];
        if (h->agreement != a || h->period > to || h->period >= m->period)
            break;
        if (!money_accumulate(&sum, mrc ? h->installed_mrc : h->revenue))
            return false;
    }
    if (from <= m->period && m->period <= to &&
        !money_accumulate(&sum, mrc ? m->current[a].installed_mrc : m->current[a].revenue))
        return false;
    *out = sum;
    return true;
}

/* The keys of ix[0..n) strictly ascend. */
static bool keys_ascending(const int32_t *ix, size_t n, idsort_key_fn key, const void *ctx)
{
    for (size_t i = 1; i < n; i++)
        if (strcmp(key(ctx, ix[i - 1]), key(ctx, ix[i])) >= 0)
            return false;
    return true;
}

/* ix[0..n) ordered by key: left as is when already strictly ascending
 * (billing exports and order files often are), else the radix sort. */
static void sort_by_key(int32_t *ix, size_t n, idsort_key_fn key, const void *ctx)
{
    if (!keys_ascending(ix, n, key, ctx))
        idsort(ix, n, key, ctx);
}

bool month_revenue_ids_ascending(const month_t *m)
{
    return idseq_ascending(&m->revenue_ids);
}

static int32_t *index_array(size_t n)
{
    int32_t *ix = malloc((n ? n : 1) * sizeof(*ix));
    if (!ix)
        abort();
    return ix;
}

/* The ids of a sort, decoded once into one block without the prefix all of
 * them share (it orders nothing): key i at text + at[i], offsets 32-bit
 * while the block is under 4 GiB (at32), else 64-bit (at64). */
typedef struct flat_ids {
    char *text;
    uint32_t *at32;
    size_t *at64;
} flat_ids_t;

static const char *flat_key(const void *ctx, int32_t i)
{
    const flat_ids_t *f = ctx;
    return f->text + (f->at32 ? f->at32[i] : f->at64[i]);
}

int32_t *month_revenue_by_id(const month_t *m)
{
    size_t n = m->revenue.n;
    int32_t *ix = index_array(n);
    for (size_t i = 0; i < n; i++)
        ix[i] = (int32_t)i;
    const idseq_t *q = &m->revenue_ids;
    if (idseq_ascending(q))
        return ix;
    /* the radix sort reads keys many times, in any order: decode them once
     * (for the sort only; freed after it) */
    idseq_cursor_t c;
    idseq_cursor(&c, q);
    char first[IDSEQ_MAX + 1] = "";
    size_t shared = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = idseq_at(&c, i);
        if (i == 0) {
            memcpy(first, id, c.len + 1);
            shared = c.len;
        }
        size_t k = 0;
        while (k < shared && id[k] == first[k])
            k++;
        shared = k;
        total += c.len + 1;
    }
    size_t bytes = total - n * shared + 1;
    bool wide = bytes > UINT32_MAX;
    flat_ids_t f = {.text = malloc(bytes)};
    if (wide)
        f.at64 = malloc((n ? n : 1) * sizeof(*f.at64));
    else
        f.at32 = malloc((n ? n : 1) * sizeof(*f.at32));
    if (!f.text || (!f.at32 && !f.at64))
        abort();
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = idseq_at(&c, i);
        if (wide)
            f.at64[i] = used;
        else
            f.at32[i] = (uint32_t)used;
        memcpy(f.text + used, id + shared, c.len - shared + 1);
        used += c.len - shared + 1;
    }
    idsort(ix, n, flat_key, &f);
    free(f.text);
    free(f.at32);
    free(f.at64);
    return ix;
}

static const char *order_key(const void *ctx, int32_t i)
{
    return month_whole_order(ctx, i)->id;
}

int32_t *month_orders_by_id(const month_t *m, bool (*keep)(const month_t *, const order_t *),
                            size_t *count)
{
    int32_t *ix = index_array(m->orders.n);
    size_t n = 0;
    for (size_t i = 0; i < m->orders.n; i++)
        if (keep(m, month_whole_order(m, (int32_t)i)))
            ix[n++] = (int32_t)i;
    sort_by_key(ix, n, order_key, m);
    *count = n;
    return ix;
}

void month_add_stub(month_t *m, const char *id, size_t len, int32_t agreement, status_t status)
{
    assert(m->phase == MONTH_LOADING);
    if (agreement >= MONTH_STUB_AGREEMENTS)
        abort();
    if (status == STATUS_ATTRIBUTED && agreement < 0)
        status = STATUS_HELD; /* its agreement left master data: never pay it */
    order_stub_t s = {.id = strheap_add(&m->stub_ids, id, len), .agreement = agreement,
                      .status = status};
    VEC_PUSH(m->stubs, s);
}

void month_add_revenue(month_t *m, const revenue_t *r, const char *id, size_t len, int32_t line,
                       int32_t account)
{
    assert(m->phase == MONTH_LOADING);
    VEC_PUSH(m->revenue, *r);
    idseq_push(&m->revenue_ids, id, len);
    lineseq_push(&m->revenue_lines, line);
    if (m->every_account)
        VEC_PUSH(m->revenue_accounts, account);
}

/* Stubs enter the order map STUB_BATCH at a time: their slots (a table of
 * millions, each a cache miss) are fetched together, then filled. */
#define STUB_BATCH 32
void month_index_stubs(month_t *m, size_t from, size_t to)
{
    assert(m->phase == MONTH_LOADING);
    /* not month_stub_id: m->stubs.n may be growing on another thread */
    for (size_t b = from; b < to; b += STUB_BATCH) {
        size_t end = b + STUB_BATCH < to ? b + STUB_BATCH : to;
        for (size_t i = b; i < end; i++) {
            const char *id = strheap_str(&m->stub_ids, m->stubs.v[i].id);
            strmap_prefetch(&m->order_ix, id, strlen(id));
        }
        for (size_t i = b; i < end; i++) {
            const char *id = strheap_str(&m->stub_ids, m->stubs.v[i].id);
            strmap_put(&m->order_ix, id, strlen(id), ORDER_STUB + (int32_t)i);
        }
    }
}

const char *revenue_service_id(const month_t *m, const revenue_t *r)
{
    switch (revenue_service(r)) {
    case REVENUE_SERVICE_ORDER:
        return month_order_decision(m, revenue_order_ref(r)).id;
    case REVENUE_SERVICE_UNKNOWN:
        return "";
    default:
        return NULL;
    }
}

const char *revenue_account_id(const month_t *m, const revenue_t *r)
{
    int32_t account = !revenue_has_order(r) ? revenue_account(r)
                      : m->every_account    ? m->revenue_accounts.v[r - m->revenue.v]
                                            : -1;
    return account >= 0 ? m->master->accounts.v[account].id : "";
}

int32_t month_order_ref(const month_t *m, const char *id)
{
    assert(m->phase < MONTH_OUTPUTS);
    return strmap_get(&m->order_ix, id, strlen(id));
}

void month_shrink_order_map(month_t *m)
{
    assert(m->phase == MONTH_READ);
    m->phase = MONTH_DECIDING;
    strmap_t named = {0};
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = month_whole_order(m, (int32_t)i);
        if (o->period != m->period || !o->original_id)
            continue;
        size_t len = strlen(o->original_id);
        int32_t ref = strmap_get(&m->order_ix, o->original_id, len);
        if (ref >= 0) /* keyed by the order's own id string, which outlives the map */
            strmap_put(&named, month_order_decision(m, ref).id, len, ref);
    }
    strmap_free(&m->order_ix);
    m->order_ix = named;
}

void month_drop_order_map(month_t *m)
{
    assert(m->phase == MONTH_DECIDED);
    m->phase = MONTH_OUTPUTS;
    strmap_free(&m->order_ix);
}

int32_t month_order(const month_t *m, const char *id)
{
    int32_t ref = month_order_ref(m, id);
    return ref >= 0 && month_is_whole(ref) ? ref : -1;
}

int32_t month_opportunity(month_t *m, const char *id, bool create)
{
    size_t len = strlen(id);
    int32_t ix = strmap_get(&m->opportunity_ix, id, len);
    if (ix >= 0 || !create)
        return ix;
    opportunity_t o = {.id = arena_strndup(&m->arena, id, len), .first_approval = DATE_NONE};
    VEC_PUSH(m->opportunities, o);
    ix = (int32_t)(m->opportunities.n - 1);
    strmap_put(&m->opportunity_ix, o.id, len, ix);
    return ix;
}


period_t month_order_period(const month_t *m, int32_t ref)
{
    if (month_is_whole(ref))
        return month_whole_order(m, ref)->period;
    size_t i = (size_t)(ref - ORDER_STUB), lo = 0, hi = m->stub_period_end.n;
    while (lo < hi) { /* the first period whose stubs end past i */
        size_t mid = (lo + hi) / 2;
        if (m->stub_period_end.v[mid] <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->stub_periods.n ? m->stub_periods.v[lo] : PERIOD_NONE;
}
