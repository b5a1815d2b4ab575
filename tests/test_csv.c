/*
 * test_csv.c — conformance suite for batch/csvio.c and batch/sha256.c.
 *
 * Every case feeds exact bytes and asserts the exact outcome: the rows and
 * rejects delivered (as a log "line:v1|v2" / "line!column:reason"), typed
 * values, or the file error's status, line and message. Not for: money and
 * date arithmetic themselves (test_money.c, test_date.c) — only the forms
 * csvio accepts through them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codes.h"
#include "csvio.h"
#include "date.h"
#include "sha256.h"
#include "util.h"

#define CHUNK ((size_t)1 << 20) /* csvio's read size: boundary tests straddle it */

/* ---- harness --------------------------------------------------------------- */

/* What the callbacks saw: a log, counts, and the last row's values. */
typedef struct sink {
    char log[16384];
    size_t len;
    int rows, rejects;
    int stop_after; /* return false on this callback number (1-based); 0 = never */
    int calls;
    rule_code last_reason;
    int64_t i[16];
    size_t vlen[16];
    bool nul_terminated;
    bool log_full; /* the log stopped growing (many-record tests) */
} sink_t;

static void sink_log(sink_t *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(k->log + k->len, sizeof(k->log) - k->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(k->log) - k->len) {
        k->log_full = true; /* tests that compare logs then fail */
        k->log[k->len] = '\0';
        return;
    }
    k->len += (size_t)n;
}

static const file_spec_t *g_spec; /* the spec of the read in progress (for ncols) */

static bool sink_row(void *ctx, const csv_value_t *v, int32_t line)
{
    sink_t *k = ctx;
    k->rows++;
    sink_log(k, "%d:", (int)line);
    for (size_t c = 0; c < g_spec->ncols; c++) {
        if (v[c].len > 100)
            sink_log(k, "%s#%zu", c ? "|" : "", v[c].len);
        else
            sink_log(k, "%s%.*s", c ? "|" : "", (int)v[c].len, v[c].s);
        if (c < 16) {
            k->i[c] = v[c].i;
            k->vlen[c] = v[c].len;
        }
        k->nul_terminated = k->nul_terminated && v[c].s[v[c].len] == '\0';
    }
    sink_log(k, "\n");
    return ++k->calls != k->stop_after;
}

static bool sink_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    sink_t *k = ctx;
    k->rejects++;
    k->last_reason = reason;
    sink_log(k, "%d!%s:%s\n", (int)line, column, rule_name(reason));
    return ++k->calls != k->stop_after;
}

static const csv_callbacks_t sink_cb = {.on_row = sink_row, .on_reject = sink_reject};

typedef struct result {
    csv_status status;
    csv_error_t err;
    csv_stats_t stats;
} result_t;

static result_t read_bytes(const file_spec_t *spec, sink_t *k, const char *data, size_t len)
{
    result_t r;
    memset(k, 0, sizeof(*k));
    k->nul_terminated = true;
    g_spec = spec;
    r.status = csv_read_buffer(data, len, "t.csv", spec, &sink_cb, k, &r.stats, &r.err);
    return r;
}

/* A string literal, NUL bytes included. */
#define READ(spec, k, lit) read_bytes((spec), (k), (lit), sizeof(lit) - 1)

static void assert_file_error(const result_t *r, csv_status st, int32_t line, const char *msg)
{
    assert_int_equal(r->status, st);
    assert_int_equal(r->err.status, st);
    assert_int_equal(r->err.line, line);
    assert_string_equal(r->err.message, msg);
}

/* Write bytes to a fresh temporary file; the caller unlinks it. */
static void temp_file(char path[64], const char *data, size_t len)
{
    strcpy(path, "/tmp/test_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* ---- specs ---------------------------------------------------------------------- */

static const char *const kinds[] = {"agent", "master_agent", NULL};

/* Two columns: id (required), name (optional text). */
static const column_spec_t two_cols[] = {
    {"id", COL_ID, COL_REQUIRED, NULL},
    {"name", COL_TEXT, COL_OPTIONAL, NULL},
};
static const file_spec_t two = {"two.csv", two_cols, 2};

/* Three columns, one that may be absent from the header. */
static const column_spec_t three_cols[] = {
    {"id", COL_ID, COL_REQUIRED, NULL},
    {"amount", COL_MONEY, COL_REQUIRED, NULL},
    {"note", COL_TEXT, COL_ABSENT_OK, NULL},
};
static const file_spec_t three = {"three.csv", three_cols, 3};

/* Run one value through a one-column file of that type; RULE_NONE if the
 * row was accepted, with its typed value in *i. The value is quoted, so ""
 * is a blank field rather than a skipped blank line. */
static rule_code check_one(column_type type, column_presence pres, const char *value, int64_t *i)
{
    static char buf[300000];
    const column_spec_t col = {"v", type, pres, kinds};
    const file_spec_t spec = {"one.csv", &col, 1};
    size_t n = 0;
    n += (size_t)sprintf(buf, "v\n\"");
    for (const char *p = value; *p; p++) {
        if (*p == '"')
            buf[n++] = '"';
        buf[n++] = *p;
    }
    n += (size_t)sprintf(buf + n, "\"\n");
    sink_t *k = malloc(sizeof(*k));
    result_t r = read_bytes(&spec, k, buf, n);
    assert_int_equal(r.status, CSV_OK);
    assert_int_equal(k->rows + k->rejects, 1);
    rule_code out = k->rows ? RULE_NONE : k->last_reason;
    if (i)
        *i = k->rows ? k->i[0] : -999;
    free(k);
    return out;
}

typedef struct value_case {
    const char *value;
    rule_code want;
    int64_t i; /* expected typed value when accepted */
} value_case_t;

static void check_cases(column_type type, const value_case_t *cases, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        int64_t i;
        rule_code got = check_one(type, COL_REQUIRED, cases[c].value, &i);
        if (got != cases[c].want || (got == RULE_NONE && i != cases[c].i))
            fail_msg("value \"%s\": got %s i=%lld, want %s i=%lld", cases[c].value,
                     rule_name(got), (long long)i, rule_name(cases[c].want),
                     (long long)cases[c].i);
    }
}

#define CHECK_CASES(type, arr) check_cases((type), (arr), sizeof(arr) / sizeof((arr)[0]))

/* ---- RFC 4180 ------------------------------------------------------------------ */

/* Quoted and unquoted fields read the same; quotes are removed. */
static void test_rfc4180_quoting(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\n\"A1\",\"Acme Corp\"\nA2,Plain\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A1|Acme Corp\n3:A2|Plain\n");
}

/* "" inside a quoted field is one quote. */
static void test_escaped_quotes(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\"say \"\"hi\"\"\"\nB,\"\"\"\"\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|say \"hi\"\n3:B|\"\n");
    assert_int_equal(k.vlen[1], 1);
}

/* Commas inside quotes do not split fields. */
static void test_embedded_commas(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\"Smith, John, Jr\"\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|Smith, John, Jr\n");
}

/* LF inside quotes is kept; the next record starts on its physical line. */
static void test_embedded_lf(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\"line1\nline2\n\nline4\"\nB,after\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|line1\nline2\n\nline4\n6:B|after\n");
}

