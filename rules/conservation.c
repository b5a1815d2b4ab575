/*
 * conservation.c — control-total reconciliation (SPEC §2 "the control
 * totals reconcile") recomputed from the decided rows, independent of the
 * counters filled while deciding.
 */
#include "conservation.h"
#include "lines.h"

#include <string.h>

/* Totals here are recomputed in 128 bits, so this audit cannot overflow
 * whatever it is given; a side beyond int64 prints as such. */
typedef __int128 wide_t;

/* Append s to msg (len bytes, kept NUL-terminated, cut when full): the
 * message is built without stdio (rules/ does no I/O). */
static void append(char *msg, size_t len, const char *s)
{
    size_t used = strnlen(msg, len), n = strlen(s);
    if (used + 1 >= len)
        return;
    if (n > len - used - 1)
        n = len - used - 1;
    memcpy(msg + used, s, n);
    msg[used + n] = '\0';
}

static const char *wide_text(wide_t v, char *buf)
{
    if (v < INT64_MIN || v > INT64_MAX)
        return "beyond-int64";
    return decimal_format((int64_t)v, 0, buf); /* scale 0: the integer */
}

static bool fail(char *msg, size_t len, const char *what, wide_t left, wide_t right)
{
    char l[MONEY_BUF], r[MONEY_BUF];
    if (len == 0)
        return false;
    msg[0] = '\0';
    append(msg, len, "conservation check failed: ");
    append(msg, len, what);
    append(msg, len, " (");
    append(msg, len, wide_text(left, l));
    append(msg, len, " != ");
    append(msg, len, wide_text(right, r));
    append(msg, len, ")");
    return false;
}

bool conservation_check(const month_t *m, char *msg, size_t len)
{
    const control_t *c = &m->control;
    int64_t orders_out = c->orders_attributed + c->orders_held + c->orders_rejected +
                         c->orders_rejected_rows + c->orders_duplicate_ignored +
                         c->orders_install_update;
    if (c->orders_read != orders_out)
        return fail(msg, len, "orders read = attributed + held + rejected + rejected rows + "
                    "duplicates ignored + install updates", c->orders_read, orders_out);
    int64_t rev_out = c->revenue_assigned + c->revenue_unassigned + c->revenue_held +
                      c->revenue_rejected + c->revenue_rejected_rows;
    if (c->revenue_read != rev_out)
        return fail(msg, len, "revenue rows read = assigned + unassigned + held + rejected + "
                    "rejected rows", c->revenue_read, rev_out);
    wide_t amt_out = (wide_t)c->revenue_amount_assigned + c->revenue_amount_unassigned +
                      c->revenue_amount_held + c->revenue_amount_rejected +
                      c->revenue_amount_rejected_rows;
    if (c->revenue_amount_in != amt_out)
        return fail(msg, len, "revenue amount in = assigned + unassigned + held + rejected",
                    c->revenue_amount_in, amt_out);

    /* lines -> per-agreement aggregates, recomputed from the rows */
    wide_t lines_total[LINE_KIND_COUNT] = {0}, agg_total[LINE_KIND_COUNT] = {0};
    wide_t assigned = 0;
    for (size_t i = 0; i < m->revenue.n; i++)
        if (m->revenue.v[i].status == STATUS_ASSIGNED) {
            lines_total[LINE_RESIDUAL] += revenue_commission(m, &m->revenue.v[i]);
            assigned += m->revenue.v[i].amount;
        }
    if (assigned != c->revenue_amount_assigned)
        return fail(msg, len, "assigned revenue rows = control total", assigned,
                    c->revenue_amount_assigned);
    for (size_t i = 0; i < m->lines.n; i++)
        lines_total[m->lines.v[i].kind] += m->lines.v[i].amount;
    wide_t carried_in = 0, earned = 0, paid = 0, carried_out = 0;
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            agg_total[k] += m->current[a].by_kind[k];
        const payable_t *p = &m->payables[a];
        if (!p->present) {
            if (m->carried_in[a] != 0 || m->current[a].cash_lines != 0)
                return fail(msg, len, "agreement with money has a payables row", 0, 1);
            continue;
        }
        carried_in += p->carried_in;
        earned += p->earned;
        paid += p->paid;
        carried_out += p->carried_out;
        if (p->balance != (wide_t)p->carried_in + p->earned ||
            p->balance != (wide_t)p->paid + p->carried_out)
            return fail(msg, len, "balance = carried in + earned = paid + carried out",
                        p->balance, (wide_t)p->paid + p->carried_out);
    }
    for (int k = 0; k < LINE_KIND_COUNT; k++)
        if (lines_total[k] != agg_total[k])
            return fail(msg, len, line_kind_names[k], lines_total[k], agg_total[k]);
    wide_t cash = lines_total[LINE_RESIDUAL] + lines_total[LINE_SPIFF] +
                   lines_total[LINE_CHARGEBACK] + lines_total[LINE_ADJUSTMENT] +
                   lines_total[LINE_RESTATEMENT];
    if (cash != earned)
        return fail(msg, len, "cash lines = earned", cash, earned);
    /* §4.8: the restatement lines = per corrected file, its residuals over
     * every agreement - those last stated */
    wide_t restated = 0;
    for (size_t i = 0; i < m->restate_files.n; i++)
        restated += (wide_t)m->restate_files.v[i].residual - m->restate_files.v[i].residual_before;
    if (restated != lines_total[LINE_RESTATEMENT])
        return fail(msg, len, "restatement lines = corrected residuals - as last stated", restated,
                    lines_total[LINE_RESTATEMENT]);
    if (carried_in + earned != paid + carried_out)
        return fail(msg, len, "carried in + earned = paid + carried out", carried_in + earned,
                    paid + carried_out);
    return true;
}
