/*
 * csvio.h — schema-driven CSV reading on top of libcsv (SPEC §2).
 *
 * A file_spec_t declares a file's columns and their types (one table drives
 * header matching, validation and error messages). csv_read_file() streams
 * the file, matches the header by name, validates UTF-8 and every field, and
 * calls back once per record: on_row with typed values in spec column order,
 * or on_reject with the first failing column (spec order) and its reason.
 * It never drops a row silently. Not for: references between files (ingest.c).
 *
 *   static const column_spec_t cols[] = {
 *       {"partner_id", COL_ID, COL_REQUIRED, NULL},
 *       {"name", COL_TEXT, COL_REQUIRED, NULL},
 *   };
 *   static const file_spec_t spec = {"partners.csv", cols, 2};
 *   csv_error_t err;
 *   csv_stats_t st;
 *   if (csv_read_file(path, "master/partners.csv", &spec, &cb, ctx, &st, &err) != CSV_OK)
 *       fprintf(stderr, "%s\n", err.message);
 */
#ifndef COMMISSIONS_CSVIO_H
#define COMMISSIONS_CSVIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#include "codes.h"

typedef enum column_type {
    COL_ID,       /* 1-64 chars of A-Z a-z 0-9 . _ : / -     -> bad_id */
    COL_TEXT,     /* valid UTF-8, at most 256 bytes, XML-safe -> bad_text
                     (csv_valid_text) */
    COL_DATE,     /* YYYY-MM-DD real date; value.i = date_t   -> bad_date */
    COL_PERIOD,   /* YYYY-MM; value.i = period_t              -> bad_period */
    COL_MONEY,    /* -?D+(.D{1,2})?; value.i = cents          -> bad_money */
    COL_ENUM,     /* one of enum_values; value.i = its index  -> bad_enum */
    COL_CURRENCY, /* an ISO 4217 code (csv_valid_currency)    -> bad_currency */
    COL_INT,      /* D+ (no sign), fits int32; value.i        -> bad_int */
    COL_RATE,     /* D+(.D{1,4})?, 0..100; value.i scale 4    -> bad_money */
    COL_MULTIPLE, /* D+(.D{1,2})?, <= 1000; value.i scale 2    -> bad_money */
    /* Bounded counts (D+ like COL_INT, within the limits below): what the
     * rules add to dates, multiply or sum stays far inside its type. */
    COL_DAYS,     /* 0..CSV_DAYS_MAX days; value.i            -> bad_int */
    COL_MONTHS,   /* 0..CSV_MONTHS_MAX months; value.i        -> bad_int */
    COL_POINTS,   /* 0..CSV_POINTS_MAX points; value.i        -> bad_int */
} column_type;

/* Limits behind the types above (SPEC §2). */
#define CSV_ID_MAX 64                            /* bytes of a COL_ID */
#define CSV_TEXT_MAX 256                         /* bytes of a COL_TEXT */
#define CSV_RATE_MAX INT64_C(1000000)            /* COL_RATE: 100.0000 at scale 4 */
/* COL_MULTIPLE: 1000.00 at scale 2, so that an mrc (at most MONEY_INPUT_MAX,
 * 10^15 cents) times a multiple stays within 10^18 cents: a spiff fits int64. */
#define CSV_MULTIPLE_MAX INT64_C(100000)
/* COL_DAYS: ten years. The last day of a period up to 9989-12 plus this is
 * still a 4-digit-year date (payments' due_date). */
#define CSV_DAYS_MAX 3650
/* COL_MONTHS: fifty years (terms, windows). */
#define CSV_MONTHS_MAX 600
/* COL_POINTS: per activity and per threshold; 9.2 billion awards of the
 * largest would be needed to overflow a total. */
#define CSV_POINTS_MAX 1000000000
/* A record (all its fields, quotes included) longer than this is a file error
 * (CSV_BAD_SYNTAX): no valid record comes near it, and it is nearly always an
 * unterminated quote swallowing the rest of the file. Bounds memory. */
#define CSV_RECORD_MAX (1 << 20)

typedef enum column_presence {
    COL_REQUIRED, /* column must exist and the value must be non-blank (missing_value) */
    COL_OPTIONAL, /* column must exist, value may be blank */
    COL_ABSENT_OK /* column may be absent from the header; value may be blank */
} column_presence;

typedef struct column_spec {
    const char *name;
    column_type type;
    column_presence presence;
    const char *const *enum_values; /* NULL-terminated, for COL_ENUM */
} column_spec_t;

typedef struct file_spec {
    const char *name; /* "orders.csv" */
    const column_spec_t *cols;
    size_t ncols;
} file_spec_t;

/* A field's value. s/len are the raw (unquoted) text, valid only during the
 * callback; blank is len == 0. s is also NUL-terminated (a NUL byte in the
 * file is a file error, so s is a proper C string). i holds the typed value
 * described above; 0 for blank values and for COL_ID / COL_TEXT / COL_CURRENCY. */
typedef struct csv_value {
    const char *s;
    size_t len;
    int64_t i;
} csv_value_t;

