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
 *
 * State model (SPEC §5): a period is unrun, open (run, re-runnable while it
 * is the newest) or closed. A run reads the state before P inside its write
 * transaction and records P's results, the statement documents and a chain
 * link; close reads only what P's last run recorded (payables, statement
 * documents), never the inputs, records the payments and a close link.
 */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "decide.h"
#include "ingest.h"
#include "ledger.h"
#include "lock.h"
#include "results.h"
#include "sha256.h"
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
    st_docs_free(&j->docs);
    ledger_docs_free(&j->zdocs);
    st_history_free(&j->history);
    dataset_release(&j->ds);
    free(j->inputs.v);
    free(j->wb_inputs);
    free(j->wb_prior);
    free(j->wb_holds.v);
    free(j->wb_orders.v);
    free(j->wb_held_accounts);
    free(j->db_path);
    free(j->out_dir);
}

/* Load master, book, prior state and the period's rows, then decide. */
static cm_status job_decide(job_t *j, cm_error_t *err)
{
    prefetch_t *revenue = ingest_prefetch_revenue(j->o->data_dir, j->o->period);
    j->ds.book_dir = j->o->book_dir;
    cm_status rc = ingest_dataset(&j->ds, j->o->data_dir, err);
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
        return cm_fail(err, EXIT_INTERNAL, "%s: %s; nothing was written", j->pbuf, msg);
    }
    log_stage("%s: decided", j->pbuf);
    return EXIT_DONE;
}

/* A fresh temporary folder beside out/P (same file system, so the final
 * rename is atomic); stale ones of dead runs are removed first, and this one
 * is removed if a signal ends the run (util.h cleanup_dir_set). */
static cm_status job_tmp_dir(job_t *j, const char *tag, cm_error_t *err)
{
    char name[64];
    snprintf(name, sizeof(name), ".tmp-%s-%s-%ld", tag, j->pbuf, (long)getpid());
    if (!mkdir_p(j->out_dir))
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", j->out_dir, strerror(errno));
    sweep_stale_tmp(j->out_dir);
    j->tmp_dir = path_join(j->out_dir, name);
    remove_tree(j->tmp_dir);
    cleanup_dir_set(j->tmp_dir);
    if (!mkdir_p(j->tmp_dir))
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", j->tmp_dir, strerror(errno));
    return EXIT_DONE;
}

static cm_status out_results_part(job_t *j, results_part_t part, cm_error_t *err)
{
    char msg[512];
    char *results = path_join(j->tmp_dir, "results");
    cm_status rc = EXIT_DONE;
    if (results_write_part(&j->month, results, part, msg, sizeof(msg)) != 0)
        rc = cm_fail(err, EXIT_INTERNAL, "results: %s", msg);
    free(results);
    if (rc == EXIT_DONE)
        log_stage("%s: %s written", j->pbuf,
                  part == RESULTS_LINES     ? "results/lines.csv"
                  : part == RESULTS_REVENUE ? "results/revenue.csv"
                                            : "other results");
    return rc;
}

static cm_status out_results(job_t *j, cm_error_t *err)
{
    return out_results_part(j, RESULTS_OTHERS, err);
}

static cm_status out_lines(job_t *j, cm_error_t *err)
{
    return out_results_part(j, RESULTS_LINES, err);
}

static cm_status out_revenue(job_t *j, cm_error_t *err)
{
    return out_results_part(j, RESULTS_REVENUE, err);
}

static cm_status out_workbooks(job_t *j, cm_error_t *err)
{
    char msg[512];
    cm_status rc = EXIT_DONE;
    char *xlsx = path_join(j->tmp_dir, "payouts.xlsx");
    if (wb_write_payouts_ctx(&j->month, &j->wbx, xlsx, msg, sizeof(msg)) != 0)
        rc = cm_fail(err, EXIT_INTERNAL, "payouts.xlsx: %s", msg);
    free(xlsx);
    if (rc != EXIT_DONE)
        return rc;
    log_stage("%s: payouts.xlsx written", j->pbuf);
    return rc;
}

/* st_doc_sink: one statement document, deflated for the ledger, and kept
 * whole for the drafts (run --statements). */
static int keep_doc(void *ctx, const char *partner_id, const unsigned char *bytes, size_t len)
{
    job_t *j = ctx;
    ledger_docs_add(&j->zdocs, partner_id, bytes, len);
    if (j->o->statements)
        st_docs_push(&j->docs, partner_id, bytes, len);
    return 0;
}

/* Each partner's statement document, built one at a time (the ledger
 * records them after the stages, with the chain link); with --statements,
 * the drafts rendered from the same bytes, so a draft is the final
 * statement (rendered by close from the ledger's rows) but for the draft
 * marker. */
