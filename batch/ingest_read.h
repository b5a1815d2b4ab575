/*
 * ingest_read.h — what the ingest_*.c files share (not for other modules):
 * the reader of one file, its rejects and the readers of each kind of file.
 */
#ifndef COMMISSIONS_INGEST_READ_H
#define COMMISSIONS_INGEST_READ_H

#include <string.h>

#include "csvio.h"
#include "ingest.h"

typedef struct reader {
    arena_t *arena;
    const char *display;  /* dataset-relative path, arena-owned */
    VEC(reject_t) * rejects; /* NULL: a reject is a file error (book) */
    cm_error_t *err;
    bool failed;
    void *target;         /* file-specific state */
    month_t *month;
    strmap_t seen;        /* ids seen in this file */
    int64_t rows, rejected;
    money_t gross;        /* sum of |amount| of the file's rows so far (revenue.csv) */
    ledger_t *ledger;     /* makes stubs of earlier orders whole (NULL: none) */
    VEC(int32_t) originals; /* orders.csv: stubs named as originals, made whole after it */
} reader_t;

typedef VEC(reject_t) reject_list_t;

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
static inline period_t opt_period(const csv_value_t *v) { return v->len ? (period_t)v->i : PERIOD_NONE; }

void reject(reader_t *r, int32_t line, const char *column, rule_code reason);
bool on_reject(void *ctx, int32_t line, const char *column, rule_code reason);
bool first_in_file(reader_t *r, const csv_value_t *id, int32_t line, const char *column);
bool total_overflow(reader_t *r, int32_t line, const char *column, const char *what);
cm_status read_file(reader_t *r, const char *dir, const char *rel, const file_spec_t *spec,
                    bool (*on_row)(void *, const csv_value_t *, int32_t), bool optional,
                    input_list_t *inputs, prefetch_t *ahead);
cm_status check_folder_names(const char *dir, const char *rel, const char *const *known,
                             cm_error_t *err);
void revenue_ahead(void *ctx, const csv_value_t *v);
void revenue_near(void *ctx, const csv_value_t *v);
bool revenue_row(void *ctx, const csv_value_t *v, int32_t line);
void settle_revenue(reader_t *r);
void reserve_revenue(month_t *m, const char *dir, const char *rel);
cm_status read_restatements(const dataset_t *ds, month_t *m, ledger_t *ledger,
                            input_list_t *inputs, prefetch_t *ahead, cm_error_t *err);
prefetch_t *restate_prefetch(const dataset_t *ds, period_t q);

#endif
