/*
 * workbook.h — payouts.xlsx, the finance workbook of SPEC §6.
 */
#ifndef COMMISSIONS_WORKBOOK_H
#define COMMISSIONS_WORKBOOK_H

#include <stddef.h>

#include "month.h"
#include "status.h"

/* An input file of P as the run read it (the Control sheet lists each). */
typedef struct wb_input {
    const char *path, *sha256;
    int64_t records, bytes;
} wb_input_t;

/* An agreement's payable in the previous period run (the ledger's row). */
typedef struct wb_prior {
    bool present;
    money_t paid, carried_out;
} wb_prior_t;

/* Revenue held in earlier periods on a service whose order is still not
 * attributed in P (the ledger's held_revenue rows): the backlog. */
typedef struct wb_hold {
    const char *service_id, *agreement_id; /* agreement: named on the order, "" none */
    char currency[4];
    period_t first, last; /* earliest and latest period it was held in */
    int32_t periods;      /* periods it was held in */
    int64_t rows;
    money_t amount;       /* cumulative held amount, in currency */
} wb_hold_t;

/* An earlier period's order (a stub in the month) that revenue of P names:
 * its partner and the agreement it named, from the ledger. */
typedef struct wb_order {
    int32_t ref; /* its order reference (month.h ORDER_STUB) */
    const char *partner_id, *agreement_ref; /* "" when none */
} wb_order_t;

/* What the run knows beyond the month (any field may be empty). */
typedef struct wb_context {
    const char *version;      /* the program's version */
    const wb_input_t *inputs; /* in path order */
    size_t ninputs;
    period_t prior_period;    /* the previous period run; PERIOD_NONE: none */
    const wb_prior_t *prior;  /* per agreement of m->master; NULL: none */
    const wb_hold_t *holds;   /* the backlog, in service order */
    size_t nholds;
    const wb_order_t *orders; /* the stubs unassigned revenue names, by ref ascending */
    size_t norders;
} wb_context_t;

/* Write the workbook at path; x may be NULL. EXIT_INTERNAL with a message
 * naming path and the reason when it cannot be written. */
cm_status wb_write_payouts_ctx(const month_t *m, const wb_context_t *x, const char *path,
                               cm_error_t *err);
/* The workbook without a context (no inputs, prior period or backlog). */
cm_status wb_write_payouts(const month_t *m, const char *path, cm_error_t *err);

#endif
