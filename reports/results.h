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

/* Write attribution, revenue, lines, commitments, tiers, points, payables,
 * rejects and control CSVs into dir (which exists). 0 or -1 with msg. In
 * parts that can be written at once on other threads: lines.csv and
 * revenue.csv (a row per revenue row each: the two big files), all the
 * others, or everything. */
typedef enum { RESULTS_ALL, RESULTS_LINES, RESULTS_REVENUE, RESULTS_OTHERS } results_part_t;
int results_write_part(const month_t *m, const char *dir, results_part_t part, char *msg,
                       size_t msglen);

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
 * the file is then the ledger's id behind that apostrophe. 0 or -1 with msg. */
int results_write_payments(const payment_t *v, size_t n, const char *chain_link, const char *dir,
                           bool (*hash_file)(const char *path, char hex[65]), char *msg,
                           size_t msglen);

/* s as a CSV cell people open: a leading apostrophe when s starts with
 * = + - @ or a tab (SPEC §6); s itself otherwise. buf holds the copy. */
const char *results_neutral(const char *s, char *buf, size_t len);

/* A CSV field as written: quoted when it holds a comma, quote, CR or LF. */
void results_csv_field(FILE *f, const char *s);

#endif
