/*
 * run.c — orchestration of a period (SPEC §5): lock, load, decide, write
 * outputs to a temporary folder, commit the ledger, then publish.
 *
 *   batch reads (ingest, ledger) -> rules decide (month_decide)
 *   -> ledger records (one transaction) -> reports write (renamed into place)
 *
 * Crash safety: the ledger commit is the single point of truth. Outputs are
 * complete in out/.tmp-P-PID before the commit and renamed to out/P after
 * it, so out/P is always absent, the previous version, or complete.
 */
#include "run.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "decide.h"
#include "ingest.h"
#include "ledger.h"
#include "lock.h"
#include "results.h"
#include "statements.h"
#include "workbook.h"

/* Everything a command holds while it works on P; freed by job_release. */
struct job {
    const run_options_t *o;
    char *db_path, *out_dir;
    char pbuf[PERIOD_BUF];
    ledger_lock_t lock;
    ledger_t *ledger;
    dataset_t ds;
    month_t month;
    input_list_t inputs; /* master, book and period files */
    char *tmp_dir;
};

static void job_init(job_t *j, const run_options_t *o)
{
    memset(j, 0, sizeof(*j));
    j->o = o;
    j->lock.fd = -1;
    j->db_path = o->db_path ? strdup(o->db_path) : path_join(o->data_dir, "ledger.db");
    j->out_dir = o->out_dir ? strdup(o->out_dir) : path_join(o->data_dir, "out");
    period_format(o->period, j->pbuf);
    log_quiet = o->quiet;
}

static void job_release(job_t *j)
{
    if (j->tmp_dir) {
        remove_tree(j->tmp_dir);
        free(j->tmp_dir);
    }
    ledger_rollback(j->ledger);
    ledger_close(j->ledger);
    lock_release(&j->lock);
    month_release(&j->month);
    dataset_release(&j->ds);
    free(j->inputs.v);
    free(j->db_path);
    free(j->out_dir);
}

/* What the month allocates before it replays revenue.csv, so the rows
 * parsed ahead leave room for it (prefetch_expect): per earlier order its
 * stub, its id (taken as 16 bytes) and its share of the order map's slots
 * (a map is at most 3/4 full); per byte of orders.csv about two (a 128-byte
 * order_t for a row of ~90 bytes, its strings, the originals it makes
 * whole). 10M rows, month 12 (11M earlier orders): ~0.7 GB. */
static size_t memory_before_revenue(job_t *j)
{
    size_t per_stub = sizeof(order_stub_t) + sizeof(strmap_slot_t) * 4 / 3 + 16;
    int64_t earlier = ledger_earlier_orders(j->ledger, j->o->period);
    char rel[64];
    snprintf(rel, sizeof(rel), "periods/%s/orders.csv", j->pbuf);
    char *path = path_join(j->o->data_dir, rel);
    int64_t orders = file_size(path);
    free(path);
    return (earlier > 0 ? (size_t)earlier * per_stub : 0) + (orders > 0 ? 2 * (size_t)orders : 0);
}

/* Load master, book, prior state and the period's rows, then decide. */
static exit_code job_decide(job_t *j, batch_error_t *err)
{
    prefetch_t *revenue = ingest_prefetch_revenue(j->o->data_dir, j->o->period);
    if (revenue)
        prefetch_expect(revenue, memory_before_revenue(j));
    exit_code rc = ingest_dataset(&j->ds, j->o->data_dir, err);
    if (rc != EXIT_DONE) {
        prefetch_cancel(revenue);
        return rc;
    }
    log_stage("%s: master and book read (%zu partners, %zu agreements, %zu rate rows)", j->pbuf,
              j->ds.master.partners.n, j->ds.master.agreements.n, j->ds.book.rates.n);
    for (size_t i = 0; i < j->ds.inputs.n; i++)
        VEC_PUSH(j->inputs, j->ds.inputs.v[i]);
    month_init(&j->month, &j->ds.master, &j->ds.book, j->o->period);
    j->month.every_account = j->o->every_account;
    rc = ledger_load_prior(j->ledger, &j->month, err);
    if (rc != EXIT_DONE) {
        prefetch_cancel(revenue);
        return rc;
    }
    /* every earlier order has a stub; orders.n of them are whole so far */
    log_stage("%s: ledger state loaded (%zu earlier orders, %zu of them whole)", j->pbuf,
              j->month.stubs.n, j->month.orders.n);
    rc = ingest_period(&j->ds, &j->month, revenue, j->ledger, &j->inputs, err);
    if (rc != EXIT_DONE)
        return rc;
    log_stage("%s: period read (%" PRId64 " orders, %" PRId64 " revenue rows, %zu rejects)",
              j->pbuf, j->month.control.orders_read, j->month.control.revenue_read,
              j->month.rejects.n);
    if (!j->o->every_account) /* explain (every_account) looks orders up by id afterwards */
        month_shrink_order_map(&j->month);
    char msg[512];
    if (!month_decide(&j->month, msg, sizeof(msg))) {
        if (month_overflowed(&j->month)) /* an input error: exit 3 naming the row */
            return ingest_overflow_error(&j->month, err);
        return fail_with(err, EXIT_INTERNAL, "%s: %s; nothing was written", j->pbuf, msg);
    }
    log_stage("%s: decided", j->pbuf);
    return EXIT_DONE;
}