static cm_status out_statements(job_t *j, cm_error_t *err)
{
    char msg[512];
    if (st_docs_build_each(&j->month, &j->history, keep_doc, j, msg, sizeof(msg)) != 0)
        return cm_fail(err, EXIT_INTERNAL, "statements: %s", msg);
    log_stage("%s: statement documents built (%zu)", j->pbuf, j->zdocs.n);
    if (!j->o->statements)
        return EXIT_DONE;
    cm_status rc = EXIT_DONE;
    char *dir = path_join(j->tmp_dir, "statements");
    if (st_docs_render(&j->docs, dir, true, msg, sizeof(msg)) != 0)
        rc = cm_fail(err, EXIT_INTERNAL, "statements: %s", msg);
    free(dir);
    st_docs_free(&j->docs);
    if (rc == EXIT_DONE)
        log_stage("%s: draft statements written", j->pbuf);
    return rc;
}

/* After every stage: the statement documents, then the chain link over
 * everything P recorded. */
static cm_status out_chain(job_t *j, cm_error_t *err)
{
    cm_status rc = ledger_save_docs(j->ledger, j->o->period, &j->zdocs, err);
    ledger_docs_free(&j->zdocs);
    char link[65];
    if (rc == EXIT_DONE)
        rc = ledger_chain_append(j->ledger, j->o->period, false, link, err);
    if (rc == EXIT_DONE)
        log_stage("%s: statement documents recorded, chain link %.16s (not committed yet)",
                  j->pbuf, link);
    return rc;
}

/* P's rows (the statement documents and the chain link follow the stages). */
static cm_status out_ledger(job_t *j, cm_error_t *err)
{
    cm_status rc = ledger_save_month(j->ledger, &j->month, &j->inputs, err);
    if (rc == EXIT_DONE)
        rc = ledger_save_holds(j->ledger, &j->month, err);
    if (rc == EXIT_DONE)
        log_stage("%s: ledger rows written", j->pbuf);
    return rc;
}

/* The outputs of a run only read the decided month: the ledger rows (inside
 * the open transaction, touched by that one thread only), the statement
 * documents, payouts.xlsx, lines.csv, revenue.csv and the other results are
 * independent stages. Two workers (this thread and one more, for the two
 * cores) take them in the order given, each taking the next when it is
 * done, longest first so the last, short ones even the workers out. The
 * first failing stage, in the order given, is the run's error; once one
 * fails no other starts. */