/* CRLF inside quotes is kept as CRLF and counts as one line. */
static void test_embedded_crlf(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\r\nA,\"x\r\ny\"\r\nB,\"\r\n\"\r\nC,z\r\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|x\r\ny\n4:B|\r\n\n6:C|z\n");
}

/* A field may start with a newline and a record may start with a quoted newline. */
static void test_quoted_newline_first(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\n\"A\",\"\nx\"\nB,y");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|\nx\n4:B|y\n");
}

/* An empty field is blank; a missing field is wrong_field_count. */
static void test_empty_vs_missing_fields(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\nB\nC,\"\"\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|\n3!:wrong_field_count\n4:C|\n");
    assert_int_equal(k.vlen[1], 0);
    assert_int_equal(k.i[1], 0);
}

/* Rows with too few or too many fields are rejected, others still read. */
static void test_ragged_rows(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,1\nB,2,3\nC\nD,4\nE,5,\n,\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|1\n3!:wrong_field_count\n4!:wrong_field_count\n5:D|4\n"
                               "6!:wrong_field_count\n7!id:missing_value\n");
    assert_int_equal(r.stats.records, 6);
}

/* Field count is checked before any value, so a short row never reports a column. */
static void test_field_count_before_values(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&three, &k, "id,amount\nbad id,1.000,x\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2!:wrong_field_count\n");
}

/* ---- line endings, BOM, blank lines ------------------------------------------------ */

/* A UTF-8 BOM is dropped before the header. */
static void test_bom_dropped(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "\xEF\xBB\xBFid,name\nA,x\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|x\n");
    assert_int_equal(r.stats.bytes, 15);
}

/* A BOM is only a BOM at the start; later it is text. */
static void test_bom_only_at_start(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\xEF\xBB\xBFx\n");
    assert_int_equal(r.status, CSV_OK);
    assert_int_equal(k.vlen[1], 4);
}

/* CRLF ends lines; the CR is not part of the last field. */
static void test_crlf(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\r\nA,x\r\nB,\r\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|x\n3:B|\n");
    assert_int_equal(k.vlen[1], 0);
}

/* A lone CR ends a line (old Mac files). */
static void test_cr_only(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\rA,x\r\rB,y\r");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|x\n4:B|y\n");
}

/* LF, CRLF and CR mixed in one file each end exactly one line. */
static void test_mixed_line_endings(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\n\nA,1\r\n\r\nB,2\rC,3\n\r\n\rD,4");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "3:A|1\n5:B|2\n6:C|3\n9:D|4\n");
}

/* Blank lines are skipped but counted; a whitespace line is a record. */
static void test_blank_lines(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\n\n\nA,x\n\n \nB,y\n\n\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "4:A|x\n6!:wrong_field_count\n7:B|y\n");
    assert_int_equal(r.stats.records, 3);
}

/* The last record needs no terminator. */
static void test_no_final_newline(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,x\nB,\"y\"");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|x\n3:B|y\n");
    r = READ(&two, &k, "id,name\nA,");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|\n");
}

/* Blank lines before the header are counted too. */
static void test_blank_lines_before_header(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "\r\n\nid,name\nA,x\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "4:A|x\n");
}

/* ---- syntax and byte errors ---------------------------------------------------------- */

/* An unterminated quote at EOF names the line where the record started. */
static void test_unterminated_quote(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,x\nB,\"open\nmore\nstill\n");
    assert_file_error(&r, CSV_BAD_SYNTAX, 3, "t.csv:3: unterminated quoted field (column 2)");
    assert_string_equal(r.stats.sha256, "");
}

/* An unterminated quote in the header is reported too. */
static void test_unterminated_quote_header(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "\"id,name\n");
    assert_file_error(&r, CSV_BAD_SYNTAX, 1, "t.csv:1: unterminated quoted field (column 1)");
}

/* A quote inside an unquoted field is a syntax error (RFC 4180 strict). */
static void test_stray_quote(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,5\" screen\n");
    assert_file_error(&r, CSV_BAD_SYNTAX, 2,
                      "t.csv:2: quote inside an unquoted field at byte 11 (column 2)");
}

/* Text after a closing quote (even a space) is a syntax error. */
static void test_text_after_quote(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\n\"A\"x,y\n");
    assert_file_error(&r, CSV_BAD_SYNTAX, 2,
                      "t.csv:2: text after a closing quote at byte 11 (column 1)");
    r = READ(&two, &k, "id,name\nA,\"y\" \n");
    assert_file_error(&r, CSV_BAD_SYNTAX, 2,
                      "t.csv:2: text after a closing quote at byte 13 (column 2)");
}

/* A NUL byte is a syntax error with line, offset and column. */
static void test_nul_byte(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,x\nB,a\0b\n");
    assert_file_error(&r, CSV_BAD_SYNTAX, 3, "t.csv:3: NUL byte at byte 15 (column 2)");
    assert_string_equal(k.log, "2:A|x\n");
}

/* A NUL inside a quoted multi-line field names its physical line. */
static void test_nul_in_quoted_field(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\"x\ny\0\"\n");
    assert_file_error(&r, CSV_BAD_SYNTAX, 3, "t.csv:3: NUL byte at byte 14 (column 2)");
}

/* Windows-1252 é (0xE9 alone) is invalid UTF-8: line, offset, column. */
static void test_mojibake_latin1(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,caf\xE9\n");
    assert_file_error(&r, CSV_BAD_UTF8, 2, "t.csv:2: invalid UTF-8 at byte 13 (column 2)");
}

/* 0xE9 followed by ASCII letters, and a Windows-1252 quote (0x93). */
static void test_mojibake_cp1252(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,ok\nB,\x93quoted\x94\n");
    assert_file_error(&r, CSV_BAD_UTF8, 3, "t.csv:3: invalid UTF-8 at byte 15 (column 2)");
    r = READ(&two, &k, "id,name\nA,\xE9t\xE9\n");
    assert_file_error(&r, CSV_BAD_UTF8, 2, "t.csv:2: invalid UTF-8 at byte 10 (column 2)");
}

/* Offsets count the BOM: they are offsets in the file as stored. */
static void test_utf8_offset_counts_bom(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "\xEF\xBB\xBFid,name\nA,caf\xE9\n");
    assert_file_error(&r, CSV_BAD_UTF8, 2, "t.csv:2: invalid UTF-8 at byte 16 (column 2)");
}

/* Invalid UTF-8 inside a quoted multi-line field names the physical line. */
static void test_utf8_in_quoted_field(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\"one\r\ntwo,\xFF\"\n");
    assert_file_error(&r, CSV_BAD_UTF8, 3, "t.csv:3: invalid UTF-8 at byte 20 (column 2)");
}

/* Invalid UTF-8 in the header is a file error too. */
static void test_utf8_in_header(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,n\xC3me\n");
    assert_file_error(&r, CSV_BAD_UTF8, 1, "t.csv:1: invalid UTF-8 at byte 4 (column 2)");
}

/* A sequence cut off by the end of the file is invalid. */
static void test_utf8_truncated_at_eof(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,\xE2\x82");
    assert_file_error(&r, CSV_BAD_UTF8, 2, "t.csv:2: invalid UTF-8 at byte 10 (column 2)");
}

