/*
 * test_arena.c — store/arena.c's string map: every key put is found with
 * its last value, keys given as slices of a longer buffer (as CSV values
 * are) match exactly their own bytes, near keys (prefixes, extensions, one
 * byte apart) stay distinct through growth, and reserving keeps it all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define N 50000

/* Key i: numbered ids of several lengths (some far longer than a slot). */
static size_t key_of(char *buf, size_t cap, int i)
{
    switch (i % 4) {
    case 0: return (size_t)snprintf(buf, cap, "O%09d", i);
    case 1: return (size_t)snprintf(buf, cap, "O%09d-A", i);
    case 2: return (size_t)snprintf(buf, cap, "SERVICE-%d-LONG-IDENTIFIER-OF-A-CIRCUIT", i);
    default: return (size_t)snprintf(buf, cap, "%d", i);
    }
}

static void fill(strmap_t *m, arena_t *a)
{
    for (int i = 0; i < N; i++) {
        char buf[64];
        size_t len = key_of(buf, sizeof(buf), i);
        assert_int_equal(strmap_put(m, arena_strndup(a, buf, len), len, i), -1);
    }
    assert_int_equal(m->n, N);
}

/* Found through a slice of a buffer that goes on past the key: the bytes
 * after it must not count. */
static int32_t get_slice(const strmap_t *m, const char *key, const char *tail)
{
    char buf[128];
    size_t len = strlen(key);
    snprintf(buf, sizeof(buf), "%s%s", key, tail);
    strmap_prefetch(m, buf, len);
    return strmap_get(m, buf, len);
}

static void test_found(void **state)
{
    (void)state;
    arena_t a = {0};
    strmap_t m = {0};
    assert_int_equal(strmap_get(&m, "x", 1), -1); /* empty map */
    strmap_prefetch(&m, "x", 1);
    fill(&m, &a);
    for (int i = 0; i < N; i++) {
        char buf[64];
        key_of(buf, sizeof(buf), i);
        assert_int_equal(get_slice(&m, buf, ",next"), i);
        assert_int_equal(get_slice(&m, buf, ""), i);
    }
    strmap_free(&m);
    arena_release(&a);
}

/* Keys next to real ones are not found: a real key with bytes added, one
 * byte shorter, one byte changed, and the empty key. */
static void test_near_keys_absent(void **state)
{
    (void)state;
    arena_t a = {0};
    strmap_t m = {0};
    fill(&m, &a);
    for (int i = 0; i < N; i += 4) { /* "O%09d" keys */
        char buf[64], near[72];
        size_t len = key_of(buf, sizeof(buf), i);
        snprintf(near, sizeof(near), "%sX", buf);
        assert_int_equal(strmap_get(&m, near, len + 1), -1);
        assert_int_equal(strmap_get(&m, buf, len - 1), -1);
        memcpy(near, buf, len + 1);
        near[len - 1] = 'Z';
        assert_int_equal(strmap_get(&m, near, len), -1);
    }
    assert_int_equal(strmap_get(&m, "", 0), -1);
    assert_int_equal(strmap_put(&m, "", 0, 7), -1);
    assert_int_equal(strmap_get(&m, "", 0), 7);
    strmap_free(&m);
    arena_release(&a);
}

/* Putting a key again replaces its value and returns the old one. */
static void test_replace(void **state)
{
    (void)state;
    arena_t a = {0};
    strmap_t m = {0};
    fill(&m, &a);
    for (int i = 0; i < N; i += 3) {
        char buf[64];
        size_t len = key_of(buf, sizeof(buf), i);
        assert_int_equal(strmap_put(&m, arena_strndup(&a, buf, len), len, -5 - i), i);
    }
    assert_int_equal(m.n, N);
    for (int i = 0; i < N; i++) {
        char buf[64];
        size_t len = key_of(buf, sizeof(buf), i);
        assert_int_equal(strmap_get(&m, buf, len), i % 3 ? i : -5 - i);
    }
    strmap_free(&m);
    arena_release(&a);
}

/* A map reserved for N keys takes them without growing, at most 3/4 full,
 * in about 4N/3 slots (not the next power of two: 131,072 here); replacing
 * a value then does not grow it, one more key does. */
static void test_reserve(void **state)
{
    (void)state;
    arena_t a = {0};
    strmap_t m = {0};
    strmap_reserve(&m, N);
    size_t cap = m.cap;
    assert_true(cap * 3 >= (size_t)N * 4 && cap <= (size_t)N * 4 / 3 + 2);
    fill(&m, &a);
    assert_int_equal(m.cap, cap);
    strmap_reserve(&m, N / 2); /* smaller: nothing changes */
    assert_int_equal(m.cap, cap);
    char buf[64];
    size_t len = key_of(buf, sizeof(buf), 0);
    assert_int_equal(strmap_put(&m, buf, len, 0), 0); /* a replacement, even when full */
    assert_int_equal(m.cap, cap);
    len = key_of(buf, sizeof(buf), N);
    assert_int_equal(strmap_put(&m, arena_strndup(&a, buf, len), len, N), -1); /* grows past */
    assert_true(m.cap > cap);
    for (int i = 0; i <= N; i++) {
        len = key_of(buf, sizeof(buf), i);
        assert_int_equal(strmap_get(&m, buf, len), i);
    }
    strmap_free(&m);
    arena_release(&a);
}

/* 3M ids (~40 MB) fill several blocks: every handle gives its string back,
 * at the address it had when added (strmap keys rely on it), and a block's
 * strings sit byte to byte (no padding). */
static void test_strheap(void **state)
{
    (void)state;
    enum { IDS = 3000000 };
    strheap_t h = {0};
    uint32_t *at = malloc(IDS * sizeof(*at));
    const char **addr = malloc(IDS * sizeof(*addr));
    assert_non_null(at);
    assert_non_null(addr);
    char id[32];
    for (int i = 0; i < IDS; i++) {
        int len = snprintf(id, sizeof(id), "O%0*d", 5 + i % 9, i);
        at[i] = strheap_add(&h, id, (size_t)len);
        addr[i] = strheap_str(&h, at[i]);
        if (i > 0 && at[i] >> STRHEAP_OFFSET_BITS == at[i - 1] >> STRHEAP_OFFSET_BITS)
            assert_ptr_equal(addr[i], addr[i - 1] + strlen(addr[i - 1]) + 1);
    }
    assert_true(h.nblocks > 3);
    for (int i = 0; i < IDS; i++) {
        snprintf(id, sizeof(id), "O%0*d", 5 + i % 9, i);
        assert_ptr_equal(strheap_str(&h, at[i]), addr[i]);
        assert_string_equal(addr[i], id);
    }
    uint32_t empty = strheap_add(&h, "", 0);
    assert_string_equal(strheap_str(&h, empty), "");
    strheap_release(&h);
    assert_int_equal(h.nblocks, 0);
    free(at);
    free(addr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found),
        cmocka_unit_test(test_near_keys_absent),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_strheap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