/* A fresh temporary folder beside out/P (same file system, so the final
 * rename is atomic); stale ones of killed runs are removed first. */
static exit_code job_tmp_dir(job_t *j, const char *tag, batch_error_t *err)
{
    char name[64];
    snprintf(name, sizeof(name), ".tmp-%s-%s-%ld", tag, j->pbuf, (long)getpid());
    if (!mkdir_p(j->out_dir))
        return fail_with(err, EXIT_INTERNAL, "%s: %s", j->out_dir, strerror(errno));
    j->tmp_dir = path_join(j->out_dir, name);
    remove_tree(j->tmp_dir);
    if (!mkdir_p(j->tmp_dir))
        return fail_with(err, EXIT_INTERNAL, "%s: %s", j->tmp_dir, strerror(errno));
    return EXIT_DONE;
}

static exit_code out_results_part(job_t *j, results_part_t part, batch_error_t *err)
{
    char msg[512];
    char *results = path_join(j->tmp_dir, "results");
    exit_code rc = EXIT_DONE;
    if (results_write_part(&j->month, results, part, msg, sizeof(msg)) != 0)
        rc = fail_with(err, EXIT_INTERNAL, "results: %s", msg);
    free(results);
    if (rc == EXIT_DONE)
        log_stage("%s: %s written", j->pbuf,
                  part == RESULTS_LINES     ? "results/lines.csv"
                  : part == RESULTS_REVENUE ? "results/revenue.csv"
                                            : "other results");
    return rc;
}

static exit_code out_results(job_t *j, batch_error_t *err)
{
    return out_results_part(j, RESULTS_OTHERS, err);
}

static exit_code out_lines(job_t *j, batch_error_t *err)
{
    return out_results_part(j, RESULTS_LINES, err);
}

static exit_code out_revenue(job_t *j, batch_error_t *err)
{
    return out_results_part(j, RESULTS_REVENUE, err);
}

static exit_code out_workbooks(job_t *j, batch_error_t *err)
{
    char msg[512];
    exit_code rc = EXIT_DONE;
    char *xlsx = path_join(j->tmp_dir, "payouts.xlsx");
    if (wb_write_payouts(&j->month, xlsx, msg, sizeof(msg)) != 0)
        rc = fail_with(err, EXIT_INTERNAL, "payouts.xlsx: %s", msg);
    free(xlsx);
    if (rc != EXIT_DONE)
        return rc;
    log_stage("%s: payouts.xlsx written", j->pbuf);
    if (j->o->statements) {
        char *dir = path_join(j->tmp_dir, "statements");
        if (!mkdir_p(dir) || st_write_statements(&j->month, dir, true, msg, sizeof(msg)) != 0)
            rc = fail_with(err, EXIT_INTERNAL, "statements: %s", msg);
        free(dir);
        if (rc == EXIT_DONE)
            log_stage("%s: draft statements written", j->pbuf);
    }
    return rc;
}

static exit_code out_ledger(job_t *j, batch_error_t *err)
{
    exit_code rc = ledger_save_month(j->ledger, &j->month, &j->inputs, err);
    if (rc == EXIT_DONE)
        log_stage("%s: ledger rows written (not committed yet)", j->pbuf);
    return rc;
}

/* The outputs of a run only read the decided month: the ledger rows (inside
 * the open transaction, touched by that one thread only), payouts.xlsx,
 * lines.csv, revenue.csv and the other results are independent stages. Two
 * workers (this thread and one more, for the two cores) take them in the
 * order given, each taking the next when it is done: the ledger's order
 * inserts (~3 s at 1M orders) never wait for a core, a month with a long
 * Exceptions sheet has the CSVs written beside it, and the last stages are
 * short enough to even the workers out (revenue.csv on its own: with the
 * small results it ran ~1.3 s on one worker while the other was done). The
 * first failing stage, in the order given, is the run's error; once one
 * fails no other starts. */
