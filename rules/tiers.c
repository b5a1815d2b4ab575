/*
 * tiers.c — tier placement and reviews, SPEC §4.3 and §8.9.
 *
 * A review at the end of P decides the tier for P+1 under the program in
 * effect for P+1. It happens when that program's cycle says so, or always
 * when the program changes at P+1 (P8: the merged program's first placement
 * comes from the last period before it, with its own thresholds).
 */
#include "tiers.h"

#include <string.h>

#include "rates.h"

bool tiers_reviews_at(const program_t *g, period_t p)
{
    int month = period_month(p);
    switch (g->review) {
    case REVIEW_MONTHLY:
        return true;
    case REVIEW_QUARTERLY:
        return month % 3 == 0;
    case REVIEW_ANNUAL:
        return month == 12;
    }
    return false;
}

static bool same_program(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

void tiers_place(month_t *m)
{
    const book_t *b = m->book;
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        tier_state_t *t = &m->tiers[a];
        const tier_prior_t *pr = &m->tier_prior[a];
        t->program = program_for(b, m->master->agreements.v[a].legacy, m->period);
        t->tier = NULL;
        t->rule = RULE_NONE;
        if (t->program < 0)
            continue;
        const program_t *g = &b->programs.v[t->program];
        if (pr->period != PERIOD_NONE && pr->reviewed && same_program(pr->next_program, g->name)) {
            t->tier = pr->next_tier; /* the last review decided it */
            t->rule = pr->next_rule;
        } else if (pr->period != PERIOD_NONE && same_program(pr->program, g->name)) {
            t->tier = pr->tier; /* no review since: it stays */
            t->rule = pr->rule;
        } else {
            t->tier = g->entry_tier; /* no review yet under this program */
            t->rule = RULE_ENTRY;
        }
    }
}

/* The basis of program g for agreement a at the end of P for the placement
 * of `placement` over [from, P] (points: to date, from unused); the combined
 * agreements into combined (NULL: not wanted). false when it does not fit
 * int64. */
static bool basis_known(const month_t *m, int32_t a, const program_t *g, period_t placement,
                        period_t from, int32_t *combined, size_t *ncombined, bool *is_combined,
                        int64_t *out)
{
    const master_t *ms = m->master;
    *ncombined = 0;
    *is_combined = false;
    if (g->basis == BASIS_POINTS)
        return money_add(m->points_before[a], m->current[a].points, out);
    if (g->combine_from == PERIOD_NONE || placement < g->combine_from)
        return month_agreement_sum(m, a, from, m->period, false, out);
    *is_combined = true;
    int32_t partner = ms->agreements.v[a].partner;
    int64_t sum = 0, one;
    for (int32_t k = ms->by_partner_first[partner]; k < ms->by_partner_first[partner + 1]; k++) {
        int32_t other = ms->by_partner[k];
        int32_t gp = program_for(m->book, ms->agreements.v[other].legacy, placement);
        if (gp < 0 || strcmp(m->book->programs.v[gp].name, g->name) != 0)
            continue;
        if (combined)
            combined[*ncombined] = other;
        (*ncombined)++;
        if (!month_agreement_sum(m, other, from, m->period, false, &one) ||
            !money_accumulate(&sum, one))
            return false;
    }
    *out = sum;
    return true;
}

/* The basis of program g for agreement a over its window ending P, for the
 * placement of period `placement` (combined from combine_from on, P7);
 * false (an overflow recorded) when the sum does not fit int64. */
static bool basis_value(month_t *m, int32_t a, const program_t *g, period_t placement,
                        int64_t *out)
{
    size_t n;
    bool combined;
    if (basis_known(m, a, g, placement, m->period - g->window_months + 1, NULL, &n, &combined,
                    out))
        return true;
    return month_overflow(m,
                          g->basis == BASIS_POINTS ? "the points to date of the agreement (tier basis)"
                          : combined ? "the combined tier basis (the partner's revenue over the "
                                       "window) of the agreement"
                                     : "the tier basis (revenue over the window) of the agreement",
                          a, SOURCE_NONE, m->period, 0, NULL);
}

/* Highest-rank tier of program whose min_value <= v; NULL when none. */
static const char *qualifying_tier(const book_t *b, const char *program, int64_t v)
{
    const tier_t *best = NULL;
    for (size_t i = 0; i < b->tiers.n; i++) {
        const tier_t *t = &b->tiers.v[i];
        if (strcmp(t->program, program) == 0 && t->min_value <= v &&
            (!best || t->rank > best->rank))
            best = t;
    }
    return best ? best->tier : NULL;
}

