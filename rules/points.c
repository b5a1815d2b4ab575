/*
 * points.c — Marketplace points, SPEC §4.6 and §8.8.
 */
#include "points.h"

#include <stdlib.h>
#include <string.h>

#include "rates.h"

int32_t points_rule_for(const book_t *b, const char *program, const char *phase,
                        const char *activity_code)
{
    int32_t phase_row = tier_row(b, program, phase);
    if (phase_row < 0)
        return -1;
    int32_t phase_rank = b->tiers.v[phase_row].rank, best = -1, best_rank = 0;
    for (size_t i = 0; i < b->points.n; i++) {
        const points_rule_t *p = &b->points.v[i];
        if (strcmp(p->program, program) != 0 || strcmp(p->activity_code, activity_code) != 0)
            continue;
        int32_t tr = tier_row(b, program, p->phase_tier);
        if (tr < 0 || b->tiers.v[tr].rank > phase_rank)
            continue;
        if (best < 0 || b->tiers.v[tr].rank > best_rank) {
            best = (int32_t)i;
            best_rank = b->tiers.v[tr].rank;
        }
    }
    return best;
}

/* §8.8: the lowest agreement_id of the partner's MKT agreements active on d. */
static int32_t marketplace_agreement(const master_t *ms, const char *partner_id, date_t d)
{
    int32_t p = master_partner(ms, partner_id);
    if (p < 0)
        return -1;
    for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++) {
        const agreement_t *ag = &ms->agreements.v[ms->by_partner[k]];
        if (ag->legacy == LEGACY_MKT && agreement_active_on(ag, d))
            return ms->by_partner[k]; /* by_partner is sorted by agreement_id */
    }
    return -1;
}

static int by_date_then_id(const void *x, const void *y)
{
    const activity_t *a = x, *b = y;
    if (a->activity_date != b->activity_date)
        return a->activity_date < b->activity_date ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* Key of the already-awarded set: agreement_id, unit separator, code. */
static const char *awarded_key(month_t *m, int32_t a, const char *code, size_t *len)
{
    const char *aid = m->master->agreements.v[a].id;
    size_t la = strlen(aid), lc = strlen(code);
    char *k = arena_alloc(&m->arena, la + lc + 2);
    memcpy(k, aid, la);
    k[la] = '\x1f';
    memcpy(k + la + 1, code, lc + 1);
    *len = la + lc + 1;
    return k;
}

static void reject_activity(activity_t *act, rule_code rule, int64_t total)
{
    act->status = STATUS_REJECTED;
    act->rule = rule;
    act->points = 0;
    act->points_to_date = total;
}

void points_award(month_t *m)
{
    const book_t *b = m->book;
    /* activities.csv is optional: with no rows the VEC is NULL, and qsort's
     * base must not be NULL even for zero elements (UB, caught by UBSan). */
    if (m->activities.n > 0)
        qsort(m->activities.v, m->activities.n, sizeof(*m->activities.v), by_date_then_id);
    for (size_t i = 0; i < m->activities.n; i++) {
        activity_t *act = &m->activities.v[i];
        int32_t a = marketplace_agreement(m->master, act->partner_id, act->activity_date);
        act->agreement = a;
        if (a < 0) {
            reject_activity(act, RULE_NO_MARKETPLACE_AGREEMENT, 0);
            continue;
        }
        int64_t total, after;
        if (!money_add(m->points_before[a], m->current[a].points, &total)) {
            month_overflow(m, "the points to date of the agreement", a, SOURCE_ACTIVITIES,
                           m->period, act->line, "activity_code");
            return;
        }
        const tier_state_t *t = &m->tiers[a];
        int32_t row = t->program < 0 ? -1
                                     : points_rule_for(b, b->programs.v[t->program].name,
                                                       t->tier, act->activity_code);
        if (row < 0) {
            reject_activity(act, RULE_ACTIVITY_NOT_IN_PHASE, total);
            continue;
        }
        const points_rule_t *pr = &b->points.v[row];
        if (pr->requires_points >= 0 && pr->requires_points > total) {
            reject_activity(act, RULE_PREREQUISITE_NOT_MET, total);
            continue;
        }
        size_t klen;
        const char *key = awarded_key(m, a, act->activity_code, &klen);
        if (!pr->repeatable && month_awarded(m, key, klen)) {
            reject_activity(act, RULE_ALREADY_AWARDED, total);
            continue;
        }
        if (!money_add(total, pr->points, &after) ||
            !money_accumulate(&m->current[a].points, pr->points)) {
            month_overflow(m, "the points to date of the agreement", a, SOURCE_ACTIVITIES,
                           m->period, act->line, "activity_code");
            return;
        }
        month_award(m, key, klen);
        act->status = STATUS_AWARDED;
        act->rule = RULE_AWARDED;
        act->points = pr->points;
        act->points_to_date = after;
    }
}
