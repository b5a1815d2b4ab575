/*
 * tiers.h — SPEC §4.3 and §8.9: tier placement per agreement (P7, P8).
 *
 * tiers_place sets the tier in effect for P from the ledger's latest tier
 * row (m->tier_prior); tiers_review runs the review at the end of P that
 * decides P+1 (after revenue and points of P are known).
 */
#ifndef COMMISSIONS_TIERS_H
#define COMMISSIONS_TIERS_H

#include "month.h"

void tiers_place(month_t *m);
void tiers_review(month_t *m);

/* True when the program reviews at the end of period p (its review cycle). */
bool tiers_reviews_at(const program_t *g, period_t p);

/* The next higher tier of the program above `tier` (by rank), or -1. */
int32_t tiers_next_higher(const book_t *b, const char *program, const char *tier);

/* For statements and the Tiers sheet: the tier above the one in effect for P
 * (*next, a book tiers index), its threshold and the basis still needed to
 * reach it (max(0, threshold - basis_value): 0 means the review will
 * promote). false at the top tier, without a tier, or when that distance
 * does not fit int64 (a basis below about -9.2 * 10^16.00: no figure). */
bool tiers_next_threshold(const book_t *b, const tier_state_t *t, int32_t *next, int64_t *needed);

/* ---- guidance: what the next review will look at (statements, the Tiers
 * sheet, explain --agreement share it) -------------------------------------
 *
 * One program at a time: every figure below belongs to the program of the
 * next review (review_program), never a mix of this period's program and
 * the next one's.
 *
 * The next review is the first period R >= P at whose end a review happens
 * for the agreement (§4.3: the program in effect for R+1 reviews at R, or
 * that program differs from R's), looked for up to 24 periods ahead and
 * while the agreement is active in R. Its basis window is [window_from, R]
 * (a points basis: points to date, no window); basis_to_date is the part of
 * it known at the end of P (periods after P count 0 so far; with a review
 * at the end of P it is the basis that review used). For a combined basis
 * (P7: placement R+1 >= combine_from) the sum runs over the partner's
 * agreements whose program for R+1 is review_program: combined[0..ncombined)
 * (book order of the partner's agreements, this one included); the caller
 * gives room for the partner's agreement count.
 *
 * can_promote: the review is after P (at the end of P it has decided:
 * decided_tier), it is not frozen (P7) and review_program has a tier above
 * the one that review starts from (the tier in effect, or review_program's
 * entry tier when the program changes). Only then are next_tier, threshold
 * and needed (max(0, threshold - basis_to_date)) set.
 *
 * Example (statements.c):
 *   int32_t *with = malloc(nagreements_of_partner * sizeof *with);
 *   tiers_guidance_t g;
 *   if (tiers_guidance(m, a, with, &g) && g.can_promote) show g.needed ...
 *
 * false when the agreement has no program in effect for P and none at any
 * review ahead (no tier to talk about) or a sum does not fit int64. */
typedef struct tiers_guidance {
    int32_t program;         /* in effect for P (book index), -1 none */
    const char *tier;        /* in effect for P, NULL none */
    rule_code rule;          /* how it was set: entry / review / carried / frozen */
    bool has_review;         /* a review ahead within 24 periods */
    period_t review_period;  /* R: the review happens at its end */
    int32_t review_program;  /* the program in effect for R+1: its thresholds */
    bool program_changes;    /* review_program differs from P's program */
    bool frozen;             /* that review keeps the tier (freeze_until, P7) */
    bool points;             /* basis is points to date (no window) */
    period_t window_from;    /* the revenue window [window_from, R] */
    int64_t basis_to_date;   /* cents or points, known at the end of P */
    bool combined;           /* basis adds up combined[0..ncombined) */
    size_t ncombined;
    const char *from_tier;   /* the tier the review starts from */
    const char *decided_tier; /* R == P: the tier that review placed for P+1 */
    bool can_promote;
    int32_t next_tier;       /* book tiers index of the tier above from_tier */
    int64_t threshold, needed;
} tiers_guidance_t;

bool tiers_guidance(const month_t *m, int32_t agreement, int32_t *combined,
                    tiers_guidance_t *out);

#endif
