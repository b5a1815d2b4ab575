/*
 * arena.c — bump allocation, growable arrays and the string hash map.
 * Allocation failure aborts: see arena.h.
 */
#include "arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct arena_block {
    arena_block *next;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

/* Big arrays and blocks (ten million rows take hundreds of MB) are read in
 * random order by the hash maps and the sorted outputs: on 4 KiB pages almost
 * every access is a TLB miss. Ask for transparent huge pages on the 2 MiB
 * pages inside such an allocation (a hint: without THP nothing changes). */
#define HUGE_PAGE ((uintptr_t)2 << 20)
static void *hint_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    if (n >= 2 * HUGE_PAGE) {
        uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        uintptr_t hi = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
        if (hi > lo)
            (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    return p;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        abort();
    return hint_huge(p, n);
}

/* Blocks double from 256 KiB to 16 MiB: small runs stay small, big ones get
 * few blocks on huge pages. */
static size_t block_size(size_t need, size_t prev)
{
    size_t cap = prev ? prev * 2 : ((size_t)1 << 18);
    if (cap > ((size_t)1 << 24))
        cap = (size_t)1 << 24;
    return need > cap ? need : cap;
}

/* size bytes at the end of the chain's head block, on a new head block when
 * they do not fit (arena_alloc and arena_strndup keep separate chains). */
static void *take(arena_block **head, size_t *used, size_t *cap, size_t size)
{
    if (!*head || *used + size > *cap) {
        size_t bytes = block_size(size, *head ? (*head)->cap : 0);
        arena_block *b = xmalloc(sizeof(*b) + bytes);
        b->next = *head;
        b->cap = bytes;
        *head = b;
        *used = 0;
        *cap = bytes;
    }
    void *p = (char *)(*head)->data + *used;
    *used += size;
    return p;
}

void *arena_alloc(arena_t *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    void *p = take(&a->head, &a->used, &a->cap, size);
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t len)
{
    /* unaligned, in string blocks: ten million 20-byte ids take 210 MB, not 320 */
    char *p = take(&a->strings, &a->sused, &a->scap, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static void free_blocks(arena_block *b)
{
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
}

void arena_release(arena_t *a)
{
    free_blocks(a->head);
    free_blocks(a->strings);
    memset(a, 0, sizeof(*a));
}

uint32_t strheap_add(strheap_t *h, const char *s, size_t len)
{
    if (!h->nblocks || h->used + len + 1 > h->cap) {
        size_t cap = block_size(len + 1, h->nblocks ? h->cap : 0);
        if (h->nblocks == STRHEAP_BLOCKS || cap > ((size_t)1 << STRHEAP_OFFSET_BITS))
            abort();
        h->block[h->nblocks++] = xmalloc(cap);
        h->cap = (uint32_t)cap;
        h->used = 0;
    }
    char *p = h->block[h->nblocks - 1] + h->used;
    memcpy(p, s, len);
    p[len] = '\0';
    uint32_t at = (h->nblocks - 1) << STRHEAP_OFFSET_BITS | h->used;
    h->used += (uint32_t)len + 1;
    return at;
}

void strheap_release(strheap_t *h)
{
    for (uint32_t i = 0; i < h->nblocks; i++)
        free(h->block[i]);
    memset(h, 0, sizeof(*h));
}

void *vec_grow(void *v, size_t *cap, size_t elem)
{
    size_t n = *cap ? *cap * 2 : 16;
    void *p = realloc(v, n * elem);
    if (!p)
        abort();
    *cap = n;
    return hint_huge(p, n * elem);
}

void *vec_reserve(void *v, size_t *cap, size_t want, size_t elem)
{
    if (want <= *cap)
        return v;
    void *p = realloc(v, want * elem);
    if (!p)
        abort();
    *cap = want;
    return hint_huge(p, want * elem);
}

/* 64-bit multiply-mix over 8-byte words (keys are short ids). */
static uint32_t hash(const char *s, size_t len)
{
    const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
    uint64_t h = len * k;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, s, len);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    h *= k;
    return (uint32_t)(h >> 32);
}

/* A slot's key word: a key of up to 7 bytes is held in it (its bytes, its
 * length in the top byte with the high bit set), a longer one by address
 * (a user-space address has a zero top byte on every 64-bit Linux). 0 is an
 * empty slot. */
#define KEY_INLINE 7
static uint64_t inline_word(const char *key, size_t len)
{
    if (len > KEY_INLINE)
        return 0;
    uint64_t w = 0;
    memcpy(&w, key, len);
    return w | (uint64_t)(0x80 | len) << 56;
}

static const char *key_address(uint64_t word)
{
    return word >> 56 ? NULL : (const char *)(uintptr_t)word;
}

/* key (len bytes) equals the NUL-terminated string stored? Byte by byte,
 * never past stored's end (keys hold no NUL: csvio.c refuses it). */
static bool same_key(const char *stored, const char *key, size_t len)
{
    if (!stored)
        return false;
    for (size_t i = 0; i < len; i++)
        if (stored[i] != key[i] || !stored[i])
            return false;
    return stored[len] == '\0';
}

/* Where key hash h's probe starts: the hash scaled to the capacity (any
 * capacity: a map reserved for n keys takes 4n/3 slots, not the next power
 * of two, which for ten million keys may be nearly twice that). */
static size_t home(uint32_t h, size_t cap)
{
    return (size_t)(((uint64_t)h * cap) >> 32);
}

static size_t next_slot(size_t i, size_t cap)
{
    return i + 1 == cap ? 0 : i + 1;
}

static strmap_slot_t *strmap_find(const strmap_t *m, const char *key, size_t len, uint32_t h)
{
    uint64_t w = inline_word(key, len);
    for (size_t i = home(h, m->cap);; i = next_slot(i, m->cap)) {
        strmap_slot_t *s = &m->slots[i];
        if (!s->key ||
            (s->hash == h && (w ? s->key == w : same_key(key_address(s->key), key, len))))
            return s;
    }
}

int32_t strmap_get(const strmap_t *m, const char *key, size_t len)
{
    if (m->cap == 0)
        return -1;
    const strmap_slot_t *s = strmap_find(m, key, len, hash(key, len));
    return s->key ? s->val : -1;
}

void strmap_prefetch(const strmap_t *m, const char *key, size_t len)
{
    if (m->cap)
        __builtin_prefetch(&m->slots[home(hash(key, len), m->cap)]);
}

static void strmap_resize(strmap_t *m, size_t cap)
{
    strmap_t n = {.cap = cap, .n = m->n};
    n.slots = calloc(cap, sizeof(*n.slots));
    if (!n.slots)
        abort();
    hint_huge(n.slots, cap * sizeof(*n.slots));
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key) { /* keys are distinct: the first empty slot */
            size_t k = home(m->slots[i].hash, cap);
            while (n.slots[k].key)
                k = next_slot(k, cap);
            n.slots[k] = m->slots[i];
        }
    free(m->slots);
    *m = n;
}

void strmap_reserve(strmap_t *m, size_t n)
{
    size_t cap = (n * 4 + 2) / 3; /* 4n/3 rounded up: n keys fill at most 3/4 */
    if (cap < 64)
        cap = 64;
    if (cap > m->cap && n * 4 > m->cap * 3)
        strmap_resize(m, cap);
}

/* Insert or replace. Only a new key can make the map grow (a replacement
 * in a map filled to its reservation must not double it), and it grows by
 * half: a few more keys than reserved for do not take a table twice the
 * size. */
int32_t strmap_put(strmap_t *m, const char *key, size_t len, int32_t val)
{
    uint32_t h = hash(key, len);
    strmap_slot_t *s = m->cap ? strmap_find(m, key, len, h) : NULL;
    if (s && s->key) {
        int32_t old = s->val;
        s->val = val;
        return old;
    }
    if ((m->n + 1) * 4 > m->cap * 3) {
        strmap_resize(m, m->cap ? m->cap + m->cap / 2 : 64);
        s = strmap_find(m, key, len, h);
    }
    uint64_t w = inline_word(key, len);
    if (!w) {
        w = (uint64_t)(uintptr_t)key;
        if (w >> 56)
            abort(); /* an address the key word cannot tell from a short key */
    }
    *s = (strmap_slot_t){.key = w, .hash = h, .val = val};
    m->n++;
    return -1;
}

void strmap_free(strmap_t *m)
{
    free(m->slots);
    memset(m, 0, sizeof(*m));
}
