/*
 * prefetch.c — a CSV file read on a second thread and replayed in order
 * (prefetch.h). The reader fills chunks of records; a bounded queue hands
 * them to the consumer, which gives them back for reuse.
 */
#include "prefetch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_RECORDS 8192
#define CHUNKS_IN_FLIGHT 4
#define AHEAD_RECORDS 16 /* on_ahead sees the record this many ahead of on_row */

typedef struct record {
    int32_t line;
    bool rejected;
    const char *column; /* reject: the spec's column name (static) or "" */
    rule_code reason;
} record_t;

typedef struct chunk {
    struct chunk *next;
    size_t n;              /* records */
    record_t rec[CHUNK_RECORDS];
    csv_value_t *vals;     /* CHUNK_RECORDS * ncols; s rebased at replay */
    size_t *offs;          /* text offset of each value */
    char *text;
    size_t tlen, tcap;
} chunk_t;

struct prefetch {
    char *path, *display; /* owned copies */
    const file_spec_t *spec;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk_t *full_head, *full_tail; /* ready for the consumer, in order */
    chunk_t *spare;                 /* given back for reuse */
    int allocated;                  /* chunks in existence */
    chunk_t *filling;               /* the reader's current chunk */
    bool done, cancelled, thread_joined;
    csv_status status;
    csv_stats_t stats;
    csv_error_t err;
};

static chunk_t *chunk_new(size_t ncols)
{
    chunk_t *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    c->vals = malloc(CHUNK_RECORDS * (ncols ? ncols : 1) * sizeof(*c->vals));
    c->offs = malloc(CHUNK_RECORDS * (ncols ? ncols : 1) * sizeof(*c->offs));
    c->tcap = 1 << 20;
    c->text = malloc(c->tcap);
    if (!c->vals || !c->offs || !c->text)
        abort();
    return c;
}

static void chunk_free(chunk_t *c)
{
    if (!c)
        return;
    free(c->vals);
    free(c->offs);
    free(c->text);
    free(c);
}

/* Reader side: hand the filled chunk over and get an empty one (waits while
 * the consumer is CHUNKS_IN_FLIGHT behind). false when cancelled. */
static bool hand_over(prefetch_t *p)
{
    pthread_mutex_lock(&p->mu);
    chunk_t *c = p->filling;
    p->filling = NULL;
    if (c) {
        c->next = NULL;
        if (p->full_tail)
            p->full_tail->next = c;
        else
            p->full_head = c;
        p->full_tail = c;
        pthread_cond_broadcast(&p->cv);
    }
    while (!p->cancelled && !p->spare && p->allocated >= CHUNKS_IN_FLIGHT)
        pthread_cond_wait(&p->cv, &p->mu);
    bool ok = !p->cancelled;
    if (ok) {
        if (p->spare) {
            p->filling = p->spare;
            p->spare = p->spare->next;
        } else {
            p->allocated++;
        }
    }
    pthread_mutex_unlock(&p->mu);
    if (ok && !p->filling)
        p->filling = chunk_new(p->spec->ncols);
    if (ok) {
        p->filling->n = 0;
        p->filling->tlen = 0;
    }
    return ok;
}

static record_t *next_record(prefetch_t *p)
{
    if ((!p->filling || p->filling->n == CHUNK_RECORDS) && !hand_over(p))
        return NULL;
    return &p->filling->rec[p->filling->n++];
}

static bool on_row(void *ctx, const csv_value_t *v, int32_t line)
{
    prefetch_t *p = ctx;
    size_t nc = p->spec->ncols, bytes = 0;
    for (size_t k = 0; k < nc; k++)
        bytes += v[k].len + 1;
    record_t *r = next_record(p);
    if (!r)
        return false;
    chunk_t *c = p->filling;
    if (c->tlen + bytes > c->tcap) {
        while (c->tlen + bytes > c->tcap)
            c->tcap *= 2;
        c->text = realloc(c->text, c->tcap);
        if (!c->text)
            abort();
    }
    *r = (record_t){.line = line};
    size_t base = (c->n - 1) * nc;
    for (size_t k = 0; k < nc; k++) {
        memcpy(c->text + c->tlen, v[k].s, v[k].len);
        c->text[c->tlen + v[k].len] = '\0';
        c->vals[base + k] = (csv_value_t){.len = v[k].len, .i = v[k].i};
        c->offs[base + k] = c->tlen;
        c->tlen += v[k].len + 1;
    }
    return true;
}

