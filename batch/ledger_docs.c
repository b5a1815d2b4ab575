/*
 * ledger_docs.c — what reports and close read back: the partners' statement
 * documents and history rows, recorded payables and payments, the
 * workbook's backlog and prior payables, an order's party.
 */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "statements.h"

/* The most deflate can shrink its input (zlib technical details: 1032:1). */
#define DEFLATE_MAX_RATIO 1032

void ledger_docs_add(ledger_docs_t *d, const char *partner_id, const unsigned char *bytes,
                     size_t len)
{
    uLongf zlen = compressBound((uLong)len);
    unsigned char *z = malloc(zlen);
    char *id = strdup(partner_id);
    if (!z || !id || compress2(z, &zlen, bytes, (uLong)len, Z_BEST_SPEED) != Z_OK)
        abort(); /* only out of memory fails a deflate into compressBound's room */
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = realloc(d->v, d->cap * sizeof(*d->v));
        if (!d->v)
            abort();
    }
    unsigned char *fit = realloc(z, zlen ? zlen : 1);
    d->v[d->n++] = (ledger_doc_t){.partner_id = id, .z = fit ? fit : z, .zlen = zlen, .size = len};
}

void ledger_docs_free(ledger_docs_t *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].partner_id);
        free(d->v[i].z);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

cm_status ledger_save_docs(ledger_t *l, period_t p, const ledger_docs_t *d, cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, "INSERT INTO statement_docs VALUES(?1, ?2, ?3, ?4)");
    if (!st)
        return db_fail(l, err, "statement_docs");
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < d->n && rc == SQLITE_DONE; i++) {
        sqlite3_reset(st);
        bind_period(st, 1, p);
        bind_text(st, 2, d->v[i].partner_id);
        bind_blob(st, 3, d->v[i].z, d->v[i].zlen);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)d->v[i].size);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "statement_docs");
}

cm_status ledger_load_docs(ledger_t *l, period_t p,
                           void (*push)(void *ctx, const char *partner_id,
                                        const unsigned char *bytes, size_t len),
                           void *ctx, cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, "SELECT partner_id, doc, size FROM statement_docs"
                               " WHERE period = ?1 ORDER BY partner_id");
    if (!st)
        return db_fail(l, err, "statement_docs");
    bind_period(st, 1, p);
    int rc = SQLITE_DONE;
    cm_status e = EXIT_DONE;
    while (e == EXIT_DONE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        sqlite3_int64 size = sqlite3_column_int64(st, 2);
        const void *z = sqlite3_column_blob(st, 1);
        int zlen = sqlite3_column_bytes(st, 1);
        /* deflate shrinks at most ~1032:1: a larger recorded size is damage,
         * refused before it sizes an allocation */
        bool plausible = size >= 0 && (uint64_t)size <= (uint64_t)zlen * DEFLATE_MAX_RATIO + 64;
        uLongf n = plausible ? (uLongf)size : 0;
        unsigned char *doc = plausible ? malloc(n ? n : 1) : NULL;
        if (plausible && !doc)
            abort(); /* out of memory */
        if (!plausible || (sqlite3_int64)n != size ||
            uncompress(doc, &n, z, (uLong)zlen) != Z_OK ||
            (sqlite3_int64)n != size)
            e = cm_fail(err, EXIT_INTERNAL, "ledger: statement_docs: the document of %s does "
                                              "not inflate to its recorded size", id);
        else
            push(ctx, id, doc, n);
        free(doc);
    }
    sqlite3_finalize(st);
    if (e != EXIT_DONE)
        return e;
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "statement_docs");
}

cm_status ledger_load_history(ledger_t *l, period_t p, struct st_history *out,
                              cm_error_t *err)
{
    static const char sql[] =
        "WITH k AS (SELECT agreement_id, period FROM agreement_periods"
        "  WHERE period >= ?1 AND period < ?2"
        " UNION SELECT agreement_id, period FROM payables WHERE period >= ?1 AND period < ?2)"
        " SELECT k.agreement_id, k.period, a.residual, a.spiff, a.chargeback, a.adjustment,"
        " a.credit, y.agreement_id IS NOT NULL, y.earned, y.paid, y.carried_out, t.tier"
        " FROM k LEFT JOIN agreement_periods a USING(agreement_id, period)"
        " LEFT JOIN payables y USING(agreement_id, period)"
        " LEFT JOIN tiers t USING(agreement_id, period)"
        " ORDER BY k.agreement_id, k.period";
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return db_fail(l, err, "statement history");
    bind_period(st, 1, p - (ST_HISTORY_PERIODS - 1));
    bind_period(st, 2, p);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        st_history_row_t row = {0};
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *per = (const char *)sqlite3_column_text(st, 1);
        row.agreement_id = id ? id : "";
        if (!per || !period_parse(per, strlen(per), &row.period))
            continue; /* the ledger writes only valid periods */
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            row.by_kind[k] = sqlite3_column_int64(st, 2 + k);
        row.has_payable = sqlite3_column_int(st, 7) != 0;
        row.earned = sqlite3_column_int64(st, 8);
        row.paid = sqlite3_column_int64(st, 9);
        row.carried_out = sqlite3_column_int64(st, 10);
        row.tier = (const char *)sqlite3_column_text(st, 11);
        if (row.tier && !*row.tier)
            row.tier = NULL;
        st_history_push(out, &row);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "statement history");
}

