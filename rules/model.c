/*
 * model.c — the spec's spelling of every enumeration in model.h, and the
 * master data's index by partner and release.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

const char *const legacy_names[LEGACY_COUNT] = {"CTL", "LVL3", "MKT"};
const char *const partner_kind_names[KIND_COUNT] = {
    "agent", "master_agent", "integrator", "software", "strategic", "provider"};
const char *const lang_names[LANG_COUNT] = {"en", "es"};
const char *const interval_names[2] = {"monthly", "quarterly"};
const char *const basis_names[3] = {"revenue", "mrc", "points"};
const char *const review_names[3] = {"monthly", "quarterly", "annual"};
const char *const component_names[2] = {"residual", "spiff"};
const char *const order_type_names[4] = {"new", "incremental", "renewal", "disconnect"};
const char *const status_names[STATUS_AWARDED + 1] = {
    "", "attributed", "assigned", "unassigned", "held", "rejected", "awarded"};
const char *const line_kind_names[LINE_KIND_COUNT] = {
    "residual", "spiff", "chargeback", "adjustment", "credit", "restatement"};

/* qsort_r order of agreement indexes; ctx is the master_t. */
static int by_partner_then_id(const void *x, const void *y, void *ctx)
{
    const master_t *ms = ctx;
    const agreement_t *a = &ms->agreements.v[*(const int32_t *)x];
    const agreement_t *b = &ms->agreements.v[*(const int32_t *)y];
    if (a->partner != b->partner)
        return a->partner < b->partner ? -1 : 1;
    return strcmp(a->id, b->id);
}

void master_index_partners(master_t *ms, arena_t *arena)
{
    size_t n = ms->agreements.n, np = ms->partners.n;
    ms->by_partner = arena_alloc(arena, (n + 1) * sizeof(int32_t));
    ms->by_partner_first = arena_alloc(arena, (np + 1) * sizeof(int32_t));
    for (size_t i = 0; i < n; i++)
        ms->by_partner[i] = (int32_t)i;
    if (n > 1)
        qsort_r(ms->by_partner, n, sizeof(int32_t), by_partner_then_id, ms);
    size_t k = 0;
    for (size_t p = 0; p <= np; p++) {
        while (k < n && (size_t)ms->agreements.v[ms->by_partner[k]].partner < p)
            k++;
        ms->by_partner_first[p] = (int32_t)k;
    }
}

void master_release(master_t *ms)
{
    free(ms->partners.v);
    free(ms->agreements.v);
    free(ms->products.v);
    free(ms->accounts.v);
    free(ms->commitments.v);
    strmap_free(&ms->partner_ix);
    strmap_free(&ms->agreement_ix);
    strmap_free(&ms->product_ix);
    strmap_free(&ms->account_ix);
}

void book_release(book_t *b)
{
    free(b->programs.v);
    free(b->tiers.v);
    free(b->points.v);
    free(b->benefits.v);
    free(b->rates.v);
}
