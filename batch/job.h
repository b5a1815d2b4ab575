/*
 * job.h — what a command holds while it works on a period, shared by the
 * files of the run pipeline: job.c (the job's life, the read-only start),
 * decide_job.c (the decision, decide_job.h), dataset_id.c (which dataset a
 * ledger belongs to), output.c (write and publish), summary.c (stdout) and
 * run.c (the commands). Internal to batch/: the commands' interface is run.h.
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

/* ---- job.c ------------------------------------------------------------------ */
/* Zero j and derive its paths from o (o outlives j). Never fails. */
void job_init(job_t *j, const run_options_t *o);
/* Release all j holds: the temporary folder (removed), the ledger (rolled
 * back if a transaction is open, then closed), the lock, the decided month. */
void job_release(job_t *j);
/* The inputs job_decide reads for o: o's dataset, period and book. */
job_inputs_t job_inputs_of(const run_options_t *o);
/* The read-only commands' start: the ledger opened read-only (NULL when
 * there is none yet) and checked to belong to this dataset. */
cm_status job_open_readonly(job_t *j, cm_error_t *err);

/* ---- dataset_id.c ------------------------------------------------------------ */
/* The ledger belongs to this dataset (DATA/.commissions-id; exit 4 when it
 * was started for another one); with record, a ledger bound to none yet is
 * bound to it (a run's first). Nothing to check without o->bind_dataset or
 * without a ledger. */
cm_status check_dataset(job_t *j, bool record, cm_error_t *err);

/* ---- output.c ---------------------------------------------------------------- */
/* A fresh temporary folder beside out/P (j->tmp_dir), TAG naming the command. */
cm_status job_tmp_dir(job_t *j, const char *tag, cm_error_t *err);
/* A run's outputs from the decided month: P's ledger rows, statement
 * documents and chain link (in the open transaction, not committed), and the
 * files into j->tmp_dir. Requires the ledger open for writing and tmp_dir. */
cm_status write_outputs(job_t *j, cm_error_t *err);
/* After the commit: j->tmp_dir becomes out/P whole (the old out/P removed). */
cm_status publish(job_t *j, cm_error_t *err);
/* One file or folder of j->tmp_dir moved into out/P, replacing its copy. */
cm_status publish_into(job_t *j, const char *name, cm_error_t *err);
/* close: payments.csv, payments.control (chain link `link`) and the final
 * statements (the documents P's run recorded) into a new j->tmp_dir. */
cm_status close_outputs(job_t *j, const ledger_payments_t *pay, const char *link,
                        cm_error_t *err);

/* ---- summary.c --------------------------------------------------------------- */
/* Paid totals per currency (SPEC §7: never one sum across currencies). */
typedef struct paid_total {
    char code[4];
    money_t paid;
    int64_t count;
    bool overflow;
} paid_total_t;
typedef VEC(paid_total_t) paid_totals_t;

/* Add amount to code's total (kept in code order); an overflow is marked. */
void paid_add(paid_totals_t *t, const char *code, money_t amount);
/* Print each currency's total on stdout, then empty t. */
void paid_print(paid_totals_t *t);
/* The last lines of run or check (`what`) on stdout. */
void print_summary(const job_t *j, const char *what);

#endif
