/*
 * results_rows.c — the bytes of one row of each result file
 * (results_rows.h). Money has exactly 2 decimals, rates are the shortest
 * exact decimal, codes are the spec's names.
 */
#include "results_rows.h"

#include "lines.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(DATE_BUF <= MONEY_BUF, "a date fits a cellbuf cell");

#define HEADER(name, ...)                                                                     \
    static const char *const name##_names[] = {__VA_ARGS__};                                   \
    const rows_header_t name = {name##_names, sizeof(name##_names) / sizeof(name##_names[0])}

HEADER(rows_attribution_header, "order_id", "status", "agreement_id", "rule");
HEADER(rows_revenue_header, "revenue_id", "status", "agreement_id", "rule");
HEADER(rows_lines_header, "agreement_id", "kind", "source_id", "basis", "rate", "amount", "note");
HEADER(rows_commitments_header, "commitment_id", "agreement_id", "retired_period",
       "retired_to_date", "remaining", "percent", "status");
HEADER(rows_tiers_header, "agreement_id", "program", "tier", "basis_value", "next_tier", "rule");
HEADER(rows_points_header, "activity_id", "agreement_id", "status", "points", "points_to_date",
       "rule");
HEADER(rows_payables_header, "agreement_id", "carried_in", "earned", "balance", "paid",
       "carried_out", "status", "due_date");
HEADER(rows_rejects_header, "file", "line", "column", "reason");
HEADER(rows_control_header, "name", "value");
HEADER(rows_payments_header, "payment_id", "partner_id", "agreement_id", "currency", "amount",
       "due_date");

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

void rows_write(FILE *f, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        results_csv_field(f, cells[i]);
    }
    fputc('\n', f);
}

const char *rows_agreement_id(const month_t *m, int32_t a)
{
    return a >= 0 ? m->master->agreements.v[a].id : "";
}

/* A line's note: the rule code, or the code with its number. */
static const char *note_text(rule_code note, int32_t months, char *buf, size_t len)
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

/* ---- the big files ----------------------------------------------------------- */

char *rows_decision(char *p, const month_t *m, const char *id, status_t status, int32_t agreement,
                    rule_code rule)
{
    p = rows_put_comma(p, id);
    p = rows_put_comma(p, status_names[status]);
    p = rows_put_comma(p, rows_agreement_id(m, agreement));
    return rows_put(p, rule_name(rule));
}

char *rows_residual(char *p, const month_t *m, const revenue_t *rv, const char *id,
                    char (*rates)[MONEY_BUF])
{
    p = rows_put_comma(p, rows_agreement_id(m, rv->agreement));
    p = rows_put_comma(p, line_kind_names[LINE_RESIDUAL]);
    p = rows_put_comma(p, id);
    line_t l = lines_residual_of(m, rv);
    p = money_put(l.basis, p);
    *p++ = ',';
    p = rows_put_comma(p, l.rate_row >= 0 ? rates[l.rate_row] : "0");
    p = money_put(l.amount, p);
    *p++ = ',';
    return rows_put(p, rule_name(l.note));
}

void rows_line_cells(const month_t *m, size_t line, const char **row, cellbuf_t *c, char *note,
                     size_t nlen)
{
    const line_t *l = &m->lines.v[line];
    row[0] = rows_agreement_id(m, l->agreement);
    row[1] = line_kind_names[l->kind];
    row[2] = l->source_id;
    row[3] = l->has_basis ? money_format(l->basis, c->b[0]) : "";
    row[4] = l->rate_scale ? decimal_format(l->rate, l->rate_scale, c->b[1]) : "";
    row[5] = money_format(l->amount, c->b[2]);
    row[6] = note_text(l->note, l->note_months, note, nlen);
}

/* ---- the small files ---------------------------------------------------------- */

void rows_commitment_cells(const month_t *m, size_t i, const char **row, cellbuf_t *c)
{
    const commitment_result_t *r = &m->commitments.v[i];
    const commitment_t *cm = &m->master->commitments.v[r->commitment];
    row[0] = cm->id;
    row[1] = rows_agreement_id(m, cm->agreement);
    row[2] = money_format(r->retired_period, c->b[0]);
    row[3] = money_format(r->retired_to_date, c->b[1]);
    row[4] = money_format(r->remaining, c->b[2]);
    row[5] = money_format(r->percent_hundredths, c->b[3]);
    row[6] = rule_name(r->status);
}