typedef struct stage {
    cm_status (*fn)(job_t *, cm_error_t *);
    cm_error_t err;
    cm_status rc;
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

static cm_status run_stages(job_t *j, stage_t *v, size_t n, cm_error_t *err)
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

static void wb_prior_push(void *ctx, const char *agreement_id, money_t paid, money_t carried_out)
{
    job_t *j = ctx;
    int32_t a = strmap_get(&j->ds.master.agreement_ix, agreement_id, strlen(agreement_id));
    if (a >= 0)
        j->wb_prior[a] = (wb_prior_t){true, paid, carried_out};
}

static void wb_hold_push(void *ctx, const char *service_id, const char *agreement_id,
                         const char *currency, period_t first, period_t last, int periods,
                         int64_t rows, money_t amount)
{
    job_t *j = ctx;
    arena_t *a = &j->month.arena;
    if (strncmp(service_id, "account ", 8) == 0) { /* standing only if P holds it too */
        const char *id = service_id + 8;
        int32_t ac = strmap_get(&j->ds.master.account_ix, id, strlen(id));
        if (ac < 0 || !j->wb_held_accounts[ac])
            return;
    }
    wb_hold_t h = {.service_id = arena_strndup(a, service_id, strlen(service_id)),
                   .agreement_id = arena_strndup(a, agreement_id ? agreement_id : "",
                                                 agreement_id ? strlen(agreement_id) : 0),
                   .first = first, .last = last, .periods = periods, .rows = rows,
                   .amount = amount};
    snprintf(h.currency, sizeof(h.currency), "%s", currency ? currency : "");
    VEC_PUSH(j->wb_holds, h);
}

static int wb_order_cmp(const void *x, const void *y)
{
    int32_t a = ((const wb_order_t *)x)->ref, b = ((const wb_order_t *)y)->ref;
    return a < b ? -1 : a > b;
}

/* payouts.xlsx's context, read on this thread before the stages start (the
 * ledger is the ledger stage's afterwards): the input files, the previous
 * period run's payables and the backlog of holds. */
static cm_status job_wb_context(job_t *j, cm_error_t *err)
{
    j->wb_inputs = calloc(j->inputs.n + 1, sizeof(*j->wb_inputs));
    j->wb_prior = calloc(j->ds.master.agreements.n + 1, sizeof(*j->wb_prior));
    if (!j->wb_inputs || !j->wb_prior)
        abort();
    for (size_t i = 0; i < j->inputs.n; i++)
        j->wb_inputs[i] = (wb_input_t){j->inputs.v[i].path, j->inputs.v[i].sha256,
                                       j->inputs.v[i].records, j->inputs.v[i].bytes};
    period_t prior = PERIOD_NONE;
    cm_status rc = ledger_load_prior_payables(j->ledger, j->o->period, &prior, wb_prior_push, j, err);
    j->wb_held_accounts = calloc(j->ds.master.accounts.n + 1, 1);
    if (!j->wb_held_accounts)
        abort();
    for (size_t i = 0; i < j->month.revenue.n; i++) {
        const revenue_t *r = &j->month.revenue.v[i];
        if (r->status == STATUS_HELD && r->service < 0 && revenue_account(r) >= 0)
            j->wb_held_accounts[revenue_account(r)] = 1;
    }
    if (rc == EXIT_DONE)
        rc = ledger_load_holds(j->ledger, j->o->period, wb_hold_push, j, err);
    /* the earlier orders unassigned revenue names: their partner for the
     * Exceptions sheet (a few per month; one lookup each) */
    const month_t *m = &j->month;
    uint8_t *seen = calloc(m->stubs.n + 1, 1);
    if (!seen)
        abort();
    for (size_t i = 0; rc == EXIT_DONE && j->ledger && i < m->revenue.n; i++) {
        int32_t ref = m->revenue.v[i].service;
        if (m->revenue.v[i].status == STATUS_ASSIGNED || ref < ORDER_STUB || seen[ref - ORDER_STUB])
            continue;
        seen[ref - ORDER_STUB] = 1;
        char partner[256], agreement[256];
        rc = ledger_order_party(j->ledger, month_stub_id(m, (size_t)(ref - ORDER_STUB)), partner,
                                sizeof(partner), agreement, sizeof(agreement), err);
        wb_order_t o = {ref, arena_strndup(&j->month.arena, partner, strlen(partner)),
                        arena_strndup(&j->month.arena, agreement, strlen(agreement))};
        VEC_PUSH(j->wb_orders, o);
    }
    free(seen);
    if (j->wb_orders.n > 1)
        qsort(j->wb_orders.v, j->wb_orders.n, sizeof(*j->wb_orders.v), wb_order_cmp);
    j->wbx = (wb_context_t){.version = COMMISSIONS_VERSION, .inputs = j->wb_inputs,
                            .ninputs = j->inputs.n, .prior_period = prior,
                            .prior = prior != PERIOD_NONE ? j->wb_prior : NULL,
                            .holds = j->wb_holds.v, .nholds = j->wb_holds.n,
                            .orders = j->wb_orders.v, .norders = j->wb_orders.n};
    return rc;
}

static cm_status write_outputs(job_t *j, cm_error_t *err)
{
    cm_status wrc = job_wb_context(j, err);
    if (wrc != EXIT_DONE)
        return wrc;
    month_drop_order_map(&j->month); /* decided: the outputs name orders by reference */
    char *results = path_join(j->tmp_dir, "results");
    bool made = mkdir_p(results);
    free(results);
    if (!made)
        return cm_fail(err, EXIT_INTERNAL, "%s/results: %s", j->tmp_dir, strerror(errno));
    /* the statements' history is read before the stages: the ledger stage
     * owns the connection while they run */
    cm_status rc = ledger_load_history(j->ledger, j->o->period, &j->history, err);
    if (rc != EXIT_DONE)
        return rc;
    stage_t stages[] = {{.fn = out_ledger},  {.fn = out_statements}, {.fn = out_workbooks},
                        {.fn = out_lines},   {.fn = out_revenue},    {.fn = out_results}};
    rc = run_stages(j, stages, sizeof(stages) / sizeof(stages[0]), err);
    return rc == EXIT_DONE ? out_chain(j, err) : rc;
}

/* Swap tmp into out/P: out/P is old, absent for an instant, then complete.
 * A symlink at out/P is renamed away and removed like a folder, its target
 * never touched. */
static cm_status publish(job_t *j, cm_error_t *err)
{
    char *final = path_join(j->out_dir, j->pbuf);
    char old[96];
    snprintf(old, sizeof(old), ".old-%s-%ld", j->pbuf, (long)getpid());
    char *old_path = path_join(j->out_dir, old);
    cm_status rc = EXIT_DONE;
    struct stat st;
    bool had = lstat(final, &st) == 0;
    if (had && rename(final, old_path) != 0)
        rc = cm_fail(err, EXIT_INTERNAL, "%s: %s", final, strerror(errno));
    else if (cleanup_dir_rename(j->tmp_dir, final) != 0)
        rc = cm_fail(err, EXIT_INTERNAL, "%s: %s", final, strerror(errno));
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

/* Paid totals per currency (SPEC §7: never one sum across currencies). */
typedef struct paid_total {
    char code[4];
    money_t paid;
    int64_t count;
    bool overflow;
} paid_total_t;
typedef VEC(paid_total_t) paid_totals_t;

static void paid_add(paid_totals_t *t, const char *code, money_t amount)
{
    size_t k = 0;
    while (k < t->n && strcmp(t->v[k].code, code) < 0)
        k++;
    if (k == t->n || strcmp(t->v[k].code, code) != 0) { /* insert at k: code order */
        paid_total_t z = {0};
        VEC_PUSH(*t, z);
        memmove(&t->v[k + 1], &t->v[k], (t->n - 1 - k) * sizeof(*t->v));
        memset(&t->v[k], 0, sizeof(*t->v));
        snprintf(t->v[k].code, sizeof(t->v[k].code), "%s", code);
    }
    if (__builtin_add_overflow(t->v[k].paid, amount, &t->v[k].paid))
        t->v[k].overflow = true;
    t->v[k].count++;
}

static void paid_print(paid_totals_t *t)
{
    for (size_t k = 0; k < t->n; k++) {
        char buf[MONEY_BUF];
        if (t->v[k].overflow)
            printf("  paid %s: the total overflows 64-bit cents (%" PRId64 " agreement(s))\n",
                   t->v[k].code, t->v[k].count);
        else
            printf("  paid %s %s to %" PRId64 " agreement(s)\n", t->v[k].code,
                   money_format(t->v[k].paid, buf), t->v[k].count);
    }
    if (t->n == 0)
        printf("  paid nothing\n");
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

/* The run's (or check's) last lines (SPEC §7): rows, decisions, then per
 * currency what close will pay (check: what the run would pay) and what is
 * carried to a later period; never one sum across currencies. */
static void print_summary(const job_t *j, const char *what)
{
    const control_t *c = &j->month.control;
    const master_t *ms = &j->ds.master;
    printf("%s %s: %" PRId64 " rows read; orders %" PRId64 " attributed, %" PRId64 " held, %" PRId64
           " rejected; revenue %" PRId64 " assigned, %" PRId64 " unassigned, %" PRId64 " held, %" PRId64
           " rejected; %zu input row(s) refused by format checks (rejects.csv)\n",
           what, j->pbuf, c->rows_read_total, c->orders_attributed, c->orders_held,
           c->orders_rejected, c->revenue_assigned, c->revenue_unassigned, c->revenue_held,
           c->revenue_rejected, j->month.rejects.n);
    paid_totals_t t = {0}, carried = {0};
    for (size_t a = 0; a < ms->agreements.n; a++) {
        const payable_t *p = &j->month.payables[a];
        if (p->present && p->status == RULE_PAID && p->paid != 0)
            paid_add(&t, ms->agreements.v[a].currency.code, p->paid);
        else if (p->present && p->carried_out != 0)
            paid_add(&carried, ms->agreements.v[a].currency.code, p->carried_out);
    }
    const char *verb = strcmp(what, "check") == 0 ? "a run would pay at close"
                                                 : "to pay at close";
    char buf[MONEY_BUF];
    for (size_t k = 0; k < t.n; k++)
        printf("  %s: %s %s to %" PRId64 " agreement(s)\n", verb, t.v[k].code,
               money_format(t.v[k].paid, buf), t.v[k].count);
    if (!t.n)
        printf("  %s: nothing\n", verb);
    for (size_t k = 0; k < carried.n; k++)
        printf("  carried to a later period: %s %s (%" PRId64 " agreement(s))\n",
               carried.v[k].code, money_format(carried.v[k].paid, buf), carried.v[k].count);
    free(t.v);
    free(carried.v);
}

/* §5: closed periods never change; only the newest open period re-runs. */
static cm_status check_order(job_t *j, cm_error_t *err)
{
    period_state_t st = ledger_period_state(j->ledger, j->o->period);
    period_t latest = ledger_latest_period(j->ledger);
    char lbuf[PERIOD_BUF];
    if (st == PERIOD_CLOSED)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s is closed: its results never change; enter corrections as "
                         "adjustments in a later period", j->pbuf);
    if (latest != PERIOD_NONE && j->o->period < latest)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s is before the newest period run (%s): periods run in order and "
                         "only the newest open period can be re-run", j->pbuf,
                         period_format(latest, lbuf));
    return EXIT_DONE;
}

/* Months in order (SPEC §5): after the newest period run, a periods/YYYY-MM
 * folder before P that was never run is refused, naming it (the earliest).
 * A month without a folder is a gap; a fresh ledger's first run may start
 * at any month. */
static cm_status check_skipped(job_t *j, cm_error_t *err)
{
    period_t latest = ledger_latest_period(j->ledger);
    if (latest == PERIOD_NONE || latest >= j->o->period)
        return EXIT_DONE;
    char *dir = path_join(j->o->data_dir, "periods");
    DIR *d = opendir(dir);
    period_t first = PERIOD_NONE;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        period_t f;
        if (strlen(e->d_name) != 7 || !period_parse(e->d_name, 7, &f) || f <= latest ||
            f >= j->o->period || (first != PERIOD_NONE && f >= first))
            continue;
        char *p = path_join(dir, e->d_name);
        if (path_is_dir(p))
            first = f;
        free(p);
    }
    if (d)
        closedir(d);
    free(dir);
    if (first == PERIOD_NONE)
        return EXIT_DONE;
    char fbuf[PERIOD_BUF], lbuf[PERIOD_BUF];
    return cm_fail(err, EXIT_STATE_CONFLICT,
                     "periods/%s was never run: periods run in order, and %s comes after the "
                     "newest period run (%s); run %s first (a month without a folder is a gap)",
                     period_format(first, fbuf), j->pbuf, period_format(latest, lbuf), fbuf);
}