typedef struct stage {
    exit_code (*fn)(job_t *, batch_error_t *);
    batch_error_t err;
    exit_code rc;
    bool ran;
} stage_t;

typedef struct stages {
    stage_t *v;
    size_t n, next;
    bool failed;
    job_t *job;
    pthread_mutex_t mu;
} stages_t;

static void *stage_worker(void *p)
{
    stages_t *q = p;
    for (;;) {
        pthread_mutex_lock(&q->mu);
        stage_t *s = !q->failed && q->next < q->n ? &q->v[q->next++] : NULL;
        pthread_mutex_unlock(&q->mu);
        if (!s)
            return NULL;
        s->rc = s->fn(q->job, &s->err);
        s->ran = true;
        if (s->rc != EXIT_DONE) {
            pthread_mutex_lock(&q->mu);
            q->failed = true;
            pthread_mutex_unlock(&q->mu);
        }
    }
}

static exit_code run_stages(job_t *j, stage_t *v, size_t n, batch_error_t *err)
{
    stages_t q = {.v = v, .n = n, .job = j};
    pthread_mutex_init(&q.mu, NULL);
    pthread_t helper;
    bool started = pthread_create(&helper, NULL, stage_worker, &q) == 0;
    stage_worker(&q); /* without the helper, this thread runs them all */
    if (started)
        pthread_join(helper, NULL);
    pthread_mutex_destroy(&q.mu);
    for (size_t i = 0; i < n; i++)
        if (v[i].ran && v[i].rc != EXIT_DONE) {
            *err = v[i].err;
            return v[i].rc;
        }
    return EXIT_DONE;
}

static exit_code write_outputs(job_t *j, batch_error_t *err)
{
    month_drop_order_map(&j->month); /* decided: the outputs name orders by reference */
    char *results = path_join(j->tmp_dir, "results");
    bool made = mkdir_p(results);
    free(results);
    if (!made)
        return fail_with(err, EXIT_INTERNAL, "%s/results: %s", j->tmp_dir, strerror(errno));
    exit_code rc = ledger_begin(j->ledger, err);
    if (rc != EXIT_DONE)
        return rc;
    stage_t stages[] = {{.fn = out_ledger}, {.fn = out_workbooks}, {.fn = out_lines},
                        {.fn = out_revenue}, {.fn = out_results}};
    return run_stages(j, stages, sizeof(stages) / sizeof(stages[0]), err);
}

/* Swap tmp into out/P: out/P is old, absent for an instant, then complete. */
static exit_code publish(job_t *j, batch_error_t *err)
{
    char *final = path_join(j->out_dir, j->pbuf);
    char old[96];
    snprintf(old, sizeof(old), ".old-%s-%ld", j->pbuf, (long)getpid());
    char *old_path = path_join(j->out_dir, old);
    exit_code rc = EXIT_DONE;
    bool had = path_exists(final);
    if (had && rename(final, old_path) != 0)
        rc = fail_with(err, EXIT_INTERNAL, "%s: %s", final, strerror(errno));
    else if (rename(j->tmp_dir, final) != 0)
        rc = fail_with(err, EXIT_INTERNAL, "%s: %s", final, strerror(errno));
    else {
        free(j->tmp_dir);
        j->tmp_dir = NULL;
        fsync_dir(j->out_dir);
        if (had)
            remove_tree(old_path);
    }
    free(final);
    free(old_path);
    return rc;
}

static void print_summary(const job_t *j, const char *what)
{
    const control_t *c = &j->month.control;
    const master_t *ms = &j->ds.master;
    printf("%s %s: %" PRId64 " rows read; orders %" PRId64 " attributed, %" PRId64 " held, %" PRId64
           " rejected, %" PRId64 " rejected rows; revenue %" PRId64 " assigned, %" PRId64
           " unassigned, %" PRId64 " held, %" PRId64 " rejected; %zu rejects\n",
           what, j->pbuf, c->rows_read_total, c->orders_attributed, c->orders_held,
           c->orders_rejected, c->orders_rejected_rows, c->revenue_assigned,
           c->revenue_unassigned, c->revenue_held, c->revenue_rejected, j->month.rejects.n);
    /* paid total per currency, in currency order */
    const char *done[32];
    size_t ndone = 0;
    for (;;) {
        const char *next = NULL;
        for (size_t a = 0; a < ms->agreements.n; a++) {
            const char *cur = ms->agreements.v[a].currency.code;
            bool seen = false;
            for (size_t k = 0; k < ndone; k++)
                seen = seen || strcmp(done[k], cur) == 0;
            if (!seen && j->month.payables[a].present && (!next || strcmp(cur, next) < 0))
                next = cur;
        }
        if (!next || ndone == 32)
            break;
        money_t paid = 0;
        int count = 0;
        for (size_t a = 0; a < ms->agreements.n; a++)
            if (strcmp(ms->agreements.v[a].currency.code, next) == 0 &&
                j->month.payables[a].status == RULE_PAID && j->month.payables[a].paid != 0) {
                paid += j->month.payables[a].paid;
                count++;
            }
        char buf[MONEY_BUF];
        printf("  paid %s %s to %d agreement(s)\n", next, money_format(paid, buf), count);
        done[ndone++] = next;
    }
}

