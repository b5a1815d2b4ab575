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

/* Write payments.csv and payments.control (count, total per currency,
 * SHA-256 of payments.csv computed by hash_file) into dir. 0 or -1. */
int results_write_payments(const month_t *m, const char *dir,
                           bool (*hash_file)(const char *path, char hex[65]), char *msg,
                           size_t msglen);

/* A CSV field as written: quoted when it holds a comma, quote, CR or LF. */
void results_csv_field(FILE *f, const char *s);

#endif
