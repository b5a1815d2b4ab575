/*
 * idseq.h — a long sequence of short ids (tens of millions), front-coded:
 * each id is stored as the length it shares with the id before it and the
 * bytes that follow. Exported rows are usually numbered, so neighbours
 * share nearly everything: ten million 19-byte ids take ~45 MB instead of
 * 280 (a pointer and a copy each). Every IDSEQ_STRIDE-th
 * id is stored whole, so any id is found by decoding at most that many.
 *
 *   idseq_t q = {0};
 *   idseq_push(&q, "R-0001", 6);  idseq_push(&q, "R-0002", 6);
 *   idseq_cursor_t c;  idseq_cursor(&c, &q);
 *   const char *id = idseq_at(&c, 1);   // "R-0002", valid until c moves
 *   idseq_release(&q);
 *
 * Pure C, no I/O. A sequence is read-only once built: any number of
 * cursors (one per thread) may read it at once.
 */
#ifndef COMMISSIONS_IDSEQ_H
#define COMMISSIONS_IDSEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDSEQ_MAX 255   /* bytes of one id */
#define IDSEQ_STRIDE 16 /* an id stored whole every STRIDE ids */

typedef struct idseq {
    uint8_t *bytes;    /* entries: shared length, suffix length, suffix */
    size_t used, cap;  /* of bytes */
    size_t *whole;     /* byte offset of id k * IDSEQ_STRIDE */
    size_t whole_cap;
    size_t n;          /* ids */
    bool ascending;    /* every id is bytewise greater than the one before */
    uint8_t last_len;
    char last[IDSEQ_MAX + 1];
} idseq_t;

/* Append s[0..len) (len <= IDSEQ_MAX; the id may hold no NUL). */
void idseq_push(idseq_t *q, const char *s, size_t len);
void idseq_release(idseq_t *q);
/* Keep every id but those at positions gone[0..ng) (strictly ascending). */
void idseq_drop(idseq_t *q, const int32_t *gone, size_t ng);
/* The ids strictly ascend (bytewise, as strcmp): no repeats, no sort needed. */
static inline bool idseq_ascending(const idseq_t *q) { return q->n < 2 || q->ascending; }

/* A reading position. Ids in ascending positions cost one step each; any
 * other position decodes from the whole id before it (< IDSEQ_STRIDE steps). */
typedef struct idseq_cursor {
    const idseq_t *q;
    size_t next;   /* position of the entry at off */
    size_t off;
    size_t len;    /* of id */
    char id[IDSEQ_MAX + 1];
} idseq_cursor_t;

void idseq_cursor(idseq_cursor_t *c, const idseq_t *q);
/* The id at position i (< q->n), NUL-terminated, in the cursor's buffer
 * (c->len bytes): valid until the cursor is used again. */
const char *idseq_at(idseq_cursor_t *c, size_t i);

/* Reading the bytes of a sequence (q->bytes[0..q->used)) from the start,
 * without its index: how a sequence stored elsewhere (a database blob) is
 * read back. */
typedef struct idseq_reader {
    const uint8_t *p, *end;
    size_t len; /* of id */
    char id[IDSEQ_MAX + 1];
} idseq_reader_t;

void idseq_reader(idseq_reader_t *r, const void *bytes, size_t n);
/* The next id into r->id (r->len bytes, NUL-terminated): true, or false at
 * the end (r->p == r->end) or at bytes that do not decode (r->p < r->end). */
bool idseq_read(idseq_reader_t *r);

/* Hint that id i will be read soon (a random walk overlaps its misses):
 * every cache line of its block, from the whole id before it to the next. */
static inline void idseq_prefetch(const idseq_t *q, size_t i)
{
    size_t k = i / IDSEQ_STRIDE;
    uintptr_t at = (uintptr_t)(q->bytes + q->whole[k]) & ~(uintptr_t)63;
    uintptr_t to = (uintptr_t)(q->bytes + ((k + 1) * IDSEQ_STRIDE < q->n ? q->whole[k + 1]
                                                                         : q->used));
    for (; at < to; at += 64)
        __builtin_prefetch((const void *)at);
}

#endif
