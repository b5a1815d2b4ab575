/*
 * idsort.h — sorting row indexes by a string key, bytewise, fast enough for
 * tens of millions of rows (ids).
 *
 * An MSD radix sort over 8-byte big-endian key words: each round skips the
 * prefix the range's keys share, radix-sorts (word, index) pairs, and
 * recurses only into runs whose words tie and whose keys go on. Stable:
 * equal keys keep their input order, so "first occurrence" survives a sort.
 * No comparison callbacks, no global state; pure C, no I/O.
 *
 *   int32_t ix[n];  for (i...) ix[i] = i;
 *   idsort(ix, n, key_of, rows);   // ix now orders rows by key_of(rows, i)
 */
#ifndef COMMISSIONS_IDSORT_H
#define COMMISSIONS_IDSORT_H

#include <stddef.h>
#include <stdint.h>

/* The key of row i: a NUL-terminated string that must not change during the sort. */
typedef const char *(*idsort_key_fn)(const void *ctx, int32_t i);

/* Reorder ix[0..n) so the keys ascend bytewise (strcmp order), stably.
 * Extra memory: 4 bytes a row plus at most 24 MB (ranges above
 * IDSORT_SPLIT_ABOVE rows are first split by one key byte), so ten million
 * ids sort in 64 MB rather than 240. */
void idsort(int32_t *ix, size_t n, idsort_key_fn key, const void *ctx);

#define IDSORT_SPLIT_ABOVE ((size_t)1 << 20)
/* idsort with another split size (tests split small inputs this way). */
void idsort_split(int32_t *ix, size_t n, idsort_key_fn key, const void *ctx, size_t split_above);

#endif