void tiers_review(month_t *m)
{
    const book_t *b = m->book;
    period_t next = m->period + 1;
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        tier_state_t *t = &m->tiers[a];
        const agreement_t *ag = &m->master->agreements.v[a];
        t->reviewed = false;
        t->next_tier = NULL;
        t->next_rule = RULE_NONE;
        t->next_program = program_for(b, ag->legacy, next);
        if (t->program >= 0 &&
            !basis_value(m, (int32_t)a, &b->programs.v[t->program], m->period, &t->basis_value))
            return;
        if (t->next_program < 0 || !agreement_active_in(ag, m->period))
            continue;
        const program_t *g = &b->programs.v[t->next_program];
        bool change = t->program < 0 || strcmp(b->programs.v[t->program].name, g->name) != 0;
        if (!change && !tiers_reviews_at(g, m->period))
            continue;
        /* §8.9: on a program change the review compares with the new entry tier */
        const char *current = change ? g->entry_tier : t->tier;
        t->reviewed = true;
        if (!basis_value(m, (int32_t)a, g, next, &t->basis_value))
            return;
        if (g->freeze_until != PERIOD_NONE && next <= g->freeze_until) {
            t->next_tier = current; /* P7: placements frozen */
            t->next_rule = RULE_FROZEN;
            continue;
        }
        const char *q = qualifying_tier(b, g->name, t->basis_value);
        t->next_tier = q ? q : g->entry_tier;
        t->next_rule = current && strcmp(t->next_tier, current) == 0 ? RULE_CARRIED : RULE_REVIEW;
    }
}

bool tiers_next_threshold(const book_t *b, const tier_state_t *t, int32_t *next, int64_t *needed)
{
    if (t->program < 0 || !t->tier)
        return false;
    int32_t up = tiers_next_higher(b, b->programs.v[t->program].name, t->tier);
    if (up < 0)
        return false;
    int64_t gap;
    if (!money_sub(b->tiers.v[up].min_value, t->basis_value, &gap))
        return false; /* a basis below -9.2e18: no figure to show */
    *next = up;
    *needed = gap > 0 ? gap : 0;
    return true;
}

int32_t tiers_next_higher(const book_t *b, const char *program, const char *tier)
{
    int32_t cur = tier_row(b, program, tier);
    if (cur < 0)
        return -1;
    int32_t best = -1;
    for (size_t i = 0; i < b->tiers.n; i++) {
        const tier_t *t = &b->tiers.v[i];
        if (strcmp(t->program, program) == 0 && t->rank > b->tiers.v[cur].rank &&
            (best < 0 || t->rank < b->tiers.v[best].rank))
            best = (int32_t)i;
    }
    return best;
}

/* ---- guidance (tiers.h) ---------------------------------------------------- */

bool tiers_guidance(const month_t *m, int32_t a, int32_t *combined, tiers_guidance_t *out)
{
    const book_t *b = m->book;
    const agreement_t *ag = &m->master->agreements.v[a];
    const tier_state_t *t = &m->tiers[a];
    memset(out, 0, sizeof(*out));
    out->program = t->program;
    out->tier = t->tier;
    out->rule = t->rule;
    out->review_program = -1;
    out->next_tier = -1;
    period_t r = m->period;
    for (; r < m->period + 24; r++) {
        if (!agreement_active_in(ag, r))
            break;
        int32_t gp = program_for(b, ag->legacy, r + 1);
        if (gp < 0)
            continue;
        int32_t now = r == m->period ? t->program : program_for(b, ag->legacy, r);
        bool change = now < 0 || strcmp(b->programs.v[now].name, b->programs.v[gp].name) != 0;
        if (change || tiers_reviews_at(&b->programs.v[gp], r)) {
            out->has_review = true;
            out->review_period = r;
            out->review_program = gp;
            out->program_changes = t->program < 0 ||
                                   strcmp(b->programs.v[t->program].name,
                                          b->programs.v[gp].name) != 0;
            break;
        }
    }
    if (!out->has_review)
        return t->program >= 0 && t->tier != NULL;
    const program_t *g = &b->programs.v[out->review_program];
    out->points = g->basis == BASIS_POINTS;
    out->window_from = out->points ? PERIOD_NONE : r - g->window_months + 1;
    out->frozen = g->freeze_until != PERIOD_NONE && r + 1 <= g->freeze_until;
    if (!basis_known(m, a, g, r + 1, out->points ? m->period : out->window_from, combined,
                     &out->ncombined, &out->combined, &out->basis_to_date))
        return false;
    /* the review at the end of P: the basis it used and what it decided */
    if (r == m->period && t->reviewed) {
        out->basis_to_date = t->basis_value;
        out->decided_tier = t->next_tier;
    }
    out->from_tier = out->program_changes || !t->tier ? g->entry_tier : t->tier;
    if (r == m->period || out->frozen)
        return true;
    int32_t up = tiers_next_higher(b, g->name, out->from_tier);
    if (up < 0)
        return true;
    int64_t gap;
    if (!money_sub(b->tiers.v[up].min_value, out->basis_to_date, &gap))
        return false;
    out->can_promote = true;
    out->next_tier = up;
    out->threshold = b->tiers.v[up].min_value;
    out->needed = gap > 0 ? gap : 0;
    return true;
}
