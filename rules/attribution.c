/*
 * attribution.c — order attribution, SPEC §4.1 steps 1–6 and §8.3–8.4.
 *
 * Each step is one static function returning true when it decided the order
 * (held or rejected); attr_decide runs them in the spec's order. The rule
 * code of every outcome is written exactly where that outcome is decided.
 */
#include "attribution.h"

#include <stdlib.h>
#include <string.h>

static void decide_as(order_t *o, status_t status, rule_code rule, int32_t agreement)
{
    o->status = status;
    o->rule = rule;
    o->agreement = status == STATUS_ATTRIBUTED ? agreement : -1;
}

/* The partner's single agreement of `legacy` active on d: its index, -1 when
 * none, -2 when several. */
static int32_t single_active(const master_t *ms, int32_t partner, legacy_t legacy, date_t d)
{
    int32_t found = -1;
    for (int32_t k = ms->by_partner_first[partner]; k < ms->by_partner_first[partner + 1]; k++) {
        int32_t a = ms->by_partner[k];
        const agreement_t *ag = &ms->agreements.v[a];
        if (ag->legacy == legacy && agreement_active_on(ag, d)) {
            if (found >= 0)
                return -2;
            found = a;
        }
    }
    return found;
}

static void decide_by_default(month_t *m, order_t *o, legacy_t legacy, rule_code ok_rule)
{
    int32_t a = single_active(m->master, o->partner, legacy, o->order_date);
    if (a == -1)
        decide_as(o, STATUS_HELD, RULE_NO_AGREEMENT_FOR_PORTFOLIO, -1);
    else if (a == -2)
        decide_as(o, STATUS_HELD, RULE_AMBIGUOUS_AGREEMENT, -1);
    else
        decide_as(o, STATUS_ATTRIBUTED, ok_rule, a);
}

/* The decision of the original service order, made before this one: whole
 * or a stub (attribution reads only its status and agreement, which every
 * earlier order's stub holds); false when not found (§8.4: an original
 * sorting later in the same file counts as not found). */
static bool find_original(const month_t *m, const order_t *o, order_decision_t *orig)
{
    if (!o->original_id)
        return false;
    int32_t ref = month_order_ref(m, o->original_id);
    if (ref < 0 || (month_is_whole(ref) && month_whole_order(m, ref) == o))
        return false;
    *orig = month_order_decision(m, ref);
    return orig->status != STATUS_NONE;
}

/* Steps 2–3 share this: the original must be known and attributed; true
 * with its agreement in *agreement, or false with o held. */
static bool attributed_original(month_t *m, order_t *o, int32_t *agreement)
{
    order_decision_t orig;
    if (!find_original(m, o, &orig)) {
        decide_as(o, STATUS_HELD, RULE_ORIGINAL_NOT_FOUND, -1);
        return false;
    }
    if (orig.status != STATUS_ATTRIBUTED) {
        decide_as(o, STATUS_HELD, RULE_ORIGINAL_NOT_ATTRIBUTED, -1);
        return false;
    }
    *agreement = orig.agreement;
    return true;
}

/* Step 2: a disconnect follows the service it ends. */
static void decide_disconnect(month_t *m, order_t *o)
{
    int32_t a;
    if (attributed_original(m, o, &a))
        decide_as(o, STATUS_ATTRIBUTED, RULE_DISCONNECT_FOLLOWS_SERVICE, a);
}

/* Step 3 (P2): incremental services follow the original's legacy company. */
static void decide_incremental(month_t *m, order_t *o)
{
    int32_t orig_agreement;
    if (!attributed_original(m, o, &orig_agreement))
        return;
    const master_t *ms = m->master;
    legacy_t target = ms->agreements.v[orig_agreement].legacy;
    if (ms->products.v[o->product].portfolio != target) {
        decide_as(o, STATUS_HELD, RULE_PORTFOLIO_MISMATCH, -1);
        return;
    }
    if (o->agreement_ref) {
        int32_t a = master_agreement(ms, o->agreement_ref);
        if (a >= 0) {
            const agreement_t *ag = &ms->agreements.v[a];
            if (ag->partner == o->partner && ag->legacy == target &&
                agreement_active_on(ag, o->order_date)) {
                decide_as(o, STATUS_ATTRIBUTED, RULE_FOLLOWS_ORIGINAL, a);
                return;
            }
        }
    }
    decide_by_default(m, o, target, RULE_FOLLOWS_ORIGINAL);
}

/* Step 4 (P1): new and renewal orders go to an agreement of the product's
 * portfolio; a named agreement of the other legacy is never used. */
static void decide_new(month_t *m, order_t *o)
{
    const master_t *ms = m->master;
    legacy_t target = ms->products.v[o->product].portfolio;
    if (!o->agreement_ref) {
        decide_by_default(m, o, target, RULE_PORTFOLIO_DEFAULT);
        return;
    }
    int32_t a = master_agreement(ms, o->agreement_ref);
    if (a < 0) {
        decide_as(o, STATUS_REJECTED, RULE_UNKNOWN_AGREEMENT, -1);
        return;
    }
    const agreement_t *ag = &ms->agreements.v[a];
    if (ag->partner != o->partner)
        decide_as(o, STATUS_REJECTED, RULE_AGREEMENT_PARTNER_MISMATCH, -1);
    else if (ag->legacy != target)
        decide_as(o, STATUS_HELD, RULE_CROSS_PORTFOLIO, -1);
    else if (!agreement_active_on(ag, o->order_date))
        decide_as(o, STATUS_HELD, RULE_AGREEMENT_INACTIVE, -1);
    else
        decide_as(o, STATUS_ATTRIBUTED, RULE_NAMED_AGREEMENT, a);
}

