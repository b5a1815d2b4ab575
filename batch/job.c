/*
 * job.c — a command's job on period P: its paths and lock, the decision of
 * P (job_decide) and the read-only start of explain and whatif.
 */
#include "job.h"
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


void job_init(job_t *j, const run_options_t *o)
{
    memset(j, 0, sizeof(*j));
    j->o = o;
    j->lock.fd = -1;
    j->db_path = o->db_path ? strdup(o->db_path) : path_join(o->data_dir, "ledger.db");
    j->out_dir = o->out_dir ? strdup(o->out_dir) : path_join(o->data_dir, "out");
    period_format(o->period, j->pbuf);
    log_quiet = o->quiet;
}

void job_release(job_t *j)
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
cm_status job_decide(job_t *j, cm_error_t *err)
{
    prefetch_t *revenue = ingest_prefetch_revenue(j->o->data_dir, j->o->period);
    if (revenue)
        prefetch_expect(revenue, memory_before_revenue(j));
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

/* The read-only commands' start: the ledger (a missing one: no state yet),
 * checked to belong to this dataset. */
cm_status job_open_readonly(job_t *j, cm_error_t *err)
{
    cm_status rc = ledger_open(j->db_path, true, &j->ledger, err);
    return rc == EXIT_DONE ? check_dataset(j, false, err) : rc;
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
