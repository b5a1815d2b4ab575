/*
 * explain.h — `commissions explain` (SPEC §7): plain text a finance
 * user reads, tracing a decision or a cent to its rule and input line.
 */
#ifndef COMMISSIONS_EXPLAIN_H
#define COMMISSIONS_EXPLAIN_H

#include "run.h"

typedef enum { EXPLAIN_ORDER, EXPLAIN_REVENUE, EXPLAIN_AGREEMENT, EXPLAIN_PARTNER } explain_kind;

typedef struct explain_request {
    explain_kind kind;
    const char *id;
} explain_request_t;

/* EXIT_INVALID_INPUT (3) when what is asked about is not found: an id never
 * delivered or refused by format checks, a period not run, no ledger yet. */
cm_status cmd_explain(const run_options_t *o, const explain_request_t *q, cm_error_t *err);

#endif
