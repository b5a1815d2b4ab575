/*
 * whatif.c — `commissions whatif` (whatif.h).
 *
 * The alternative month is decided by the same entry point as a run
 * (run_decide_readonly -> job_decide, decide_job.h) from the same state
 * before P, so its results are those a run of P with that book would write. The actual side
 * is what P's run recorded in the ledger (payables, tiers, agreement
 * aggregates of P), never a second decision: a what-if costs one decide.
 * The ledger is opened read-only; outputs are built in a temporary folder
 * beside the target and renamed into place.
 */
#include "whatif.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "results.h"
#include "whatif_book.h"

typedef VEC(wi_row_t) wi_rows_t;

static int by_agreement(const void *x, const void *y)
{
    return strcmp(((const wi_row_t *)x)->agreement_id, ((const wi_row_t *)y)->agreement_id);
}

/* The row of agreement id in rows [0, sorted) (sorted by id), or a new one
 * appended after them. */
static wi_row_t *row_for(wi_rows_t *rows, size_t sorted, const char *id, arena_t *arena)
{
    wi_row_t key = {.agreement_id = id};
    wi_row_t *r = bsearch(&key, rows->v, sorted, sizeof(wi_row_t), by_agreement);
    if (r)
        return r;
    for (size_t i = sorted; i < rows->n; i++)
        if (strcmp(rows->v[i].agreement_id, id) == 0)
            return &rows->v[i];
    wi_row_t n = {.agreement_id = arena_strndup(arena, id, strlen(id))};
    VEC_PUSH(*rows, n);
    return &rows->v[rows->n - 1];
}

static const char *dup_col(arena_t *arena, sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s && *s ? arena_strndup(arena, s, strlen(s)) : NULL;
}

/* The actual side: P's rows in the ledger. */
static cm_status load_actual(ledger_t *l, period_t p, wi_rows_t *rows, size_t sorted,
                             arena_t *arena, cm_error_t *err)
{
    static const char *const sql[] = {
        "SELECT agreement_id, partner_id, currency, earned, paid, carried_out, status"
        " FROM payables WHERE period = ?1",
        "SELECT agreement_id, tier, next_tier FROM tiers WHERE period = ?1",
        "SELECT agreement_id, residual, spiff, chargeback, adjustment, credit"
        " FROM agreement_periods WHERE period = ?1",
        "SELECT agreement_id, sum(amount) FROM restated WHERE period = ?1 GROUP BY agreement_id"};
    char pbuf[PERIOD_BUF];
    period_format(p, pbuf);
    for (int q = 0; q < 4; q++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(ledger_db(l), sql[q], -1, &st, NULL) != SQLITE_OK)
            return cm_fail(err, EXIT_INTERNAL, "ledger: %s", sqlite3_errmsg(ledger_db(l)));
        sqlite3_bind_text(st, 1, pbuf, -1, SQLITE_TRANSIENT);
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            wi_row_t *r = row_for(rows, sorted, id ? id : "", arena);
            wi_side_t *a = &r->actual;
            if (q == 0) {
                a->present = true;
                if (!r->partner_id)
                    r->partner_id = dup_col(arena, st, 1);
                if (!r->currency)
                    r->currency = dup_col(arena, st, 2);
                a->earned = sqlite3_column_int64(st, 3);
                a->paid = sqlite3_column_int64(st, 4);
                a->carried_out = sqlite3_column_int64(st, 5);
                a->status = dup_col(arena, st, 6);
            } else if (q == 1) {
                a->present = true;
                a->tier = dup_col(arena, st, 1);
                a->next = dup_col(arena, st, 2);
            } else if (q == 2) {
                for (int k = 0; k < LINE_KINDS_STORED; k++)
                    a->by_kind[k] = sqlite3_column_int64(st, 1 + k);
            } else {
                a->by_kind[LINE_RESTATEMENT] = sqlite3_column_int64(st, 1);
            }
        }
        sqlite3_finalize(st);
        if (s != SQLITE_DONE)
            return cm_fail(err, EXIT_INTERNAL, "ledger: %s", sqlite3_errmsg(ledger_db(l)));
    }
    return EXIT_DONE;
}

/* The what-if side: every agreement the decided month has a payables or
 * tiers row for (what its results list). */
static void load_whatif(const month_t *m, wi_rows_t *rows)
{
    const master_t *ms = m->master;
    for (size_t a = 0; a < ms->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        const tier_state_t *t = &m->tiers[a];
        if (!p->present && !t->tier && t->program < 0)
            continue;
        const agreement_t *ag = &ms->agreements.v[a];
        wi_row_t r = {.agreement_id = ag->id, .partner_id = ms->partners.v[ag->partner].id,
                      .currency = ag->currency.code};
        r.whatif = (wi_side_t){.present = true, .tier = t->tier, .next = t->next_tier,
                               .status = p->present ? rule_name(p->status) : NULL,
                               .earned = p->earned, .paid = p->paid,
                               .carried_out = p->carried_out};
        memcpy(r.whatif.by_kind, m->current[a].by_kind, sizeof(r.whatif.by_kind));
        VEC_PUSH(*rows, r);
    }
}

