/*
 * idsort.c — stable MSD radix sort of row indexes by string key (idsort.h).
 */
#include "idsort.h"

#include <stdlib.h>
#include <string.h>

/* 8 key bytes from the round's offset, big-endian, 0-padded, as two halves
 * so that an item is 12 bytes, not 16 (and idsort bounds how many exist at once). */
typedef struct item {
    uint32_t hi, lo;
    int32_t ix;
} item_t;

static uint64_t item_word(const item_t *t) { return (uint64_t)t->hi << 32 | t->lo; }
static unsigned digit(const item_t *t, int p)
{
    return p < 4 ? (t->lo >> (8 * p)) & 0xFF : (t->hi >> (8 * (p - 4))) & 0xFF;
}

typedef struct sorter {
    idsort_key_fn key;
    const void *ctx;
} sorter_t;

#define SMALL_RANGE 24

static const char *key_at(const sorter_t *s, int32_t i, size_t offset)
{
    return s->key(s->ctx, i) + offset;
}

/* Stable insertion sort of a small range, keys compared from offset. */
static void insertion(const sorter_t *s, int32_t *ix, size_t n, size_t offset)
{
    for (size_t i = 1; i < n; i++) {
        int32_t v = ix[i];
        const char *k = key_at(s, v, offset);
        size_t j = i;
        while (j > 0 && strcmp(key_at(s, ix[j - 1], offset), k) > 0) {
            ix[j] = ix[j - 1];
            j--;
        }
        ix[j] = v;
    }
}

/* Length of the prefix all keys of the range share from offset. Keys have
 * been checked to reach offset (they tie on every byte before it). */
static size_t shared_prefix(const sorter_t *s, const int32_t *ix, size_t n, size_t offset)
{
    const char *first = key_at(s, ix[0], offset);
    size_t lcp = strlen(first);
    for (size_t i = 1; i < n && lcp > 0; i++) {
        const char *k = key_at(s, ix[i], offset);
        size_t j = 0;
        while (j < lcp && k[j] == first[j])
            j++;
        lcp = j;
    }
    return lcp;
}

static uint64_t word_at(const char *k)
{
    uint64_t w = 0;
    for (int b = 0; b < 8; b++) {
        w <<= 8;
        if (*k)
            w |= (unsigned char)*k++;
    }
    return w;
}

/* LSD radix sort of items by word, 8 bits a pass, skipping passes whose
 * digit is the same for every item. Returns the buffer holding the result. */
static item_t *radix(item_t *a, item_t *b, size_t n)
{
    static const int passes = 8;
    size_t count[8][256];
    memset(count, 0, sizeof(count));
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < passes; p++)
            count[p][digit(&a[i], p)]++;
    for (int p = 0; p < passes; p++) {
        size_t *c = count[p];
        if (c[digit(&a[0], p)] == n)
            continue; /* every item has this digit */
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            b[c[digit(&a[i], p)]++] = a[i];
        item_t *t = a;
        a = b;
        b = t;
    }
    return a;
}

static void sort_range(const sorter_t *s, int32_t *ix, size_t n, size_t offset, item_t *buf,
                       item_t *tmp)
{
    if (n < 2)
        return;
    if (n <= SMALL_RANGE) {
        insertion(s, ix, n, offset);
        return;
    }
    offset += shared_prefix(s, ix, n, offset);
    for (size_t i = 0; i < n; i++) {
        uint64_t w = word_at(key_at(s, ix[i], offset));
        buf[i] = (item_t){(uint32_t)(w >> 32), (uint32_t)w, ix[i]};
    }
    item_t *sorted = radix(buf, tmp, n);
    item_t *other = sorted == buf ? tmp : buf;
    for (size_t i = 0; i < n; i++)
        ix[i] = sorted[i].ix;
    /* Runs of equal words whose keys go on past them tie so far: recurse. */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && item_word(&sorted[j]) == item_word(&sorted[i]))
            j++;
        if (j - i > 1 && (sorted[i].lo & 0xFF) != 0)
            sort_range(s, ix + i, j - i, offset + 8, sorted + i, other + i);
        i = j;
    }
}

/* A big range is first split by its first byte after the shared prefix: a
 * stable counting sort of the indexes through tmp, each part then sorted on
 * (split again while bigger than split_above). Only parts of at most
 * split_above rows get (word, index) items, so the item buffers stay small
 * however many rows there are. Keys that end here are equal: left as they
 * are (stable). */
static void split_range(const sorter_t *s, int32_t *ix, size_t n, size_t offset, size_t split_above,
                        int32_t *tmp, item_t *buf)
{
    offset += shared_prefix(s, ix, n, offset);
    size_t start[257] = {0};
    for (size_t i = 0; i < n; i++)
        start[(unsigned char)*key_at(s, ix[i], offset) + 1]++;
    for (int d = 1; d <= 256; d++)
        start[d] += start[d - 1];
    size_t at[256];
    memcpy(at, start, sizeof(at));
    for (size_t i = 0; i < n; i++)
        tmp[at[(unsigned char)*key_at(s, ix[i], offset)]++] = ix[i];
    memcpy(ix, tmp, n * sizeof(*ix));
    for (int d = 1; d < 256; d++) {
        size_t from = start[d], part = start[d + 1] - from;
        if (part > split_above)
            split_range(s, ix + from, part, offset + 1, split_above, tmp, buf);
        else
            sort_range(s, ix + from, part, offset + 1, buf, buf + part);
    }
}

void idsort_split(int32_t *ix, size_t n, idsort_key_fn key, const void *ctx, size_t split_above)
{
    if (n < 2)
        return;
    sorter_t s = {key, ctx};
    if (n <= SMALL_RANGE) {
        insertion(&s, ix, n, 0);
        return;
    }
    if (split_above < SMALL_RANGE)
        split_above = SMALL_RANGE;
    size_t items = n > split_above ? split_above : n;
    item_t *buf = malloc(2 * items * sizeof(*buf));
    int32_t *tmp = n > split_above ? malloc(n * sizeof(*tmp)) : NULL;
    if (!buf || (n > split_above && !tmp))
        abort();
    if (n > split_above)
        split_range(&s, ix, n, 0, split_above, tmp, buf);
    else
        sort_range(&s, ix, n, 0, buf, buf + n);
    free(tmp);
    free(buf);
}

void idsort(int32_t *ix, size_t n, idsort_key_fn key, const void *ctx)
{
    idsort_split(ix, n, key, ctx, IDSORT_SPLIT_ABOVE);
}
