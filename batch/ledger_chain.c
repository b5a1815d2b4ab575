/*
 * ledger_chain.c — the hash chain over each period's rows (SPEC §5), the
 * `audit` that checks it and the `status` report.
 */
#include "ledger_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sha256.h"

/* ---- the hash chain -------------------------------------------------------------- */

typedef struct chain_table {
    const char *name, *sql; /* the rows of period ?1, in a total order */
} chain_table_t;

/* What a run of P records (ledger_save_month, the statement documents). The
 * orders' own rows are not digested: their decisions are P's stub pack
 * (decisions), and their data is identified by P's input hashes (inputs);
 * the lifecycle columns later periods update are theirs to record. */
static const chain_table_t run_tables[] = {
    {"runs", "SELECT runs FROM runs WHERE period = ?1"},
    {"inputs", "SELECT path, sha256, records, bytes FROM inputs WHERE period = ?1 ORDER BY path"},
    {"controls", "SELECT name, value FROM controls WHERE period = ?1 ORDER BY name"},
    {"decisions", "SELECT run, orders, ids, decisions, agreements, opportunities"
                  " FROM order_stubs WHERE period = ?1"},
    {"approvals", "SELECT * FROM approvals WHERE period = ?1 ORDER BY approval_id"},
    {"adjustments", "SELECT * FROM adjustments WHERE period = ?1 ORDER BY adjustment_id"},
    {"activities", "SELECT * FROM activities WHERE period = ?1 ORDER BY activity_id"},
    {"agreement_periods", "SELECT * FROM agreement_periods WHERE period = ?1 ORDER BY agreement_id"},
    {"tiers", "SELECT * FROM tiers WHERE period = ?1 ORDER BY agreement_id"},
    {"commitments", "SELECT * FROM commitments WHERE period = ?1 ORDER BY commitment_id"},
    {"payables", "SELECT * FROM payables WHERE period = ?1 ORDER BY agreement_id"},
    {"statement_docs", "SELECT partner_id, doc, size FROM statement_docs WHERE period = ?1"
                       " ORDER BY partner_id"},
    {"restated", "SELECT * FROM restated WHERE period = ?1 ORDER BY restated_period, agreement_id"},
};
/* What a close of P records. */
static const chain_table_t close_tables[] = {
    {"runs", "SELECT state, runs FROM runs WHERE period = ?1"},
    {"payments", "SELECT * FROM payments WHERE period = ?1 ORDER BY payment_id"},
};
#define NTABLES(t) (sizeof(t) / sizeof((t)[0]))

static const char chain_genesis[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void put_u64(sha256_ctx_t *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (56 - 8 * i));
    sha256_update(h, b, 8);
}

/* SHA-256 of the rows of a chain table for P: per value a type tag, then
 * the integer (8 bytes, big-endian) or the length and bytes. */
static bool table_digest(ledger_t *l, const char *sql, period_t p, char hex[65])
{
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return false;
    bind_period(st, 1, p);
    sha256_ctx_t h;
    sha256_init(&h);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int i = 0; i < n; i++) {
            int type = sqlite3_column_type(st, i);
            if (type == SQLITE_INTEGER) {
                sha256_update(&h, "i", 1);
                put_u64(&h, (uint64_t)sqlite3_column_int64(st, i));
            } else if (type == SQLITE_NULL) {
                sha256_update(&h, "n", 1);
            } else {
                const void *b = type == SQLITE_BLOB ? sqlite3_column_blob(st, i)
                                                    : (const void *)sqlite3_column_text(st, i);
                size_t len = (size_t)sqlite3_column_bytes(st, i);
                sha256_update(&h, type == SQLITE_BLOB ? "b" : "t", 1);
                put_u64(&h, len);
                if (len)
                    sha256_update(&h, b, len);
            }
        }
        sha256_update(&h, "\n", 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return false;
    sha256_final_hex(&h, hex);
    return true;
}

/* "name=digest\n" per table, into a malloc'd string; NULL on a query error. */
static char *digests_of(ledger_t *l, const chain_table_t *t, size_t n, period_t p)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(t[i].name) + 66;
    char *out = malloc(cap), *w = out;
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++) {
        char hex[65];
        if (!table_digest(l, t[i].sql, p, hex)) {
            free(out);
            return NULL;
        }
        w += sprintf(w, "%s=%s\n", t[i].name, hex);
    }
    *w = '\0';
    return out;
}

static void link_of(const char *prev, const char *period, const char *event, const char *digests,
                    char out[65])
{
    sha256_ctx_t h;
    sha256_init(&h);
    static const char tag[] = "commissions-chain-1\n";
    sha256_update(&h, tag, sizeof(tag) - 1);
    const char *parts[] = {prev, period, event};
    for (int i = 0; i < 3; i++) {
        sha256_update(&h, parts[i], strlen(parts[i]));
        sha256_update(&h, "\n", 1);
    }
    sha256_update(&h, digests, strlen(digests));
    sha256_final_hex(&h, out);
}

