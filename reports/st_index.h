/*
 * st_index.h — the month indexed for the statements: residuals grouped per
 * agreement, service and product; lines, commitments and activities listed
 * per agreement; held items per partner.
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

/* Assigned revenue of one agreement, service (its order, or the account
 * when the row names no known service) and product. */
typedef struct group {
    int32_t agreement, service, account, product, rate_row;
    uint8_t note;
    int64_t rows;
    money_t basis, amount;
} group_t;

typedef struct index {
    group_t *groups;
    size_t ngroups;
    by_agreement_t groups_of, lines_of, commitments_of, activities_of;
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
void index_free(index_t *ix);
held_index_t index_held(const month_t *m);

#endif
