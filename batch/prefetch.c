/*
 * prefetch.c — a CSV file read on a second thread and replayed in order
 * (prefetch.h). The reader fills chunks of records (one mapping each); a
 * bounded queue hands them to the consumer, which checks their values,
 * replays them and gives them back (a few kept for reuse, the rest
 * unmapped).
 */
#include "prefetch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK_RECORDS 8192
/* How far the reader may get ahead of the consumer: at most CHUNKS_IN_FLIGHT
 * chunks (~3M revenue rows) and AHEAD_BYTES of filled records (wide rows fill
 * a chunk's text before its 8,192 records); given back as the replay
 * consumes them. */
#define CHUNKS_IN_FLIGHT 384
#define AHEAD_BYTES ((size_t)384 << 20)
/* ... and, past AHEAD_MIN (prefetch_limit), only while the whole process stays
 * under RSS_BUDGET: in a late month of a big ledger the earlier orders'
 * stubs and map already hold several hundred MB. The reader then waits for
 * the consumer instead (less overlap, same results). What the consumer will
 * allocate before the replay (prefetch_expect: the ledger's state, the
 * orders) counts as resident already, since it is allocated while the
 * reader runs. */
#define AHEAD_MIN ((size_t)32 << 20)
#define RSS_BUDGET ((size_t)880 << 20)
#define SPARE_CHUNKS 4 /* given-back chunks kept for reuse; the others are unmapped */
/* A chunk's text area: above any record (CSV_RECORD_MAX); pages never
 * written cost nothing. */
#define CHUNK_TEXT ((size_t)CSV_RECORD_MAX + ((size_t)1 << 20))

typedef struct record {
    int32_t line;
    bool rejected;
    const char *column; /* reject: the spec's column name (static) or "" */
    rule_code reason;
} record_t;

/* One mapping: this header, CHUNK_RECORDS records, the text offset of each
 * value (CHUNK_RECORDS * ncols + 1: a value ends where the next starts, its
 * NUL included), and the values' text. Mapped and unmapped whole, so a
 * chunk given back returns its memory at once. */
typedef struct chunk {
    struct chunk *next;
    size_t bytes;     /* the mapping */
    size_t n;         /* records */
    record_t *rec;
    uint32_t *offs;
    char *text;
    size_t tlen;
} chunk_t;

struct prefetch {
    char *path, *display; /* owned copies */
    const file_spec_t *spec;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk_t *full_head, *full_tail; /* ready for the consumer, in order */
    chunk_t *spare;                 /* given back for reuse */
    int allocated, spares;          /* chunks in existence; of them spare */
    size_t ahead;                   /* bytes filled in chunks not yet given back */
    size_t ahead_min, rss_budget;   /* prefetch_limit; AHEAD_MIN, RSS_BUDGET */
    size_t expected;                /* prefetch_expect, until the replay starts */
    chunk_t *filling;               /* the reader's current chunk */
    bool done, cancelled, thread_joined;
    csv_status status;
    csv_stats_t stats;
    csv_error_t err;
    csv_value_t *vals;              /* the consumer's values of one chunk */
};

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

static chunk_t *chunk_new(size_t ncols)
{
    size_t head = align16(sizeof(chunk_t)), recs = align16(CHUNK_RECORDS * sizeof(record_t));
    size_t offs = align16((CHUNK_RECORDS * ncols + 1) * sizeof(uint32_t));
    size_t bytes = head + recs + offs + CHUNK_TEXT;
    char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        abort();
    chunk_t *c = (chunk_t *)m;
    c->bytes = bytes;
    c->rec = (record_t *)(m + head);
    c->offs = (uint32_t *)(m + head + recs);
    c->text = m + head + recs + offs;
    return c;
}

/* The bytes a chunk's records fill (records, offsets, text). */
static size_t chunk_filled(const chunk_t *c, size_t ncols)
{
    return c->n * (sizeof(record_t) + ncols * sizeof(uint32_t)) + c->tlen;
}

static void chunk_free(chunk_t *c)
{
    if (c)
        munmap(c, c->bytes);
}

/* The process's resident bytes now (/proc/self/statm), or 0 when unknown
 * (no budget then). */
