/*
 * job.h — what a command holds while it works on a period, shared by the
 * files of the run pipeline (job.c, dataset_id.c, output.c, summary.c,
 * run.c). Internal to batch/: the commands' interface is run.h.
 */
#ifndef COMMISSIONS_JOB_H
#define COMMISSIONS_JOB_H

#include "run.h"

#include "decide_job.h"
#include "ingest.h"
#include "ledger.h"
#include "lock.h"
#include "statements.h"
#include "workbook.h"

/* Everything a command holds while it works on P; freed by job_release. */
struct job {
    const run_options_t *o;
    char *db_path, *out_dir;
    char pbuf[PERIOD_BUF];
    ledger_lock_t lock;
    ledger_t *ledger;
    decided_t d;         /* P decided (job_decide) */
    st_docs_t docs;      /* statement documents to render (run --statements, close) */
    ledger_docs_t zdocs; /* run: P's statement documents as the ledger stores them */
    st_history_t history; /* run: the statements' earlier periods */
    char *tmp_dir;
    /* payouts.xlsx's context (job_wb_context): inputs, previous payables, backlog */
    wb_context_t wbx;
    wb_input_t *wb_inputs;
    wb_prior_t *wb_prior;
    VEC(wb_hold_t) wb_holds;
    VEC(wb_order_t) wb_orders;
    uint8_t *wb_held_accounts; /* per account: P holds revenue through its owner */
};

void job_init(job_t *j, const run_options_t *o);
void job_release(job_t *j);
/* The inputs job_decide reads for o: o's dataset, period and book. */
job_inputs_t job_inputs_of(const run_options_t *o);
cm_status job_open_readonly(job_t *j, cm_error_t *err);
cm_status check_dataset(job_t *j, bool record, cm_error_t *err);

cm_status job_tmp_dir(job_t *j, const char *tag, cm_error_t *err);
cm_status write_outputs(job_t *j, cm_error_t *err);
cm_status publish(job_t *j, cm_error_t *err);
cm_status publish_into(job_t *j, const char *name, cm_error_t *err);
cm_status close_outputs(job_t *j, const ledger_payments_t *pay, const char *link,
                        cm_error_t *err);

/* Paid totals per currency (SPEC §7: never one sum across currencies). */
typedef struct paid_total {
    char code[4];
    money_t paid;
    int64_t count;
    bool overflow;
} paid_total_t;
typedef VEC(paid_total_t) paid_totals_t;

void paid_add(paid_totals_t *t, const char *code, money_t amount);
void paid_print(paid_totals_t *t);
void print_summary(const job_t *j, const char *what);

#endif
