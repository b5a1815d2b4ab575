/*
 * lineseq.h — the source line of each row of a long sequence (tens of
 * millions of rows), kept as breakpoints. Row i of a file
 * read in order is on line i + 2 (header, 1-based) until a rejected row or
 * a value spanning lines shifts the rest: only the rows where that offset
 * changes are stored, so a clean file of ten million rows takes one entry
 * instead of 40 MB of line numbers, and a file with rejects one per run of
 * rows between them.
 *
 *   lineseq_t s = {0};
 *   lineseq_push(&s, 2);  lineseq_push(&s, 3);  lineseq_push(&s, 7);
 *   lineseq_at(&s, 2);   // 7
 *   lineseq_release(&s);
 *
 * Pure C, no I/O; read-only once built (any number of readers).
 */
#ifndef COMMISSIONS_LINESEQ_H
#define COMMISSIONS_LINESEQ_H

#include <stddef.h>
#include <stdint.h>

typedef struct lineseq_break {
    uint32_t from;  /* first row of the run */
    int32_t offset; /* line - row for every row of the run */
} lineseq_break_t;

typedef struct lineseq {
    lineseq_break_t *v;
    size_t n, cap; /* breakpoints */
    size_t rows;
} lineseq_t;

/* Append the next row, on line `line` (rows fewer than 2^32). */
void lineseq_push(lineseq_t *s, int32_t line);
/* Row i's line (i < s->rows). */
int32_t lineseq_at(const lineseq_t *s, size_t i);
/* Drop rows gone[0..n) (ascending, distinct, each < s->rows); the rows
 * after them move up and keep their lines. */
void lineseq_remove(lineseq_t *s, const int32_t *gone, size_t n);
void lineseq_release(lineseq_t *s);

#endif