cm_status ledger_chain_append(ledger_t *l, period_t p, bool close, char link[65],
                              cm_error_t *err)
{
    char *digests = close ? digests_of(l, close_tables, NTABLES(close_tables), p)
                          : digests_of(l, run_tables, NTABLES(run_tables), p);
    if (!digests)
        return db_fail(l, err, "chain digests");
    char prev[65];
    snprintf(prev, sizeof(prev), "%s", chain_genesis);
    sqlite3_stmt *st = prep(l, "SELECT link FROM chain ORDER BY seq DESC LIMIT 1");
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc == SQLITE_ROW)
        snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        free(digests);
        return db_fail(l, err, "chain");
    }
    char pbuf[PERIOD_BUF];
    const char *event = close ? "close" : "run";
    link_of(prev, period_format(p, pbuf), event, digests, link);
    st = prep(l, "INSERT INTO chain(period, event, digests, prev, link) VALUES(?1,?2,?3,?4,?5)");
    if (st) {
        bind_text(st, 1, pbuf);
        bind_text(st, 2, event);
        bind_text(st, 3, digests);
        bind_text(st, 4, prev);
        bind_text(st, 5, link);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    free(digests);
    return st && rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "chain");
}

cm_status ledger_chain_latest(ledger_t *l, period_t p, char link[65], cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, "SELECT link FROM chain WHERE period = ?1 ORDER BY seq DESC LIMIT 1");
    if (!st)
        return db_fail(l, err, "chain");
    bind_period(st, 1, p);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(link, 65, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return EXIT_DONE;
    char pbuf[PERIOD_BUF];
    return rc == SQLITE_DONE ? cm_fail(err, EXIT_VERIFY_DIFF,
                                         "the ledger has no chain link for %s (runs)",
                                         period_format(p, pbuf))
                             : db_fail(l, err, "chain");
}

static cm_status chain_differs(cm_error_t *err, const char *period, const char *table,
                               const char *why)
{
    return cm_fail(err, EXIT_VERIFY_DIFF,
                     "the ledger differs from its hash chain at %s, table %s (%s): it was changed "
                     "outside this program", period, table, why);
}

/* Every link names its predecessor and hashes to itself. *links counts them. */
static cm_status check_links(ledger_t *l, int64_t *links, char bad[PERIOD_BUF],
                             cm_error_t *err)
{
    bad[0] = '\0';
    sqlite3_stmt *st = prep(l, "SELECT period, event, digests, prev, link FROM chain ORDER BY seq");
    if (!st)
        return db_fail(l, err, "chain");
    char expect[65], got[65];
    snprintf(expect, sizeof(expect), "%s", chain_genesis);
    cm_status e = EXIT_DONE;
    int rc;
    *links = 0;
    while (e == EXIT_DONE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c[5];
        for (int i = 0; i < 5; i++) {
            c[i] = (const char *)sqlite3_column_text(st, i);
            if (!c[i])
                c[i] = "";
        }
        link_of(c[3], c[0], c[1], c[2], got);
        if (strcmp(c[3], expect) != 0)
            e = chain_differs(err, c[0], "chain", "a link does not follow the one before it");
        else if (strcmp(c[4], got) != 0)
            e = chain_differs(err, c[0], "chain", "a link does not match its digests");
        if (e != EXIT_DONE)
            snprintf(bad, PERIOD_BUF, "%s", c[0]);
        snprintf(expect, sizeof(expect), "%s", c[4]);
        (*links)++;
    }
    if (e == EXIT_DONE && rc != SQLITE_DONE)
        e = db_fail(l, err, "chain");
    sqlite3_finalize(st);
    return e;
}

/* The first table whose digest differs from recorded ("name=hex\n"...), or NULL. */
static const char *first_difference(ledger_t *l, const chain_table_t *t, size_t n, period_t p,
                                    const char *recorded, bool *failed)
{
    char *now = digests_of(l, t, n, p);
    *failed = !now;
    if (!now)
        return NULL;
    const char *diff = NULL;
    const char *r = recorded, *w = now;
    for (size_t i = 0; i < n && !diff; i++) {
        const char *rn = strchr(r, '\n'), *wn = strchr(w, '\n');
        if (!rn || !wn || rn - r != wn - w || memcmp(r, w, (size_t)(rn - r)) != 0)
            diff = t[i].name;
        else {
            r = rn + 1;
            w = wn + 1;
        }
    }
    if (!diff && *r)
        diff = "chain";
    free(now);
    return diff;
}