/* §5: closed periods never change; only the newest open period re-runs. */
static exit_code check_order(job_t *j, batch_error_t *err)
{
    period_state_t st = ledger_period_state(j->ledger, j->o->period);
    period_t latest = ledger_latest_period(j->ledger);
    char lbuf[PERIOD_BUF];
    if (st == PERIOD_CLOSED)
        return fail_with(err, EXIT_STATE_CONFLICT,
                         "%s is closed: its results never change; enter corrections as "
                         "adjustments in a later period", j->pbuf);
    if (latest != PERIOD_NONE && j->o->period < latest)
        return fail_with(err, EXIT_STATE_CONFLICT,
                         "%s is before the newest period run (%s): periods run in order and "
                         "only the newest open period can be re-run", j->pbuf,
                         period_format(latest, lbuf));
    return EXIT_DONE;
}

exit_code cmd_run(const run_options_t *o, batch_error_t *err)
{
    job_t j;
    job_init(&j, o);
    exit_code rc = lock_acquire(&j.lock, j.db_path, err);
    if (rc == EXIT_DONE)
        rc = ledger_open(j.db_path, false, &j.ledger, err);
    if (rc == EXIT_DONE)
        rc = check_order(&j, err);
    if (rc == EXIT_DONE)
        rc = job_decide(&j, err);
    if (rc == EXIT_DONE)
        rc = job_tmp_dir(&j, "run", err);
    if (rc == EXIT_DONE)
        rc = write_outputs(&j, err); /* opens the ledger transaction */
    failpoint("run-before-commit");
    if (rc == EXIT_DONE)
        rc = ledger_commit(j.ledger, err);
    if (rc == EXIT_DONE) {
        log_stage("%s: ledger committed", j.pbuf);
        failpoint("run-after-commit");
        rc = publish(&j, err);
    }
    if (rc == EXIT_DONE) {
        char *final = path_join(j.out_dir, j.pbuf);
        if (!o->quiet) {
            print_summary(&j, "run");
            printf("  outputs in %s\n", final);
        }
        free(final);
    }
    job_release(&j);
    return rc;
}

exit_code cmd_check(const run_options_t *o, batch_error_t *err)
{
    job_t j;
    job_init(&j, o);
    exit_code rc = ledger_open(j.db_path, true, &j.ledger, err);
    if (rc == EXIT_DONE)
        rc = job_decide(&j, err);
    if (rc == EXIT_DONE) {
        print_summary(&j, "check");
        for (size_t i = 0; i < j.month.rejects.n && i < 50; i++) {
            const reject_t *r = &j.month.rejects.v[i];
            printf("  reject %s:%d %s %s\n", r->file, r->line, r->column, rule_name(r->reason));
        }
        if (j.month.rejects.n > 50)
            printf("  ... %zu more rejects\n", j.month.rejects.n - 50);
        printf("  nothing written\n");
    }
    job_release(&j);
    return rc;
}

/* Move one file or folder of tmp into out/P (replacing any older copy). */
static exit_code publish_into(job_t *j, const char *name, batch_error_t *err)
{
    char *from = path_join(j->tmp_dir, name);
    char *dir = path_join(j->out_dir, j->pbuf);
    char *to = path_join(dir, name);
    exit_code rc = EXIT_DONE;
    if (path_exists(from)) {
        remove_tree(to);
        if (!mkdir_p(dir) || rename(from, to) != 0)
            rc = fail_with(err, EXIT_INTERNAL, "%s: %s", to, strerror(errno));
    }
    free(from);
    free(dir);
    free(to);
    return rc;
}

/* Was P's payment file published? payments.control is published last. */
static bool payments_published(const job_t *j)
{
    char *dir = path_join(j->out_dir, j->pbuf);
    char *csv = path_join(dir, "payments.csv"), *control = path_join(dir, "payments.control");
    bool both = path_exists(csv) && path_exists(control);
    free(dir);
    free(csv);
    free(control);
    return both;
}

