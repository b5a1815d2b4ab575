/*
 * rates.h — the rate card (SPEC §4.4 "Rate lookup") and program lookup.
 *
 * rates_find picks, among the rows of rates.csv for the plan and component
 * in effect on date D, the most specific one: exact category beats `*`,
 * then exact tier beats `*`. The book loader guarantees no two rows of the
 * same specificity overlap in time, so the winner is unique.
 */
#ifndef COMMISSIONS_RATES_H
#define COMMISSIONS_RATES_H

#include "model.h"

/* Index of the winning rates row, or -1 (no_rate). tier NULL matches only
 * `*` rows. */
int32_t rates_find(const book_t *book, const char *plan_id, component_t component,
                   const char *category, const char *tier, date_t d);

/* Programs row for legacy in effect for period p, or -1. */
int32_t program_for(const book_t *book, legacy_t legacy, period_t p);

/* tiers.csv row of (program, tier), or -1. */
int32_t tier_row(const book_t *book, const char *program, const char *tier);

/* Two rows overlapping in time with the same key; *a < *b are their indexes.
 * Used by the book loader to refuse conflicting rule books (file errors). */
bool rates_find_conflict(const book_t *book, size_t *a, size_t *b);
bool programs_find_conflict(const book_t *book, size_t *a, size_t *b);

#endif