/* Step 5 (P4): joint CTL + LVL3 opportunities need prior written approval. */
static void check_joint(month_t *m, order_t *o)
{
    if (!o->opportunity_id)
        return;
    int32_t ix = month_opportunity(m, o->opportunity_id, false);
    if (ix < 0)
        return;
    const opportunity_t *op = &m->opportunities.v[ix];
    if (op->has_ctl && op->has_lvl3 &&
        (op->first_approval == DATE_NONE || op->first_approval > o->order_date))
        decide_as(o, STATUS_HELD, RULE_JOINT_WITHOUT_PRIOR_APPROVAL, -1);
}

void attr_decide(month_t *m, order_t *o)
{
    const master_t *ms = m->master;
    /* Step 1: references (§8.3: unknown product wins over unknown partner). */
    if (o->product < 0) {
        decide_as(o, STATUS_REJECTED, RULE_UNKNOWN_PRODUCT, -1);
        return;
    }
    if (o->partner < 0) {
        decide_as(o, STATUS_REJECTED, RULE_UNKNOWN_PARTNER, -1);
        return;
    }
    switch (o->type) {
    case ORDER_DISCONNECT:
        decide_disconnect(m, o);
        break;
    case ORDER_INCREMENTAL:
        decide_incremental(m, o);
        break;
    case ORDER_NEW:
    case ORDER_RENEWAL:
        decide_new(m, o);
        break;
    }
    if (o->status != STATUS_ATTRIBUTED)
        return;
    check_joint(m, o);
    if (o->status != STATUS_ATTRIBUTED)
        return;
    /* Step 6: an order is paid in its agreement's currency or not at all. */
    if (strcmp(o->currency.code, ms->agreements.v[o->agreement].currency.code) != 0)
        decide_as(o, STATUS_REJECTED, RULE_CURRENCY_MISMATCH, -1);
}

void attr_tally_opportunity(month_t *m, const char *opportunity_id, int32_t product)
{
    if (!opportunity_id || product < 0)
        return;
    int32_t ix = month_opportunity(m, opportunity_id, true);
    legacy_t pf = m->master->products.v[product].portfolio;
    if (pf == LEGACY_CTL)
        m->opportunities.v[ix].has_ctl = true;
    else if (pf == LEGACY_LVL3)
        m->opportunities.v[ix].has_lvl3 = true;
}

void attr_tally_opportunities(month_t *m)
{
    for (size_t i = 0; i < m->orders.n; i++) {
        const order_t *o = month_whole_order(m, (int32_t)i);
        attr_tally_opportunity(m, o->opportunity_id, o->product);
    }
}

/* qsort_r order of order indexes; ctx is the month_t. */
static int by_date_then_id(const void *x, const void *y, void *ctx)
{
    const month_t *m = ctx;
    const order_t *a = month_whole_order(m, *(const int32_t *)x);
    const order_t *b = month_whole_order(m, *(const int32_t *)y);
    if (a->order_date != b->order_date)
        return a->order_date < b->order_date ? -1 : 1;
    return strcmp(a->id, b->id);
}

static bool undecided(const month_t *m, const order_t *o)
{
    (void)m;
    return o->status == STATUS_NONE;
}

/* ix[0..n), in order_id order, reordered stably by order_date: a counting
 * sort over the days the dates span (far fewer than a month's orders), or a
 * comparison sort when they span more than DATE_SPAN days. */
#define DATE_SPAN (1 << 20)
static void sort_by_date(month_t *m, int32_t *ix, size_t n)
{
    if (n < 2)
        return;
    date_t lo = month_whole_order(m, ix[0])->order_date, hi = lo;
    for (size_t i = 1; i < n; i++) {
        date_t d = month_whole_order(m, ix[i])->order_date;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    if ((int64_t)hi - lo >= DATE_SPAN) {
        qsort_r(ix, n, sizeof(*ix), by_date_then_id, m);
        return;
    }
    size_t span = (size_t)((int64_t)hi - lo) + 1;
    size_t *start = calloc(span + 1, sizeof(*start));
    int32_t *out = malloc(n * sizeof(*out));
    if (!start || !out)
        abort();
    for (size_t i = 0; i < n; i++)
        start[month_whole_order(m, ix[i])->order_date - lo + 1]++;
    for (size_t d = 1; d <= span; d++)
        start[d] += start[d - 1];
    for (size_t i = 0; i < n; i++)
        out[start[month_whole_order(m, ix[i])->order_date - lo]++] = ix[i];
    memcpy(ix, out, n * sizeof(*ix));
    free(out);
    free(start);
}

void attr_decide_period(month_t *m)
{
    /* P's orders by order_date, then order_id: the ids sorted first (radix,
     * or not at all when orders.csv is in id order), then stably by date */
    size_t n;
    int32_t *ix = month_orders_by_id(m, undecided, &n);
    sort_by_date(m, ix, n);
    for (size_t i = 0; i < n; i++)
        attr_decide(m, month_whole_order(m, ix[i]));
    free(ix);
}
