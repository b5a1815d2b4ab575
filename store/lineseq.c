/*
 * lineseq.c — source lines as breakpoints (lineseq.h).
 */
#include "lineseq.h"

#include <stdlib.h>

#include "arena.h"

/* Append `count` rows on consecutive lines from `line`. */
static void add_run(lineseq_t *s, int32_t line, size_t count)
{
    int32_t offset = (int32_t)((int64_t)line - (int64_t)s->rows);
    if (!s->n || s->v[s->n - 1].offset != offset)
        VEC_PUSH(*s, ((lineseq_break_t){.from = (uint32_t)s->rows, .offset = offset}));
    s->rows += count;
}

void lineseq_push(lineseq_t *s, int32_t line)
{
    add_run(s, line, 1);
}

int32_t lineseq_at(const lineseq_t *s, size_t i)
{
    size_t lo = 0, hi = s->n; /* the last breakpoint with from <= i */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].from <= i)
            lo = mid;
        else
            hi = mid;
    }
    return (int32_t)((int64_t)i + s->v[lo].offset);
}

void lineseq_remove(lineseq_t *s, const int32_t *gone, size_t n)
{
    if (!n)
        return;
    lineseq_t out = {0};
    size_t g = 0;
    for (size_t b = 0; b < s->n; b++) {
        size_t from = s->v[b].from, to = b + 1 < s->n ? s->v[b + 1].from : s->rows;
        int32_t offset = s->v[b].offset;
        while (from < to) { /* the kept rows [from, end) of this run, then a gone one */
            size_t end = g < n && (size_t)gone[g] < to ? (size_t)gone[g] : to;
            if (end > from)
                add_run(&out, (int32_t)((int64_t)from + offset), end - from);
            from = end;
            if (end < to) { /* gone[g] */
                g++;
                from++;
            }
        }
    }
    lineseq_release(s);
    *s = out;
}

void lineseq_release(lineseq_t *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = s->rows = 0;
}
