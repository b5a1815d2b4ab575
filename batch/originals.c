/*
 * originals.c — earlier orders made whole on a helper thread (originals.h).
 */
#include "originals.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct fetched {
    int32_t ref; /* the stub's reference */
    order_t order;
} fetched_t;

struct originals {
    const month_t *m; /* read by the helper: stubs, master, period */
    ledger_reader_t *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    VEC(int32_t) queue; /* refs to make whole, as named */
    size_t taken;       /* of queue, by the helper */
    bool closing, stop;
    uint8_t *queued;    /* per stub: already queued (main thread only) */
    /* the helper's results, read after the join */
    VEC(fetched_t) got;
    arena_t arena;
    const char *missing; /* an id the ledger did not have */
    batch_error_t err;
    exit_code rc;
};

static void *helper_main(void *arg)
{
    originals_t *o = arg;
    enum { BATCH = 256 };
    int32_t batch[BATCH];
    for (;;) {
        pthread_mutex_lock(&o->mu);
        while (o->taken == o->queue.n && !o->closing)
            pthread_cond_wait(&o->cv, &o->mu);
        size_t n = o->queue.n - o->taken;
        n = o->stop ? 0 : n < BATCH ? n : BATCH;
        if (n > 0)
            memcpy(batch, o->queue.v + o->taken, n * sizeof(*batch));
        o->taken += n;
        pthread_mutex_unlock(&o->mu);
        if (n == 0) /* closing and nothing left, or told to stop */
            return NULL;
        for (size_t i = 0; i < n; i++) {
            const char *id = o->m->stubs.v[batch[i] - ORDER_STUB].id;
            fetched_t f = {.ref = batch[i]};
            int got = ledger_reader_order(o->db, o->m->master, o->m->period, &o->arena, id,
                                          &f.order, &o->err);
            if (got < 0) {
                o->rc = o->err.code;
                return NULL;
            }
            if (got == 0 && !o->missing)
                o->missing = id;
            if (got > 0)
                VEC_PUSH(o->got, f);
        }
    }
}

originals_t *originals_start(ledger_t *l, const month_t *m)
{
    if (!l || m->stubs.n == 0)
        return NULL;
    originals_t *o = calloc(1, sizeof(*o));
    if (!o)
        abort();
    o->m = m;
    o->rc = EXIT_DONE;
    o->queued = calloc(m->stubs.n, 1);
    if (!o->queued)
        abort();
    batch_error_t ignored;
    if (ledger_reader_open(l, &o->db, &ignored) != EXIT_DONE) {
        free(o->queued);
        free(o);
        return NULL;
    }
    pthread_mutex_init(&o->mu, NULL);
    pthread_cond_init(&o->cv, NULL);
    if (pthread_create(&o->thread, NULL, helper_main, o) != 0) {
        pthread_mutex_destroy(&o->mu);
        pthread_cond_destroy(&o->cv);
        ledger_reader_close(o->db);
        free(o->queued);
        free(o);
        return NULL;
    }
    return o;
}

void originals_add(originals_t *o, int32_t ref)
{
    size_t s = (size_t)(ref - ORDER_STUB);
    if (o->queued[s])
        return;
    o->queued[s] = 1;
    pthread_mutex_lock(&o->mu);
    VEC_PUSH(o->queue, ref);
    pthread_cond_signal(&o->cv);
    pthread_mutex_unlock(&o->mu);
}

static int by_ref(const void *x, const void *y)
{
    int32_t a = ((const fetched_t *)x)->ref, b = ((const fetched_t *)y)->ref;
    return (a > b) - (a < b);
}

exit_code originals_finish(originals_t *o, month_t *m, bool keep, batch_error_t *err)
{
    pthread_mutex_lock(&o->mu);
    o->closing = true;
    o->stop = !keep;
    pthread_cond_signal(&o->cv);
    pthread_mutex_unlock(&o->mu);
    pthread_join(o->thread, NULL);
    ledger_reader_close(o->db);
    exit_code rc = EXIT_DONE;
    if (keep && o->rc != EXIT_DONE) {
        *err = o->err;
        rc = o->rc;
    } else if (keep && o->missing) {
        rc = fail_with(err, EXIT_INTERNAL, "ledger: order %s is gone", o->missing);
    }
    if (keep && rc == EXIT_DONE) {
        /* in stub order, as made whole after the file; one a re-delivery
         * made whole meanwhile stays as it is */
        if (o->got.n > 1)
            qsort(o->got.v, o->got.n, sizeof(*o->got.v), by_ref);
        for (size_t i = 0; i < o->got.n; i++) {
            const char *id = m->stubs.v[o->got.v[i].ref - ORDER_STUB].id;
            size_t len = strlen(id);
            if (strmap_get(&m->order_ix, id, len) < ORDER_STUB)
                continue;
            order_t w = o->got.v[i].order;
            w.id = id; /* the map's key */
            VEC_PUSH(m->orders, w);
            strmap_put(&m->order_ix, id, len, (int32_t)(m->orders.n - 1));
        }
        arena_adopt(&m->arena, &o->arena); /* the orders' strings */
    }
    arena_release(&o->arena);
    pthread_mutex_destroy(&o->mu);
    pthread_cond_destroy(&o->cv);
    free(o->queue.v);
    free(o->got.v);
    free(o->queued);
    free(o);
    return rc;
}