/* Strict UTF-8: overlongs, surrogates, > U+10FFFF and stray continuations fail. */
static void test_utf8_strict(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xC0\xAF",         /* overlong '/' */
        "\xC1\xBF",         /* overlong */
        "\xE0\x80\xAF",     /* overlong '/' in 3 bytes */
        "\xE0\x9F\xBF",     /* overlong U+07FF */
        "\xF0\x80\x80\xAF", /* overlong in 4 bytes */
        "\xF0\x8F\xBF\xBF", /* overlong U+FFFF */
        "\xED\xA0\x80",     /* surrogate U+D800 */
        "\xED\xBF\xBF",     /* surrogate U+DFFF */
        "\xF4\x90\x80\x80", /* U+110000 */
        "\xF5\x80\x80\x80", /* lead beyond range */
        "\xFF",             "\x80", /* lone continuation */
        "\xC3",             /* truncated */
        "\xC3\x28",         /* bad continuation */
    };
    static const char *const good[] = {
        "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9D\x84\x9E", "\xF4\x8F\xBF\xBD",
        "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBB\xBF", "\xC2\xA0",
    };
    for (size_t c = 0; c < sizeof(bad) / sizeof(bad[0]); c++) {
        size_t off = 99;
        char text[16];
        int n = snprintf(text, sizeof(text), "ab%s", bad[c]);
        assert_false(csv_valid_utf8(text, (size_t)n, &off));
        assert_int_equal(off, 2);
        char file[64];
        n = snprintf(file, sizeof(file), "id,name\nA,%s\n", bad[c]);
        sink_t k;
        result_t r = read_bytes(&two, &k, file, (size_t)n);
        if (r.status != CSV_BAD_UTF8 ||
            !strstr(r.err.message, "invalid UTF-8 at byte 10 (column 2)"))
            fail_msg("case %zu: %s", c, r.err.message);
    }
    for (size_t c = 0; c < sizeof(good) / sizeof(good[0]); c++) {
        assert_true(csv_valid_utf8(good[c], strlen(good[c]), NULL));
        assert_int_equal(check_one(COL_TEXT, COL_REQUIRED, good[c], NULL), RULE_NONE);
    }
    assert_true(csv_valid_utf8("", 0, NULL));
}

/* Text XML 1.0 cannot carry, or that no person means, is bad_text in a text
 * field (the workbooks would be ill-formed): C0 controls but tab, LF and CR,
 * DEL, C1 controls, U+FFFE and U+FFFF and the other noncharacters. They are
 * valid UTF-8: the file reads, the row is rejected at its column. */
static void test_text_xml_chars(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a\x01b", "\x08", "\x0B", "\x0C", "x\x1F", "\x7F",            /* C0, DEL */
        "\xC2\x80", "\xC2\x85", "\xC2\x9F",                         /* C1 */
        "Acme \xEF\xBF\xBE", "\xEF\xBF\xBF",                        /* U+FFFE U+FFFF */
        "\xEF\xB7\x90", "\xEF\xB7\xAF",                             /* U+FDD0 U+FDEF */
        "\xF0\x9F\xBF\xBE", "\xF4\x8F\xBF\xBF",                     /* U+1FFFE U+10FFFF */
    };
    static const char *const good[] = {
        "tab\there", "two\nlines", "cr\rlf", "~", "\xC2\xA0", "\xEF\xBF\xBD", /* U+FFFD */
        "\xEF\xB7\x8F", "\xEF\xB7\xB0", "\xF0\x9F\xBF\xBD", "R\xC3\xADos, S.A.",
    };
    for (size_t c = 0; c < sizeof(bad) / sizeof(bad[0]); c++) {
        assert_true(csv_valid_utf8(bad[c], strlen(bad[c]), NULL));
        assert_false(csv_valid_text(bad[c], strlen(bad[c])));
        if (check_one(COL_TEXT, COL_REQUIRED, bad[c], NULL) != RULE_BAD_TEXT)
            fail_msg("bad case %zu passed", c);
    }
    for (size_t c = 0; c < sizeof(good) / sizeof(good[0]); c++) {
        assert_true(csv_valid_text(good[c], strlen(good[c])));
        if (check_one(COL_TEXT, COL_REQUIRED, good[c], NULL) != RULE_NONE)
            fail_msg("good case %zu rejected", c);
    }
    /* the row is rejected at its column; the next row reads */
    sink_t k;
    result_t r = READ(&two, &k, "id,name\nA,x\x01y\nB,ok\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2!name:bad_text\n3:B|ok\n");
}

/* A 100 KB field is a bad_text reject, not a crash; the next row reads. */
static void test_long_field(void **state)
{
    (void)state;
    size_t big = 100 * 1024;
    char *buf = malloc(big + 64);
    size_t n = (size_t)sprintf(buf, "id,name\nA,");
    memset(buf + n, 'x', big);
    n += big;
    n += (size_t)sprintf(buf + n, "\nB,ok\n");
    sink_t k;
    result_t r = read_bytes(&two, &k, buf, n);
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2!name:bad_text\n3:B|ok\n");
    /* The same field quoted with a newline inside. */
    n = (size_t)sprintf(buf, "id,name\nA,\"");
    memset(buf + n, 'y', big);
    buf[n + 5] = '\n';
    n += big;
    n += (size_t)sprintf(buf + n, "\"\nB,ok\n");
    r = read_bytes(&two, &k, buf, n);
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2!name:bad_text\n4:B|ok\n");
    free(buf);
}

/* A record over CSV_RECORD_MAX (an unterminated quote, typically) stops the read. */
static void test_record_too_long(void **state)
{
    (void)state;
    size_t big = CSV_RECORD_MAX + 10;
    char *buf = malloc(big + 64);
    size_t n = (size_t)sprintf(buf, "id,name\nA,x\nB,\"");
    for (size_t i = 0; i < big; i++)
        buf[n + i] = i % 80 == 79 ? '\n' : 'z';
    n += big;
    sink_t k;
    result_t r = read_bytes(&two, &k, buf, n);
    assert_file_error(&r, CSV_BAD_SYNTAX, 3,
                      "t.csv:3: record longer than 1048576 bytes (unterminated quote?)");
    assert_string_equal(k.log, "2:A|x\n");
    free(buf);
}

/* ---- header ---------------------------------------------------------------------- */

/* A column named twice is a header error. */
static void test_duplicate_column(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name,id\nA,x,y\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: duplicate column \"id\" (column 3)");
    r = READ(&two, &k, "id,name,x_n,x_n\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: duplicate column \"x_n\" (column 4)");
    r = READ(&two, &k, "id,name,x_a:b,x_a:b\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: duplicate column (column 4)");
    assert_int_equal(k.rows + k.rejects, 0);
}

/* A required or optional column missing from the header is an error. */
static void test_missing_column(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id\nA\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: missing column \"name\"");
    r = READ(&three, &k, "amount,note\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: missing column \"id\"");
}

/* A COL_ABSENT_OK column may be absent; its value is blank. */
static void test_absent_ok_column(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&three, &k, "amount,id\n1.5,A\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|1.5|\n");
    assert_int_equal(k.i[1], 150);
    assert_int_equal(k.vlen[2], 0);
    assert_true(k.nul_terminated);
}

