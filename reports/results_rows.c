/*
 * results_rows.c — the bytes of result rows (results_rows.h).
 */
#include "results_rows.h"

#include "lines.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void results_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* One CSV row of n cells. */
void write_row(FILE *f, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        results_csv_field(f, cells[i]);
    }
    fputc('\n', f);
}

/* ---- cell formatting --------------------------------------------------------- */

const char *agreement_id(const month_t *m, int32_t a)
{
    return a >= 0 ? m->master->agreements.v[a].id : "";
}

const char *note_text(rule_code note, int32_t months, char *buf, size_t len)
{
    if (note == RULE_MONTHS_SERVED) {
        snprintf(buf, len, "months_served=%d", months);
        return buf;
    }
    if (note == RULE_RESTATES) { /* §4.8: months holds the period restated */
        char p[PERIOD_BUF];
        snprintf(buf, len, "restates %s", period_format((period_t)months, p));
        return buf;
    }
    return rule_name(note);
}


/* A lines.csv row is a residual (revenue index r >= 0: residual_row) or
 * another line (m->lines index -(r + 1)): its cells. */
void line_cells(const month_t *m, int32_t ref, const char **row, cellbuf_t *c, char *note,
                       size_t nlen)
{
    const line_t *l = &m->lines.v[-(ref + 1)];
    row[0] = agreement_id(m, l->agreement);
    row[1] = line_kind_names[l->kind];
    row[2] = l->source_id;
    row[3] = l->has_basis ? money_format(l->basis, c->b[0]) : "";
    row[4] = l->rate_scale ? decimal_format(l->rate, l->rate_scale, c->b[1]) : "";
    row[5] = money_format(l->amount, c->b[2]);
    row[6] = note_text(l->note, l->note_months, note, nlen);
}

/* A residual's lines.csv row. rates[k]: rates row k's rate_pct formatted. */
char *residual_row(char *p, const month_t *m, const revenue_t *rv, const char *id,
                          char (*rates)[MONEY_BUF])
{
    p = put_comma(p, agreement_id(m, rv->agreement));
    p = put_comma(p, line_kind_names[LINE_RESIDUAL]);
    p = put_comma(p, id);
    p = money_put(rv->amount, p);
    *p++ = ',';
    int32_t rate = revenue_rate_row(m, rv);
    p = put_comma(p, rate >= 0 ? rates[rate] : "0");
    p = money_put(residual_amount(m->book, rv->amount, rate), p);
    *p++ = ',';
    return put(p, rule_name(rate >= 0 ? RULE_NONE : revenue_note(m, rv)));
}

const char *basis_text(const month_t *m, const tier_state_t *t, char *buf)
{
    if (t->program < 0)
        return "";
    if (m->book->programs.v[t->program].basis == BASIS_POINTS) {
        snprintf(buf, MONEY_BUF, "%" PRId64, t->basis_value);
        return buf;
    }
    return money_format(t->basis_value, buf);
}
