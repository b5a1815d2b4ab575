/*
 * idseq.c — front-coded id sequences (idseq.h).
 *
 * Entry k: one byte `shared` (bytes it has in common with id k-1; 0 when k
 * is a multiple of IDSEQ_STRIDE), one byte `suffix` (the bytes that follow),
 * then those bytes. whole[k / IDSEQ_STRIDE] is where each whole entry starts.
 */
#include "idseq.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

void idseq_push(idseq_t *q, const char *s, size_t len)
{
    if (len > IDSEQ_MAX)
        abort(); /* a caller breaking idseq_push's contract (len <= IDSEQ_MAX) */
    size_t shared = 0;
    if (q->n > 0) {
        size_t max = len < q->last_len ? len : q->last_len;
        while (shared < max && s[shared] == q->last[shared])
            shared++;
        /* greater: the previous id is a proper prefix, or the first
         * differing byte is higher */
        bool greater = shared < len && (shared == q->last_len ||
                                        (unsigned char)s[shared] > (unsigned char)q->last[shared]);
        q->ascending = (q->n == 1 || q->ascending) && greater;
    }
    memcpy(q->last + shared, s + shared, len - shared);
    q->last_len = (uint8_t)len;
    if (q->n % IDSEQ_STRIDE == 0) {
        size_t k = q->n / IDSEQ_STRIDE;
        if (k == q->whole_cap)
            q->whole = vec_grow(q->whole, &q->whole_cap, sizeof(*q->whole));
        q->whole[k] = q->used;
        shared = 0;
    }
    size_t suffix = len - shared, need = q->used + 2 + suffix;
    if (need > q->cap)
        q->bytes = vec_reserve(q->bytes, &q->cap, need > 2 * q->cap ? need + 4096 : 2 * q->cap, 1);
    q->bytes[q->used++] = (uint8_t)shared;
    q->bytes[q->used++] = (uint8_t)suffix;
    memcpy(q->bytes + q->used, s + shared, suffix);
    q->used += suffix;
    q->n++;
}

void idseq_release(idseq_t *q)
{
    free(q->bytes);
    free(q->whole);
    memset(q, 0, sizeof(*q));
}

void idseq_drop(idseq_t *q, const int32_t *gone, size_t ng)
{
    if (ng == 0)
        return;
    idseq_t out = {0};
    idseq_cursor_t c;
    idseq_cursor(&c, q);
    size_t g = 0;
    for (size_t i = 0; i < q->n; i++) {
        if (g < ng && (size_t)gone[g] == i) {
            g++;
            continue;
        }
        const char *id = idseq_at(&c, i);
        idseq_push(&out, id, c.len);
    }
    idseq_release(q);
    *q = out;
}

void idseq_cursor(idseq_cursor_t *c, const idseq_t *q)
{
    c->q = q;
    c->next = 0;
    c->off = 0;
    c->len = 0;
    c->id[0] = '\0';
}

const char *idseq_at(idseq_cursor_t *c, size_t i)
{
    if (i + 1 == c->next)
        return c->id;
    const idseq_t *q = c->q;
    size_t start = i - i % IDSEQ_STRIDE;
    if (i < c->next || start > c->next) {
        c->next = start;
        c->off = q->whole[i / IDSEQ_STRIDE];
    }
    const uint8_t *b = q->bytes;
    size_t off = c->off, len = c->len;
    for (; c->next <= i; c->next++) {
        size_t shared = b[off], suffix = b[off + 1];
        memcpy(c->id + shared, b + off + 2, suffix);
        len = shared + suffix;
        off += 2 + suffix;
    }
    c->off = off;
    c->len = len;
    c->id[len] = '\0';
    return c->id;
}

void idseq_reader(idseq_reader_t *r, const void *bytes, size_t n)
{
    r->p = bytes;
    r->end = bytes ? r->p + n : r->p;
    r->len = 0;
    r->id[0] = '\0';
}

bool idseq_read(idseq_reader_t *r)
{
    if (r->end - r->p < 2)
        return false;
    size_t shared = r->p[0], suffix = r->p[1];
    if (shared > r->len || shared + suffix > IDSEQ_MAX || (size_t)(r->end - r->p - 2) < suffix)
        return false;
    memcpy(r->id + shared, r->p + 2, suffix);
    r->len = shared + suffix;
    r->id[r->len] = '\0';
    r->p += 2 + suffix;
    return true;
}