/* A tier's basis: points as a count, revenue as money, "" with no program. */
static const char *basis_text(const month_t *m, const tier_state_t *t, char *buf)
{
    if (t->program < 0)
        return "";
    if (m->book->programs.v[t->program].basis == BASIS_POINTS) {
        snprintf(buf, MONEY_BUF, "%" PRId64, t->basis_value);
        return buf;
    }
    return money_format(t->basis_value, buf);
}

bool rows_tier_cells(const month_t *m, size_t a, const char **row, cellbuf_t *c)
{
    const agreement_t *ag = &m->master->agreements.v[a];
    if (!agreement_active_in(ag, m->period))
        return false;
    const tier_state_t *ts = &m->tiers[a];
    row[0] = ag->id;
    row[1] = ts->program >= 0 ? m->book->programs.v[ts->program].name : "";
    row[2] = ts->tier;
    row[3] = basis_text(m, ts, c->b[0]);
    row[4] = ts->reviewed ? ts->next_tier : "";
    row[5] = rule_name(ts->rule);
    return true;
}

void rows_point_cells(const month_t *m, size_t i, const char **row, cellbuf_t *c)
{
    const activity_t *a = &m->activities.v[i];
    snprintf(c->b[0], MONEY_BUF, "%" PRId64, a->points);
    snprintf(c->b[1], MONEY_BUF, "%" PRId64, a->points_to_date);
    row[0] = a->id;
    row[1] = rows_agreement_id(m, a->agreement);
    row[2] = status_names[a->status];
    row[3] = c->b[0];
    row[4] = c->b[1];
    row[5] = rule_name(a->rule);
}

bool rows_payable_cells(const month_t *m, size_t a, const char **row, cellbuf_t *c)
{
    const payable_t *p = &m->payables[a];
    if (!p->present)
        return false;
    row[0] = m->master->agreements.v[a].id;
    row[1] = money_format(p->carried_in, c->b[0]);
    row[2] = money_format(p->earned, c->b[1]);
    row[3] = money_format(p->balance, c->b[2]);
    row[4] = money_format(p->paid, c->b[3]);
    row[5] = money_format(p->carried_out, c->b[4]);
    row[6] = rule_name(p->status);
    row[7] = date_format(p->due_date, c->b[5]);
    return true;
}

void rows_reject_cells(const month_t *m, size_t i, const char **row, cellbuf_t *c)
{
    const reject_t *r = &m->rejects.v[i];
    snprintf(c->b[0], MONEY_BUF, "%d", r->line);
    row[0] = r->file;
    row[1] = c->b[0];
    row[2] = r->column;
    row[3] = rule_name(r->reason);
}

void rows_control_cells(const control_row_t *r, const char **row, cellbuf_t *c)
{
    if (r->money)
        money_format(r->value, c->b[0]);
    else
        snprintf(c->b[0], MONEY_BUF, "%" PRId64, r->value);
    row[0] = r->name;
    row[1] = c->b[0];
}

const char *results_neutral(const char *s, char *buf, size_t len)
{
    if (!s || !strchr("=+-@\t", s[0]) || s[0] == '\0')
        return s;
    snprintf(buf, len, "'%s", s);
    return buf;
}

void rows_payment_cells(const payment_t *p, const char **row, cellbuf_t *c, char *ids,
                        size_t idlen)
{
    size_t idl = strlen(p->payment_id) + 2, pal = strlen(p->partner_id) + 2,
           agl = strlen(p->agreement_id) + 2;
    assert(idl + pal + agl <= idlen);
    (void)idlen;
    row[0] = results_neutral(p->payment_id, ids, idl);
    row[1] = results_neutral(p->partner_id, ids + idl, pal);
    row[2] = results_neutral(p->agreement_id, ids + idl + pal, agl);
    row[3] = p->currency;
    row[4] = money_format(p->amount, c->b[0]);
    row[5] = date_format(p->due_date, c->b[1]);
}
