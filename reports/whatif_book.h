/*
 * whatif_book.h — the comparison a `whatif` writes (SPEC §7):
 * per agreement, what P's run recorded (actual) against what P decided
 * with another rule book gives (what-if), in comparison.csv and
 * whatif.xlsx. Totals are per currency only, never across currencies.
 */
#ifndef COMMISSIONS_WHATIF_BOOK_H
#define COMMISSIONS_WHATIF_BOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "status.h"

/* One side of an agreement's comparison. present: the side has a payables
 * or tiers row for the agreement; a side without one shows blanks and
 * counts as 0 in the differences and totals. */
typedef struct wi_side {
    bool present;
    const char *tier;   /* tier in effect for P; NULL: none */
    const char *next;   /* tier the review at the end of P decided; NULL: no review */
    const char *status; /* payables status; NULL: no payables row */
    money_t by_kind[LINE_KIND_COUNT];
    money_t earned, paid, carried_out;
} wi_side_t;

typedef struct wi_row {
    const char *agreement_id, *partner_id, *currency;
    wi_side_t actual, whatif;
} wi_row_t;

/* Rows sorted by agreement_id (bytewise), each agreement once. */
typedef struct wi_table {
    period_t period;
    const char *book; /* the what-if book folder, as given */
    const wi_row_t *v;
    size_t n;
} wi_table_t;

/* Does the row's tier (in effect for P, or decided for P+1 by the review at
 * the end of P) or pay (the amount paid) change? */
bool wi_changes(const wi_row_t *r);

/* comparison.csv: agreement_id, partner_id, currency, then per side
 * (actual_, whatif_) tier, next_tier, residual, spiff, chargeback, adjustment, credit,
 * restatement,
 * earned, paid, carried_out, status, then diff_earned, diff_paid,
 * diff_carried_out and changed (yes/no). Sorted bytewise by agreement_id.
 * EXIT_INTERNAL with "path: reason" when it cannot be written (or a
 * difference does not fit in cents). */
cm_status wi_write_csv(const wi_table_t *t, const char *path, cm_error_t *err);

/* whatif.xlsx: Comparison (the rows above), Totals (per currency: every
 * money column for both sides and the difference, with a chart per
 * currency of actual against what-if by kind, paid and carried), Changes
 * (partners whose tier or pay changes, with their agreements).
 * EXIT_INTERNAL with "path: reason" as wi_write_csv. */
cm_status wi_write_book(const wi_table_t *t, const char *path, cm_error_t *err);

#endif