/* close P: commit its payments (once, ever) and the closed state, then
 * publish statements, payments.csv and last payments.control. A close killed
 * after its commit left P closed without a complete payment file: closing
 * again re-decides from the same inputs (hashes checked), checks that the
 * payments are exactly the recorded ones and publishes them, writing nothing
 * to the ledger. */
exit_code cmd_close(const run_options_t *o, batch_error_t *err)
{
    job_t j;
    job_init(&j, o);
    char msg[512];
    bool republish = false;
    exit_code rc = lock_acquire(&j.lock, j.db_path, err);
    if (rc == EXIT_DONE)
        rc = ledger_open(j.db_path, false, &j.ledger, err);
    if (rc == EXIT_DONE) {
        period_state_t st = ledger_period_state(j.ledger, o->period);
        if (st == PERIOD_CLOSED && payments_published(&j))
            rc = fail_with(err, EXIT_STATE_CONFLICT,
                           "%s is already closed: its payments were written once", j.pbuf);
        else if (st == PERIOD_CLOSED)
            republish = true;
        else if (st == PERIOD_UNRUN)
            rc = fail_with(err, EXIT_STATE_CONFLICT, "%s has not been run: run it first", j.pbuf);
    }
    if (rc == EXIT_DONE)
        rc = job_decide(&j, err);
    if (rc == EXIT_DONE)
        rc = ledger_check_inputs(j.ledger, o->period, &j.inputs, err);
    if (rc == EXIT_DONE)
        rc = job_tmp_dir(&j, "close", err);
    if (rc == EXIT_DONE && results_write_payments(&j.month, j.tmp_dir, csv_sha256_file, msg,
                                                  sizeof(msg)) != 0)
        rc = fail_with(err, EXIT_INTERNAL, "payments: %s", msg);
    if (rc == EXIT_DONE) {
        char *dir = path_join(j.tmp_dir, "statements");
        if (!mkdir_p(dir) || st_write_statements(&j.month, dir, false, msg, sizeof(msg)) != 0)
            rc = fail_with(err, EXIT_INTERNAL, "statements: %s", msg);
        free(dir);
    }
    if (rc == EXIT_DONE && republish) {
        rc = ledger_payments_match(j.ledger, &j.month, err);
    } else if (rc == EXIT_DONE) {
        rc = ledger_begin(j.ledger, err);
        if (rc == EXIT_DONE)
            rc = ledger_close_period(j.ledger, &j.month, err);
        if (rc == EXIT_DONE)
            rc = ledger_commit(j.ledger, err);
        failpoint("close-after-commit");
    }
    if (rc == EXIT_DONE)
        rc = publish_into(&j, "statements", err);
    failpoint("close-mid-publish");
    if (rc == EXIT_DONE)
        rc = publish_into(&j, "payments.csv", err);
    if (rc == EXIT_DONE)
        rc = publish_into(&j, "payments.control", err);
    if (rc == EXIT_DONE && !o->quiet) {
        print_summary(&j, "close");
        printf("  %s closed%s; payments.csv and statements in %s/%s\n", j.pbuf,
               republish ? " earlier (its payment file is now published)" : "", j.out_dir, j.pbuf);
    }
    job_release(&j);
    return rc;
}

exit_code cmd_status(const run_options_t *o, batch_error_t *err)
{
    job_t j;
    job_init(&j, o);
    exit_code rc = ledger_open(j.db_path, true, &j.ledger, err);
    if (rc == EXIT_DONE)
        rc = ledger_print_status(j.ledger, err);
    job_release(&j);
    return rc;
}

exit_code run_decide_readonly(const run_options_t *o, job_t **out, batch_error_t *err)
{
    job_t *j = malloc(sizeof(*j));
    if (!j)
        abort();
    job_init(j, o);
    *out = j;
    exit_code rc = ledger_open(j->db_path, true, &j->ledger, err);
    if (rc == EXIT_DONE && ledger_period_state(j->ledger, o->period) == PERIOD_UNRUN)
        rc = fail_with(err, EXIT_STATE_CONFLICT, "%s has not been run", j->pbuf);
    if (rc == EXIT_DONE)
        rc = job_decide(j, err);
    if (rc == EXIT_DONE)
        rc = ledger_check_inputs(j->ledger, o->period, &j->inputs, err);
    return rc;
}

const month_t *run_job_month(const job_t *j) { return &j->month; }
ledger_t *run_job_ledger(job_t *j) { return j->ledger; }

void run_job_free(job_t *j)
{
    if (!j)
        return;
    job_release(j);
    free(j);
}