/* A column not in the spec (and not x_) is an error; names are exact. */
static void test_unknown_column(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name,colour\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: unknown column \"colour\" (column 3)");
    r = READ(&two, &k, "ID,name\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: unknown column \"ID\" (column 1)");
    r = READ(&two, &k, "id,nam\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: unknown column \"nam\" (column 2)");
    /* a name without a column name's form (A-Z a-z 0-9 _, 1-64) is never quoted */
    r = READ(&two, &k, "id, name\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1,
                      "t.csv:1: column 2 of the header is not a column name (not a CSV header "
                      "of two.csv?)");
    r = READ(&two, &k, "id,name,\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1,
                      "t.csv:1: column 3 of the header is not a column name (not a CSV header "
                      "of two.csv?)");
}

/* A header that is no CSV header (a link to /etc/passwd, a long or non-ASCII
 * name) is named by its position, never quoted: no file text in a message. */
static void test_unknown_column_long_name(void **state)
{
    (void)state;
    char hdr[400];
    int n = sprintf(hdr, "id,name,");
    for (int i = 0; i < 100; i++)
        n += sprintf(hdr + n, "\xC3\xA9"); /* 200 bytes of é */
    sink_t k;
    result_t r = read_bytes(&two, &k, hdr, (size_t)n);
    assert_int_equal(r.status, CSV_BAD_HEADER);
    assert_null(strstr(r.err.message, "\xC3\xA9"));
    r = READ(&two, &k, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n");
    assert_file_error(&r, CSV_BAD_HEADER, 1,
                      "t.csv:1: column 1 of the header is not a column name (not a CSV header "
                      "of two.csv?)");
    char name[80];
    memset(name, 'a', 65);
    sprintf(name + 65, "\n");
    r = READ(&two, &k, name);
    assert_int_equal(r.status, CSV_BAD_HEADER);
    assert_null(strstr(r.err.message, "aaaa"));
}

/* x_ columns are accepted anywhere and ignored, but still count as fields. */
static void test_x_columns(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "x_note,id,x_,name\nfree text,A,,x\nB,y\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|x\n3!:wrong_field_count\n");
}

/* Columns may come in any order; values arrive in spec order. */
static void test_columns_any_order(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&three, &k, "note,amount,id\nhello,-2.5,A\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:A|-2.5|hello\n");
    assert_int_equal(k.i[1], -250);
}

/* An empty file, a BOM alone, or blank lines alone have no header. */
static void test_empty_file(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: empty file (no header)");
    r = READ(&two, &k, "\xEF\xBB\xBF");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: empty file (no header)");
    r = READ(&two, &k, "\n\r\n\r");
    assert_file_error(&r, CSV_BAD_HEADER, 1, "t.csv:1: empty file (no header)");
}

/* A header alone is a valid file with no records. */
static void test_header_only(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&two, &k, "id,name");
    assert_int_equal(r.status, CSV_OK);
    assert_int_equal(r.stats.records, 0);
    assert_int_equal(k.rows + k.rejects, 0);
    assert_int_equal(r.err.status, CSV_OK);
    assert_string_equal(r.err.message, "");
}

/* ---- values ------------------------------------------------------------------------ */

/* A blank required value is missing_value; blank optional is fine with i = 0. */
static void test_blank_values(void **state)
{
    (void)state;
    for (column_type t = COL_ID; t <= COL_POINTS; t++) {
        int64_t i = 7;
        assert_int_equal(check_one(t, COL_REQUIRED, "", NULL), RULE_MISSING_VALUE);
        assert_int_equal(check_one(t, COL_OPTIONAL, "", &i), RULE_NONE);
        assert_int_equal(i, 0);
        assert_int_equal(check_one(t, COL_ABSENT_OK, "", &i), RULE_NONE);
    }
}

/* Values are never trimmed: leading or trailing spaces make a bad value. */
static void test_no_trimming(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&three, &k, "id,amount,note\nA, 12, x \n B,12,\nC,12 ,\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2!amount:bad_money\n3!id:bad_id\n4!amount:bad_money\n");
    r = READ(&three, &k, "id,amount,note\nA,12,  padded  \n");
    assert_string_equal(k.log, "2:A|12|  padded  \n");
    assert_int_equal(check_one(COL_TEXT, COL_REQUIRED, " ", NULL), RULE_NONE);
}

/* The first failing column in spec order is reported, whatever the file order. */
static void test_first_failing_column_in_spec_order(void **state)
{
    (void)state;
    sink_t k;
    result_t r = READ(&three, &k, "note,amount,id\nx,1e3,bad id\nx,1e3,A\n,5,\n");
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2!id:bad_id\n3!amount:bad_money\n4!id:missing_value\n");
    assert_int_equal(r.stats.records, 3);
    assert_int_equal(k.rows, 0);
}

/* id: 1..64 of A-Z a-z 0-9 . _ : / - */
static void test_id_values(void **state)
{
    (void)state;
    char max[66];
    memset(max, 'a', 64);
    max[64] = '\0';
    assert_true(csv_valid_id(max, 64));
    assert_false(csv_valid_id(max, 0));
    const value_case_t cases[] = {
        {"A-1.b_c:d/e", RULE_NONE, 0}, {"0", RULE_NONE, 0},     {max, RULE_NONE, 0},
        {"a b", RULE_BAD_ID, 0},       {"a,b", RULE_BAD_ID, 0}, {"a\"b", RULE_BAD_ID, 0},
        {"caf\xC3\xA9", RULE_BAD_ID, 0}, {"a+b", RULE_BAD_ID, 0}, {"a\tb", RULE_BAD_ID, 0},
        {"a\nb", RULE_BAD_ID, 0},
    };
    CHECK_CASES(COL_ID, cases);
    max[64] = 'a';
    max[65] = '\0';
    assert_int_equal(check_one(COL_ID, COL_REQUIRED, max, NULL), RULE_BAD_ID);
}

/* text: any UTF-8 up to 256 bytes (bytes, not characters). */
static void test_text_values(void **state)
{
    (void)state;
    char s[300];
    memset(s, 'a', 256);
    s[256] = '\0';
    assert_int_equal(check_one(COL_TEXT, COL_REQUIRED, s, NULL), RULE_NONE);
    s[256] = 'a';
    s[257] = '\0';
    assert_int_equal(check_one(COL_TEXT, COL_REQUIRED, s, NULL), RULE_BAD_TEXT);
    for (int i = 0; i < 128; i++)
        memcpy(s + 2 * i, "\xC3\xA9", 2); /* 128 é = 256 bytes */
    s[256] = '\0';
    assert_int_equal(check_one(COL_TEXT, COL_REQUIRED, s, NULL), RULE_NONE);
    memcpy(s + 256, "\xC3\xA9", 3);
    assert_int_equal(check_one(COL_TEXT, COL_REQUIRED, s, NULL), RULE_BAD_TEXT);
    assert_int_equal(check_one(COL_TEXT, COL_REQUIRED, "tab\there, \"q\"", NULL), RULE_NONE);
}

