/*
 * output.c — a run's and a close's outputs: written into a temporary folder
 * beside out/P, then published into out/P.
 */
#include "job.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "results.h"

/* A fresh temporary folder beside out/P (same file system, so the final
 * rename is atomic); stale ones of dead runs are removed first, and this one
 * is removed if a signal ends the run (util.h cleanup_dir_set). */
cm_status job_tmp_dir(job_t *j, const char *tag, cm_error_t *err)
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
    char *results = path_join(j->tmp_dir, "results");
    cm_status rc = results_write_part(&j->d.month, results, part, err);
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
    char *xlsx = path_join(j->tmp_dir, "payouts.xlsx");
    cm_status rc = wb_write_payouts_ctx(&j->d.month, &j->wbx, xlsx, err);
    free(xlsx);
    if (rc != EXIT_DONE)
        return rc;
    log_stage("%s: payouts.xlsx written", j->pbuf);
    return rc;
}

/* st_doc_sink: one statement document, deflated for the ledger, and kept
 * whole for the drafts (run --statements). */
static cm_status keep_doc(void *ctx, const char *partner_id, const unsigned char *bytes,
                          size_t len, cm_error_t *err)
{
    (void)err;
    job_t *j = ctx;
    ledger_docs_add(&j->zdocs, partner_id, bytes, len);
    if (j->o->statements)
        st_docs_push(&j->docs, partner_id, bytes, len);
    return EXIT_DONE;
}

/* Each partner's statement document, built one at a time (the ledger
 * records them after the stages, with the chain link); with --statements,
 * the drafts rendered from the same bytes, so a draft is the final
 * statement (rendered by close from the ledger's rows) but for the draft
 * marker. */
static cm_status out_statements(job_t *j, cm_error_t *err)
{
    cm_status rc = st_docs_build_each(&j->d.month, &j->history, keep_doc, j, err);
    if (rc != EXIT_DONE)
        return rc;
    log_stage("%s: statement documents built (%zu)", j->pbuf, j->zdocs.n);
    if (!j->o->statements)
        return EXIT_DONE;
    char *dir = path_join(j->tmp_dir, "statements");
    rc = st_docs_render(&j->docs, dir, true, err);
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
    cm_status rc = ledger_save_month(j->ledger, &j->d.month, &j->d.inputs, err);
    if (rc == EXIT_DONE)
        rc = ledger_save_holds(j->ledger, &j->d.month, err);
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
    assert(n > 0);
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
    int32_t a = strmap_get(&j->d.ds.master.agreement_ix, agreement_id, strlen(agreement_id));
    if (a >= 0)
        j->wb_prior[a] = (wb_prior_t){true, paid, carried_out};
}

