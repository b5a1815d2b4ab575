/*
 * fuzz_csv.c — the strict CSV reader (batch/csvio.c) over arbitrary bytes.
 *
 * Input: byte 0 picks the file spec (0: a spec with one column of every type
 * and presence, "a".."k"; 1..15: the dataset schemas of schema.c), the rest
 * is the file. It is read twice, by csv_read_buffer and by csv_read_file on
 * a memfd, and both reads must agree exactly (status, line, message, stats,
 * every callback). Invariants: record lines increase and follow the header;
 * every record is a row or a reject (records == rows + rejects); every
 * delivered value is NUL-terminated with no NUL inside, blank only where
 * allowed, and well-typed (ids, text, dates and periods that format back to
 * their text, money and decimals that parse to the same value, enum index);
 * a reject names a spec column (or "" for wrong_field_count); the SHA-256
 * is that of the bytes; an error message names the file and is valid UTF-8.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "csvio.h"
#include "date.h"
#include "fuzz.h"
#include "money.h"
#include "schema.h"
#include "sha256.h"

static const char *const yes_no[] = {"no", "yes", NULL};
static const column_spec_t every_cols[] = {
    {"a", COL_ID, COL_REQUIRED, NULL},        {"b", COL_TEXT, COL_OPTIONAL, NULL},
    {"c", COL_DATE, COL_ABSENT_OK, NULL},     {"d", COL_PERIOD, COL_ABSENT_OK, NULL},
    {"e", COL_MONEY, COL_ABSENT_OK, NULL},    {"f", COL_ENUM, COL_ABSENT_OK, yes_no},
    {"g", COL_CURRENCY, COL_ABSENT_OK, NULL}, {"h", COL_INT, COL_ABSENT_OK, NULL},
    {"i", COL_RATE, COL_ABSENT_OK, NULL},     {"j", COL_MULTIPLE, COL_ABSENT_OK, NULL},
    {"k", COL_TEXT, COL_ABSENT_OK, NULL},
};
static const file_spec_t every = {"every.csv", every_cols,
                                  sizeof(every_cols) / sizeof(every_cols[0])};

static const file_spec_t *const specs[] = {
    &every,           &schema_partners,  &schema_agreements, &schema_products,
    &schema_accounts, &schema_commitments, &schema_programs, &schema_tiers,
    &schema_points,   &schema_benefits,  &schema_rates,      &schema_orders,
    &schema_revenue,  &schema_approvals, &schema_adjustments, &schema_activities,
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/* What one read delivered: counts and a running FNV-1a hash of every event. */
typedef struct seen {
    const file_spec_t *spec;
    int64_t rows, rejects;
    int32_t last_line;
    uint64_t hash;
} seen_t;

static void mix(seen_t *k, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        k->hash = (k->hash ^ b[i]) * 0x100000001b3ULL;
}

static void next_line(seen_t *k, int32_t line)
{
    FUZZ_CHECK(line >= 2 && line > k->last_line);
    k->last_line = line;
    mix(k, &line, sizeof(line));
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

/* A delivered non-blank value against its column type. */
static void check_typed(const column_spec_t *col, const csv_value_t *v)
{
    char buf[MONEY_BUF];
    int64_t x;
    switch (col->type) {
    case COL_ID:
        FUZZ_CHECK(csv_valid_id(v->s, v->len) && v->i == 0);
        break;
    case COL_TEXT:
        FUZZ_CHECK(v->len <= CSV_TEXT_MAX && csv_valid_utf8(v->s, v->len, NULL));
        break;
    case COL_DATE:
        FUZZ_CHECK(v->len == 10 && strcmp(date_format((date_t)v->i, buf), v->s) == 0);
        break;
    case COL_PERIOD:
        FUZZ_CHECK(v->len == 7 && strcmp(period_format((period_t)v->i, buf), v->s) == 0);
        break;
    case COL_MONEY:
        FUZZ_CHECK(money_parse(v->s, v->len, &x) && x == v->i);
        FUZZ_CHECK(v->i >= -MONEY_INPUT_MAX && v->i <= MONEY_INPUT_MAX);
        break;
    case COL_ENUM:
        FUZZ_CHECK(v->i >= 0 && strcmp(col->enum_values[v->i], v->s) == 0);
        break;
    case COL_CURRENCY:
        FUZZ_CHECK(v->len == 3);
        for (size_t i = 0; i < 3; i++)
            FUZZ_CHECK(v->s[i] >= 'A' && v->s[i] <= 'Z');
        break;
    case COL_INT:
        FUZZ_CHECK(all_digits(v->s, v->len) && v->i >= 0 && v->i <= INT32_MAX);
        break;
    case COL_DAYS:
        FUZZ_CHECK(all_digits(v->s, v->len) && v->i >= 0 && v->i <= CSV_DAYS_MAX);
        break;
    case COL_MONTHS:
        FUZZ_CHECK(all_digits(v->s, v->len) && v->i >= 0 && v->i <= CSV_MONTHS_MAX);
        break;
    case COL_POINTS:
        FUZZ_CHECK(all_digits(v->s, v->len) && v->i >= 0 && v->i <= CSV_POINTS_MAX);
        break;
    case COL_RATE:
        FUZZ_CHECK(decimal_parse(v->s, v->len, RATE_SCALE, CSV_RATE_MAX, &x) && x == v->i);
        break;
    case COL_MULTIPLE:
        FUZZ_CHECK(decimal_parse(v->s, v->len, MULTIPLE_SCALE, CSV_MULTIPLE_MAX, &x) &&
                   x == v->i);
        break;
    }
}

static bool on_row(void *ctx, const csv_value_t *values, int32_t line)
{
    seen_t *k = ctx;
    next_line(k, line);
    k->rows++;
    for (size_t c = 0; c < k->spec->ncols; c++) {
        const column_spec_t *col = &k->spec->cols[c];
        const csv_value_t *v = &values[c];
        FUZZ_CHECK(v->s != NULL && v->s[v->len] == '\0' && strlen(v->s) == v->len);
        mix(k, v->s, v->len + 1);
        mix(k, &v->i, sizeof(v->i));
        if (v->len == 0)
            FUZZ_CHECK(col->presence != COL_REQUIRED && v->i == 0);
        else
            check_typed(col, v);
    }
    return true;
}

static bool on_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    seen_t *k = ctx;
    next_line(k, line);
    k->rejects++;
    FUZZ_CHECK(reason != RULE_NONE && column != NULL);
    if (reason == RULE_WRONG_FIELD_COUNT) {
        FUZZ_CHECK(column[0] == '\0');
    } else {
        bool named = false;
        for (size_t c = 0; c < k->spec->ncols && !named; c++)
            named = strcmp(k->spec->cols[c].name, column) == 0;
        FUZZ_CHECK(named);
    }
    mix(k, column, strlen(column) + 1);
    mix(k, &reason, sizeof(reason));
    return true;
}