/* date: YYYY-MM-DD, a real calendar date; i is days since 1970-01-01. */
static void test_date_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"2016-02-29", RULE_NONE, date_from_ymd(2016, 2, 29)},
        {"2000-02-29", RULE_NONE, date_from_ymd(2000, 2, 29)},
        {"1970-01-01", RULE_NONE, 0},
        {"2017-12-31", RULE_NONE, date_from_ymd(2017, 12, 31)},
        {"2017-02-29", RULE_BAD_DATE, 0}, {"1900-02-29", RULE_BAD_DATE, 0},
        {"2017-04-31", RULE_BAD_DATE, 0}, {"2017-13-01", RULE_BAD_DATE, 0},
        {"2017-00-10", RULE_BAD_DATE, 0}, {"2017-01-00", RULE_BAD_DATE, 0},
        {"2017-1-01", RULE_BAD_DATE, 0},  {"2017/01/01", RULE_BAD_DATE, 0},
        {"20170101", RULE_BAD_DATE, 0},   {"01/02/2017", RULE_BAD_DATE, 0},
        {"2017-01-01T00:00", RULE_BAD_DATE, 0}, {"2017-11", RULE_BAD_DATE, 0},
    };
    CHECK_CASES(COL_DATE, cases);
}

/* period: YYYY-MM; i is year*12 + month-1. */
static void test_period_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"2017-11", RULE_NONE, 2017 * 12 + 10}, {"2018-01", RULE_NONE, 2018 * 12},
        {"2017-13", RULE_BAD_PERIOD, 0},        {"2017-00", RULE_BAD_PERIOD, 0},
        {"2017-1", RULE_BAD_PERIOD, 0},         {"2017-11-01", RULE_BAD_PERIOD, 0},
        {"201711", RULE_BAD_PERIOD, 0},         {"Nov 2017", RULE_BAD_PERIOD, 0},
    };
    CHECK_CASES(COL_PERIOD, cases);
}

/* money: -?D+(.D{1,2})? into cents; no separators, symbols, exponents, spaces. */
static void test_money_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"12", RULE_NONE, 1200},
        {"12.3", RULE_NONE, 1230},
        {"12.34", RULE_NONE, 1234},
        {"-12.34", RULE_NONE, -1234},
        {"-0.5", RULE_NONE, -50},
        {"0.07", RULE_NONE, 7},
        {"007", RULE_NONE, 700},
        {"-0", RULE_NONE, 0},
        {"10000000000000.00", RULE_NONE, INT64_C(1000000000000000)},
        {"10000000000000.01", RULE_BAD_MONEY, 0},
        {"99999999999999999999999", RULE_BAD_MONEY, 0},
        {"1,000", RULE_BAD_MONEY, 0},
        {"$5", RULE_BAD_MONEY, 0},
        {"5$", RULE_BAD_MONEY, 0},
        {"1e3", RULE_BAD_MONEY, 0},
        {"1.", RULE_BAD_MONEY, 0},
        {".5", RULE_BAD_MONEY, 0},
        {"1.234", RULE_BAD_MONEY, 0},
        {" 1", RULE_BAD_MONEY, 0},
        {"1 ", RULE_BAD_MONEY, 0},
        {"+1", RULE_BAD_MONEY, 0},
        {"--1", RULE_BAD_MONEY, 0},
        {"-", RULE_BAD_MONEY, 0},
        {"1.2.3", RULE_BAD_MONEY, 0},
        {"(5)", RULE_BAD_MONEY, 0},
        {"1,5", RULE_BAD_MONEY, 0},
        {"NaN", RULE_BAD_MONEY, 0},
    };
    CHECK_CASES(COL_MONEY, cases);
}

/* enum: exact match of a listed value; i is its index. */
static void test_enum_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"agent", RULE_NONE, 0},       {"master_agent", RULE_NONE, 1},
        {"Agent", RULE_BAD_ENUM, 0},   {"agent ", RULE_BAD_ENUM, 0},
        {"age", RULE_BAD_ENUM, 0},     {"agents", RULE_BAD_ENUM, 0},
        {"master", RULE_BAD_ENUM, 0},  {"AGENT", RULE_BAD_ENUM, 0},
    };
    CHECK_CASES(COL_ENUM, cases);
}

/* currency: exactly three letters A-Z. */
static void test_currency_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"USD", RULE_NONE, 0},         {"EUR", RULE_NONE, 0},
        {"usd", RULE_BAD_CURRENCY, 0}, {"Usd", RULE_BAD_CURRENCY, 0},
        {"US", RULE_BAD_CURRENCY, 0},  {"USDD", RULE_BAD_CURRENCY, 0},
        {"U5D", RULE_BAD_CURRENCY, 0}, {"$", RULE_BAD_CURRENCY, 0},
        /* ISO 4217 codes of money only, from the compiled-in table */
        {"JPY", RULE_NONE, 0},         {"AED", RULE_NONE, 0},
        {"ZWG", RULE_NONE, 0},         {"XOF", RULE_NONE, 0},
        {"QQQ", RULE_BAD_CURRENCY, 0}, {"ABC", RULE_BAD_CURRENCY, 0},
        {"AAA", RULE_BAD_CURRENCY, 0}, {"ZZZ", RULE_BAD_CURRENCY, 0},
        {"HRK", RULE_BAD_CURRENCY, 0}, /* withdrawn: Croatia uses EUR */
        {"XAU", RULE_BAD_CURRENCY, 0}, /* gold */
        {"XTS", RULE_BAD_CURRENCY, 0}, {"XXX", RULE_BAD_CURRENCY, 0},
        {"USN", RULE_BAD_CURRENCY, 0}, /* a fund code */
    };
    CHECK_CASES(COL_CURRENCY, cases);
    assert_true(csv_valid_currency("ZWL", 3));
    /* all 160 codes of the table are found (its binary search needs it sorted) */
    int found = 0;
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++)
            for (char c = 'A'; c <= 'Z'; c++)
                found += csv_valid_currency((const char[]){a, b, c}, 3);
    assert_int_equal(found, 160);
    assert_false(csv_valid_currency("USDX", 3) && csv_valid_currency("USDX", 4));
    assert_false(csv_valid_currency("", 0));
}

/* int: digits only, no sign, at most INT32_MAX. */
static void test_int_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"0", RULE_NONE, 0},
        {"36", RULE_NONE, 36},
        {"0036", RULE_NONE, 36},
        {"2147483647", RULE_NONE, INT32_MAX},
        {"2147483648", RULE_BAD_INT, 0},
        {"99999999999999999999", RULE_BAD_INT, 0},
        {"-1", RULE_BAD_INT, 0},
        {"+1", RULE_BAD_INT, 0},
        {"1.0", RULE_BAD_INT, 0},
        {" 1", RULE_BAD_INT, 0},
        {"1e2", RULE_BAD_INT, 0},
        {"1,000", RULE_BAD_INT, 0},
    };
    CHECK_CASES(COL_INT, cases);
}

