/*
 * run.h — the commands that decide a period: run, check, close, status
 * (SPEC §5, §7). Each returns an exit code and fills err on failure.
 */
#ifndef COMMISSIONS_RUN_H
#define COMMISSIONS_RUN_H

#include <stdbool.h>

#include "date.h"
#include "util.h"

typedef struct run_options {
    const char *data_dir;
    period_t period;
    const char *db_path; /* NULL: DATA/ledger.db */
    const char *out_dir; /* NULL: DATA/out */
    bool statements;     /* run --statements: draft statements */
    bool quiet;
    bool every_account;  /* explain: resolve every revenue row's account */
    bool bind_dataset;   /* the ledger is bound to DATA/.commissions-id (the command
                            line's commands; verify's throwaway ledgers are not) */
    const char *book_dir; /* whatif: its book tables replace the dataset's of the same
                             name (NULL: the dataset's book) */
} run_options_t;

/* The ledger's path (--db, else DATA/ledger.db) and the output folder
 * (--out, else DATA/out): malloc'd, the caller frees. */
char *run_db_path(const run_options_t *o);
char *run_out_dir(const run_options_t *o);

cm_status cmd_run(const run_options_t *o, cm_error_t *err);
cm_status cmd_check(const run_options_t *o, cm_error_t *err);
cm_status cmd_close(const run_options_t *o, cm_error_t *err);
cm_status cmd_status(const run_options_t *o, cm_error_t *err);
/* Recompute the ledger's hash chain (SPEC §5, §7): 0 intact, 6 naming the
 * first period and table that differ. */
cm_status cmd_audit(const run_options_t *o, cm_error_t *err);

/* Decide period o->period in memory against the ledger, read-only, from the
 * state before P (explain, whatif), after checking that the inputs are the
 * ones the ledger recorded for P's run: every input, or with o->book_dir
 * (whatif) the master and period files only, the book being replaced. P must
 * have been run (open or closed; exit 4 otherwise). The job owns everything;
 * release it with run_job_free. Every command that decides a period goes
 * through the one entry point job_decide (decide_job.h): (the period's
 * inputs, the ledger's state before P, the rule book) -> the decided month. */
typedef struct job job_t;
struct month;
struct ledger;
cm_status run_decide_readonly(const run_options_t *o, job_t **out, cm_error_t *err);
const struct month *run_job_month(const job_t *j);
struct ledger *run_job_ledger(job_t *j);
void run_job_free(job_t *j);

#endif
