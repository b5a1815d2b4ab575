/*
 * results_rows.h — the bytes of one row of each result file (internal to
 * reports/; results.c orders the rows and writes the files).
 *
 * The small files (commitments, tiers, points, payables, rejects, control,
 * payments) are tables of string cells: rows_*_cells fills a row's cells,
 * pointing into the month, into static names or into a cellbuf_t the caller
 * owns (valid until that cellbuf is reused); results.c sorts the rows and
 * writes each cell with results_csv_field (quoted when needed).
 *
 * The big files (revenue, attribution, lines: a row per revenue row or
 * order) are built straight into a buffer: their cells are ids, codes and
 * numbers, which never need quoting. rows_decision and rows_residual write
 * one such row at p, without its newline, and return its end; a row takes
 * at most ROWS_MAX bytes (ids are at most CSV_ID_MAX bytes, numbers
 * MONEY_BUF).
 */
#ifndef COMMISSIONS_RESULTS_ROWS_H
#define COMMISSIONS_RESULTS_ROWS_H

#include "results.h"

#define ROWS_MAX 1024

/* Room for the formatted numbers of one row. */
typedef struct cellbuf {
    char b[8][MONEY_BUF];
} cellbuf_t;

/* Each file's header row: the column names, and their count. */
typedef struct rows_header {
    const char *const *names;
    size_t n;
} rows_header_t;
extern const rows_header_t rows_attribution_header, rows_revenue_header, rows_lines_header,
    rows_commitments_header, rows_tiers_header, rows_points_header, rows_payables_header,
    rows_rejects_header, rows_control_header, rows_payments_header;

/* Copy s (an id, code or formatted number: never quoted) to p; its end. */
static inline char *rows_put(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

/* rows_put and a comma. */
static inline char *rows_put_comma(char *p, const char *s)
{
    p = rows_put(p, s);
    *p++ = ',';
    return p;
}

/* One CSV line of n cells, each through results_csv_field, and '\n'. */
void rows_write(FILE *f, const char *const *cells, size_t n);

/* The id of agreement a of m->master, "" for a < 0 (none). */
const char *rows_agreement_id(const month_t *m, int32_t a);

/* A decision row of revenue.csv or attribution.csv: id, status,
 * agreement_id, rule. */
char *rows_decision(char *p, const month_t *m, const char *id, status_t status, int32_t agreement,
                    rule_code rule);

/* A residual's lines.csv row: agreement_id, "residual", the revenue id,
 * basis (the billed amount), rate (rates[k]: the book's rates row k's
 * rate_pct formatted; "0" with no rates row), amount (residual_amount:
 * rounded half-even), note (why no rate applied, else blank). */
char *rows_residual(char *p, const month_t *m, const revenue_t *rv, const char *id,
                    char (*rates)[MONEY_BUF]);

/* The cells of another lines.csv row (line m->lines.v[line]): agreement_id,
 * kind, source_id, basis, rate, amount, note. note[0..nlen) holds a note
 * with a number (months_served=N, restates P). */
void rows_line_cells(const month_t *m, size_t line, const char **row, cellbuf_t *c, char *note,
                     size_t nlen);

/* commitments.csv: m->commitments.v[i]. */
void rows_commitment_cells(const month_t *m, size_t i, const char **row, cellbuf_t *c);
/* tiers.csv: agreement a; false (no row) when a is not active in P. */
bool rows_tier_cells(const month_t *m, size_t a, const char **row, cellbuf_t *c);
/* points.csv: m->activities.v[i]. */
void rows_point_cells(const month_t *m, size_t i, const char **row, cellbuf_t *c);
/* payables.csv: agreement a; false (no row) when it has no payable in P. */
bool rows_payable_cells(const month_t *m, size_t a, const char **row, cellbuf_t *c);
/* rejects.csv: m->rejects.v[i]. */
void rows_reject_cells(const month_t *m, size_t i, const char **row, cellbuf_t *c);
/* control.csv: name, and the value (money with 2 decimals, else a count). */
void rows_control_cells(const control_row_t *r, const char **row, cellbuf_t *c);
/* payments.csv: ids neutralised (results_neutral) into ids[0..idlen), which
 * must hold the three ids with an apostrophe and a NUL each. */
void rows_payment_cells(const payment_t *p, const char **row, cellbuf_t *c, char *ids,
                        size_t idlen);

#endif