/* DATA/.commissions-id: the dataset's identity, 32 hex digits written by
 * the first run of a new ledger (adopted when the file exists already, e.g.
 * a copied dataset), and recorded in the ledger (meta dataset_id). A ledger
 * used with a dataset whose file is missing or holds another id is refused:
 * it was started for another dataset. The file is small, plain and moves
 * with the dataset, where a path or a hash of master data would change
 * under a rename or a master edit. A dataset folder that cannot be written
 * (read-only inputs) is identified by its canonical path instead
 * ("path:/abs/dir", dataset_path_id). */
#define DATASET_ID_FILE ".commissions-id"

static bool read_dataset_id(const char *data_dir, char *out, size_t len)
{
    out[0] = '\0';
    char *path = path_join(data_dir, DATASET_ID_FILE);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return false;
    char buf[PATH_MAX + 8] = "";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    snprintf(out, len, "%s", buf);
    return true;
}

static cm_status write_dataset_id(const char *data_dir, char *out, size_t len,
                                  cm_error_t *err)
{
    unsigned char r[16];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return cm_fail(err, EXIT_INTERNAL, "dataset id: %s", strerror(errno));
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", r[i]);
    char *path = path_join(data_dir, DATASET_ID_FILE);
    char *tmp = path_join(data_dir, DATASET_ID_FILE ".tmp");
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL;
    if (f) {
        ok = fprintf(f, "%s\n", hex) > 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
        ok = fclose(f) == 0 && ok;
    }
    ok = ok && rename(tmp, path) == 0;
    int e = errno;
    cm_status rc = ok ? EXIT_DONE : cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(e));
    if (ok)
        fsync_dir(data_dir);
    else
        unlink(tmp);
    errno = e;
    free(path);
    free(tmp);
    snprintf(out, len, "%s", hex);
    return rc;
}

