/*
 * arena.h — bump allocator for per-run data (strings, rows) and a string
 * interning hash map. Everything allocated from an arena is freed at once by
 * arena_release(); nothing in it is freed one by one.
 *
 *   arena_t a = {0};
 *   const char *s = arena_strndup(&a, "AG-1", 4);
 *   arena_release(&a);
 */
#ifndef COMMISSIONS_ARENA_H
#define COMMISSIONS_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t used, cap;     /* of the head block */
    arena_block *strings; /* strings are packed byte to byte in their own blocks */
    size_t sused, scap;
} arena_t;

/* Returns zeroed, 16-byte aligned memory owned by the arena; aborts on OOM
 * (a batch with no memory cannot do anything useful; the run dies of
 * SIGABRT). */
void *arena_alloc(arena_t *a, size_t size);
/* NUL-terminated copy of s[0..len). */
char *arena_strndup(arena_t *a, const char *s, size_t len);
void arena_release(arena_t *a);

/* Strings kept by the ten million under 32-bit handles (a row of 8 bytes
 * can name its string): NUL-terminated, packed byte to byte in
 * blocks that never move (a string's address can key a strmap), each block
 * at most 16 MiB; a handle is its block (top 8 bits) and its offset there.
 * 256 blocks: about 4 GiB of strings, past which strheap_add aborts (as on
 * OOM: no run holds that many ids in its memory budget).
 *
 *   strheap_t h = {0};
 *   uint32_t at = strheap_add(&h, "O1", 2);   strheap_str(&h, at) -> "O1"
 *   strheap_release(&h);
 */
#define STRHEAP_BLOCKS 256
#define STRHEAP_OFFSET_BITS 24
typedef struct strheap {
    char *block[STRHEAP_BLOCKS];
    uint32_t nblocks;
    uint32_t used, cap; /* of the last block */
} strheap_t;

/* The handle of a NUL-terminated copy of s[0..len) (len < 16 MiB). */
uint32_t strheap_add(strheap_t *h, const char *s, size_t len);
static inline const char *strheap_str(const strheap_t *h, uint32_t at)
{
    return h->block[at >> STRHEAP_OFFSET_BITS] + (at & ((1u << STRHEAP_OFFSET_BITS) - 1));
}
void strheap_release(strheap_t *h);

/* Growable array of T: VEC(T) v = {0}; VEC_PUSH(v, x); free(v.v). */
#define VEC(T)        \
    struct {          \
        T *v;         \
        size_t n, cap; \
    }
void *vec_grow(void *v, size_t *cap, size_t elem);
/* Capacity for at least want elements (no change, not even a store, when it
 * has them: another thread may be reading the array). */
void *vec_reserve(void *v, size_t *cap, size_t want, size_t elem);
#define VEC_RESERVE(vec, want)                                                       \
    ((size_t)(want) > (vec).cap                                                       \
         ? (void)((vec).v = vec_reserve((vec).v, &(vec).cap, (want), sizeof(*(vec).v))) \
         : (void)0)
#define VEC_PUSH(vec, x)                                                        \
    do {                                                                        \
        if ((vec).n == (vec).cap)                                               \
            (vec).v = vec_grow((vec).v, &(vec).cap, sizeof(*(vec).v));          \
        (vec).v[(vec).n++] = (x);                                               \
    } while (0)

/* Map from a byte string to an int32 value: open addressing, linear probing,
 * at most 3/4 full, 16-byte slots holding a key word, the key's 32-bit hash
 * and the value. A key of up to 7 bytes (short codes) is
 * held in its slot's key word; a longer one by address, and read only when
 * its hash matches (almost only the key sought): a lookup costs the slot
 * and, when found, the key. A map may hold tens of millions of keys, so
 * its slots are kept small. Keys are not copied: they must outlive the map (arena strings do)
 * and be NUL-terminated at their length. */
typedef struct strmap_slot {
    uint64_t key; /* 0: empty; a short key's bytes, or a long one's address */
    uint32_t hash;
    int32_t val;
} strmap_slot_t;

typedef struct strmap {
    strmap_slot_t *slots;
    size_t cap, n;
} strmap_t;

/* Size the map for n keys up front (optional; avoids rehashing). */
void strmap_reserve(strmap_t *m, size_t n);

/* Value for key, or -1. */
int32_t strmap_get(const strmap_t *m, const char *key, size_t len);
/* Start loading the slot where key's probe begins (a hint before a
 * strmap_get a little later: the cache misses of many lookups overlap). */
void strmap_prefetch(const strmap_t *m, const char *key, size_t len);
/* Insert or replace; returns the previous value or -1. */
int32_t strmap_put(strmap_t *m, const char *key, size_t len, int32_t val);
void strmap_free(strmap_t *m);

#endif
