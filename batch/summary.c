/*
 * summary.c — the summary lines of run, check and close on stdout.
 */
#include "job.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void paid_add(paid_totals_t *t, const char *code, money_t amount)
{
    size_t k = 0;
    while (k < t->n && strcmp(t->v[k].code, code) < 0)
        k++;
    if (k == t->n || strcmp(t->v[k].code, code) != 0) { /* insert at k: code order */
        paid_total_t z = {0};
        VEC_PUSH(*t, z);
        memmove(&t->v[k + 1], &t->v[k], (t->n - 1 - k) * sizeof(*t->v));
        memset(&t->v[k], 0, sizeof(*t->v));
        snprintf(t->v[k].code, sizeof(t->v[k].code), "%s", code);
    }
    if (__builtin_add_overflow(t->v[k].paid, amount, &t->v[k].paid))
        t->v[k].overflow = true;
    t->v[k].count++;
}

void paid_print(paid_totals_t *t)
{
    for (size_t k = 0; k < t->n; k++) {
        char buf[MONEY_BUF];
        if (t->v[k].overflow)
            printf("  paid %s: the total overflows 64-bit cents (%" PRId64 " agreement(s))\n",
                   t->v[k].code, t->v[k].count);
        else
            printf("  paid %s %s to %" PRId64 " agreement(s)\n", t->v[k].code,
                   money_format(t->v[k].paid, buf), t->v[k].count);
    }
    if (t->n == 0)
        printf("  paid nothing\n");
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

/* The run's (or check's) last lines (SPEC §7): rows, decisions, then per
 * currency what close will pay (check: what the run would pay) and what is
 * carried to a later period; never one sum across currencies. */
void print_summary(const job_t *j, const char *what)
{
    const control_t *c = &j->d.month.control;
    const master_t *ms = &j->d.ds.master;
    printf("%s %s: %" PRId64 " rows read; orders %" PRId64 " attributed, %" PRId64 " held, %" PRId64
           " rejected; revenue %" PRId64 " assigned, %" PRId64 " unassigned, %" PRId64 " held, %" PRId64
           " rejected; %zu input row(s) refused by format checks (rejects.csv)\n",
           what, j->pbuf, c->rows_read_total, c->orders_attributed, c->orders_held,
           c->orders_rejected, c->revenue_assigned, c->revenue_unassigned, c->revenue_held,
           c->revenue_rejected, j->d.month.rejects.n);
    paid_totals_t t = {0}, carried = {0};
    for (size_t a = 0; a < ms->agreements.n; a++) {
        const payable_t *p = &j->d.month.payables[a];
        if (p->present && p->status == RULE_PAID && p->paid != 0)
            paid_add(&t, ms->agreements.v[a].currency.code, p->paid);
        else if (p->present && p->carried_out != 0)
            paid_add(&carried, ms->agreements.v[a].currency.code, p->carried_out);
    }
    const char *verb = strcmp(what, "check") == 0 ? "a run would pay at close"
                                                 : "to pay at close";
    char buf[MONEY_BUF];
    for (size_t k = 0; k < t.n; k++)
        printf("  %s: %s %s to %" PRId64 " agreement(s)\n", verb, t.v[k].code,
               money_format(t.v[k].paid, buf), t.v[k].count);
    if (!t.n)
        printf("  %s: nothing\n", verb);
    for (size_t k = 0; k < carried.n; k++)
        printf("  carried to a later period: %s %s (%" PRId64 " agreement(s))\n",
               carried.v[k].code, money_format(carried.v[k].paid, buf), carried.v[k].count);
    free(t.v);
    free(carried.v);
}