static void wb_hold_push(void *ctx, const char *service_id, const char *agreement_id,
                         const char *currency, period_t first, period_t last, int periods,
                         int64_t rows, money_t amount)
{
    job_t *j = ctx;
    arena_t *a = &j->d.month.arena;
    if (strncmp(service_id, "account ", 8) == 0) { /* standing only if P holds it too */
        const char *id = service_id + 8;
        int32_t ac = strmap_get(&j->d.ds.master.account_ix, id, strlen(id));
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
    j->wb_inputs = calloc(j->d.inputs.n + 1, sizeof(*j->wb_inputs));
    j->wb_prior = calloc(j->d.ds.master.agreements.n + 1, sizeof(*j->wb_prior));
    if (!j->wb_inputs || !j->wb_prior)
        abort();
    for (size_t i = 0; i < j->d.inputs.n; i++)
        j->wb_inputs[i] = (wb_input_t){j->d.inputs.v[i].path, j->d.inputs.v[i].sha256,
                                       j->d.inputs.v[i].records, j->d.inputs.v[i].bytes};
    period_t prior = PERIOD_NONE;
    cm_status rc = ledger_load_prior_payables(j->ledger, j->o->period, &prior, wb_prior_push, j, err);
    j->wb_held_accounts = calloc(j->d.ds.master.accounts.n + 1, 1);
    if (!j->wb_held_accounts)
        abort();
    for (size_t i = 0; i < j->d.month.revenue.n; i++) {
        const revenue_t *r = &j->d.month.revenue.v[i];
        if (r->status == STATUS_HELD && r->service < 0 && revenue_account(r) >= 0)
            j->wb_held_accounts[revenue_account(r)] = 1;
    }
    if (rc == EXIT_DONE)
        rc = ledger_load_holds(j->ledger, j->o->period, wb_hold_push, j, err);
    /* the earlier orders unassigned revenue names: their partner for the
     * Exceptions sheet (a few per month; one lookup each) */
    const month_t *m = &j->d.month;
    uint8_t *seen = calloc(m->stubs.n + 1, 1);
    if (!seen)
        abort();
    for (size_t i = 0; rc == EXIT_DONE && j->ledger && i < m->revenue.n; i++) {
        int32_t ref = m->revenue.v[i].service;
        if (m->revenue.v[i].status == STATUS_ASSIGNED || ref < ORDER_STUB || seen[ref - ORDER_STUB])
            continue;
        seen[ref - ORDER_STUB] = 1;
        char partner[256], agreement[256]; /* ids: at most CSV_ID_MAX bytes (SPEC §3) */
        _Static_assert(CSV_ID_MAX < 256, "an id fits the party buffers");
        rc = ledger_order_party(j->ledger, month_stub_id(m, (size_t)(ref - ORDER_STUB)), partner,
                                sizeof(partner), agreement, sizeof(agreement), err);
        wb_order_t o = {ref, arena_strndup(&j->d.month.arena, partner, strlen(partner)),
                        arena_strndup(&j->d.month.arena, agreement, strlen(agreement))};
        VEC_PUSH(j->wb_orders, o);
    }
    free(seen);
    if (j->wb_orders.n > 1)
        qsort(j->wb_orders.v, j->wb_orders.n, sizeof(*j->wb_orders.v), wb_order_cmp);
    j->wbx = (wb_context_t){.version = COMMISSIONS_VERSION, .inputs = j->wb_inputs,
                            .ninputs = j->d.inputs.n, .prior_period = prior,
                            .prior = prior != PERIOD_NONE ? j->wb_prior : NULL,
                            .holds = j->wb_holds.v, .nholds = j->wb_holds.n,
                            .orders = j->wb_orders.v, .norders = j->wb_orders.n};
    return rc;
}

cm_status write_outputs(job_t *j, cm_error_t *err)
{
    assert(j->ledger && j->tmp_dir); /* a run: the write transaction and job_tmp_dir */
    cm_status wrc = job_wb_context(j, err);
    if (wrc != EXIT_DONE)
        return wrc;
    month_drop_order_map(&j->d.month); /* decided: the outputs name orders by reference */
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
cm_status publish(job_t *j, cm_error_t *err)
{
    assert(j->tmp_dir);
    char *final = path_join(j->out_dir, j->pbuf);
    char old[96];
    snprintf(old, sizeof(old), ".old-%s-%ld", j->pbuf, (long)getpid());
    char *old_path = path_join(j->out_dir, old);
    cm_status rc = dir_swap(j->tmp_dir, final, old_path, j->out_dir, err);
    if (rc == EXIT_DONE) {
        free(j->tmp_dir);
        j->tmp_dir = NULL;
    }
    free(final);
    free(old_path);
    return rc;
}

/* Move one file or folder of tmp into out/P (replacing any older copy),
 * never through a symlink: out/P is made a real folder first (a link there
 * is removed, its target untouched; ensure_real_dir), and the old copy is
 * removed and the new one renamed in relative to out/P's own descriptor. */
cm_status publish_into(job_t *j, const char *name, cm_error_t *err)
{
    assert(j->tmp_dir);
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

static void push_doc(void *ctx, const char *partner_id, const unsigned char *bytes, size_t len)
{
    st_docs_push(ctx, partner_id, bytes, len);
}

/* payments.csv, payments.control and the final statements, into tmp. */
cm_status close_outputs(job_t *j, const ledger_payments_t *pay, const char *link,
                               cm_error_t *err)
{
    cm_status rc = ledger_load_docs(j->ledger, j->o->period, push_doc, &j->docs, err);
    if (rc == EXIT_DONE)
        rc = job_tmp_dir(j, "close", err);
    if (rc == EXIT_DONE)
        rc = results_write_payments(pay->list.v, pay->list.n, link, j->tmp_dir, csv_sha256_file,
                                    err);
    if (rc == EXIT_DONE) {
        char *dir = path_join(j->tmp_dir, "statements");
        rc = st_docs_render(&j->docs, dir, false, err);
        free(dir);
    }
    return rc;
}