void ledger_payments_free(ledger_payments_t *p)
{
    free(p->list.v);
    arena_release(&p->arena);
    memset(p, 0, sizeof(*p));
}

static cm_status load_payments(ledger_t *l, period_t p, const char *sql, ledger_payments_t *out,
                               cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return db_fail(l, err, sql);
    bind_period(st, 1, p);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        payment_t pay = {0};
        const char **f[] = {&pay.payment_id, &pay.partner_id, &pay.agreement_id};
        for (int i = 0; i < 3; i++) {
            const char *t = (const char *)sqlite3_column_text(st, i);
            *f[i] = arena_strndup(&out->arena, t ? t : "", t ? strlen(t) : 0);
        }
        const char *cur = (const char *)sqlite3_column_text(st, 3);
        snprintf(pay.currency, sizeof(pay.currency), "%s", cur ? cur : "");
        pay.amount = sqlite3_column_int64(st, 4);
        pay.due_date = col_date(st, 5);
        VEC_PUSH(out->list, pay);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, sql);
}

cm_status ledger_payables_due(ledger_t *l, period_t p, ledger_payments_t *out,
                              cm_error_t *err)
{
    return load_payments(l, p,
                         "SELECT agreement_id || '-' || period AS id, partner_id, agreement_id,"
                         " currency, paid, due_date FROM payables WHERE period = ?1"
                         " AND status = 'paid' AND paid != 0 ORDER BY id",
                         out, err);
}

cm_status ledger_payments_of(ledger_t *l, period_t p, ledger_payments_t *out, cm_error_t *err)
{
    return load_payments(l, p,
                         "SELECT payment_id, partner_id, agreement_id, currency, amount, due_date"
                         " FROM payments WHERE period = ?1 ORDER BY payment_id",
                         out, err);
}

cm_status ledger_load_holds(ledger_t *l, period_t p, ledger_hold_fn push, void *ctx,
                            cm_error_t *err)
{
    if (!l)
        return EXIT_DONE;
    /* standing: a service whose order is still not attributed; every
     * account (P3, no order): the caller keeps those P holds too */
    sqlite3_stmt *st = prep(l,
        "SELECT h.service_id, max(h.agreement_id), h.currency, min(h.period), max(h.period),"
        " count(*), sum(h.rows), sum(h.amount) FROM held_revenue h"
        " LEFT JOIN orders o ON o.order_id = h.service_id"
        " WHERE h.period < ?1 AND (o.status != 1 OR (o.order_id IS NULL"
        "  AND h.service_id LIKE 'account %'))"
        " GROUP BY h.service_id, h.currency ORDER BY h.service_id, h.currency");
    if (!st)
        return db_fail(l, err, "held revenue");
    bind_period(st, 1, p);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        push(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
             (const char *)sqlite3_column_text(st, 2), col_period(st, 3), col_period(st, 4),
             sqlite3_column_int(st, 5), sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "held revenue");
}

cm_status ledger_load_prior_payables(ledger_t *l, period_t p, period_t *prior,
                                     ledger_prior_fn push, void *ctx, cm_error_t *err)
{
    *prior = l ? ledger_period_before(l, p) : PERIOD_NONE;
    if (*prior == PERIOD_NONE)
        return EXIT_DONE;
    sqlite3_stmt *st = prep(l, "SELECT agreement_id, paid, carried_out FROM payables"
                               " WHERE period = ?1 ORDER BY agreement_id");
    if (!st)
        return db_fail(l, err, "prior payables");
    bind_period(st, 1, *prior);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        push(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
             sqlite3_column_int64(st, 2));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "prior payables");
}

cm_status ledger_order_party(ledger_t *l, const char *order_id, char *partner, size_t plen,
                             char *agreement, size_t alen, cm_error_t *err)
{
    partner[0] = agreement[0] = '\0';
    if (!l->party)
        l->party = prep(l, "SELECT partner_id, agreement_ref FROM orders WHERE order_id = ?1");
    sqlite3_stmt *st = l->party;
    if (!st)
        return db_fail(l, err, "order party");
    bind_text(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_text(st, 0), *a = sqlite3_column_text(st, 1);
        snprintf(partner, plen, "%s", p ? (const char *)p : "");
        snprintf(agreement, alen, "%s", a ? (const char *)a : "");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "order party");
}

cm_status ledger_order_period(ledger_t *l, const char *order_id, period_t *p, cm_error_t *err)
{
    *p = PERIOD_NONE;
    sqlite3_stmt *st = prep(l, "SELECT period FROM orders WHERE order_id = ?1");
    if (!st)
        return db_fail(l, err, "order period");
    bind_text(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        period_parse((const char *)sqlite3_column_text(st, 0), 7, p);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "order period");
}