typedef struct csv_callbacks {
    /* values[k] is column k of the spec; line is where the record starts
     * (header is line 1). Return false to stop reading (reported as CSV_ABORTED). */
    bool (*on_row)(void *ctx, const csv_value_t *values, int32_t line);
    /* column is the spec column name, or "" for wrong_field_count. */
    bool (*on_reject)(void *ctx, int32_t line, const char *column, rule_code reason);
    /* true: on_row gets each record with the right field count unchecked
     * (values' s and len set, i 0); the caller runs csv_check_record on it,
     * as prefetch.c does on the consuming thread. */
    bool raw;
} csv_callbacks_t;

/* Check a record's values in spec column order, as csv_read_file does before
 * on_row: sets each value's i; false with the first failing column's spec
 * name and the reason (§8.1). */
bool csv_check_record(const file_spec_t *spec, csv_value_t *values, const char **column,
                      rule_code *why);

typedef enum csv_status {
    CSV_OK = 0,
    CSV_MISSING_FILE, /* cannot open, or not a regular file (a FIFO, a directory:
                         never opened, never waited on) */
    CSV_BAD_HEADER,   /* missing/duplicate/unknown column, empty file */
    CSV_BAD_UTF8,     /* invalid UTF-8 (line and byte offset in message) */
    CSV_BAD_SYNTAX,   /* unterminated quote at end of file, NUL byte, a quote inside an
                         unquoted field or text after a closing quote (RFC 4180 strict),
                         a record over CSV_RECORD_MAX */
    CSV_IO_ERROR,
    CSV_ABORTED,      /* a callback returned false */
} csv_status;

/* The reader's own reason codes (like SQLite's result codes in the ledger):
 * ingest maps every one but CSV_OK to a cm_status at its boundary
 * (ingest_read.c), carrying the message over whole. */
typedef struct csv_error {
    csv_status status;
    int32_t line;
    char message[sizeof(((cm_error_t *)0)->message)]; /* "master/partners.csv:3: invalid
                                                          UTF-8 at byte 17"; as long as a
                                                          cm_error_t's, so never cut there */
} csv_error_t;

/* What a read saw: data records (header and blank lines excluded; rejected
 * records included), bytes, and the SHA-256 of the file's bytes as 64
 * lowercase hex chars ("" unless the status is CSV_OK). */
typedef struct csv_stats {
    int64_t records;
    int64_t bytes;
    char sha256[65];
} csv_stats_t;

/* Stream the file at `path`; `display` is the dataset-relative path used in
 * messages and rejects. path must name a regular file: symlinks are followed
 * (a dataset may link shared master data; the hash is of the bytes read),
 * and a FIFO, directory or device is CSV_MISSING_FILE, never opened or
 * waited on (open_regular). No message quotes the file's text beyond a
 * header name of a column name's form (A-Z a-z 0-9 _, at most 64).
 * Columns starting with "x_" are accepted and ignored.
 * A leading UTF-8 BOM is dropped; LF, CRLF and lone CR end lines; quoted
 * fields may hold commas, quotes ("") and newlines. Blank lines are skipped.
 * A record with a field count other than the header's is rejected
 * (wrong_field_count). Text is never trimmed.
 * Messages read "display:line: problem"; err->line is the physical line
 * (1-based) of the problem: where the record starts for header, record and
 * unterminated-quote errors, where the byte is for byte errors (invalid
 * UTF-8, NUL, stray quote), which also give its 0-based offset in the file
 * (a BOM counts) and its 1-based field number: "invalid UTF-8 at byte 123
 * (column 4)". Callbacks may already have run for earlier records when a
 * file error is found; callers discard everything on any status but CSV_OK.
 * Returns CSV_OK or the first file error, with err filled. */
csv_status csv_read_file(const char *path, const char *display, const file_spec_t *spec,
                         const csv_callbacks_t *cb, void *ctx, csv_stats_t *stats,
                         csv_error_t *err);

/* Same, over a buffer in memory (tests, fuzzing). */
csv_status csv_read_buffer(const char *data, size_t len, const char *display,
                           const file_spec_t *spec, const csv_callbacks_t *cb, void *ctx,
                           csv_stats_t *stats, csv_error_t *err);

/* SHA-256 of a file as 64 lowercase hex chars + NUL; false if unreadable. */
bool csv_sha256_file(const char *path, char out[65]);

/* Field validators, shared with the ledger and tests. csv_valid_utf8 is
 * strict (no overlong forms, no surrogates, nothing above U+10FFFF); on
 * failure *bad_offset (if not NULL) is the offset where the bad sequence starts. */
bool csv_valid_id(const char *s, size_t len);
/* A code of the compiled-in ISO 4217 table (csvio.c: the currencies of list
 * one, without fund codes, metals, units of account, XTS and XXX). */
bool csv_valid_currency(const char *s, size_t len);
/* Text that XML 1.0 (the workbooks) can carry and a person means: s is valid
 * UTF-8 (the caller checked) without C0 controls other than tab, LF and CR,
 * without DEL or the C1 controls U+0080-U+009F (mojibake of Windows-1252 text
 * in practice), and without noncharacters (U+FDD0-U+FDEF, U+FFFE, U+FFFF and
 * the last two of every plane). */
bool csv_valid_text(const char *s, size_t len);
bool csv_valid_utf8(const char *s, size_t len, size_t *bad_offset);

#endif