/* rate_pct: D+(.D{1,4})?, 0..100; i at scale 4 (bad_money otherwise). */
static void test_rate_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"0", RULE_NONE, 0},
        {"12.5", RULE_NONE, 125000},
        {"12.3456", RULE_NONE, 123456},
        {"0.0001", RULE_NONE, 1},
        {"100", RULE_NONE, 1000000},
        {"100.0000", RULE_NONE, 1000000},
        {"100.0001", RULE_BAD_MONEY, 0},
        {"101", RULE_BAD_MONEY, 0},
        {"12.34567", RULE_BAD_MONEY, 0},
        {"-1", RULE_BAD_MONEY, 0},
        {"12.", RULE_BAD_MONEY, 0},
        {".5", RULE_BAD_MONEY, 0},
        {"12%", RULE_BAD_MONEY, 0},
        {"1e1", RULE_BAD_MONEY, 0},
    };
    CHECK_CASES(COL_RATE, cases);
}

/* mrc_multiple: D+(.D{1,2})?; i at scale 2, up to CSV_MULTIPLE_MAX. */
static void test_multiple_values(void **state)
{
    (void)state;
    const value_case_t cases[] = {
        {"2.5", RULE_NONE, 250},
        {"0", RULE_NONE, 0},
        {"3", RULE_NONE, 300},
        {"1000", RULE_NONE, CSV_MULTIPLE_MAX},
        {"1000.00", RULE_NONE, CSV_MULTIPLE_MAX},
        {"1000.01", RULE_BAD_MONEY, 0},
        {"10000000", RULE_BAD_MONEY, 0},
        {"2.555", RULE_BAD_MONEY, 0},
        {"-2", RULE_BAD_MONEY, 0},
        {"2x", RULE_BAD_MONEY, 0},
    };
    CHECK_CASES(COL_MULTIPLE, cases);
}

/* Bounded counts: days 0..3650 (payment_lag_days), months 0..600 (terms,
 * windows), points 0..10^9; just inside passes exactly, just past is bad_int. */
static void test_bounded_counts(void **state)
{
    (void)state;
    const value_case_t days[] = {
        {"0", RULE_NONE, 0},           {"3650", RULE_NONE, 3650},
        {"03650", RULE_NONE, 3650},    {"3651", RULE_BAD_INT, 0},
        {"2147483647", RULE_BAD_INT, 0}, {"-1", RULE_BAD_INT, 0},
    };
    CHECK_CASES(COL_DAYS, days);
    const value_case_t months[] = {
        {"0", RULE_NONE, 0},
        {"600", RULE_NONE, 600},
        {"601", RULE_BAD_INT, 0},
        {"99999999999", RULE_BAD_INT, 0},
    };
    CHECK_CASES(COL_MONTHS, months);
    const value_case_t points[] = {
        {"1000000000", RULE_NONE, 1000000000},
        {"1000000001", RULE_BAD_INT, 0},
        {"1.5", RULE_BAD_INT, 0},
    };
    CHECK_CASES(COL_POINTS, points);
}

/* All types in one row: typed values land at their spec index. */
static void test_typed_row(void **state)
{
    (void)state;
    static const column_spec_t cols[] = {
        {"id", COL_ID, COL_REQUIRED, NULL},         {"day", COL_DATE, COL_REQUIRED, NULL},
        {"period", COL_PERIOD, COL_REQUIRED, NULL}, {"amount", COL_MONEY, COL_REQUIRED, NULL},
        {"kind", COL_ENUM, COL_REQUIRED, kinds},    {"ccy", COL_CURRENCY, COL_REQUIRED, NULL},
        {"term", COL_INT, COL_REQUIRED, NULL},      {"rate", COL_RATE, COL_REQUIRED, NULL},
        {"mult", COL_MULTIPLE, COL_REQUIRED, NULL}, {"name", COL_TEXT, COL_REQUIRED, NULL},
    };
    static const file_spec_t spec = {"all.csv", cols, 10};
    sink_t k;
    result_t r = READ(&spec, &k,
                      "name,mult,rate,term,ccy,kind,amount,period,day,id\n"
                      "Zoë,1.5,7.25,24,USD,master_agent,-1234.5,2017-11,2017-11-30,O-1\n");
    assert_int_equal(r.status, CSV_OK);
    assert_int_equal(k.rows, 1);
    assert_int_equal(k.i[0], 0);
    assert_int_equal(k.i[1], date_from_ymd(2017, 11, 30));
    assert_int_equal(k.i[2], 2017 * 12 + 10);
    assert_int_equal(k.i[3], -123450);
    assert_int_equal(k.i[4], 1);
    assert_int_equal(k.i[5], 0);
    assert_int_equal(k.i[6], 24);
    assert_int_equal(k.i[7], 72500);
    assert_int_equal(k.i[8], 150);
    assert_int_equal(k.vlen[9], 4);
    assert_true(k.nul_terminated);
    assert_string_equal(k.log,
                        "2:O-1|2017-11-30|2017-11|-1234.5|master_agent|USD|24|7.25|1.5|Zoë\n");
}

/* ---- callbacks, stats, files ----------------------------------------------------- */

/* A callback returning false stops the read with CSV_ABORTED. */
static void test_abort(void **state)
{
    (void)state;
    sink_t k;
    memset(&k, 0, sizeof(k));
    k.stop_after = 2;
    k.nul_terminated = true;
    g_spec = &two;
    const char *data = "id,name\nA,x\n,y\nC,z\n";
    csv_stats_t st;
    csv_error_t err;
    csv_status s = csv_read_buffer(data, strlen(data), "t.csv", &two, &sink_cb, &k, &st, &err);
    assert_int_equal(s, CSV_ABORTED);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.message, "t.csv:3: reading stopped by the caller");
    assert_string_equal(k.log, "2:A|x\n3!id:missing_value\n");
}

/* stats: records (rejects included), bytes, and the SHA-256 of the bytes. */
static void test_stats(void **state)
{
    (void)state;
    sink_t k;
    const char data[] = "id,name\nA,x\n\nB\nC,z\n";
    result_t r = READ(&two, &k, data);
    assert_int_equal(r.status, CSV_OK);
    assert_int_equal(r.stats.records, 3);
    assert_int_equal(r.stats.bytes, 19);
    sha256_ctx_t h;
    char hex[65];
    sha256_init(&h);
    sha256_update(&h, data, 19);
    sha256_final_hex(&h, hex);
    assert_string_equal(r.stats.sha256, hex);
}

/* csv_read_file reads like the buffer and hashes like csv_sha256_file. */
static void test_read_file(void **state)
{
    (void)state;
    const char data[] = "\xEF\xBB\xBFid,name\r\nA,\"x\r\ny\"\r\nB,z";
    char path[64];
    temp_file(path, data, sizeof(data) - 1);
    sink_t k;
    memset(&k, 0, sizeof(k));
    k.nul_terminated = true;
    g_spec = &two;
    csv_stats_t st;
    csv_error_t err;
    csv_status s = csv_read_file(path, "master/two.csv", &two, &sink_cb, &k, &st, &err);
    assert_int_equal(s, CSV_OK);
    assert_string_equal(k.log, "2:A|x\r\ny\n4:B|z\n");
    char hex[65];
    assert_true(csv_sha256_file(path, hex));
    assert_string_equal(st.sha256, hex);
    assert_int_equal(st.bytes, sizeof(data) - 1);
    assert_int_equal(st.records, 2);
    unlink(path);
}

/* A missing file is CSV_MISSING_FILE; so is anything but a regular file: a
 * directory, a FIFO (read without waiting for a writer: it would hang). */