/* P's rows against P's newest run link and, after it, its close link. */
static cm_status check_period(ledger_t *l, period_t p, cm_error_t *err)
{
    char pbuf[PERIOD_BUF];
    period_format(p, pbuf);
    sqlite3_stmt *st = prep(l, "SELECT seq, event, digests FROM chain WHERE period = ?1"
                               " ORDER BY seq DESC");
    if (!st)
        return db_fail(l, err, "chain");
    bind_period(st, 1, p);
    char *run = NULL, *close = NULL;
    int rc;
    /* newest first: a close link (when closed), then the run link it closed */
    for (int k = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; k++) {
        bool is_close = strcmp((const char *)sqlite3_column_text(st, 1), "close") == 0;
        char *d = strdup((const char *)sqlite3_column_text(st, 2));
        if (!d)
            abort();
        if (k == 0 && is_close)
            close = d;
        else if (!is_close && !run)
            run = d;
        else
            free(d);
        if (run)
            break;
    }
    sqlite3_finalize(st);
    cm_status e = EXIT_DONE;
    bool failed = false;
    const char *diff = NULL;
    period_state_t state = ledger_period_state(l, p);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        e = db_fail(l, err, "chain");
    else if (!run)
        e = chain_differs(err, pbuf, "runs", "no run link for the period");
    else if ((diff = first_difference(l, run_tables, NTABLES(run_tables), p, run, &failed)))
        e = chain_differs(err, pbuf, diff, "its rows differ from the period's last run link");
    else if (!failed && close &&
             (diff = first_difference(l, close_tables, NTABLES(close_tables), p, close, &failed)))
        e = chain_differs(err, pbuf, diff, "its rows differ from the period's close link");
    else if (!failed && !close && state == PERIOD_CLOSED)
        e = chain_differs(err, pbuf, "runs", "closed without a close link");
    if (e == EXIT_DONE && failed)
        e = db_fail(l, err, "chain digests");
    if (e == EXIT_DONE && !close) {
        int64_t n = 0;
        if (!query_counts(l, "SELECT count(*) FROM payments WHERE period = ?1", p, &n, 1))
            e = db_fail(l, err, "payments");
        else if (n > 0)
            e = chain_differs(err, pbuf, "payments", "payments of a period never closed");
    }
    free(run);
    free(close);
    return e;
}

cm_status ledger_chain_check(ledger_t *l, period_t p, cm_error_t *err)
{
    int64_t links;
    char bad[PERIOD_BUF];
    cm_status e = check_links(l, &links, bad, err);
    return e == EXIT_DONE ? check_period(l, p, err) : e;
}

