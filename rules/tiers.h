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

#endif