/* One read's outcome, checked on its own. */
static void check_outcome(const seen_t *k, csv_status st, const csv_stats_t *stats,
                          const csv_error_t *err, const uint8_t *p, size_t n)
{
    FUZZ_CHECK(err->status == st);
    FUZZ_CHECK(stats->records == k->rows + k->rejects);
    FUZZ_CHECK(stats->bytes <= (int64_t)n);
    if (st == CSV_OK) {
        char want[65];
        sha256_ctx_t h;
        sha256_init(&h);
        sha256_update(&h, p, n);
        sha256_final_hex(&h, want);
        FUZZ_CHECK(strcmp(want, stats->sha256) == 0);
        FUZZ_CHECK(stats->bytes == (int64_t)n || stats->bytes == (int64_t)n - 3);
        FUZZ_CHECK(err->message[0] == '\0');
    } else {
        FUZZ_CHECK(stats->sha256[0] == '\0');
        FUZZ_CHECK(strncmp(err->message, "fuzz.csv:", 9) == 0);
        FUZZ_CHECK(csv_valid_utf8(err->message, strlen(err->message), NULL));
        FUZZ_CHECK(err->line >= 0 && st != CSV_ABORTED && st != CSV_MISSING_FILE);
    }
}

static int memfd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const file_spec_t *spec = specs[data[0] % NSPECS];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    csv_callbacks_t cb = {.on_row = on_row, .on_reject = on_reject};

    seen_t a = {.spec = spec, .hash = 0xcbf29ce484222325ULL};
    csv_stats_t sa;
    csv_error_t ea;
    csv_status st_a = csv_read_buffer((const char *)p, n, "fuzz.csv", spec, &cb, &a, &sa, &ea);
    check_outcome(&a, st_a, &sa, &ea, p, n);

    /* The same bytes as a file. */
    if (memfd < 0)
        memfd = memfd_create("fuzz_csv", 0);
    FUZZ_CHECK(memfd >= 0);
    FUZZ_CHECK(ftruncate(memfd, 0) == 0);
    FUZZ_CHECK(n == 0 || pwrite(memfd, p, n, 0) == (ssize_t)n);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    seen_t b = {.spec = spec, .hash = 0xcbf29ce484222325ULL};
    csv_stats_t sb;
    csv_error_t eb;
    csv_status st_b = csv_read_file(path, "fuzz.csv", spec, &cb, &b, &sb, &eb);
    check_outcome(&b, st_b, &sb, &eb, p, n);

    FUZZ_CHECK(st_a == st_b && ea.line == eb.line && strcmp(ea.message, eb.message) == 0);
    FUZZ_CHECK(a.hash == b.hash && a.rows == b.rows && a.rejects == b.rejects);
    FUZZ_CHECK(sa.records == sb.records && sa.bytes == sb.bytes &&
               strcmp(sa.sha256, sb.sha256) == 0);
    return 0;
}
