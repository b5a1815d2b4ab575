/*
 * arena.c — bump allocation, growable arrays and the string hash map.
 * Allocation failure aborts: see arena.h.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct arena_block {
    arena_block *next;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        abort();
    return p;
}

void *arena_alloc(arena_t *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (!a->head || a->used + size > a->cap) {
        size_t cap = size > (1u << 20) ? size : (1u << 20);
        arena_block *b = xmalloc(sizeof(*b) + cap);
        b->next = a->head;
        b->cap = cap;
        a->head = b;
        a->used = 0;
        a->cap = cap;
    }
    void *p = a->head->data + a->used;
    a->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void arena_release(arena_t *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    memset(a, 0, sizeof(*a));
}

void *vec_grow(void *v, size_t *cap, size_t elem)
{
    size_t n = *cap ? *cap * 2 : 16;
    void *p = realloc(v, n * elem);
    if (!p)
        abort();
    *cap = n;
    return p;
}

static uint32_t hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

int32_t strmap_get(const strmap_t *m, const char *key, size_t len)
{
    if (m->cap == 0)
        return -1;
    size_t mask = m->cap - 1;
    for (size_t i = hash(key, len) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i])
            return -1;
        if (m->lens[i] == len && memcmp(m->keys[i], key, len) == 0)
            return m->vals[i];
    }
}

static void strmap_resize(strmap_t *m, size_t cap)
{
    strmap_t n = {.cap = cap};
    n.keys = calloc(cap, sizeof(*n.keys));
    n.lens = calloc(cap, sizeof(*n.lens));
    n.vals = calloc(cap, sizeof(*n.vals));
    if (!n.keys || !n.lens || !n.vals)
        abort();
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            strmap_put(&n, m->keys[i], m->lens[i], m->vals[i]);
    strmap_free(m);
    *m = n;
}

int32_t strmap_put(strmap_t *m, const char *key, size_t len, int32_t val)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        strmap_resize(m, m->cap ? m->cap * 2 : 64);
    size_t mask = m->cap - 1;
    for (size_t i = hash(key, len) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i]) {
            m->keys[i] = key;
            m->lens[i] = (uint32_t)len;
            m->vals[i] = val;
            m->n++;
            return -1;
        }
        if (m->lens[i] == len && memcmp(m->keys[i], key, len) == 0) {
            int32_t old = m->vals[i];
            m->vals[i] = val;
            return old;
        }
    }
}

void strmap_free(strmap_t *m)
{
    free(m->keys);
    free(m->lens);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}
