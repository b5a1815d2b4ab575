/*
 * test_idseq.c — store/idseq.c: a front-coded sequence gives back exactly
 * the ids pushed, whatever the order they are read in, knows whether they
 * strictly ascend, and drops positions without disturbing the others.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idseq.h"

/* A reproducible pseudo-random source (tests must not depend on rand()). */
static uint64_t state = 88172645463325252u;
static uint32_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)state;
}

/* n ids: each shares a random prefix with the one before, then random
 * bytes; lengths 0..IDSEQ_MAX, long runs of numbered ids among them. */
static char **make_ids(size_t n)
{
    char **ids = calloc(n, sizeof(*ids));
    assert_non_null(ids);
    char prev[IDSEQ_MAX + 1] = "";
    for (size_t i = 0; i < n; i++) {
        char buf[IDSEQ_MAX + 1];
        size_t len;
        if (i % 100 < 60) { /* numbered, like billing exports */
            len = (size_t)snprintf(buf, sizeof(buf), "R2017-12-%010zu", i);
        } else {
            size_t plen = strlen(prev), keep = plen ? next_random() % (plen + 1) : 0;
            len = i % 97 == 0 ? IDSEQ_MAX : keep + next_random() % 12;
            if (len > IDSEQ_MAX)
                len = IDSEQ_MAX;
            if (keep > len)
                keep = len;
            memcpy(buf, prev, keep);
            for (size_t k = keep; k < len; k++)
                buf[k] = (char)(1 + next_random() % 255); /* any byte but NUL */
            buf[len] = '\0';
        }
        ids[i] = strdup(buf);
        assert_non_null(ids[i]);
        memcpy(prev, buf, len + 1);
    }
    return ids;
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

static void assert_id(idseq_cursor_t *c, size_t i, const char *want)
{
    const char *got = idseq_at(c, i);
    assert_string_equal(got, want);
    assert_int_equal(c->len, strlen(want));
}

static void test_reads_back_in_any_order(void **s)
{
    (void)s;
    size_t n = 5000;
    char **ids = make_ids(n);
    idseq_t q = {0};
    for (size_t i = 0; i < n; i++)
        idseq_push(&q, ids[i], strlen(ids[i]));
    assert_int_equal(q.n, n);
    idseq_cursor_t c;
    idseq_cursor(&c, &q);
    for (size_t i = 0; i < n; i++) /* forward */
        assert_id(&c, i, ids[i]);
    for (size_t i = n; i-- > 0;) /* backward: every read goes back to a whole id */
        assert_id(&c, i, ids[i]);
    for (size_t k = 0; k < 20000; k++) { /* random, and the same position twice */
        size_t i = next_random() % n;
        assert_id(&c, i, ids[i]);
        assert_id(&c, i, ids[i]);
    }
    for (size_t i = 0; i < n; i += 3) /* skipping forward within and across strides */
        assert_id(&c, i, ids[i]);
    idseq_release(&q);
    free_ids(ids, n);
}

static void test_ascending(void **s)
{
    (void)s;
    static const struct {
        const char *ids[4];
        size_t n;
        bool want;
    } cases[] = {
        {{"A"}, 1, true},
        {{"A", "AB", "B", "BA"}, 4, true},   /* a prefix sorts first */
        {{"A", "A"}, 2, false},              /* a repeat */
        {{"AB", "A"}, 2, false},             /* the longer first */
        {{"R9", "R10"}, 2, false},           /* bytewise, not numeric */
        {{"a", "\xc3\xa9"}, 2, true},        /* bytes above 127 are high */
        {{"B", "C", "D", "C"}, 4, false},    /* only the last breaks it */
        {{"", "A"}, 2, true},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        idseq_t q = {0};
        for (size_t i = 0; i < cases[k].n; i++)
            idseq_push(&q, cases[k].ids[i], strlen(cases[k].ids[i]));
        assert_int_equal(idseq_ascending(&q), cases[k].want);
        idseq_release(&q);
    }
    /* a long sequence agrees with strcmp over every neighbour */
    size_t n = 3000;
    char **ids = make_ids(n);
    idseq_t q = {0};
    bool want = true;
    for (size_t i = 0; i < n; i++) {
        idseq_push(&q, ids[i], strlen(ids[i]));
        want = want && (i == 0 || strcmp(ids[i - 1], ids[i]) < 0);
        assert_int_equal(idseq_ascending(&q), want);
    }
    idseq_release(&q);
    free_ids(ids, n);
}

static void test_drop(void **s)
{
    (void)s;
    size_t n = 2000;
    char **ids = make_ids(n);
    idseq_t q = {0};
    for (size_t i = 0; i < n; i++)
        idseq_push(&q, ids[i], strlen(ids[i]));
    /* drop the first, the last, runs across strides and scattered ones */
    int32_t gone[600];
    size_t ng = 0;
    for (size_t i = 0; i < n && ng < 600; i++)
        if (i == 0 || i == n - 1 || (i >= 15 && i < 50) || next_random() % 5 == 0)
            gone[ng++] = (int32_t)i;
    idseq_drop(&q, gone, ng);
    assert_int_equal(q.n, n - ng);
    idseq_cursor_t c;
    idseq_cursor(&c, &q);
    size_t g = 0, at = 0;
    for (size_t i = 0; i < n; i++) {
        if (g < ng && (size_t)gone[g] == i) {
            g++;
            continue;
        }
        assert_id(&c, at++, ids[i]);
    }
    /* dropping the repeat of a sequence makes it ascending */
    idseq_t r = {0};
    const char *const rep[] = {"A1", "A2", "A2", "A3"};
    for (int i = 0; i < 4; i++)
        idseq_push(&r, rep[i], 2);
    assert_false(idseq_ascending(&r));
    int32_t dup = 2;
    idseq_drop(&r, &dup, 1);
    assert_true(idseq_ascending(&r));
    idseq_cursor(&c, &r);
    assert_id(&c, 2, "A3");
    idseq_release(&r);
    idseq_release(&q);
    free_ids(ids, n);
}

/* Numbered ids cost a few bytes each, not their length. */
static void test_compact(void **s)
{
    (void)s;
    idseq_t q = {0};
    size_t n = 100000;
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof(buf), "R2017-12-%010zu", i);
        idseq_push(&q, buf, (size_t)len);
    }
    assert_true(idseq_ascending(&q));
    assert_true(q.used < 5 * n); /* 19-byte ids */
    idseq_release(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_back_in_any_order),
        cmocka_unit_test(test_ascending),
        cmocka_unit_test(test_drop),
        cmocka_unit_test(test_compact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
