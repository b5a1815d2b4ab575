/*
 * test_prefetch.c — batch/prefetch.c: a file read on a second thread and
 * replayed must give the consumer exactly what csv_read_file gives (every
 * row and reject, in order, across many chunks; the same status, stats and
 * error), stop when a callback says so, and cancel cleanly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prefetch.h"
#include "schema.h"

/* Every callback as one line of text. */
typedef struct log {
    char *s;
    size_t n, cap;
    int64_t stop_after; /* rows; -1 never */
} log_t;

static void log_add(log_t *l, const char *text)
{
    size_t k = strlen(text);
    if (l->n + k + 1 > l->cap) {
        l->cap = (l->n + k + 1) * 2;
        l->s = realloc(l->s, l->cap);
        assert_non_null(l->s);
    }
    memcpy(l->s + l->n, text, k + 1);
    l->n += k;
}

static bool on_row(void *ctx, const csv_value_t *v, int32_t line)
{
    log_t *l = ctx;
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%d:", (int)line);
    for (size_t k = 0; k < schema_revenue.ncols; k++)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%.*s=%lld|", (int)v[k].len, v[k].s,
                      (long long)v[k].i);
    snprintf(buf + n, sizeof(buf) - (size_t)n, "\n");
    log_add(l, buf);
    return l->stop_after < 0 || --l->stop_after > 0;
}

static bool on_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%d!%s:%d\n", (int)line, column, (int)reason);
    log_add(ctx, buf);
    return true;
}

/* n revenue rows; every 97th has a bad amount, every 1001st a bad currency. */
static char *write_file(int n, const char *tail)
{
    char tmpl[] = "/tmp/test-prefetch-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "revenue_id,period,account_id,service_id,product_code,amount,currency\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "R%07d,2017-11,AC%d,O%d,P%d,%s,%s\n", i, i % 50, i % 300, i % 7,
                i % 97 == 5 ? "12.345" : "10.50", i % 1001 == 7 ? "usd" : "USD");
    fputs(tail, f);
    fclose(f);
    return strdup(tmpl);
}

typedef enum { FREE, OVER_BUDGET, EXPECTING } limit_t;

static void compare_limited(const char *path, int64_t stop_after, limit_t limited)
{
    csv_callbacks_t cb = {.on_row = on_row, .on_reject = on_reject};
    log_t direct = {.stop_after = stop_after}, replayed = {.stop_after = stop_after};
    csv_stats_t s1 = {0}, s2 = {0};
    csv_error_t e1 = {0}, e2 = {0};
    csv_status r1 = csv_read_file(path, "revenue.csv", &schema_revenue, &cb, &direct, &s1, &e1);
    prefetch_t *p = prefetch_start(path, "revenue.csv", &schema_revenue);
    assert_non_null(p);
    if (limited == OVER_BUDGET) /* the reader waits for each chunk to be taken */
        prefetch_limit(p, 0, 1);
    if (limited == EXPECTING) { /* over budget until the replay starts, then free */
        prefetch_limit(p, 0, SIZE_MAX / 2);
        prefetch_expect(p, SIZE_MAX);
    }
    csv_status r2 = prefetch_finish(p, &cb, &replayed, &s2, &e2);
    assert_int_equal(r1, r2);
    assert_non_null(direct.s);
    assert_string_equal(direct.s, replayed.s);
    if (r1 != CSV_ABORTED) { /* an aborted read's stats are not comparable */
        assert_int_equal(s1.records, s2.records);
        assert_int_equal(s1.bytes, s2.bytes);
        assert_string_equal(s1.sha256, s2.sha256);
        assert_string_equal(e1.message, e2.message);
    }
    free(direct.s);
    free(replayed.s);
}

static void compare(const char *path, int64_t stop_after)
{
    compare_limited(path, stop_after, FREE);
}

/* 30,000 rows cross several 8,192-record chunks; rejects interleave. */
static void test_same_as_direct(void **state)
{
    (void)state;
    char *path = write_file(30000, "");
    compare(path, -1);
    unlink(path);
    free(path);
}

/* A reader over its memory budget from the start holds no chunk the
 * consumer has not taken: same rows, same end, no hang (also when the
 * consumer stops early). One over budget only by what the consumer expects
 * to allocate is let go when the replay starts. */
static void test_over_budget(void **state)
{
    (void)state;
    char *path = write_file(30000, "");
    compare_limited(path, -1, OVER_BUDGET);
    compare_limited(path, 20000, OVER_BUDGET);
    compare_limited(path, -1, EXPECTING);
    compare_limited(path, 20000, EXPECTING);
    unlink(path);
    free(path);
}

/* The reader's rule: resident plus expected bytes against the budget,
 * without overflow for any expectation. */
static void test_budget_rule(void **state)
{
    (void)state;
    assert_false(prefetch_over_budget(100, 0, 200));
    assert_false(prefetch_over_budget(100, 100, 200));
    assert_true(prefetch_over_budget(100, 101, 200));
    assert_true(prefetch_over_budget(201, 0, 200));
    assert_true(prefetch_over_budget(201, 5, 200));
    assert_true(prefetch_over_budget(100, SIZE_MAX, 200));
    assert_false(prefetch_over_budget(0, SIZE_MAX, SIZE_MAX));
}

/* A file error after thousands of rows: same rows first, same error. */
static void test_file_error(void **state)
{
    (void)state;
    char *path = write_file(20000, "RX,2017-11,AC1,O1,P1,\"unterminated,USD\n");
    compare(path, -1);
    unlink(path);
    free(path);
}

/* A consumer that stops after 10,000 rows gets CSV_ABORTED and exactly
 * those rows; the reader thread is stopped and everything freed (ASan). */
static void test_consumer_stops(void **state)
{
    (void)state;
    char *path = write_file(30000, "");
    compare(path, 10000);
    unlink(path);
    free(path);
}

static void test_cancel(void **state)
{
    (void)state;
    char *path = write_file(50000, "");
    prefetch_cancel(prefetch_start(path, "revenue.csv", &schema_revenue));
    prefetch_t *p = prefetch_start(path, "revenue.csv", &schema_revenue);
    usleep(20000);
    prefetch_cancel(p);
    prefetch_cancel(NULL);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_direct),
        cmocka_unit_test(test_file_error),
        cmocka_unit_test(test_over_budget),
        cmocka_unit_test(test_budget_rule),
        cmocka_unit_test(test_consumer_stops),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