/* Build everything in tmp, then swap it in for final. */
static cm_status write_into(const char *tmp, const month_t *m, const wi_table_t *t,
                            cm_error_t *err)
{
    char *results = path_join(tmp, "results");
    cm_status rc = EXIT_DONE;
    if (!mkdir_p(results))
        rc = cm_fail(err, EXIT_INTERNAL, "%s: %s", results, strerror(errno));
    else
        rc = results_write_part(m, results, RESULTS_ALL, err);
    free(results);
    char *csv = path_join(tmp, "comparison.csv"), *xlsx = path_join(tmp, "whatif.xlsx");
    if (rc == EXIT_DONE)
        rc = wi_write_csv(t, csv, err);
    if (rc == EXIT_DONE)
        rc = wi_write_book(t, xlsx, err);
    free(csv);
    free(xlsx);
    return rc;
}

static cm_status publish_whatif(const char *final, const month_t *m, const wi_table_t *t,
                                cm_error_t *err)
{
    char *slash = strrchr(final, '/');
    char *parent = slash ? strndup(final, (size_t)(slash - final)) : strdup(".");
    if (!parent)
        abort();
    if (!*parent) {
        free(parent);
        parent = strdup("/");
    }
    char pbuf[PERIOD_BUF], name[96];
    period_format(m->period, pbuf);
    cm_status rc = EXIT_DONE;
    if (!mkdir_p(parent))
        rc = cm_fail(err, EXIT_INTERNAL, "%s: %s", parent, strerror(errno));
    snprintf(name, sizeof(name), ".tmp-whatif-%s-%ld", pbuf, (long)getpid());
    char *tmp = path_join(parent, name);
    snprintf(name, sizeof(name), ".old-whatif-%s-%ld", pbuf, (long)getpid());
    char *old = path_join(parent, name);
    if (rc == EXIT_DONE) {
        remove_tree(tmp);
        if (!mkdir_p(tmp))
            rc = cm_fail(err, EXIT_INTERNAL, "%s: %s", tmp, strerror(errno));
        else
            cleanup_dir_set(tmp);
    }
    if (rc == EXIT_DONE)
        rc = write_into(tmp, m, t, err);
    if (rc == EXIT_DONE)
        rc = dir_swap(tmp, final, old, parent, err);
    if (rc != EXIT_DONE) {
        remove_tree(tmp);
        cleanup_dir_set(NULL);
    }
    free(tmp);
    free(old);
    free(parent);
    return rc;
}

/* Per currency: paid actual and what-if, on stdout. */
static void print_summary(const wi_table_t *t, const char *final)
{
    char pbuf[PERIOD_BUF], a[MONEY_BUF], w[MONEY_BUF];
    size_t changed = 0;
    for (size_t i = 0; i < t->n; i++)
        changed += wi_changes(&t->v[i]);
    printf("whatif %s: %zu agreement(s), %zu with a tier or pay change\n",
           period_format(t->period, pbuf), t->n, changed);
    const char *prev = NULL;
    for (;;) {
        const char *cur = NULL;
        for (size_t i = 0; i < t->n; i++) {
            const char *c = t->v[i].currency ? t->v[i].currency : "";
            if ((!prev || strcmp(c, prev) > 0) && (!cur || strcmp(c, cur) < 0))
                cur = c;
        }
        if (!cur)
            break;
        money_t pa = 0, pw = 0;
        bool fits = true;
        for (size_t i = 0; i < t->n; i++)
            if (strcmp(t->v[i].currency ? t->v[i].currency : "", cur) == 0)
                fits = money_accumulate(&pa, t->v[i].actual.paid) &&
                       money_accumulate(&pw, t->v[i].whatif.paid) && fits;
        if (fits)
            printf("  paid %s: actual %s, what-if %s\n", cur, money_format(pa, a),
                   money_format(pw, w));
        prev = cur;
    }
    printf("  outputs in %s (the ledger and out/%s are unchanged)\n", final, pbuf);
}

cm_status cmd_whatif(const run_options_t *o, cm_error_t *err)
{
    job_t *j = NULL;
    arena_t arena = {0};
    wi_rows_t rows = {0};
    char pbuf[PERIOD_BUF], rel[64];
    period_format(o->period, pbuf);
    snprintf(rel, sizeof(rel), "out/whatif-%s", pbuf);
    char *final = o->out_dir ? strdup(o->out_dir) : path_join(o->data_dir, rel);
    if (!final)
        abort();
    cm_status rc = run_decide_readonly(o, &j, err);
    const month_t *m = rc == EXIT_DONE ? run_job_month(j) : NULL;
    if (m) {
        load_whatif(m, &rows);
        qsort(rows.v, rows.n, sizeof(*rows.v), by_agreement);
        rc = load_actual(run_job_ledger(j), o->period, &rows, rows.n, &arena, err);
    }
    for (size_t i = 0; rc == EXIT_DONE && i < rows.n; i++)
        if (!rows.v[i].currency) /* a ledger row without one: never paid, still listed */
            rows.v[i].currency = "";
    if (rc == EXIT_DONE) {
        qsort(rows.v, rows.n, sizeof(*rows.v), by_agreement);
        wi_table_t t = {.period = o->period, .book = o->book_dir, .v = rows.v, .n = rows.n};
        log_stage("%s: what-if decided; writing %s", pbuf, final);
        rc = publish_whatif(final, m, &t, err);
        if (rc == EXIT_DONE && !o->quiet)
            print_summary(&t, final);
    }
    free(rows.v);
    arena_release(&arena);
    run_job_free(j);
    free(final);
    return rc;
}
