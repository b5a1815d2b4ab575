/*
 * results_rows.h — the bytes of one result row per file (internal to
 * reports/): cells formatted from the month, and rows built straight into
 * a buffer for the big files.
 */
#ifndef COMMISSIONS_RESULTS_ROWS_H
#define COMMISSIONS_RESULTS_ROWS_H

#include "results.h"

typedef struct cellbuf {
    char b[8][MONEY_BUF];
} cellbuf_t;

/* Copy s (an id, code or formatted number: never quoted) and a comma. */
static inline char *put(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static inline char *put_comma(char *p, const char *s)
{
    p = put(p, s);
    *p++ = ',';
    return p;
}

void write_row(FILE *f, const char *const *cells, size_t n);
void line_cells(const month_t *m, int32_t ref, const char **row, cellbuf_t *c, char *note,
                       size_t nlen);
char *residual_row(char *p, const month_t *m, const revenue_t *rv, const char *id,
                          char (*rates)[MONEY_BUF]);
const char *basis_text(const month_t *m, const tier_state_t *t, char *buf);
const char *agreement_id(const month_t *m, int32_t a);
const char *note_text(rule_code note, int32_t months, char *buf, size_t len);

#endif