static void test_missing_file(void **state)
{
    (void)state;
    csv_stats_t st;
    csv_error_t err;
    sink_t k;
    g_spec = &two;
    csv_status s =
        csv_read_file("/nonexistent/x.csv", "master/x.csv", &two, &sink_cb, &k, &st, &err);
    assert_int_equal(s, CSV_MISSING_FILE);
    assert_string_equal(err.message, "master/x.csv: cannot open: No such file or directory");
    char hex[65];
    assert_false(csv_sha256_file("/nonexistent/x.csv", hex));
    s = csv_read_file("/tmp", "tmp", &two, &sink_cb, &k, &st, &err);
    assert_int_equal(s, CSV_MISSING_FILE);
    assert_string_equal(err.message, "tmp: not a regular file (a directory)");
    char fifo[] = "/tmp/test_csv_fifo_XXXXXX";
    int fd = mkstemp(fifo);
    assert_true(fd >= 0);
    close(fd);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    s = csv_read_file(fifo, "periods/2017-11/revenue.csv", &two, &sink_cb, &k, &st, &err);
    assert_int_equal(s, CSV_MISSING_FILE);
    assert_string_equal(err.message, "periods/2017-11/revenue.csv: not a regular file (a FIFO)");
    assert_false(csv_sha256_file(fifo, hex));
    unlink(fifo);
}

/* ---- helpers ingest and the command line rely on (util.h) ---------------------------- */

/* Four eyes (SPEC §3 unapproved): the approver is the enterer when the names
 * are equal trimmed of ASCII white space and folded to lower case (ASCII);
 * other bytes compare exactly. */
static void test_same_person(void **state)
{
    (void)state;
    struct {
        const char *a, *b;
        bool same;
    } cases[] = {
        {"a", "a", true},           {"A", "a", true},
        {"a ", "a", true},          {" A\t", "a", true},
        {"ap.clerk", "AP.Clerk", true}, {"", "  ", true},
        {"ap.clerk", "ap clerk", false}, {"a", "b", false},
        {"ab", "a", false},         {"\xC3\x89", "\xC3\xA9", false}, /* É é: not folded */
        {"a b", "a  b", false},     {"finance.mgr", "ap.clerk", false},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        bool got = same_person(cases[c].a, strlen(cases[c].a), cases[c].b, strlen(cases[c].b));
        bool back = same_person(cases[c].b, strlen(cases[c].b), cases[c].a, strlen(cases[c].a));
        if (got != cases[c].same || back != got)
            fail_msg("case %zu: \"%s\" vs \"%s\"", c, cases[c].a, cases[c].b);
    }
}

/* Paths compare canonically though they need not exist: symlinks resolved
 * as far as the path exists, "." and ".." taken lexically after. */
static void test_path_canonical(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_csv_paths_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *periods = path_join(dir, "periods");
    assert_int_equal(mkdir(periods, 0700), 0);
    char *alias = path_join(dir, "alias");
    assert_int_equal(symlink(periods, alias), 0);
    char *real_dir = realpath(dir, NULL);
    char *want = path_join(real_dir, "periods/2017-11/x");
    char *via = path_join(dir, "alias/2017-11/./y/../x");
    char *got = path_canonical(via);
    assert_string_equal(got, want);
    char *c_periods = path_canonical(periods);
    assert_true(path_within(got, c_periods));
    assert_true(path_within(c_periods, c_periods));
    assert_false(path_within(c_periods, got));
    assert_false(path_within("/a/periodsX", "/a/periods"));
    assert_true(path_within("/a", "/"));
    char *up = path_join(dir, "nope/../periods");
    char *c_up = path_canonical(up);
    assert_string_equal(c_up, c_periods);
    unlink(alias);
    rmdir(periods);
    rmdir(dir);
    free(periods);
    free(alias);
    free(real_dir);
    free(want);
    free(via);
    free(got);
    free(c_periods);
    free(up);
    free(c_up);
}

/* ---- chunk boundaries (1 MiB reads) ------------------------------------------------ */

static const column_spec_t pad_cols[] = {
    {"id", COL_ID, COL_REQUIRED, NULL},
    {"name", COL_TEXT, COL_OPTIONAL, NULL},
};
static const file_spec_t pad_spec = {"pad.csv", pad_cols, 2};

/* A buffer in which `before` bytes of tail still fall in the first 1 MiB
 * read: header, then a record "P,<x_pad>,<tail_head><tail...>" padded so
 * that tail starts at offset CHUNK - before. */
static char *straddle(const char *tail_head, size_t before, const char *tail, size_t tail_len,
                      size_t *len)
{
    char *buf = malloc(CHUNK + tail_len + 64);
    size_t n = (size_t)sprintf(buf, "id,x_pad,name\nP,");
    size_t head_len = strlen(tail_head);
    size_t pad = CHUNK - before - n - 1 - head_len;
    memset(buf + n, '.', pad);
    n += pad;
    buf[n++] = ',';
    memcpy(buf + n, tail_head, head_len);
    n += head_len;
    assert_int_equal(n, CHUNK - before);
    memcpy(buf + n, tail, tail_len);
    *len = n + tail_len;
    return buf;
}

/* Read the same bytes from memory and from a file; both must agree. */
static result_t read_both(sink_t *k, const char *buf, size_t len)
{
    result_t r = read_bytes(&pad_spec, k, buf, len);
    char path[64];
    temp_file(path, buf, len);
    sink_t k2;
    memset(&k2, 0, sizeof(k2));
    k2.nul_terminated = true;
    result_t r2;
    r2.status = csv_read_file(path, "t.csv", &pad_spec, &sink_cb, &k2, &r2.stats, &r2.err);
    unlink(path);
    assert_int_equal(r.status, r2.status);
    assert_string_equal(k->log, k2.log);
    assert_string_equal(r.err.message, r2.err.message);
    assert_string_equal(r.stats.sha256, r2.stats.sha256);
    return r;
}

/* CRLF split across two reads ends one line, not two. */
static void test_crlf_across_chunks(void **state)
{
    (void)state;
    size_t len;
    const char tail[] = "\r\nA,,x\r\n\r\nB,,y\r\n";
    char *buf = straddle("n", 1, tail, sizeof(tail) - 1, &len);
    assert_int_equal(buf[CHUNK - 1], '\r');
    sink_t k;
    result_t r = read_both(&k, buf, len);
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:P|n\n3:A|x\n5:B|y\n");
    free(buf);
}

/* A quoted CRLF split across reads stays in the field. */
static void test_quoted_newline_across_chunks(void **state)
{
    (void)state;
    size_t len;
    const char tail[] = "\r\nb\"\nA,,x\n";
    char *buf = straddle("\"a", 1, tail, sizeof(tail) - 1, &len);
    sink_t k;
    result_t r = read_both(&k, buf, len);
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:P|a\r\nb\n4:A|x\n");
    free(buf);
}