/* "path:" and the dataset folder's canonical path: the identity of a
 * dataset whose folder cannot be written (a read-only input mount). */
static bool dataset_path_id(const char *data_dir, char *out, size_t len)
{
    char *real = realpath(data_dir, NULL);
    if (!real)
        return false;
    snprintf(out, len, "path:%s", real);
    free(real);
    return true;
}

/* The ledger belongs to this dataset; record (a run's first) binds it. */
static cm_status check_dataset(job_t *j, bool record, cm_error_t *err)
{
    if (!j->o->bind_dataset || !j->ledger)
        return EXIT_DONE;
    char lid[PATH_MAX + 8], fid[PATH_MAX + 8];
    cm_status rc = ledger_dataset_id(j->ledger, lid, sizeof(lid), err);
    if (rc != EXIT_DONE)
        return rc;
    bool has = read_dataset_id(j->o->data_dir, fid, sizeof(fid));
    if (strncmp(lid, "path:", 5) == 0)
        has = dataset_path_id(j->o->data_dir, fid, sizeof(fid));
    if (lid[0] && !has)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "ledger %s was started for another dataset (id %s), and %s has no %s: "
                         "give each dataset its own ledger (if it is that dataset, restore the "
                         "file with that id)", j->db_path, lid, j->o->data_dir, DATASET_ID_FILE);
    if (lid[0] && strcmp(lid, fid) != 0)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "ledger %s was started for another dataset (id %s); %s is dataset %s: "
                         "give each dataset its own ledger", j->db_path, lid, j->o->data_dir, fid);
    if (lid[0] || !record)
        return EXIT_DONE;
    if (!has || !fid[0]) {
        rc = write_dataset_id(j->o->data_dir, fid, sizeof(fid), err);
        if (rc != EXIT_DONE && (errno == EROFS || errno == EACCES || errno == EPERM) &&
            dataset_path_id(j->o->data_dir, fid, sizeof(fid)))
            rc = EXIT_DONE;
    }
    return rc == EXIT_DONE ? ledger_set_dataset_id(j->ledger, fid, err) : rc;
}

