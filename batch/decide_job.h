/*
 * decide_job.h — the one entry point that decides a period:
 *
 *   (the period's inputs, the ledger's state before P, the rule book)
 *       -> decisions, lines, tiers, commitments, points, payables
 *
 * Every command that decides goes through job_decide: run and check (job.c,
 * run.c), verify (through run), explain and whatif (run_decide_readonly),
 * and the restatements a period carries (ingest_period reads them as part of
 * P's inputs). close never decides: it pays what P's last run recorded.
 */
#ifndef COMMISSIONS_DECIDE_JOB_H
#define COMMISSIONS_DECIDE_JOB_H

#include <stdbool.h>

#include "date.h"
#include "ingest.h"

/* What is decided: a dataset's period, under a rule book. */
typedef struct job_inputs {
    const char *data_dir; /* master/, book/ and periods/P/ */
    period_t period;      /* P */
    const char *book_dir; /* the rule book: NULL for DATA/book/ over the built-in book;
                             otherwise its tables replace those of the same name (whatif) */
    bool every_account;   /* explain: resolve every revenue row's account; the order map
                             stays whole after deciding (month_shrink_order_map skipped) */
} job_inputs_t;

/* What job_decide fills; owned by it until decided_release. */
typedef struct decided {
    dataset_t ds;         /* master data and the rule book, as read */
    month_t month;        /* P decided: its decisions, lines, tiers, commitments, points,
                             payables, control totals and rejects */
    input_list_t inputs;  /* every file read (master, book, P's), with its hash */
} decided_t;

/* Decide in->period into *out (zeroed by the caller).
 *
 * Reads: the files under in->data_dir (master/, book/ or in->book_dir,
 * periods/P/ including its restate/ folders) and, from prior, the state
 * before P (carried balances, tiers, history, earlier orders; ledger.h
 * ledger_load_prior). prior may be NULL: no state yet (a first period).
 * The caller chooses the transaction prior is read in (a run: its write
 * transaction, so the state cannot change before its commit).
 *
 * Writes: *out only. Never the ledger (prior is only read) and never a file
 * (out/ included); the only other effect is the stage log on stderr.
 *
 * Returns EXIT_DONE, EXIT_INVALID_INPUT for a file error or an input that
 * makes a sum overflow (naming file:line and column), EXIT_INTERNAL when a
 * conservation check fails, or a ledger error. On failure *out is partly
 * filled: release it all the same. */
cm_status job_decide(const job_inputs_t *in, ledger_t *prior, decided_t *out, cm_error_t *err);

/* Release what job_decide filled (a zeroed decided_t too). */
void decided_release(decided_t *d);

#endif
