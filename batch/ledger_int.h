/*
 * ledger_int.h — what the parts of the ledger (batch/ledger*.c) share: the
 * handle, the schema and the SQLite statement helpers. Not for use outside
 * batch/ledger*.c (ledger.h is the ledger's interface).
 */
#ifndef COMMISSIONS_LEDGER_INT_H
#define COMMISSIONS_LEDGER_INT_H

#include <sqlite3.h>

#include "ledger.h"

struct ledger {
    sqlite3 *db;
    sqlite3_stmt *complete; /* ledger_complete_order, prepared once */
    sqlite3_stmt *party;    /* ledger_order_party, prepared once */
};

/* ledger_schema.c: every table of a new ledger (LEDGER_SCHEMA_VERSION). */
extern const char *const schema_sql;

cm_status db_fail(ledger_t *l, cm_error_t *err, const char *what);
sqlite3_stmt *prep(ledger_t *l, const char *sql);
void bind_text(sqlite3_stmt *st, int i, const char *s);
void bind_copy(sqlite3_stmt *st, int i, const char *s);
void bind_period(sqlite3_stmt *st, int i, period_t p);
void bind_date(sqlite3_stmt *st, int i, date_t d);
void bind_blob(sqlite3_stmt *st, int i, const void *v, size_t n);
const char *col_str(month_t *m, sqlite3_stmt *st, int i);
period_t col_period(sqlite3_stmt *st, int i);
date_t col_date(sqlite3_stmt *st, int i);
int32_t agreement_index(const month_t *m, sqlite3_stmt *st, int i);
cm_status each_row(ledger_t *l, month_t *m, const char *sql,
                   void (*row)(month_t *, sqlite3_stmt *), cm_error_t *err);
cm_status each_agreement_row(ledger_t *l, month_t *m, const char *sql,
                             void (*row)(month_t *, sqlite3_stmt *), cm_error_t *err);
bool query_counts(ledger_t *l, const char *sql, period_t p, int64_t *out, int n);

#endif