/* The read-only commands' start: the ledger (a missing one: no state yet),
 * checked to belong to this dataset. */
static cm_status job_open_readonly(job_t *j, cm_error_t *err)
{
    cm_status rc = ledger_open(j->db_path, true, &j->ledger, err);
    return rc == EXIT_DONE ? check_dataset(j, false, err) : rc;
}

/* A run builds on the newest period before P: its rows must be what its
 * run recorded (the chain), or the carried balances, tiers and history
 * would come from a ledger changed outside this program (exit 6). A re-run
 * of P checks P too: a period closed and set open again by hand is not
 * re-run. */
static cm_status check_prior_chain(job_t *j, cm_error_t *err)
{
    period_t before = ledger_period_before(j->ledger, j->o->period);
    cm_status rc = EXIT_DONE;
    if (before != PERIOD_NONE)
        rc = ledger_chain_check(j->ledger, before, err);
    if (rc == EXIT_DONE && ledger_period_state(j->ledger, j->o->period) != PERIOD_UNRUN)
        rc = ledger_chain_check(j->ledger, j->o->period, err);
    if (rc == EXIT_VERIFY_DIFF) {
        char tail[sizeof(err->message)];
        snprintf(tail, sizeof(tail), "%s", err->message);
        cm_fail(err, rc, "%s not run: %s (see `commissions audit`)", j->pbuf, tail);
    }
    return rc;
}