/* Multi-byte characters split across reads are valid; broken ones are not. */
static void test_utf8_across_chunks(void **state)
{
    (void)state;
    size_t len;
    sink_t k;
    const char ok2[] = "\xA9\nA,,x\n";
    char *buf = straddle("caf\xC3", 0, ok2, sizeof(ok2) - 1, &len);
    assert_int_equal((unsigned char)buf[CHUNK - 1], 0xC3);
    result_t r = read_both(&k, buf, len);
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:P|caf\xC3\xA9\n3:A|x\n");
    free(buf);

    const char ok4[] = "\x84\x9E\n";
    buf = straddle("\xF0\x9D", 0, ok4, sizeof(ok4) - 1, &len);
    r = read_both(&k, buf, len);
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:P|\xF0\x9D\x84\x9E\n");
    free(buf);

    const char bad[] = "X\n";
    buf = straddle("\xE2\x82", 0, bad, sizeof(bad) - 1, &len);
    r = read_both(&k, buf, len);
    char want[128];
    snprintf(want, sizeof(want), "t.csv:2: invalid UTF-8 at byte %zu (column 3)", CHUNK - 2);
    assert_file_error(&r, CSV_BAD_UTF8, 2, want);
    free(buf);
}

/* Blank lines at a read boundary are skipped and counted. */
static void test_blank_lines_across_chunks(void **state)
{
    (void)state;
    size_t len;
    const char tail[] = "\r\n\r\n\rA,,x\n";
    char *buf = straddle("n\n", 1, tail, sizeof(tail) - 1, &len);
    assert_int_equal(buf[CHUNK - 1], '\r');
    sink_t k;
    result_t r = read_both(&k, buf, len);
    assert_int_equal(r.status, CSV_OK);
    assert_string_equal(k.log, "2:P|n\n6:A|x\n");
    free(buf);
}

/* Line numbers stay exact over many records. */
static void test_many_records(void **state)
{
    (void)state;
    size_t n = 200000, len = 0;
    char *buf = malloc(n * 16 + 16);
    len += (size_t)sprintf(buf, "id,name\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(buf + len, i % 3 ? "R%zu,x\n" : "R%zu,\"a\nb\"\r\n", i);
    len += (size_t)sprintf(buf + len, "last,\"\n");
    sink_t k;
    result_t r = read_bytes(&two, &k, buf, len);
    /* rows 0,3,6,... span two lines: 66667 of them */
    char want[64];
    snprintf(want, sizeof(want), "t.csv:%zu: unterminated quoted field (column 2)",
             2 + n + 66667);
    assert_file_error(&r, CSV_BAD_SYNTAX, (int32_t)(2 + n + 66667), want);
    assert_int_equal(k.rows, n);
    assert_true(k.log_full);
    free(buf);
}

/* ---- SHA-256 ---------------------------------------------------------------------- */

static void hash_hex(const void *data, size_t len, char hex[65])
{
    sha256_ctx_t h;
    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final_hex(&h, hex);
}

/* FIPS 180-4 example vectors, on both block functions. */
static void test_sha256_vectors(void **state)
{
    (void)state;
    static const char *const msg[] = {
        "", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
         "lmnopqrsmnopqrstnopqrstu"),
    };
    static const char *const want[] = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    };
    for (int portable = 0; portable < 2; portable++) {
        sha256_force_portable(portable);
        for (int i = 0; i < 4; i++) {
            char hex[65];
            hash_hex(msg[i], strlen(msg[i]), hex);
            assert_string_equal(hex, want[i]);
        }
    }
    sha256_force_portable(false);
}

/* A million 'a', fed in uneven pieces, on both block functions. */
static void test_sha256_million_a(void **state)
{
    (void)state;
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    for (int portable = 0; portable < 2; portable++) {
        sha256_force_portable(portable);
        sha256_ctx_t h;
        char hex[65];
        sha256_init(&h);
        for (size_t off = 0, step = 1; off < 1000000; off += step, step = step * 7 % 1000 + 1)
            sha256_update(&h, a + off, off + step > 1000000 ? 1000000 - off : step);
        sha256_final_hex(&h, hex);
        assert_string_equal(hex,
                            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    sha256_force_portable(false);
    free(a);
}

/* Padding edges (55, 56, 63, 64, 65 bytes): both block functions agree. */
static void test_sha256_padding_edges(void **state)
{
    (void)state;
    unsigned char data[200];
    for (int i = 0; i < 200; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 0; len < 200; len++) {
        char fast[65], slow[65];
        sha256_force_portable(false);
        hash_hex(data, len, fast);
        sha256_force_portable(true);
        hash_hex(data, len, slow);
        assert_string_equal(fast, slow);
    }
    sha256_force_portable(false);
    char hex[65];
    hash_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnop", 55, hex);
    assert_string_equal(hex, "aa353e009edbaebfc6e494c8d847696896cb8b398e0173a4b5c1b636292d87c7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4180_quoting),
        cmocka_unit_test(test_escaped_quotes),
        cmocka_unit_test(test_embedded_commas),
        cmocka_unit_test(test_embedded_lf),
        cmocka_unit_test(test_embedded_crlf),
        cmocka_unit_test(test_quoted_newline_first),
        cmocka_unit_test(test_empty_vs_missing_fields),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_field_count_before_values),
        cmocka_unit_test(test_bom_dropped),
        cmocka_unit_test(test_bom_only_at_start),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_cr_only),
        cmocka_unit_test(test_mixed_line_endings),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_blank_lines_before_header),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_unterminated_quote_header),
        cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_text_after_quote),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_nul_in_quoted_field),
        cmocka_unit_test(test_mojibake_latin1),
        cmocka_unit_test(test_mojibake_cp1252),
        cmocka_unit_test(test_utf8_offset_counts_bom),
        cmocka_unit_test(test_utf8_in_quoted_field),
        cmocka_unit_test(test_utf8_in_header),
        cmocka_unit_test(test_utf8_truncated_at_eof),
        cmocka_unit_test(test_utf8_strict),
        cmocka_unit_test(test_text_xml_chars),
        cmocka_unit_test(test_long_field),
        cmocka_unit_test(test_record_too_long),
        cmocka_unit_test(test_duplicate_column),
        cmocka_unit_test(test_missing_column),
        cmocka_unit_test(test_absent_ok_column),
        cmocka_unit_test(test_unknown_column),
        cmocka_unit_test(test_unknown_column_long_name),
        cmocka_unit_test(test_x_columns),
        cmocka_unit_test(test_columns_any_order),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_blank_values),
        cmocka_unit_test(test_no_trimming),
        cmocka_unit_test(test_first_failing_column_in_spec_order),
        cmocka_unit_test(test_id_values),
        cmocka_unit_test(test_text_values),
        cmocka_unit_test(test_date_values),
        cmocka_unit_test(test_period_values),
        cmocka_unit_test(test_money_values),
        cmocka_unit_test(test_enum_values),
        cmocka_unit_test(test_currency_values),
        cmocka_unit_test(test_int_values),
        cmocka_unit_test(test_rate_values),
        cmocka_unit_test(test_multiple_values),
        cmocka_unit_test(test_bounded_counts),
        cmocka_unit_test(test_typed_row),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_same_person),
        cmocka_unit_test(test_path_canonical),
        cmocka_unit_test(test_crlf_across_chunks),
        cmocka_unit_test(test_quoted_newline_across_chunks),
        cmocka_unit_test(test_utf8_across_chunks),
        cmocka_unit_test(test_blank_lines_across_chunks),
        cmocka_unit_test(test_many_records),
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_million_a),
        cmocka_unit_test(test_sha256_padding_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