static bool on_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    prefetch_t *p = ctx;
    record_t *r = next_record(p);
    if (!r)
        return false;
    *r = (record_t){.line = line, .rejected = true, .column = column, .reason = reason};
    return true;
}

static void *reader_main(void *arg)
{
    prefetch_t *p = arg;
    /* raw: the values are checked by the consumer (prefetch_finish), which
     * waits for this thread otherwise; the reader only parses */
    csv_callbacks_t cb = {.on_row = on_row, .on_reject = on_reject, .raw = true};
    csv_status s = csv_read_file(p->path, p->display, p->spec, &cb, p, &p->stats, &p->err);
    if (p->filling && p->filling->n)
        hand_over(p); /* the last chunk (cancelled: nobody waits for it) */
    pthread_mutex_lock(&p->mu);
    if (p->filling) { /* an empty chunk taken for nothing */
        p->filling->next = p->spare;
        p->spare = p->filling;
        p->filling = NULL;
    }
    p->status = s;
    p->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

prefetch_t *prefetch_start(const char *path, const char *display, const file_spec_t *spec)
{
    prefetch_t *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    p->path = strdup(path);
    p->display = strdup(display);
    if (!p->path || !p->display)
        abort();
    p->spec = spec;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, reader_main, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p->path);
        free(p->display);
        free(p);
        return NULL;
    }
    return p;
}

static void release(prefetch_t *p)
{
    if (!p->thread_joined)
        pthread_join(p->thread, NULL);
    for (chunk_t *c = p->full_head, *next; c; c = next) {
        next = c->next;
        chunk_free(c);
    }
    for (chunk_t *c = p->spare, *next; c; c = next) {
        next = c->next;
        chunk_free(c);
    }
    chunk_free(p->filling);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->path);
    free(p->display);
    free(p);
}

void prefetch_cancel(prefetch_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->cancelled = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    release(p);
}

/* Consumer side: the next filled chunk, or NULL at the end of the file. */
static chunk_t *take(prefetch_t *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->full_head && !p->done)
        pthread_cond_wait(&p->cv, &p->mu);
    chunk_t *c = p->full_head;
    if (c) {
        p->full_head = c->next;
        if (!p->full_head)
            p->full_tail = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    return c;
}

static void give_back(prefetch_t *p, chunk_t *c)
{
    pthread_mutex_lock(&p->mu);
    c->next = p->spare;
    p->spare = c;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

csv_status prefetch_finish(prefetch_t *p, const csv_callbacks_t *cb, void *ctx, csv_stats_t *stats,
                           csv_error_t *err)
{
    size_t nc = p->spec->ncols;
    bool stopped = false;
    chunk_t *c;
    while (!stopped && (c = take(p)) != NULL) {
        for (size_t i = 0; i < c->n; i++) { /* rebase the values, then check them */
            record_t *r = &c->rec[i];
            if (r->rejected)
                continue;
            csv_value_t *v = &c->vals[i * nc];
            for (size_t k = 0; k < nc; k++)
                v[k].s = c->text + c->offs[i * nc + k];
            r->rejected = !csv_check_record(p->spec, v, &r->column, &r->reason);
        }
        for (size_t i = 0; i < c->n && !stopped; i++) {
            const record_t *r = &c->rec[i];
            size_t a = i + AHEAD_RECORDS;
            if (cb->on_ahead && a < c->n && !c->rec[a].rejected)
                cb->on_ahead(ctx, &c->vals[a * nc]);
            if (r->rejected) {
                stopped = !cb->on_reject(ctx, r->line, r->column, r->reason);
                continue;
            }
            stopped = !cb->on_row(ctx, &c->vals[i * nc], r->line);
        }
        give_back(p, c);
    }
    if (stopped) {
        prefetch_cancel(p);
        memset(stats, 0, sizeof(*stats));
        *err = (csv_error_t){.status = CSV_ABORTED};
        snprintf(err->message, sizeof(err->message), "reading stopped by the caller");
        return CSV_ABORTED;
    }
    pthread_join(p->thread, NULL); /* take() saw done: the reader has finished */
    p->thread_joined = true;
    csv_status status = p->status;
    *stats = p->stats;
    *err = p->err;
    release(p);
    return status;
}