cm_status cmd_run(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = lock_acquire(&j.lock, j.db_path, err);
    if (rc == EXIT_DONE)
        rc = ledger_open(j.db_path, false, &j.ledger, err);
    /* the state before P is read inside the write transaction */
    if (rc == EXIT_DONE)
        rc = ledger_begin(j.ledger, err);
    if (rc == EXIT_DONE)
        rc = check_order(&j, err);
    if (rc == EXIT_DONE)
        rc = check_skipped(&j, err);
    if (rc == EXIT_DONE)
        rc = check_dataset(&j, true, err);
    if (rc == EXIT_DONE)
        rc = check_prior_chain(&j, err);
    if (rc == EXIT_DONE)
        rc = job_decide(&j, err);
    if (rc == EXIT_DONE)
        rc = ledger_check_carried(j.ledger, &j.month, err);
    if (rc == EXIT_DONE)
        rc = job_tmp_dir(&j, "run", err);
    if (rc == EXIT_DONE)
        rc = write_outputs(&j, err);
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

cm_status cmd_check(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = job_open_readonly(&j, err);
    if (rc == EXIT_DONE)
        rc = job_decide(&j, err);
    if (rc == EXIT_DONE)
        rc = ledger_check_carried(j.ledger, &j.month, err);
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

/* Move one file or folder of tmp into out/P (replacing any older copy),
 * never through a symlink: out/P is made a real folder first (a link there
 * is removed, its target untouched; ensure_real_dir), and the old copy is
 * removed and the new one renamed in relative to out/P's own descriptor. */
static cm_status publish_into(job_t *j, const char *name, cm_error_t *err)
{
    char *from = path_join(j->tmp_dir, name);
    char *dir = path_join(j->out_dir, j->pbuf);
    cm_status rc = EXIT_DONE;
    bool relinked = false;
    int dfd = -1;
    if (path_exists(from)) {
        if (ensure_real_dir(j->out_dir, j->pbuf, &relinked))
            dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0 || !remove_tree_in(dfd, name) || renameat(AT_FDCWD, from, dfd, name) != 0)
            rc = cm_fail(err, EXIT_INTERNAL, "%s/%s: %s", dir, name, strerror(errno));
        if (dfd >= 0)
            close(dfd);
        if (relinked)
            fprintf(stderr, "commissions: warning: %s was a symbolic link; it is now a folder "
                            "(the link's target is left as it was)\n", dir);
    }
    free(from);
    free(dir);
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

/* The input files of P now, against the hashes P's last run recorded: a
 * warning on stderr naming each file changed, removed or added since (close
 * pays what the run recorded all the same). Added: a .csv file under
 * master/, book/ or periods/P/ the run did not read. */
static int warn_unseen(const job_t *j, const input_list_t *rec, const char *rel)
{
    char *dir = path_join(j->o->data_dir, rel);
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = path_join(rel, e->d_name);
        char *full = path_join(j->o->data_dir, sub);
        size_t len = strlen(e->d_name);
        if (path_is_dir(full))
            n += warn_unseen(j, rec, sub);
        else if (len > 4 && strcasecmp(e->d_name + len - 4, ".csv") == 0) {
            bool known = false;
            for (size_t i = 0; i < rec->n && !known; i++)
                known = strcmp(rec->v[i].path, sub) == 0;
            if (!known) {
                fprintf(stderr, "commissions: warning: %s was added since the run of %s; close "
                                "pays and states what that run recorded\n", sub, j->pbuf);
                n++;
            }
        }
        free(sub);
        free(full);
    }
    if (d)
        closedir(d);
    free(dir);
    return n;
}

static cm_status warn_changed_inputs(job_t *j, cm_error_t *err)
{
    input_list_t rec = {0};
    arena_t arena = {0};
    cm_status rc = ledger_recorded_inputs(j->ledger, j->o->period, &rec, &arena, err);
    int n = 0;
    static const char builtin[] = "(default book)/";
    for (size_t i = 0; rc == EXIT_DONE && i < rec.n; i++) {
        char *path = path_join(j->o->data_dir, rec.v[i].path);
        char hex[65];
        const char *what = NULL;
        if (strncmp(rec.v[i].path, builtin, sizeof(builtin) - 1) == 0) {
            /* the rule book built into the program: changed by another build */
            const char *name = rec.v[i].path + sizeof(builtin) - 1;
            for (int k = 0; k < book_default_count; k++)
                if (strcmp(book_default_names[k], name) == 0) {
                    sha256_ctx_t h;
                    sha256_init(&h);
                    sha256_update(&h, book_default_texts[k], book_default_lengths[k]);
                    sha256_final_hex(&h, hex);
                    if (strcmp(hex, rec.v[i].sha256) != 0)
                        what = "changed (this build's default book)";
                }
        } else if (!path_exists(path))
            what = "removed";
        else if (!csv_sha256_file(path, hex) || strcmp(hex, rec.v[i].sha256) != 0)
            what = "changed";
        if (what) {
            fprintf(stderr, "commissions: warning: %s was %s since the run of %s; close pays "
                            "and states what that run recorded\n", rec.v[i].path, what, j->pbuf);
            n++;
        }
        free(path);
    }
    if (rc == EXIT_DONE) {
        char rel[64];
        snprintf(rel, sizeof(rel), "periods/%s", j->pbuf);
        n += warn_unseen(j, &rec, "master") + warn_unseen(j, &rec, "book") +
             warn_unseen(j, &rec, rel);
        if (n)
            fprintf(stderr, "commissions: warning: %d input file(s) differ from the run of %s; "
                            "to pay on them, run %s again before closing\n", n, j->pbuf, j->pbuf);
    }
    free(rec.v);
    arena_release(&arena);
    return rc;
}


static void push_doc(void *ctx, const char *partner_id, const unsigned char *bytes, size_t len)
{
    st_docs_push(ctx, partner_id, bytes, len);
}

/* payments.csv, payments.control and the final statements, into tmp. */
static cm_status close_outputs(job_t *j, const ledger_payments_t *pay, const char *link,
                               cm_error_t *err)
{
    char msg[512];
    cm_status rc = ledger_load_docs(j->ledger, j->o->period, push_doc, &j->docs, err);
    if (rc == EXIT_DONE)
        rc = job_tmp_dir(j, "close", err);
    if (rc == EXIT_DONE && results_write_payments(pay->list.v, pay->list.n, link, j->tmp_dir,
                                                  csv_sha256_file, msg, sizeof(msg)) != 0)
        rc = cm_fail(err, EXIT_INTERNAL, "payments: %s", msg);
    if (rc == EXIT_DONE) {
        char *dir = path_join(j->tmp_dir, "statements");
        if (st_docs_render(&j->docs, dir, false, msg, sizeof(msg)) != 0)
            rc = cm_fail(err, EXIT_INTERNAL, "statements: %s", msg);
        free(dir);
    }
    return rc;
}

/* close P: pay and state exactly what P's last run recorded (its payables
 * and statement documents; the inputs are never read to decide, a file
 * changed since only draws a warning), after checking those rows against
 * the run's chain link. One transaction records the payments (once, ever)
 * the closed state and the close link; then statements, payments.csv and
 * last payments.control are published. A close killed after its commit left
 * P closed without a complete payment file: closing again publishes the
 * payments and link recorded at that close, writing nothing to the ledger,
 * so the same bytes. */
cm_status cmd_close(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    bool republish = false;
    ledger_payments_t pay = {0};
    char link[65] = "";
    cm_status rc = lock_acquire(&j.lock, j.db_path, err);
    if (rc == EXIT_DONE && j.lock.created)
        rc = cm_fail(err, EXIT_STATE_CONFLICT, "%s has not been run: no ledger at %s", j.pbuf,
                       j.db_path);
    if (rc == EXIT_DONE)
        rc = ledger_open(j.db_path, false, &j.ledger, err);
    if (rc == EXIT_DONE)
        rc = ledger_begin(j.ledger, err);
    if (rc == EXIT_DONE)
        rc = check_dataset(&j, false, err);
    if (rc == EXIT_DONE) {
        period_state_t st = ledger_period_state(j.ledger, o->period);
        if (st == PERIOD_CLOSED && payments_published(&j))
            rc = cm_fail(err, EXIT_STATE_CONFLICT,
                           "%s is already closed: its payments were written once", j.pbuf);
        else if (st == PERIOD_CLOSED)
            republish = true;
        else if (st == PERIOD_UNRUN)
            rc = cm_fail(err, EXIT_STATE_CONFLICT, "%s has not been run: run it first", j.pbuf);
    }
    if (rc == EXIT_DONE) {
        rc = ledger_chain_check(j.ledger, o->period, err);
        if (rc == EXIT_VERIFY_DIFF) {
            char tail[sizeof(err->message)];
            snprintf(tail, sizeof(tail), "%s", err->message);
            cm_fail(err, rc, "%s not closed: %s (see `commissions audit`)", j.pbuf, tail);
        }
    }
    if (rc == EXIT_DONE && republish) {
        rc = ledger_payments_of(j.ledger, o->period, &pay, err);
        if (rc == EXIT_DONE)
            rc = ledger_chain_latest(j.ledger, o->period, link, err);
        if (rc == EXIT_DONE)
            rc = close_outputs(&j, &pay, link, err);
        ledger_rollback(j.ledger); /* read only */
    } else if (rc == EXIT_DONE) {
        rc = warn_changed_inputs(&j, err);
        if (rc == EXIT_DONE)
            rc = ledger_payables_due(j.ledger, o->period, &pay, err);
        if (rc == EXIT_DONE)
            rc = ledger_close_period(j.ledger, o->period, &pay, err);
        if (rc == EXIT_DONE)
            rc = ledger_chain_append(j.ledger, o->period, true, link, err);
        if (rc == EXIT_DONE)
            rc = close_outputs(&j, &pay, link, err);
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
        /* from the ledger's payments, per currency */
        printf("close %s: %zu payment(s), %zu statement(s); chain link %s\n", j.pbuf, pay.list.n,
               j.docs.n, link);
        paid_totals_t t = {0};
        for (size_t i = 0; i < pay.list.n; i++)
            paid_add(&t, pay.list.v[i].currency, pay.list.v[i].amount);
        paid_print(&t);
        printf("  %s closed%s; payments.csv and statements in %s/%s\n", j.pbuf,
               republish ? " earlier (its payment file is now published)" : "", j.out_dir, j.pbuf);
    }
    ledger_payments_free(&pay);
    job_release(&j);
    return rc;
}

cm_status cmd_status(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = job_open_readonly(&j, err);
    if (rc == EXIT_DONE)
        rc = ledger_print_status(j.ledger, o->data_dir, err);
    job_release(&j);
    return rc;
}

cm_status cmd_audit(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = job_open_readonly(&j, err);
    if (rc == EXIT_DONE)
        rc = ledger_audit(j.ledger, err);
    job_release(&j);
    return rc;
}

cm_status run_decide_readonly(const run_options_t *o, job_t **out, cm_error_t *err)
{
    job_t *j = malloc(sizeof(*j));
    if (!j)
        abort();
    job_init(j, o);
    *out = j;
    cm_status rc = job_open_readonly(j, err);
    if (rc == EXIT_DONE && ledger_period_state(j->ledger, o->period) == PERIOD_UNRUN)
        rc = cm_fail(err, EXIT_STATE_CONFLICT, "%s has not been run", j->pbuf);
    if (rc == EXIT_DONE)
        rc = job_decide(j, err);
    if (rc == EXIT_DONE && o->book_dir) { /* whatif: the book is the one replaced */
        input_list_t kept = {0};
        for (size_t i = 0; i < j->inputs.n; i++)
            if (strncmp(j->inputs.v[i].path, "master/", 7) == 0 ||
                strncmp(j->inputs.v[i].path, "periods/", 8) == 0)
                VEC_PUSH(kept, j->inputs.v[i]);
        rc = ledger_check_inputs(j->ledger, o->period, &kept, err);
        free(kept.v);
    } else if (rc == EXIT_DONE)
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
