/*
 * ingest_read.h — what the ingest_*.c files share, not for other modules:
 * the reader of one CSV file (reader_t), its rejects, and the readers of
 * each part of a dataset that another part calls.
 *
 * A reader reads one file through its on_row callback. Each callback counts
 * the row (rows), then either keeps it in its target or rejects it
 * (reader_reject) naming file, line and column; a reject where rejects is
 * NULL (the book) is a file error instead. So for every file read:
 * rows == kept + rejects naming the file.
 */
#ifndef COMMISSIONS_INGEST_READ_H
#define COMMISSIONS_INGEST_READ_H

#include <string.h>

#include "csvio.h"
#include "ingest.h"

typedef struct reader {
    arena_t *arena;
    const char *display;     /* dataset-relative path, arena-owned */
    VEC(reject_t) * rejects; /* NULL: a reject is a file error (book) */
    cm_error_t *err;
    bool failed;             /* err is set; the read stops */
    void *target;            /* file-specific state */
    month_t *month;
    strmap_t seen;           /* ids seen in this file */
    int64_t rows;            /* records seen: kept or rejected */
    money_t gross;           /* sum of |amount| of the file's rows so far (revenue.csv) */
    ledger_t *ledger;        /* makes stubs of earlier orders whole (NULL: none) */
    VEC(int32_t) originals;  /* orders.csv: stubs named as originals, made whole after it */
    const ingest_limits_t *limits; /* the dataset's, every field set (ingest_dataset) */
} reader_t;

typedef VEC(reject_t) reject_list_t;

/* The value as an arena string; NULL when blank. */
static inline const char *str(reader_t *r, const csv_value_t *v)
{
    return v->len ? arena_strndup(r->arena, v->s, v->len) : NULL;
}

static inline currency_t currency_of(const csv_value_t *v)
{
    currency_t c = {{0}};
    memcpy(c.code, v->s, v->len < 3 ? v->len : 3);
    return c;
}

static inline date_t opt_date(const csv_value_t *v) { return v->len ? (date_t)v->i : DATE_NONE; }
static inline period_t opt_period(const csv_value_t *v)
{
    return v->len ? (period_t)v->i : PERIOD_NONE;
}

/* ---- ingest_read.c ------------------------------------------------------- */

/* Reject the row at line for column (a spec column name, "" for the whole
 * row): appended to r->rejects, or a file error when that is NULL. */
void reader_reject(reader_t *r, int32_t line, const char *column, rule_code reason);
/* csvio's on_reject: a row failing its format checks, counted and rejected. */
bool reader_on_reject(void *ctx, int32_t line, const char *column, rule_code reason);
/* First occurrence of an id in this file? Otherwise rejects duplicate_id. */
bool reader_first_in_file(reader_t *r, const csv_value_t *id, int32_t line, const char *column);
/* A file error: a money total of the file would overflow at this row. false. */
bool reader_total_overflow(reader_t *r, int32_t line, const char *column, const char *what);
/* A file error when the file's n-th kept row (0-based) would be past max
 * (the format's limit, ingest_limits_t): false naming file:line:column. */
bool reader_room(reader_t *r, size_t n, size_t max, int32_t line, const char *column,
                 const char *what);
/* Read one file (dir/rel, or the prefetched ahead, consumed) through on_row;
 * its hash goes to inputs. A missing optional file is skipped. */
cm_status reader_read_file(reader_t *r, const char *dir, const char *rel, const file_spec_t *spec,
                           bool (*on_row)(void *, const csv_value_t *, int32_t), bool optional,
                           input_list_t *inputs, prefetch_t *ahead);
/* The names in folder rel against those it may hold (known, NULL-terminated):
 * a known name in the wrong case is a file error, another name a warning. */
cm_status ingest_check_names(const char *dir, const char *rel, const char *const *known,
                             cm_error_t *err);

/* ---- ingest_revenue.c: periods/P/revenue.csv ----------------------------- */

bool ingest_revenue_row(void *ctx, const csv_value_t *v, int32_t line);
/* After the whole file: duplicate_id and wrong_period rows leave m->revenue. */
void ingest_settle_revenue(reader_t *r);
void ingest_reserve_revenue(month_t *m, const char *dir, const char *rel);

/* ---- ingest_restate.c: periods/Q/restate/P/revenue.csv ------------------- */

cm_status ingest_restatements(const dataset_t *ds, month_t *m, ledger_t *ledger,
                              input_list_t *inputs, prefetch_t *ahead, cm_error_t *err);

/* ---- ingest_prefetch.c: read-ahead (prefetch.h thread) ------------------ */

/* The first corrected file of periods/Q/restate/ started on a thread;
 * NULL when there is none. ingest_restatements consumes it. */
prefetch_t *ingest_prefetch_restate(const dataset_t *ds, period_t q);

#endif
