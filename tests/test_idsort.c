/*
 * test_idsort.c — store/idsort.c: the radix sort of row indexes by string
 * key must give exactly what a stable strcmp sort gives, for keys that share
 * long prefixes, are prefixes of each other, repeat, or differ only deep in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idsort.h"
#include "month.h"

static const char *key_of(const void *ctx, int32_t i) { return ((const char *const *)ctx)[i]; }

static const char *const *cmp_keys;
static int reference_cmp(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    int c = strcmp(cmp_keys[a], cmp_keys[b]);
    return c ? c : (a > b) - (a < b); /* stable: input order breaks ties */
}

/* idsort and the reference agree on n keys. */
static void assert_sorts_like_reference(const char *const *keys, size_t n)
{
    int32_t *got = malloc((n + 1) * sizeof(*got)), *want = malloc((n + 1) * sizeof(*want));
    assert_non_null(got);
    assert_non_null(want);
    for (size_t i = 0; i < n; i++)
        want[i] = (int32_t)i;
    cmp_keys = keys;
    qsort(want, n, sizeof(*want), reference_cmp);
    /* the whole-range path, and the byte split of big ranges (every part
     * split again down to tiny sizes, or split once) */
    static const size_t splits[] = {IDSORT_SPLIT_ABOVE, 1, 64, 1000};
    for (size_t k = 0; k < sizeof(splits) / sizeof(splits[0]); k++) {
        for (size_t i = 0; i < n; i++)
            got[i] = (int32_t)i;
        if (splits[k] == IDSORT_SPLIT_ABOVE)
            idsort(got, n, key_of, keys);
        else
            idsort_split(got, n, key_of, keys, splits[k]);
        for (size_t i = 0; i < n; i++)
            if (got[i] != want[i])
                fail_msg("split %zu, position %zu: got key '%s' (row %d), want '%s' (row %d)",
                         splits[k], i, keys[got[i]], got[i], keys[want[i]], want[i]);
    }
    free(got);
    free(want);
}

static void test_small_cases(void **state)
{
    (void)state;
    static const char *const one[] = {"b"};
    assert_sorts_like_reference(one, 1);
    assert_sorts_like_reference(one, 0);
    static const char *const prefixes[] = {"AB", "A", "ABC", "", "AB", "B", "A-", "A."};
    assert_sorts_like_reference(prefixes, 8);
}

/* Random keys over a tiny alphabet with a long shared prefix, many
 * duplicates and every length from 0 to 40, in ranges big enough to take
 * the radix path and to recurse several words deep. */
static void test_random_against_reference(void **state)
{
    (void)state;
    static const char alphabet[] = "-./09:AZ_az";
    unsigned seed = 12345;
    for (int round = 0; round < 40; round++) {
        size_t n = 1 + (size_t)(rand_r(&seed) % 3000);
        size_t prefix = (size_t)(rand_r(&seed) % 20);
        char **keys = malloc(n * sizeof(*keys));
        assert_non_null(keys);
        for (size_t i = 0; i < n; i++) {
            size_t len = prefix + (size_t)(rand_r(&seed) % 22);
            keys[i] = malloc(len + 1);
            assert_non_null(keys[i]);
            for (size_t j = 0; j < len; j++)
                keys[i][j] = j < prefix ? 'R' : alphabet[rand_r(&seed) % (round % 2 ? 3 : 11)];
            keys[i][len] = '\0';
        }
        assert_sorts_like_reference((const char *const *)keys, n);
        for (size_t i = 0; i < n; i++)
            free(keys[i]);
        free(keys);
    }
}

/* Ids like the generator's: same prefix, zero-padded counters, shuffled. */
static void test_padded_counters(void **state)
{
    (void)state;
    size_t n = 50000;
    char **keys = malloc(n * sizeof(*keys));
    assert_non_null(keys);
    for (size_t i = 0; i < n; i++) {
        keys[i] = malloc(32);
        assert_non_null(keys[i]);
        snprintf(keys[i], 32, "R2017-10-%010zu", (i * 7919) % n);
    }
    keys[n - 1][5] = '1'; /* one key differs early */
    assert_sorts_like_reference((const char *const *)keys, n);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

/* month_revenue_by_id: ids already strictly ascending give the identity
 * without sorting; a repeat or a step down falls back to the stable sort
 * (equal ids keep file order, so the first occurrence stands). */
static void test_revenue_by_id(void **state)
{
    (void)state;
    static const struct {
        const char *ids[6];
        int32_t want[6];
    } cases[] = {
        {{"R1", "R2", "R3", "R4", "R5", "R6"}, {0, 1, 2, 3, 4, 5}},  /* ascending: as is */
        {{"R1", "R2", "R2", "R4", "R5", "R6"}, {0, 1, 2, 3, 4, 5}},  /* repeat: stable */
        {{"R6", "R5", "R4", "R3", "R2", "R1"}, {5, 4, 3, 2, 1, 0}},  /* descending */
        {{"R2", "R10", "R1", "R2", "A", "R10"}, {4, 2, 1, 5, 0, 3}}, /* bytewise, stable */
        {{"AB", "A", "ABC", "AB", "AA", "A"}, {1, 5, 4, 0, 3, 2}},   /* one is the shared prefix */
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        month_t m;
        memset(&m, 0, sizeof(m));
        revenue_t rows[6];
        memset(rows, 0, sizeof(rows));
        for (int i = 0; i < 6; i++)
            idseq_push(&m.revenue_ids, cases[c].ids[i], strlen(cases[c].ids[i]));
        m.revenue.v = rows;
        m.revenue.n = 6;
        assert_int_equal(month_revenue_ids_ascending(&m), c == 0);
        int32_t *ix = month_revenue_by_id(&m);
        for (int i = 0; i < 6; i++)
            assert_int_equal(ix[i], cases[c].want[i]);
        free(ix);
        idseq_release(&m.revenue_ids);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_cases),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_padded_counters),
        cmocka_unit_test(test_revenue_by_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