cm_status ledger_audit(ledger_t *l, cm_error_t *err)
{
    if (!l) {
        printf("audit: no ledger yet: nothing to check\n");
        return EXIT_DONE;
    }
    /* one read transaction: one consistent snapshot */
    sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL);
    int64_t links = 0, periods = 0;
    char bad[PERIOD_BUF];
    cm_error_t link_err = {0};
    cm_status link_rc = check_links(l, &links, bad, &link_err);
    /* the periods of runs and of the chain (a period deleted from runs is a
     * difference too), in order; the first that differs is reported, the
     * broken link's when it is not later */
    cm_status e = EXIT_DONE;
    sqlite3_stmt *st = prep(l, "SELECT period FROM runs UNION SELECT period FROM chain ORDER BY 1");
    int rc = SQLITE_DONE;
    if (!st)
        e = db_fail(l, err, "runs");
    while (e == EXIT_DONE && link_rc != EXIT_INTERNAL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ptext = (const char *)sqlite3_column_text(st, 0);
        if (link_rc != EXIT_DONE && strcmp(ptext, bad) >= 0)
            break;
        e = check_period(l, col_period(st, 0), err);
        periods++;
    }
    if (e == EXIT_DONE && st && rc != SQLITE_ROW && rc != SQLITE_DONE)
        e = db_fail(l, err, "runs");
    sqlite3_finalize(st);
    if (e == EXIT_DONE && link_rc != EXIT_DONE) {
        *err = link_err;
        e = link_rc;
    }
    char head[65] = "";
    if (e == EXIT_DONE) {
        st = prep(l, "SELECT link FROM chain ORDER BY seq DESC LIMIT 1");
        if (st && sqlite3_step(st) == SQLITE_ROW)
            snprintf(head, sizeof(head), "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
    if (e == EXIT_DONE)
        printf("audit: intact: %" PRId64 " link(s), %" PRId64 " period(s) checked; chain head %s\n",
               links, periods, head[0] ? head : "(none)");
    return e;
}

/* Whether the file at data_dir/path still is what the run recorded. */
static const char *input_changed(const char *data_dir, const char *path, const char *sha,
                                 int64_t bytes)
{
    char *full = path_join(data_dir, path);
    struct stat st;
    const char *why = NULL;
    if (stat(full, &st) != 0)
        why = "missing";
    else if ((int64_t)st.st_size != bytes)
        why = "changed (size)";
    else if (st.st_size <= (off_t)64 << 20) {
        FILE *f = fopen(full, "rb");
        if (!f) {
            why = "unreadable";
        } else {
            sha256_ctx_t h;
            sha256_init(&h);
            unsigned char buf[1 << 16];
            size_t n;
            while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                sha256_update(&h, buf, n);
            fclose(f);
            char hex[SHA256_HEX_LEN + 1];
            sha256_final_hex(&h, hex);
            if (strcmp(hex, sha) != 0)
                why = "changed (SHA-256)";
        }
    }
    free(full);
    return why;
}

cm_status ledger_print_status(ledger_t *l, const char *data_dir, cm_error_t *err)
{
    if (!l) {
        printf("no ledger yet: no period has been run\n");
        return EXIT_DONE;
    }
    sqlite3_stmt *st = prep(l, "SELECT period, state, runs FROM runs ORDER BY period");
    /* per currency: never one sum across currencies (SPEC §7) */
    sqlite3_stmt *cur = prep(l,
        "SELECT currency, sum(CASE WHEN status = 'paid' THEN paid ELSE 0 END),"
        " sum(CASE WHEN status = 'paid' AND paid != 0 THEN 1 ELSE 0 END),"
        " sum(CASE WHEN status != 'paid' THEN carried_out ELSE 0 END),"
        " sum(CASE WHEN status != 'paid' AND carried_out != 0 THEN 1 ELSE 0 END)"
        " FROM payables WHERE period = ?1 GROUP BY currency ORDER BY currency");
    sqlite3_stmt *held = prep(l, "SELECT currency, sum(amount), sum(rows) FROM held_revenue"
                                 " WHERE period = ?1 GROUP BY currency ORDER BY currency");
    sqlite3_stmt *in = prep(l, "SELECT path, sha256, bytes FROM inputs WHERE period = ?1"
                               " ORDER BY path");
    if (!st || !cur || !held || !in) {
        sqlite3_finalize(st);
        sqlite3_finalize(cur);
        sqlite3_finalize(held);
        sqlite3_finalize(in);
        return db_fail(l, err, "status");
    }
    cm_status e = EXIT_DONE;
    char m1[MONEY_BUF], m2[MONEY_BUF];
    while (e == EXIT_DONE && sqlite3_step(st) == SQLITE_ROW) {
        const char *period = (const char *)sqlite3_column_text(st, 0);
        bool closed = strcmp((const char *)sqlite3_column_text(st, 1), "closed") == 0;
        int runs = sqlite3_column_int(st, 2);
        printf("%s  %s, run %d time(s)%s\n", period, closed ? "closed" : "open", runs,
               closed ? "" : ": payments are written at close");
        sqlite3_bind_text(cur, 1, period, -1, SQLITE_TRANSIENT);
        bool any = false;
        while (sqlite3_step(cur) == SQLITE_ROW) {
            any = true;
            printf("  %s  %s %s to %d agreement(s); carried to a later period %s (%d agreement(s))\n",
                   (const char *)sqlite3_column_text(cur, 0), closed ? "paid" : "awaiting close",
                   money_format(sqlite3_column_int64(cur, 1), m1), sqlite3_column_int(cur, 2),
                   money_format(sqlite3_column_int64(cur, 3), m2), sqlite3_column_int(cur, 4));
        }
        if (!any)
            printf("  no payable\n");
        sqlite3_reset(cur);
        sqlite3_bind_text(held, 1, period, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(held) == SQLITE_ROW)
            printf("  %s  revenue held %s (%lld row(s); see payouts.xlsx, Exceptions)\n",
                   (const char *)sqlite3_column_text(held, 0),
                   money_format(sqlite3_column_int64(held, 1), m1),
                   (long long)sqlite3_column_int64(held, 2));
        sqlite3_reset(held);
        sqlite3_bind_text(in, 1, period, -1, SQLITE_TRANSIENT);
        while (data_dir && sqlite3_step(in) == SQLITE_ROW) {
            const char *path = (const char *)sqlite3_column_text(in, 0);
            if (path[0] == '(') /* the built-in default book: not a file */
                continue;
            const char *why = input_changed(data_dir, path, (const char *)sqlite3_column_text(in, 1),
                                            sqlite3_column_int64(in, 2));
            if (why)
                printf("  warning: %s %s since the run%s\n", path, why,
                       closed ? "" : ": run the period again before closing to decide on it");
        }
        sqlite3_reset(in);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(cur);
    sqlite3_finalize(held);
    sqlite3_finalize(in);
    return e;
}
