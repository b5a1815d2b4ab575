/*
 * st_index.h — the month indexed for the statements: revenue rows, lines,
 * commitments and activities listed per agreement (residuals grouped per
 * service and product one agreement at a time); held items per partner.
 */
#ifndef COMMISSIONS_ST_INDEX_H
#define COMMISSIONS_ST_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "month.h"

/* Items of one kind listed per agreement: items[first[a] .. first[a+1]). */
typedef struct by_agreement {
    int32_t *first, *items;
} by_agreement_t;

/* Assigned revenue of one agreement summed per service (its order, or the
 * account when the row names no known service) and product; rate_row and
 * note are those of its first row. */
typedef struct group {
    int32_t service, account, product, rate_row;
    uint8_t note;
    int64_t rows;
    money_t basis, amount;
} group_t;

/* The month by agreement: each agreement's assigned revenue rows (in the
 * month's order), lines, commitments and activities. The rest is the
 * scratch of index_groups, sized by the biggest agreement, not the month. */
typedef struct index {
    by_agreement_t revenue_of, lines_of, commitments_of, activities_of;
    group_t *groups;
    int32_t *slots, *order;
    struct group_key *keys;
    size_t gcap, scap, ocap, kcap;
} index_t;

/* A held or rejected order first delivered in P, or held revenue of one
 * service (summed), of a known partner. */
typedef struct held {
    int32_t partner;
    int32_t order;   /* m->orders index */
    bool revenue;    /* held revenue of the service `order` */
    int64_t rows;
    money_t amount;
    uint16_t currency;
    rule_code rule;
} held_t;

typedef struct held_index {
    held_t *v;
    size_t n;
    by_agreement_t of; /* per partner (the counting sort works for any index) */
} held_index_t;

void by_agreement_free(by_agreement_t *x);
const char *group_service(const month_t *m, const group_t *g);
index_t index_month(const month_t *m);
/* Agreement a's residuals summed per service and product: returns n, the
 * groups are ix->groups[ix->order[i]] for i < n, by service id then product
 * code (bytewise), valid until the next call. Linear in a's rows (plus the
 * sort of its groups). */
size_t index_groups(const month_t *m, index_t *ix, int32_t a);
void index_free(index_t *ix);
held_index_t index_held(const month_t *m);

#endif
