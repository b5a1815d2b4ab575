/*
 * results.h — the deterministic result CSVs of SPEC §6 (out/P/results/)
 * and the payment file written at close. Rows are sorted bytewise column by
 * column; money has exactly 2 decimals; rates are the shortest exact decimal.
 */
#ifndef COMMISSIONS_RESULTS_H
#define COMMISSIONS_RESULTS_H

#include <stddef.h>
#include <stdio.h>

#include "month.h"
#include "status.h"

/* Write attribution, revenue, lines, commitments, tiers, points, payables,
 * rejects and control CSVs into dir (which exists). In parts that can be
 * written at once on other threads: lines.csv and revenue.csv (a row per
 * revenue row each: the two big files), all the others, or everything.
 * EXIT_INTERNAL with "dir/file: reason" when a file cannot be written. */
typedef enum { RESULTS_ALL, RESULTS_LINES, RESULTS_REVENUE, RESULTS_OTHERS } results_part_t;
cm_status results_write_part(const month_t *m, const char *dir, results_part_t part,
                             cm_error_t *err);

/* The money of P per currency (SPEC §7: never added across currencies),
 * what control.csv and the workbook's Control sheet show. Revenue amounts
 * are in the row's own currency (kept rows by decision; rows refused after
 * their values were read, rejects with has_amount); lines, aggregates and
 * payables in their agreement's currency. */
enum { CT_IN, CT_ASSIGNED, CT_UNASSIGNED, CT_HELD, CT_REJECTED, CT_REJECTED_ROWS, CT_REVENUE };
typedef struct currency_totals {
    char code[4];
    bool has_revenue, has_payables;
    money_t revenue[CT_REVENUE];  /* amounts: in = the other five */
    int64_t revenue_rows[CT_REVENUE];
    money_t kinds[LINE_KIND_COUNT]; /* the agreements' aggregates by kind */
    money_t carried_in, earned, paid, carried_out;
    int64_t agreements, agreements_paid, agreements_carried, agreements_settled;
} currency_totals_t;
/* One entry per currency present, in code order; *n of them; the caller
 * frees the array. */
currency_totals_t *results_currency_totals(const month_t *m, size_t *n);

/* control.csv's rows (name, value), in file order (bytewise by name):
 * counts without a currency, money as NAME_CUR (revenue_amount_in_USD). */
typedef struct control_row {
    char name[64];
    int64_t value;
    bool money;
} control_row_t;
/* A malloc'd array of *n rows. */
control_row_t *results_control_rows(const month_t *m, size_t *n);

/* One payment of a closed period: what the ledger recorded, never
 * re-decided. Strings are borrowed. */
typedef struct payment {
    const char *payment_id, *partner_id, *agreement_id;
    char currency[4];
    money_t amount;
    date_t due_date;
} payment_t;
typedef VEC(payment_t) payment_list_t;

/* Write payments.csv (payments v[0..n)) and payments.control (count, total
 * per currency, the close's chain link, SHA-256 of payments.csv computed by
 * hash_file) into dir. Text cells starting with = + - @ or a tab are
 * neutralised (SPEC §6): written with a leading apostrophe, so a
 * spreadsheet shows the id as text and never evaluates it; payment_id in
 * the file is then the ledger's id behind that apostrophe. EXIT_INTERNAL
 * with a message naming the file when one cannot be written (or a
 * currency's total does not fit in cents). */
cm_status results_write_payments(const payment_t *v, size_t n, const char *chain_link,
                                 const char *dir, bool (*hash_file)(const char *path, char hex[65]),
                                 cm_error_t *err);

/* s as a CSV cell people open: a leading apostrophe when s starts with
 * = + - @ or a tab (SPEC §6); s itself otherwise. buf holds the copy. */
const char *results_neutral(const char *s, char *buf, size_t len);

/* A CSV field as written: quoted when it holds a comma, quote, CR or LF. */
void results_csv_field(FILE *f, const char *s);

#endif
