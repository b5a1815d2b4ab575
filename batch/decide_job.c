/*
 * decide_job.c — job_decide, the one entry point that decides a period
 * (decide_job.h): read master and book, load the state before P, read P's
 * rows, decide (rules/decide.h month_decide).
 */
#include "decide_job.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "decide.h"
#include "ledger.h"

/* What the month allocates before it replays revenue.csv, so the rows
 * parsed ahead leave room for it (prefetch_expect): per earlier order its
 * stub, its id (taken as 16 bytes) and its share of the order map's slots
 * (a map is at most 3/4 full); per byte of orders.csv about two (a 128-byte
 * order_t for a row of ~90 bytes, its strings, the originals it makes
 * whole). 10M rows, month 12 (11M earlier orders): ~0.7 GB. */
static size_t memory_before_revenue(const job_inputs_t *in, ledger_t *prior, const char *pbuf)
{
    size_t per_stub = sizeof(order_stub_t) + sizeof(strmap_slot_t) * 4 / 3 + 16;
    int64_t earlier = ledger_earlier_orders(prior, in->period);
    char rel[64];
    snprintf(rel, sizeof(rel), "periods/%s/orders.csv", pbuf);
    char *path = path_join(in->data_dir, rel);
    int64_t orders = file_size(path);
    free(path);
    return (earlier > 0 ? (size_t)earlier * per_stub : 0) + (orders > 0 ? 2 * (size_t)orders : 0);
}

cm_status job_decide(const job_inputs_t *in, ledger_t *prior, decided_t *out, cm_error_t *err)
{
    assert(in && in->data_dir && in->period != PERIOD_NONE && out && err);
    assert(out->inputs.n == 0 && out->ds.inputs.n == 0); /* *out zeroed: nothing to leak */
    char pbuf[PERIOD_BUF];
    period_format(in->period, pbuf);
    prefetch_t *revenue = ingest_prefetch_revenue(in->data_dir, in->period);
    if (revenue)
        prefetch_expect(revenue, memory_before_revenue(in, prior, pbuf));
    out->ds.book_dir = in->book_dir;
    cm_status rc = ingest_dataset(&out->ds, in->data_dir, err);
    if (rc != EXIT_DONE) {
        prefetch_cancel(revenue);
        return rc;
    }
    log_stage("%s: master and book read (%zu partners, %zu agreements, %zu rate rows)", pbuf,
              out->ds.master.partners.n, out->ds.master.agreements.n, out->ds.book.rates.n);
    for (size_t i = 0; i < out->ds.inputs.n; i++)
        VEC_PUSH(out->inputs, out->ds.inputs.v[i]);
    month_t *m = &out->month;
    month_init(m, &out->ds.master, &out->ds.book, in->period);
    m->every_account = in->every_account;
    rc = ledger_load_prior(prior, m, err);
    if (rc != EXIT_DONE) {
        prefetch_cancel(revenue);
        return rc;
    }
    /* every earlier order has a stub; orders.n of them are whole so far */
    log_stage("%s: ledger state loaded (%zu earlier orders, %zu of them whole)", pbuf,
              m->stubs.n, m->orders.n);
    rc = ingest_period(&out->ds, m, revenue, prior, &out->inputs, err);
    if (rc != EXIT_DONE)
        return rc;
    log_stage("%s: period read (%" PRId64 " orders, %" PRId64 " revenue rows, %zu rejects)",
              pbuf, m->control.orders_read, m->control.revenue_read, m->rejects.n);
    if (!in->every_account) /* explain (every_account) looks orders up by id afterwards */
        month_shrink_order_map(m);
    cm_error_t why;
    rc = month_decide(m, &why);
    if (rc != EXIT_DONE) {
        if (month_overflowed(m)) /* an input error: exit 3 naming the row */
            return ingest_overflow_error(m, err);
        return cm_fail(err, rc, "%s: %s; nothing was written", pbuf, why.message);
    }
    log_stage("%s: decided", pbuf);
    return EXIT_DONE;
}

void decided_release(decided_t *d)
{
    month_release(&d->month);
    dataset_release(&d->ds);
    free(d->inputs.v);
    d->inputs = (input_list_t){0};
}
