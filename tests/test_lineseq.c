/*
 * test_lineseq.c — source lines as breakpoints (store/lineseq.h), checked
 * against a plain array of lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "lineseq.h"

static void check(const lineseq_t *s, const int32_t *line, size_t n)
{
    assert_int_equal(s->rows, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lineseq_at(s, i), line[i]);
}

/* A clean file: one breakpoint for any number of rows. */
static void test_clean_file(void **state)
{
    (void)state;
    lineseq_t s = {0};
    enum { ROWS = 100000 };
    int32_t *line = malloc(ROWS * sizeof(*line));
    assert_non_null(line);
    for (int i = 0; i < ROWS; i++)
        lineseq_push(&s, line[i] = i + 2);
    assert_int_equal(s.n, 1);
    check(&s, line, ROWS);
    lineseq_release(&s);
    free(line);
}

/* Lines with gaps (rejected rows, values over several lines), then rows
 * removed (duplicates, wrong period: first, last, neighbours, every
 * other): each row keeps its line, the others move up. */
static void test_gaps_and_removal(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 50; round++) {
        size_t n = 1 + (size_t)(rand() % 3000);
        int32_t *line = malloc(n * sizeof(*line));
        int32_t *gone = malloc(n * sizeof(*gone));
        assert_non_null(line);
        assert_non_null(gone);
        lineseq_t s = {0};
        int32_t at = 2;
        for (size_t i = 0; i < n; i++) {
            if (rand() % 10 == 0)
                at += 1 + rand() % 4; /* a gap */
            lineseq_push(&s, line[i] = at++);
        }
        check(&s, line, n);
        size_t ng = 0, kept = 0;
        for (size_t i = 0; i < n; i++) {
            bool drop = round % 10 == 0   ? i % 2 == 0 /* every other */
                        : round % 10 == 1 ? true       /* all */
                        : i == 0 || i == n - 1 || rand() % 7 == 0;
            if (drop)
                gone[ng++] = (int32_t)i;
            else
                line[kept++] = line[i];
        }
        lineseq_remove(&s, gone, ng);
        check(&s, line, kept);
        /* more rows after a removal continue the sequence */
        lineseq_push(&s, line[kept] = at + 3);
        check(&s, line, kept + 1);
        lineseq_release(&s);
        free(line);
        free(gone);
    }
}

/* Nothing removed: the sequence is unchanged. */
static void test_remove_nothing(void **state)
{
    (void)state;
    lineseq_t s = {0};
    int32_t line[] = {2, 3, 9, 10, 11, 40};
    for (size_t i = 0; i < 6; i++)
        lineseq_push(&s, line[i]);
    lineseq_remove(&s, NULL, 0);
    check(&s, line, 6);
    assert_int_equal(s.n, 3);
    lineseq_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_file),
        cmocka_unit_test(test_gaps_and_removal),
        cmocka_unit_test(test_remove_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
