/*
 * rates.c — effective-dated, most-specific rate lookup and the book's
 * program/tier lookups. Books are small (hundreds of rows): linear scans
 * here; the hot residual loop caches results per agreement and category.
 */
#include "rates.h"

#include <string.h>

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int32_t rates_find(const book_t *book, const char *plan_id, component_t component,
                   const char *category, const char *tier, date_t d)
{
    int32_t best = -1;
    int best_score = -1;
    for (size_t i = 0; i < book->rates.n; i++) {
        const rate_t *r = &book->rates.v[i];
        if (r->component != component || strcmp(r->plan_id, plan_id) != 0)
            continue;
        if (r->category && !str_eq(r->category, category))
            continue;
        if (r->tier && !str_eq(r->tier, tier))
            continue;
        if (d < r->effective_from || (r->effective_to != DATE_NONE && d > r->effective_to))
            continue;
        /* exact category outranks exact tier: 2 + 1 */
        int score = (r->category ? 2 : 0) + (r->tier ? 1 : 0);
        if (score > best_score) {
            best = (int32_t)i;
            best_score = score;
        }
    }
    return best;
}

int32_t program_for(const book_t *book, legacy_t legacy, period_t p)
{
    for (size_t i = 0; i < book->programs.n; i++) {
        const program_t *g = &book->programs.v[i];
        if (g->legacy == legacy && g->effective_from <= p &&
            (g->effective_to == PERIOD_NONE || p <= g->effective_to))
            return (int32_t)i;
    }
    return -1;
}

int32_t tier_row(const book_t *book, const char *program, const char *tier)
{
    if (!program || !tier)
        return -1;
    for (size_t i = 0; i < book->tiers.n; i++)
        if (strcmp(book->tiers.v[i].program, program) == 0 &&
            strcmp(book->tiers.v[i].tier, tier) == 0)
            return (int32_t)i;
    return -1;
}

static bool dates_overlap(int32_t f1, int32_t t1, int32_t f2, int32_t t2)
{
    /* open ends are DATE_NONE / PERIOD_NONE == INT32_MAX */
    return f1 <= t2 && f2 <= t1;
}

bool rates_find_conflict(const book_t *book, size_t *a, size_t *b)
{
    for (size_t i = 0; i < book->rates.n; i++)
        for (size_t j = i + 1; j < book->rates.n; j++) {
            const rate_t *x = &book->rates.v[i], *y = &book->rates.v[j];
            if (x->component == y->component && strcmp(x->plan_id, y->plan_id) == 0 &&
                str_eq(x->category, y->category) && str_eq(x->tier, y->tier) &&
                dates_overlap(x->effective_from, x->effective_to, y->effective_from,
                              y->effective_to)) {
                *a = i;
                *b = j;
                return true;
            }
        }
    return false;
}

bool programs_find_conflict(const book_t *book, size_t *a, size_t *b)
{
    for (size_t i = 0; i < book->programs.n; i++)
        for (size_t j = i + 1; j < book->programs.n; j++) {
            const program_t *x = &book->programs.v[i], *y = &book->programs.v[j];
            if (x->legacy == y->legacy &&
                dates_overlap(x->effective_from, x->effective_to, y->effective_from,
                              y->effective_to)) {
                *a = i;
                *b = j;
                return true;
            }
        }
    return false;
}