static size_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* Reader side: hand the filled chunk over and get an empty one (waits while
 * the consumer is CHUNKS_IN_FLIGHT chunks or AHEAD_BYTES behind, or past
 * ahead_min behind with the process, plus what the consumer expects, over
 * rss_budget). false when cancelled. */
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
        p->ahead += chunk_filled(c, p->spec->ncols);
        pthread_cond_broadcast(&p->cv);
    }
    while (!p->cancelled && (p->ahead >= AHEAD_BYTES ||
                             (!p->spare && p->allocated >= CHUNKS_IN_FLIGHT) ||
                             (p->ahead > p->ahead_min &&
                              prefetch_over_budget(resident_bytes(), p->expected, p->rss_budget))))
        pthread_cond_wait(&p->cv, &p->mu);
    bool ok = !p->cancelled;
    if (ok) {
        if (p->spare) {
            p->filling = p->spare;
            p->spare = p->spare->next;
            p->spares--;
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

/* The next record of the filling chunk, with room for text bytes of values. */
static record_t *next_record(prefetch_t *p, size_t text)
{
    chunk_t *c = p->filling;
    if ((!c || c->n == CHUNK_RECORDS || c->tlen + text > CHUNK_TEXT) && !hand_over(p))
        return NULL;
    return &p->filling->rec[p->filling->n++];
}

static bool on_row(void *ctx, const csv_value_t *v, int32_t line)
{
    prefetch_t *p = ctx;
    size_t nc = p->spec->ncols, bytes = 0;
    for (size_t k = 0; k < nc; k++)
        bytes += v[k].len + 1;
    record_t *r = next_record(p, bytes);
    if (!r)
        return false;
    chunk_t *c = p->filling;
    *r = (record_t){.line = line};
    uint32_t *off = &c->offs[(c->n - 1) * nc];
    for (size_t k = 0; k < nc; k++) {
        off[k] = (uint32_t)c->tlen;
        memcpy(c->text + c->tlen, v[k].s, v[k].len);
        c->text[c->tlen + v[k].len] = '\0';
        c->tlen += v[k].len + 1;
    }
    return true;
}

static bool on_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    prefetch_t *p = ctx;
    record_t *r = next_record(p, 0);
    if (!r)
        return false;
    *r = (record_t){.line = line, .rejected = true, .column = column, .reason = reason};
    chunk_t *c = p->filling; /* no text: its values start and end where the next begins */
    size_t nc = p->spec->ncols;
    for (size_t k = 0; k < nc; k++)
        c->offs[(c->n - 1) * nc + k] = (uint32_t)c->tlen;
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
        p->spares++;
        p->filling = NULL;
    }
    p->status = s;
    p->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

bool prefetch_over_budget(size_t resident, size_t expected, size_t rss_budget)
{
    return resident > rss_budget || expected > rss_budget - resident;
}

void prefetch_expect(prefetch_t *p, size_t bytes)
{
    pthread_mutex_lock(&p->mu);
    p->expected = bytes;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void prefetch_limit(prefetch_t *p, size_t ahead_min, size_t rss_budget)
{
    pthread_mutex_lock(&p->mu);
    p->ahead_min = ahead_min;
    p->rss_budget = rss_budget;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
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
    p->ahead_min = AHEAD_MIN;
    p->rss_budget = RSS_BUDGET;
    p->vals = malloc(CHUNK_RECORDS * (spec->ncols ? spec->ncols : 1) * sizeof(*p->vals));
    if (!p->vals)
        abort();
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, reader_main, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p->vals);
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
    free(p->vals);
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

/* A replayed chunk: kept for reuse, or unmapped when enough are spare. */
static void give_back(prefetch_t *p, chunk_t *c)
{
    pthread_mutex_lock(&p->mu);
    p->ahead -= chunk_filled(c, p->spec->ncols);
    bool keep = p->spares < SPARE_CHUNKS;
    if (keep) {
        c->next = p->spare;
        p->spare = c;
        p->spares++;
    } else {
        p->allocated--;
    }
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (!keep)
        chunk_free(c);
}

csv_status prefetch_finish(prefetch_t *p, const csv_callbacks_t *cb, void *ctx, csv_stats_t *stats,
                           csv_error_t *err)
{
    size_t nc = p->spec->ncols;
    bool stopped = false;
    chunk_t *c;
    prefetch_expect(p, 0); /* the expected memory is there now: resident counts it */
    while (!stopped && (c = take(p)) != NULL) {
        const uint32_t *off = c->offs;
        c->offs[c->n * nc] = (uint32_t)c->tlen; /* where the last value ends */
        for (size_t i = 0; i < c->n; i++) { /* the values, then their checks */
            record_t *r = &c->rec[i];
            if (r->rejected)
                continue;
            csv_value_t *v = &p->vals[i * nc];
            for (size_t k = 0; k < nc; k++) {
                size_t j = i * nc + k;
                v[k] = (csv_value_t){.s = c->text + off[j], .len = off[j + 1] - off[j] - 1};
            }
            r->rejected = !csv_check_record(p->spec, v, &r->column, &r->reason);
        }
        for (size_t i = 0; i < c->n && !stopped; i++) {
            const record_t *r = &c->rec[i];
            if (r->rejected) {
                stopped = !cb->on_reject(ctx, r->line, r->column, r->reason);
                continue;
            }
            stopped = !cb->on_row(ctx, &p->vals[i * nc], r->line);
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
