/*
 * ledger.c — SQLite persistence of runs, decisions and aggregates (SPEC §5).
 * Dates are stored as 'YYYY-MM-DD' and periods as 'YYYY-MM' so an auditor
 * can read the ledger with the sqlite3 shell; money is integer cents.
 */
#include "ledger.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "attribution.h"
#include "sha256.h"
#include "statements.h"
#include "stubs.h"

struct ledger {
    sqlite3 *db;
    sqlite3_stmt *complete; /* ledger_complete_order, prepared once */
    sqlite3_stmt *party;    /* ledger_order_party, prepared once */
};

/* Revenue held in a period, per service (its order; "account ID" for a
 * row without one, held through its account's owner) and currency: the
 * workbook's backlog of holds still standing (ledger_load_holds). A report
 * aggregate, not a decision: outside the hash chain. */
#define HELD_REVENUE_SQL                                                                \
    "CREATE TABLE IF NOT EXISTS held_revenue(period TEXT, service_id TEXT, currency TEXT," \
    " agreement_id TEXT, rows INTEGER, amount INTEGER,"                                  \
    " PRIMARY KEY(period, service_id, currency));"

static const char *const schema_sql =
    "CREATE TABLE runs(period TEXT PRIMARY KEY,"
    " state TEXT NOT NULL CHECK(state IN('open','closed')), runs INTEGER NOT NULL);"
    "CREATE TABLE inputs(period TEXT, path TEXT, sha256 TEXT NOT NULL,"
    " records INTEGER, bytes INTEGER, PRIMARY KEY(period, path));"
    "CREATE TABLE controls(period TEXT, name TEXT, value INTEGER,"
    " PRIMARY KEY(period, name));"
    "CREATE TABLE orders(order_id TEXT PRIMARY KEY, period TEXT NOT NULL,"
    " line INTEGER, partner_id TEXT, agreement_ref TEXT, account_id TEXT, product_code TEXT,"
    " order_type INTEGER, original_order_id TEXT, opportunity_id TEXT, order_date TEXT,"
    " install_date TEXT, mrc INTEGER, nrc INTEGER, currency TEXT, term_months INTEGER,"
    " status INTEGER, agreement_id TEXT, rule TEXT, install_update_period TEXT,"
    " installed_period TEXT, spiff INTEGER, chargeback_period TEXT);"
    /* no index by period: later runs read a period's orders from its pack
     * (order_stubs) and a re-run finds its own rows at the table's end
     * (clear_orders). A re-run of P undoes what its earlier run set on older
     * orders: partial indexes find those few rows without scanning every
     * order ever known */
    "CREATE INDEX orders_install_update ON orders(install_update_period)"
    " WHERE install_update_period IS NOT NULL;"
    /* ... of those, installations after the order's own period: most of a
     * month's orders are installed in it, and indexing them too cost every
     * run ~0.2-0.3 s of inserts at 1M orders (and a re-run as many index
     * deletes) */
    "CREATE INDEX orders_installed_later ON orders(installed_period)"
    " WHERE installed_period > period;"
    "CREATE INDEX orders_chargeback ON orders(chargeback_period)"
    " WHERE chargeback_period IS NOT NULL;"
    /* orders waiting for an installation date already known: loaded whole
     * each period (orders_waiting_sql); only what that query asks for, so
     * orders never installed (held, rejected, renewals, disconnects) do not
     * stay in it forever */
    "CREATE INDEX orders_waiting_attributed ON orders(period)"
    " WHERE installed_period IS NULL AND install_date IS NOT NULL"
    " AND status = 1 AND order_type IN (0, 1);"
    /* each run's orders as the next periods load them (batch/stubs.h);
     * run: the period's runs count that wrote it */
    "CREATE TABLE order_stubs(period TEXT PRIMARY KEY, run INTEGER NOT NULL,"
    " orders INTEGER NOT NULL, ids BLOB, decisions BLOB, agreements BLOB, opportunities BLOB);"
    "CREATE TABLE approvals(approval_id TEXT PRIMARY KEY, period TEXT,"
    " opportunity_id TEXT, approved_on TEXT, approved_by TEXT, document_ref TEXT);"
    "CREATE INDEX approvals_by_period ON approvals(period);"
    "CREATE TABLE adjustments(adjustment_id TEXT PRIMARY KEY, period TEXT,"
    " agreement_id TEXT, amount INTEGER, currency TEXT, reason TEXT, entered_by TEXT,"
    " approved_by TEXT, approved_on TEXT);"
    "CREATE INDEX adjustments_by_period ON adjustments(period);"
    "CREATE TABLE activities(activity_id TEXT PRIMARY KEY, period TEXT,"
    " partner_id TEXT, activity_code TEXT, activity_date TEXT, evidence_ref TEXT,"
    " status TEXT, agreement_id TEXT, points INTEGER, points_to_date INTEGER, rule TEXT);"
    "CREATE INDEX activities_by_period ON activities(period);"
    /* the per-agreement tables are keyed (agreement_id, period) for the
     * latest row of each agreement; the period indexes serve the chain's
     * digests of one period (ledger_chain_*) */
    "CREATE TABLE agreement_periods(agreement_id TEXT, period TEXT,"
    " revenue INTEGER, installed_mrc INTEGER, residual INTEGER, spiff INTEGER,"
    " chargeback INTEGER, adjustment INTEGER, credit INTEGER, points INTEGER,"
    " PRIMARY KEY(agreement_id, period));"
    "CREATE INDEX agreement_periods_by_period ON agreement_periods(period, agreement_id);"
    "CREATE TABLE tiers(agreement_id TEXT, period TEXT, program TEXT, tier TEXT,"
    " rule TEXT, basis_value INTEGER, reviewed INTEGER, next_program TEXT, next_tier TEXT,"
    " next_rule TEXT, PRIMARY KEY(agreement_id, period));"
    "CREATE INDEX tiers_by_period ON tiers(period, agreement_id);"
    /* partner_id and currency as they were at the run: close pays from
     * these rows, whatever master data says later */
    "CREATE TABLE payables(agreement_id TEXT, period TEXT, partner_id TEXT NOT NULL,"
    " currency TEXT NOT NULL, carried_in INTEGER, earned INTEGER, balance INTEGER,"
    " paid INTEGER, carried_out INTEGER, status TEXT, due_date TEXT,"
    " PRIMARY KEY(agreement_id, period));"
    "CREATE INDEX payables_by_period ON payables(period, agreement_id);"
    "CREATE TABLE commitments(commitment_id TEXT, period TEXT, agreement_id TEXT,"
    " retired_period INTEGER, retired_to_date INTEGER, remaining INTEGER, percent INTEGER,"
    " status TEXT, PRIMARY KEY(commitment_id, period));"
    "CREATE INDEX commitments_by_period ON commitments(period, commitment_id);"
    "CREATE TABLE payments(payment_id TEXT PRIMARY KEY, period TEXT NOT NULL,"
    " partner_id TEXT, agreement_id TEXT, currency TEXT, amount INTEGER, due_date TEXT);"
    "CREATE INDEX payments_by_period ON payments(period, payment_id);"
    /* each partner's statement of P as the run built it (reports/statements.h
     * st_docs_build_each), zlib-deflated (doc) with its inflated size: close
     * renders these, never the inputs */
    "CREATE TABLE statement_docs(period TEXT, partner_id TEXT, doc BLOB NOT NULL,"
    " size INTEGER NOT NULL, PRIMARY KEY(period, partner_id));"
    /* §4.8: per agreement, each restatement of an earlier period
     * (restated_period) that the run of period posted: the corrected file's
     * assigned revenue and residuals (what a later restatement of the same
     * period is measured against) and the line posted (basis, amount) */
    "CREATE TABLE restated(agreement_id TEXT, period TEXT, restated_period TEXT,"
    " revenue INTEGER, residual INTEGER, basis INTEGER, amount INTEGER,"
    " PRIMARY KEY(agreement_id, restated_period, period));"
    "CREATE INDEX restated_by_period ON restated(period, restated_period, agreement_id);"
    /* dataset_id: the dataset this ledger was started for */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    HELD_REVENUE_SQL
    /* the hash chain (ledger_chain_append): one link per run and per close,
     * never deleted or changed */
    "CREATE TABLE chain(seq INTEGER PRIMARY KEY, period TEXT NOT NULL,"
    " event TEXT NOT NULL CHECK(event IN('run','close')), digests TEXT NOT NULL,"
    " prev TEXT NOT NULL, link TEXT NOT NULL);";

static cm_status db_fail(ledger_t *l, cm_error_t *err, const char *what)
{
    int code = sqlite3_errcode(l->db);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return cm_fail(err, EXIT_LEDGER_BUSY, "ledger busy: another run holds it (%s)", what);
    return cm_fail(err, EXIT_INTERNAL, "ledger: %s: %s", what, sqlite3_errmsg(l->db));
}

/* What the first 100 bytes of path say it is. */
typedef enum { FILE_EMPTY, FILE_LEDGER, FILE_NOT_SQLITE, FILE_FOREIGN, FILE_OTHER_VERSION,
               FILE_UNREADABLE } file_kind_t;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The SQLite header read with plain read(2), before SQLite touches the
 * file: a foreign file is refused without a byte written to it (no WAL
 * switch, no -wal/-shm beside it). application_id (offset 68) and
 * user_version (offset 60) are written once, when the ledger is created in
 * rollback-journal mode (ledger_open), so the main file always holds them. */
static file_kind_t file_kind(const char *path, uint32_t *app, uint32_t *version)
{
    unsigned char h[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return FILE_UNREADABLE;
    ssize_t n = read(fd, h, sizeof(h));
    close(fd);
    if (n == 0)
        return FILE_EMPTY;
    if (n < (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0)
        return FILE_NOT_SQLITE;
    *version = be32(h + 60);
    *app = be32(h + 68);
    if (*app != LEDGER_APPLICATION_ID)
        return FILE_FOREIGN;
    return *version == LEDGER_SCHEMA_VERSION ? FILE_LEDGER : FILE_OTHER_VERSION;
}

cm_status ledger_open(const char *path, bool readonly, ledger_t **out, cm_error_t *err)
{
    *out = NULL;
    if (readonly && !path_exists(path))
        return EXIT_DONE;
    uint32_t app = 0, version = 0;
    file_kind_t kind = file_kind(path, &app, &version);
    switch (kind) {
    case FILE_UNREADABLE:
        return cm_fail(err, EXIT_INTERNAL, "ledger %s: %s", path, strerror(errno));
    case FILE_NOT_SQLITE:
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s is not a commissions ledger (not an SQLite database); it was left "
                         "as it was: give --db a new file or this program's ledger", path);
    case FILE_FOREIGN:
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s is not a commissions ledger (SQLite application_id 0x%08x, a "
                         "ledger has 0x%08x: another program's database, or a ledger of a build "
                         "before ledgers were stamped); it was left as it was", path, app,
                         (unsigned)LEDGER_APPLICATION_ID);
    case FILE_OTHER_VERSION:
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s is a commissions ledger of schema version %u; this build reads "
                         "version %d only; it was left as it was", path, version,
                         LEDGER_SCHEMA_VERSION);
    case FILE_EMPTY:
        if (readonly)
            return EXIT_DONE; /* created by a writer's lock, nothing in it yet */
        break;
    case FILE_LEDGER:
        break;
    }
    ledger_t *l = calloc(1, sizeof(*l));
    if (!l)
        abort();
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, &l->db, flags, NULL) != SQLITE_OK) {
        cm_status rc = cm_fail(err, EXIT_INTERNAL, "ledger %s: %s", path, sqlite3_errmsg(l->db));
        ledger_close(l);
        return rc;
    }
    sqlite3_busy_timeout(l->db, 0); /* a second writer fails at once (exit 5) */
    /* A new ledger: 16 KiB pages (SQLite's default is 4): a month's ~200 MB
     * of new pages go to the WAL and back into the file at the commit's
     * checkpoint in a quarter of the writes (10M month 2: commit 1.2 -> 1.0
     * s, ledger rows ~0.3 s less). Stamp and schema land in one
     * rollback-journal transaction, before the switch to WAL, so the main
     * file's header carries the stamp from the start (file_kind). */
    char create[256];
    snprintf(create, sizeof(create),
             "PRAGMA page_size=16384; BEGIN; PRAGMA application_id=%d; PRAGMA user_version=%d;",
             (int)LEDGER_APPLICATION_ID, LEDGER_SCHEMA_VERSION);
    bool ok = true;
    if (kind == FILE_EMPTY)
        ok = sqlite3_exec(l->db, create, NULL, NULL, NULL) == SQLITE_OK &&
             sqlite3_exec(l->db, schema_sql, NULL, NULL, NULL) == SQLITE_OK &&
             sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    /* 16 MiB page cache (SQLite's default is 2 MiB): a month's orders are
     * written in order_id order (save_orders), so each page of the primary
     * key is visited once and a bigger cache would only add to the run's
     * peak memory. */
    const char *setup = readonly ? "PRAGMA foreign_keys=ON; PRAGMA cache_size=-16384;"
                                 : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                   " PRAGMA foreign_keys=ON; PRAGMA cache_size=-16384;";
    if (!ok || sqlite3_exec(l->db, setup, NULL, NULL, NULL) != SQLITE_OK) {
        cm_status rc = db_fail(l, err, path);
        ledger_close(l);
        return rc;
    }
    *out = l;
    return EXIT_DONE;
}

void ledger_close(ledger_t *l)
{
    if (!l)
        return;
    sqlite3_finalize(l->complete);
    sqlite3_finalize(l->party);
    sqlite3_close(l->db);
    free(l);
}

sqlite3 *ledger_db(ledger_t *l) { return l->db; }

cm_status ledger_begin(ledger_t *l, cm_error_t *err)
{
    if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(l, err, "begin");
    return EXIT_DONE;
}

cm_status ledger_commit(ledger_t *l, cm_error_t *err)
{
    if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(l, err, "commit");
    return EXIT_DONE;
}

void ledger_rollback(ledger_t *l)
{
    if (l && !sqlite3_get_autocommit(l->db))
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- statement helpers ---------------------------------------------------- */

static sqlite3_stmt *prep(ledger_t *l, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    return st;
}

/* s (NULL binds NULL) is not copied: it must stay unchanged until the
 * statement is stepped (arena strings, names, the caller's buffers). */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* A text formatted here, so SQLite copies it. */
static void bind_copy(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_period(sqlite3_stmt *st, int i, period_t p)
{
    char b[PERIOD_BUF];
    bind_copy(st, i, p == PERIOD_NONE ? NULL : period_format(p, b));
}

static void bind_date(sqlite3_stmt *st, int i, date_t d)
{
    char b[DATE_BUF];
    bind_copy(st, i, d == DATE_NONE ? NULL : date_format(d, b));
}

static const char *col_str(month_t *m, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s)
        return NULL;
    return arena_strndup(&m->arena, (const char *)s, (size_t)sqlite3_column_bytes(st, i));
}

static period_t col_period(sqlite3_stmt *st, int i)
{
    period_t p;
    const unsigned char *s = sqlite3_column_text(st, i);
    return s && period_parse((const char *)s, strlen((const char *)s), &p) ? p : PERIOD_NONE;
}

static date_t col_date(sqlite3_stmt *st, int i)
{
    date_t d;
    const unsigned char *s = sqlite3_column_text(st, i);
    return s && date_parse((const char *)s, strlen((const char *)s), &d) ? d : DATE_NONE;
}

static int32_t agreement_index(const month_t *m, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s)
        return -1;
    return strmap_get(&m->master->agreement_ix, (const char *)s, strlen((const char *)s));
}

/* Run a query binding P as ?1 and call row() for each result. */
static cm_status each_row(ledger_t *l, month_t *m, const char *sql,
                          void (*row)(month_t *, sqlite3_stmt *), cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return db_fail(l, err, sql);
    bind_period(st, 1, m->period);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        row(m, st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(l, err, sql);
    return EXIT_DONE;
}

/* Run a query once per master agreement, binding P as ?1 and the agreement
 * id as ?2, and call row() for its row, if any: the latest row of a table
 * keyed (agreement_id, period) is one index seek each, where a correlated
 * max(period) over the whole table grew with every period kept. */
static cm_status each_agreement_row(ledger_t *l, month_t *m, const char *sql,
                                    void (*row)(month_t *, sqlite3_stmt *), cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return db_fail(l, err, sql);
    bind_period(st, 1, m->period);
    int rc = SQLITE_OK;
    for (size_t a = 0; a < m->master->agreements.n && rc == SQLITE_OK; a++) {
        sqlite3_bind_text(st, 2, m->master->agreements.v[a].id, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            row(m, st);
        rc = step == SQLITE_ROW || step == SQLITE_DONE ? sqlite3_reset(st) : step;
    }
    cm_status e = rc == SQLITE_OK ? EXIT_DONE : db_fail(l, err, sql);
    sqlite3_finalize(st);
    return e;
}

/* ---- state ---------------------------------------------------------------- */

period_state_t ledger_period_state(ledger_t *l, period_t p)
{
    if (!l)
        return PERIOD_UNRUN;
    sqlite3_stmt *st = prep(l, "SELECT state FROM runs WHERE period=?1");
    if (!st)
        return PERIOD_UNRUN;
    bind_period(st, 1, p);
    period_state_t s = PERIOD_UNRUN;
    if (sqlite3_step(st) == SQLITE_ROW)
        s = strcmp((const char *)sqlite3_column_text(st, 0), "closed") == 0 ? PERIOD_CLOSED
                                                                            : PERIOD_OPEN;
    sqlite3_finalize(st);
    return s;
}

period_t ledger_latest_period(ledger_t *l)
{
    if (!l)
        return PERIOD_NONE;
    sqlite3_stmt *st = prep(l, "SELECT max(period) FROM runs");
    period_t p = PERIOD_NONE;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        p = col_period(st, 0);
    sqlite3_finalize(st);
    return p;
}

/* ---- loading the state before P ------------------------------------------ */

/* Lifecycle fields set at P or later are undone: the state before P. */
#define ORDERS_BEFORE                                                                      \
    "SELECT order_id, period, partner_id, agreement_ref, account_id, product_code, order_type," \
    " original_order_id, opportunity_id, order_date,"                                      \
    " CASE WHEN install_update_period >= ?1 THEN NULL ELSE install_date END,"              \
    " mrc, nrc, currency, term_months, line, status, agreement_id, rule,"                  \
    " CASE WHEN installed_period >= ?1 THEN NULL ELSE installed_period END,"               \
    " CASE WHEN installed_period >= ?1 THEN NULL ELSE spiff END,"                          \
    " CASE WHEN chargeback_period >= ?1 THEN NULL ELSE chargeback_period END"              \
    " FROM orders "
/* Whole rows are loaded for the earlier orders P may install without naming
 * them (spiffs, mrc commitments): attributed, not installed before P, with
 * an installation date already known (a later one; the partial index
 * orders_waiting_attributed), or installed at P or later by an earlier run of P. An
 * order without an installation date is installed only when a period
 * re-delivers it with one, and an order P names is made whole on demand
 * (ledger_complete_order); every other earlier order is a stub. */
_Static_assert(STATUS_ATTRIBUTED == 1 && ORDER_NEW == 0 && ORDER_INCREMENTAL == 1,
               "orders_waiting_sql names these codes by number");
static const char *const orders_waiting_sql =
    ORDERS_BEFORE "WHERE period < ?1 AND installed_period IS NULL AND install_date IS NOT NULL"
    " AND status = 1 AND order_type IN (0, 1)";
static const char *const orders_reinstalled_sql =
    ORDERS_BEFORE "WHERE installed_period >= ?1 AND period < ?1"
                  " AND installed_period > period"; /* implied; names orders_installed_later */
static const char *const order_by_id_sql = ORDERS_BEFORE "WHERE order_id = ?2 AND period < ?1";

/* An order row of ORDERS_BEFORE as the state before P. */
static order_t order_of_row(month_t *m, sqlite3_stmt *st)
{
    const master_t *ms = m->master;
    order_t o = {.id = col_str(m, st, 0), .partner_id = col_str(m, st, 2),
                 .agreement_ref = col_str(m, st, 3), .account_id = col_str(m, st, 4),
                 .product_code = col_str(m, st, 5), .type = (order_type_t)sqlite3_column_int(st, 6),
                 .original_id = col_str(m, st, 7), .opportunity_id = col_str(m, st, 8),
                 .order_date = col_date(st, 9), .install_date = col_date(st, 10),
                 .mrc = sqlite3_column_int64(st, 11), .nrc = sqlite3_column_int64(st, 12),
                 .term_months = sqlite3_column_int(st, 14), .period = col_period(st, 1),
                 .line = sqlite3_column_int(st, 15), .status = (status_t)sqlite3_column_int(st, 16),
                 .agreement = agreement_index(m, st, 17),
                 .installed_period = col_period(st, 19),
                 .has_spiff = sqlite3_column_type(st, 20) != SQLITE_NULL,
                 .spiff = sqlite3_column_int64(st, 20), .chargeback_period = col_period(st, 21)};
    const unsigned char *cur = sqlite3_column_text(st, 13);
    if (cur)
        snprintf(o.currency.code, sizeof(o.currency.code), "%s", (const char *)cur);
    const unsigned char *rule = sqlite3_column_text(st, 18);
    o.rule = rule_from_name((const char *)rule);
    o.product = strmap_get(&ms->product_ix, o.product_code, strlen(o.product_code));
    o.partner = strmap_get(&ms->partner_ix, o.partner_id, strlen(o.partner_id));
    if (o.status == STATUS_ATTRIBUTED && o.agreement < 0)
        o.status = STATUS_HELD; /* its agreement left master data: never pay it */
    return o;
}

/* A whole earlier order replacing its stub (the map then names the whole
 * order; revenue is read after every order is settled). */
static void order_completed(month_t *m, sqlite3_stmt *st)
{
    const unsigned char *id = sqlite3_column_text(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0);
    int32_t ref = strmap_get(&m->order_ix, (const char *)id, len);
    if (ref < ORDER_STUB)
        return;
    order_t o = order_of_row(m, st);
    o.id = month_stub_id(m, (size_t)(ref - ORDER_STUB)); /* the map's key */
    VEC_PUSH(m->orders, o);
    strmap_put(&m->order_ix, o.id, len, (int32_t)(m->orders.n - 1));
}

static void approval_loaded(month_t *m, sqlite3_stmt *st)
{
    const char *opp = (const char *)sqlite3_column_text(st, 0);
    int32_t op = month_opportunity(m, opp, true);
    date_t d = col_date(st, 1);
    if (d < m->opportunities.v[op].first_approval)
        m->opportunities.v[op].first_approval = d;
}

static void seen_loaded(month_t *m, sqlite3_stmt *st)
{
    const char *k = col_str(m, st, 0);
    strmap_put(&m->seen_ids, k, strlen(k), 1);
}

static void history_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a < 0)
        return;
    history_t h = {.agreement = a, .period = col_period(st, 1),
                   .revenue = sqlite3_column_int64(st, 2),
                   .installed_mrc = sqlite3_column_int64(st, 3)};
    VEC_PUSH(m->history, h);
}

static void carried_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a >= 0)
        m->carried_in[a] = sqlite3_column_int64(st, 1);
}

static void points_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a >= 0)
        m->points_before[a] = sqlite3_column_int64(st, 1);
}

static void tier_loaded(month_t *m, sqlite3_stmt *st)
{
    int32_t a = agreement_index(m, st, 0);
    if (a < 0)
        return;
    tier_prior_t *t = &m->tier_prior[a];
    t->period = col_period(st, 1);
    t->program = col_str(m, st, 2);
    t->tier = col_str(m, st, 3);
    t->rule = rule_from_name((const char *)sqlite3_column_text(st, 4));
    t->reviewed = sqlite3_column_int(st, 5) != 0;
    t->next_program = col_str(m, st, 6);
    t->next_tier = col_str(m, st, 7);
    t->next_rule = rule_from_name((const char *)sqlite3_column_text(st, 8));
}

static void awarded_loaded(month_t *m, sqlite3_stmt *st)
{
    const char *k = col_str(m, st, 0);
    strmap_put(&m->awarded, k, strlen(k), 1);
}

/* One row of int64 columns out[0..n) of a query binding p as ?1; false
 * when it fails. */
static bool query_counts(ledger_t *l, const char *sql, period_t p, int64_t *out, int n)
{
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return false;
    bind_period(st, 1, p);
    int rc = sqlite3_step(st);
    for (int i = 0; i < n; i++)
        out[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, i) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW;
}

/* The orders the periods before p delivered: total (from their packs),
 * biggest the most one pack holds. false when the query fails; a period
 * without the pack of its last run is a damaged ledger (*damaged). */
typedef struct earlier_orders {
    int64_t total, biggest;
} earlier_orders_t;

static const char *const earlier_orders_sql =
    "SELECT coalesce(sum(s.orders), 0), count(*) - count(s.period), coalesce(max(s.orders), 0)"
    " FROM runs r LEFT JOIN order_stubs s ON s.period = r.period AND s.run = r.runs"
    " WHERE r.period < ?1";

static bool count_earlier_orders(ledger_t *l, period_t p, earlier_orders_t *e, bool *damaged)
{
    int64_t v[3]; /* packed orders, periods without a pack, the biggest pack */
    if (!query_counts(l, earlier_orders_sql, p, v, 3))
        return false;
    *e = (earlier_orders_t){.total = v[0], .biggest = v[2]};
    *damaged = v[1] > 0;
    return true;
}

int64_t ledger_earlier_orders(ledger_t *l, period_t p)
{
    earlier_orders_t e;
    bool damaged;
    return l && count_earlier_orders(l, p, &e, &damaged) ? e.total : 0;
}

/* The stubs of every earlier order, period by period (the order of
 * period, order_id): each period's pack (order_stubs, batch/stubs.h). */
static cm_status decode_stubs(ledger_t *l, month_t *m, cm_error_t *err)
{
    const char *periods_sql =
        "SELECT r.period, s.orders, s.ids, s.decisions, s.agreements, s.opportunities"
        " FROM runs r JOIN order_stubs s ON s.period = r.period AND s.run = r.runs"
        " WHERE r.period < ?1 ORDER BY r.period";
    int rc = SQLITE_DONE;
    sqlite3_stmt *st = prep(l, periods_sql);
    cm_status e = st ? EXIT_DONE : db_fail(l, err, periods_sql);
    if (st)
        bind_period(st, 1, m->period);
    while (e == EXIT_DONE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t from = m->stubs.n;
        const char *period = (const char *)sqlite3_column_text(st, 0);
        sqlite3_int64 n = sqlite3_column_int64(st, 1);
        stub_blobs_t b = {.n = n > 0 ? (size_t)n : 0,
                          .ids = sqlite3_column_blob(st, 2),
                          .ids_len = (size_t)sqlite3_column_bytes(st, 2),
                          .decisions = sqlite3_column_blob(st, 3),
                          .decisions_len = (size_t)sqlite3_column_bytes(st, 3),
                          .agreements = sqlite3_column_blob(st, 4),
                          .agreements_len = (size_t)sqlite3_column_bytes(st, 4),
                          .opportunities = sqlite3_column_blob(st, 5),
                          .opportunities_len = (size_t)sqlite3_column_bytes(st, 5)};
        if (n < 0 || (size_t)n > m->stubs.cap - m->stubs.n)
            e = cm_fail(err, EXIT_INTERNAL,
                          "ledger: period %s holds more orders than counted", period);
        else if (!stub_pack_load(m, &b))
            e = cm_fail(err, EXIT_INTERNAL,
                          "ledger: the stored orders of period %s do not decode"
                          " (order_stubs); the ledger is damaged", period);
        else { /* which period delivered which stubs (month_order_period) */
            period_t pp = PERIOD_NONE;
            period_parse(period, 7, &pp);
            VEC_PUSH(m->stub_periods, pp);
            VEC_PUSH(m->stub_period_end, m->stubs.n);
            month_index_stubs(m, from, m->stubs.n);
        }
    }
    if (e == EXIT_DONE && rc != SQLITE_DONE)
        e = db_fail(l, err, periods_sql);
    sqlite3_finalize(st);
    return e;
}

/* The stubs and the map are sized first: no regrowth or rehash of millions
 * of entries. */
static cm_status load_stubs(ledger_t *l, month_t *m, cm_error_t *err)
{
    earlier_orders_t earlier;
    bool damaged;
    if (!count_earlier_orders(l, m->period, &earlier, &damaged))
        return db_fail(l, err, earlier_orders_sql);
    if (damaged)
        return cm_fail(err, EXIT_INTERNAL,
                         "ledger: a period before %s has no stored orders of its last run"
                         " (order_stubs); the ledger is damaged", period_format(m->period,
                                                                               (char[PERIOD_BUF]){0}));
    if (earlier.total == 0)
        return EXIT_DONE; /* nothing to load */
    /* the map also takes P's own orders: as many as the biggest earlier
     * period's, a guess that spares the doubling (and the old and new
     * tables side by side) a month of average size would cause */
    strmap_reserve(&m->order_ix, (size_t)(earlier.total + earlier.biggest));
    VEC_RESERVE(m->stubs, m->stubs.n + (size_t)earlier.total);
    return decode_stubs(l, m, err);
}

static int history_order(const void *x, const void *y)
{
    const history_t *a = x, *b = y;
    if (a->agreement != b->agreement)
        return a->agreement < b->agreement ? -1 : 1;
    return (a->period > b->period) - (a->period < b->period);
}

cm_status ledger_load_prior(ledger_t *l, month_t *m, cm_error_t *err)
{
    if (!l)
        return EXIT_DONE;
    cm_status rc = load_stubs(l, m, err); /* first: the loads below look orders up */
    if (rc != EXIT_DONE)
        return rc;
    struct {
        const char *sql;
        void (*row)(month_t *, sqlite3_stmt *);
    } loads[] = {
        {orders_waiting_sql, order_completed},
        {orders_reinstalled_sql, order_completed},
        {"SELECT opportunity_id, approved_on FROM approvals WHERE period < ?1", approval_loaded},
        {"SELECT 'approval' || char(31) || approval_id FROM approvals WHERE period < ?1"
         " UNION ALL SELECT 'adjustment' || char(31) || adjustment_id FROM adjustments"
         " WHERE period < ?1 UNION ALL SELECT 'activity' || char(31) || activity_id"
         " FROM activities WHERE period < ?1", seen_loaded},
        {"SELECT agreement_id, period, revenue, installed_mrc FROM agreement_periods"
         " WHERE period < ?1 ORDER BY agreement_id, period", history_loaded},
        {"SELECT agreement_id, sum(points) FROM activities WHERE period < ?1 AND"
         " status = 'awarded' GROUP BY agreement_id", points_loaded},
        {"SELECT DISTINCT agreement_id || char(31) || activity_code FROM activities"
         " WHERE period < ?1 AND status = 'awarded'", awarded_loaded},
    };
    for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        rc = each_row(l, m, loads[i].sql, loads[i].row, err);
        if (rc != EXIT_DONE)
            return rc;
    }
    /* per agreement, its latest payable and tier placement before P */
    static const char *const latest[] = {
        "SELECT agreement_id, carried_out FROM payables WHERE agreement_id = ?2 AND period < ?1"
        " ORDER BY period DESC LIMIT 1",
        "SELECT agreement_id, period, program, tier, rule, reviewed, next_program, next_tier,"
        " next_rule FROM tiers WHERE agreement_id = ?2 AND period < ?1"
        " ORDER BY period DESC LIMIT 1"};
    void (*latest_row[])(month_t *, sqlite3_stmt *) = {carried_loaded, tier_loaded};
    for (size_t i = 0; i < 2; i++) {
        rc = each_agreement_row(l, m, latest[i], latest_row[i], err);
        if (rc != EXIT_DONE)
            return rc;
    }
    /* history rows come ordered by agreement_id text; the rules want index order */
    if (m->history.n > 1)
        qsort(m->history.v, m->history.n, sizeof(*m->history.v), history_order);
    return EXIT_DONE;
}

cm_status ledger_complete_order(ledger_t *l, month_t *m, int32_t *ref, cm_error_t *err)
{
    if (*ref < ORDER_STUB)
        return EXIT_DONE;
    const char *id = month_stub_id(m, (size_t)(*ref - ORDER_STUB));
    int32_t now = month_order_ref(m, id);
    if (now < ORDER_STUB) { /* made whole already */
        *ref = now;
        return EXIT_DONE;
    }
    if (!l)
        return cm_fail(err, EXIT_INTERNAL, "ledger: order %s is a stub without a ledger", id);
    if (!l->complete && !(l->complete = prep(l, order_by_id_sql)))
        return db_fail(l, err, order_by_id_sql);
    sqlite3_stmt *st = l->complete;
    bind_period(st, 1, m->period);
    bind_text(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        order_completed(m, st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(l, err, order_by_id_sql);
    *ref = month_order_ref(m, id);
    if (*ref >= ORDER_STUB)
        return cm_fail(err, EXIT_INTERNAL, "ledger: order %s is gone", id);
    return EXIT_DONE;
}

cm_status ledger_complete_orders(ledger_t *l, month_t *m, int32_t *refs, size_t n,
                                 cm_error_t *err)
{
    /* one read transaction: one shared lock, not one per lookup */
    bool txn = l && n > 1 && sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    cm_status rc = EXIT_DONE;
    for (size_t i = 0; rc == EXIT_DONE && i < n; i++)
        rc = ledger_complete_order(l, m, &refs[i], err);
    if (txn)
        sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL); /* nothing was written */
    return rc;
}

/* ---- saving the month ------------------------------------------------------ */

typedef struct saver {
    ledger_t *l;
    cm_error_t *err;
    cm_status rc;
} saver_t;

static sqlite3_stmt *saver_prep(saver_t *s, const char *sql)
{
    if (s->rc != EXIT_DONE)
        return NULL;
    sqlite3_stmt *st = prep(s->l, sql);
    if (!st)
        s->rc = db_fail(s->l, s->err, sql);
    return st;
}

/* Step a prepared insert/update and reset it for the next row. */
static void saver_step(saver_t *s, sqlite3_stmt *st)
{
    if (s->rc != EXIT_DONE || !st)
        return;
    if (sqlite3_step(st) != SQLITE_DONE)
        s->rc = db_fail(s->l, s->err, sqlite3_sql(st));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void exec_p(saver_t *s, const char *sql, period_t p)
{
    sqlite3_stmt *st = saver_prep(s, sql);
    if (!st)
        return;
    bind_period(st, 1, p);
    saver_step(s, st);
    sqlite3_finalize(st);
}

static const char *agreement_id_of(const month_t *m, int32_t a)
{
    return a >= 0 ? m->master->agreements.v[a].id : NULL;
}

/* Orders P inserts (its own) or updates (installed or charged back at P). */
static bool order_saved(const month_t *m, const order_t *o)
{
    return o->period == m->period || o->installed_period == m->period ||
           o->chargeback_period == m->period;
}

static void bind_blob(sqlite3_stmt *st, int i, const void *v, size_t n)
{
    sqlite3_bind_blob64(st, i, n ? v : "", n, SQLITE_STATIC);
}

/* P's orders as the next periods load them (batch/stubs.h). */
static void save_stubs(saver_t *s, const month_t *m, const stub_pack_t *p)
{
    /* run: what save_run makes the period's runs count, later in this transaction */
    sqlite3_stmt *st = saver_prep(s,
        "INSERT INTO order_stubs(period, run, orders, ids, decisions, agreements, opportunities)"
        " VALUES(?1, coalesce((SELECT runs FROM runs WHERE period = ?1),"
        " 0) + 1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return;
    bind_period(st, 1, m->period);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)p->n);
    bind_blob(st, 3, p->ids.bytes, p->ids.used);
    bind_blob(st, 4, p->decisions.v, p->decisions.n);
    bind_blob(st, 5, p->agreements.v, p->agreements.n);
    bind_blob(st, 6, p->opportunities.v, p->opportunities.n);
    saver_step(s, st);
    sqlite3_finalize(st);
}

static void save_orders(saver_t *s, const month_t *m)
{
    sqlite3_stmt *ins = saver_prep(s,
        "INSERT INTO orders(order_id, period, line, partner_id, agreement_ref, account_id,"
        " product_code, order_type, original_order_id, opportunity_id, order_date, install_date,"
        " mrc, nrc, currency, term_months, status, agreement_id, rule, installed_period, spiff,"
        " chargeback_period) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *upd = saver_prep(s,
        "UPDATE orders SET installed_period=?2, spiff=?3, chargeback_period=?4 WHERE order_id=?1");
    /* in order_id order: each page of the primary key is visited once, in
     * order, however the ids of P interleave with earlier ones */
    size_t n;
    int32_t *ix = month_orders_by_id(m, order_saved, &n);
    stub_pack_t pack;
    stub_pack_init(&pack, m->master->agreements.n);
    for (size_t k = 0; ins && upd && k < n; k++) {
        const order_t *o = &m->orders.v[ix[k]];
        if (o->period == m->period) {
            stub_pack_add(&pack, m->master, o);
            bind_text(ins, 1, o->id);
            bind_period(ins, 2, o->period);
            sqlite3_bind_int(ins, 3, o->line);
            bind_text(ins, 4, o->partner_id);
            bind_text(ins, 5, o->agreement_ref);
            bind_text(ins, 6, o->account_id);
            bind_text(ins, 7, o->product_code);
            sqlite3_bind_int(ins, 8, o->type);
            bind_text(ins, 9, o->original_id);
            bind_text(ins, 10, o->opportunity_id);
            bind_date(ins, 11, o->order_date);
            bind_date(ins, 12, o->install_date);
            sqlite3_bind_int64(ins, 13, o->mrc);
            sqlite3_bind_int64(ins, 14, o->nrc);
            bind_text(ins, 15, o->currency.code);
            sqlite3_bind_int(ins, 16, o->term_months);
            sqlite3_bind_int(ins, 17, o->status);
            bind_text(ins, 18, agreement_id_of(m, o->agreement));
            bind_text(ins, 19, rule_name(o->rule));
            bind_period(ins, 20, o->installed_period);
            if (o->has_spiff)
                sqlite3_bind_int64(ins, 21, o->spiff);
            bind_period(ins, 22, o->chargeback_period);
            saver_step(s, ins);
        } else if (o->installed_period == m->period || o->chargeback_period == m->period) {
            bind_text(upd, 1, o->id);
            bind_period(upd, 2, o->installed_period);
            if (o->has_spiff)
                sqlite3_bind_int64(upd, 3, o->spiff);
            bind_period(upd, 4, o->chargeback_period);
            saver_step(s, upd);
        }
    }
    free(ix);
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    save_stubs(s, m, &pack);
    stub_pack_release(&pack);
    sqlite3_stmt *inst = saver_prep(s,
        "UPDATE orders SET install_date=?2, install_update_period=?3 WHERE order_id=?1");
    for (size_t i = 0; inst && i < m->install_updates.n; i++) {
        const order_t *o = &m->orders.v[m->install_updates.v[i]];
        bind_text(inst, 1, o->id);
        bind_date(inst, 2, o->install_date);
        bind_period(inst, 3, m->period);
        saver_step(s, inst);
    }
    sqlite3_finalize(inst);
}

static void save_events(saver_t *s, const month_t *m)
{
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO approvals VALUES(?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->approvals.n; i++) {
        const approval_t *a = &m->approvals.v[i];
        bind_text(st, 1, a->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, a->opportunity_id);
        bind_date(st, 4, a->approved_on);
        bind_text(st, 5, a->approved_by);
        bind_text(st, 6, a->document_ref);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    st = saver_prep(s, "INSERT INTO adjustments VALUES(?,?,?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->adjustments.n; i++) {
        const adjustment_t *a = &m->adjustments.v[i];
        bind_text(st, 1, a->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, a->agreement_id);
        sqlite3_bind_int64(st, 4, a->amount);
        bind_text(st, 5, a->currency.code);
        bind_text(st, 6, a->reason);
        bind_text(st, 7, a->entered_by);
        bind_text(st, 8, a->approved_by);
        bind_date(st, 9, a->approved_on);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    st = saver_prep(s, "INSERT INTO activities VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->activities.n; i++) {
        const activity_t *a = &m->activities.v[i];
        bind_text(st, 1, a->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, a->partner_id);
        bind_text(st, 4, a->activity_code);
        bind_date(st, 5, a->activity_date);
        bind_text(st, 6, a->evidence_ref);
        bind_text(st, 7, status_names[a->status]);
        bind_text(st, 8, agreement_id_of(m, a->agreement));
        sqlite3_bind_int64(st, 9, a->points);
        sqlite3_bind_int64(st, 10, a->points_to_date);
        bind_text(st, 11, rule_name(a->rule));
        saver_step(s, st);
    }
    sqlite3_finalize(st);
}

/* §4.8 the restatements P posted (m->restated: only changed figures). */
static void save_restated(saver_t *s, const month_t *m)
{
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO restated VALUES(?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->restated.n && s->rc == EXIT_DONE; i++) {
        const restated_t *x = &m->restated.v[i];
        money_t basis, amount;
        bool fits = money_sub(x->revenue, x->revenue_before, &basis) &&
                    money_sub(x->residual, x->residual_before, &amount);
        assert(fits); /* lines_restatements made the same differences */
        (void)fits;
        bind_text(st, 1, agreement_id_of(m, x->agreement));
        bind_period(st, 2, m->period);
        bind_period(st, 3, x->period);
        sqlite3_bind_int64(st, 4, x->revenue);
        sqlite3_bind_int64(st, 5, x->residual);
        sqlite3_bind_int64(st, 6, basis);
        sqlite3_bind_int64(st, 7, amount);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
}

static void save_agreements(saver_t *s, const month_t *m)
{
    sqlite3_stmt *agg = saver_prep(s, "INSERT INTO agreement_periods VALUES(?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *tier = saver_prep(s, "INSERT INTO tiers VALUES(?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *pay = saver_prep(s, "INSERT INTO payables VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    const book_t *b = m->book;
    for (size_t a = 0; agg && tier && pay && a < m->master->agreements.n; a++) {
        const agreement_t *ag = &m->master->agreements.v[a];
        const agreement_period_t *c = &m->current[a];
        bool active = agreement_active_in(ag, m->period);
        if (active || c->cash_lines || c->revenue || c->installed_mrc || c->points ||
            c->by_kind[LINE_CREDIT]) {
            bind_text(agg, 1, ag->id);
            bind_period(agg, 2, m->period);
            sqlite3_bind_int64(agg, 3, c->revenue);
            sqlite3_bind_int64(agg, 4, c->installed_mrc);
            for (int k = 0; k < LINE_KINDS_STORED; k++) /* restatement: table restated */
                sqlite3_bind_int64(agg, 5 + k, c->by_kind[k]);
            sqlite3_bind_int64(agg, 10, c->points);
            saver_step(s, agg);
        }
        const tier_state_t *t = &m->tiers[a];
        if (active) {
            bind_text(tier, 1, ag->id);
            bind_period(tier, 2, m->period);
            bind_text(tier, 3, t->program >= 0 ? b->programs.v[t->program].name : NULL);
            bind_text(tier, 4, t->tier);
            bind_text(tier, 5, rule_name(t->rule));
            sqlite3_bind_int64(tier, 6, t->basis_value);
            sqlite3_bind_int(tier, 7, t->reviewed);
            bind_text(tier, 8, t->next_program >= 0 ? b->programs.v[t->next_program].name : NULL);
            bind_text(tier, 9, t->next_tier);
            bind_text(tier, 10, rule_name(t->next_rule));
            saver_step(s, tier);
        }
        const payable_t *p = &m->payables[a];
        if (p->present) {
            bind_text(pay, 1, ag->id);
            bind_period(pay, 2, m->period);
            bind_text(pay, 3, m->master->partners.v[ag->partner].id);
            bind_text(pay, 4, ag->currency.code);
            sqlite3_bind_int64(pay, 5, p->carried_in);
            sqlite3_bind_int64(pay, 6, p->earned);
            sqlite3_bind_int64(pay, 7, p->balance);
            sqlite3_bind_int64(pay, 8, p->paid);
            sqlite3_bind_int64(pay, 9, p->carried_out);
            bind_text(pay, 10, rule_name(p->status));
            bind_date(pay, 11, p->due_date);
            saver_step(s, pay);
        }
    }
    sqlite3_finalize(agg);
    sqlite3_finalize(tier);
    sqlite3_finalize(pay);
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO commitments VALUES(?,?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->commitments.n; i++) {
        const commitment_result_t *r = &m->commitments.v[i];
        const commitment_t *c = &m->master->commitments.v[r->commitment];
        bind_text(st, 1, c->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, agreement_id_of(m, c->agreement));
        sqlite3_bind_int64(st, 4, r->retired_period);
        sqlite3_bind_int64(st, 5, r->retired_to_date);
        sqlite3_bind_int64(st, 6, r->remaining);
        sqlite3_bind_int64(st, 7, r->percent_hundredths);
        bind_text(st, 8, rule_name(r->status));
        saver_step(s, st);
    }
    sqlite3_finalize(st);
}

static void save_run(saver_t *s, const month_t *m, const input_list_t *inputs)
{
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO inputs VALUES(?,?,?,?,?)");
    for (size_t i = 0; st && i < inputs->n; i++) {
        bind_period(st, 1, m->period);
        bind_text(st, 2, inputs->v[i].path);
        bind_text(st, 3, inputs->v[i].sha256);
        sqlite3_bind_int64(st, 4, inputs->v[i].records);
        sqlite3_bind_int64(st, 5, inputs->v[i].bytes);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    const control_t *c = &m->control;
    struct {
        const char *name;
        int64_t v;
    } controls[] = {
        {"orders_read", c->orders_read}, {"orders_attributed", c->orders_attributed},
        {"orders_held", c->orders_held}, {"orders_rejected", c->orders_rejected},
        {"orders_rejected_rows", c->orders_rejected_rows},
        {"revenue_read", c->revenue_read}, {"revenue_amount_in", c->revenue_amount_in},
        {"revenue_amount_assigned", c->revenue_amount_assigned},
        {"rejects_total", c->rejects_total},
    };
    st = saver_prep(s, "INSERT INTO controls VALUES(?,?,?)");
    for (size_t i = 0; st && i < sizeof(controls) / sizeof(controls[0]); i++) {
        bind_period(st, 1, m->period);
        bind_text(st, 2, controls[i].name);
        sqlite3_bind_int64(st, 3, controls[i].v);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    exec_p(s, "INSERT INTO runs VALUES(?1, 'open', 1) ON CONFLICT(period) DO UPDATE SET"
              " runs = runs + 1", m->period);
}

/* The order rows an earlier run of P wrote. P is the newest period (periods
 * run in order, only the newest re-runs) and a run inserts its orders after
 * every earlier period's, so they are the rows of the highest rowids: found
 * walking back from the last row, deleted as one range, and counted against
 * the pack that run wrote. Rows not where they should be (the count
 * differs) fall back to a scan of every row (no index by period). */
static void clear_orders(saver_t *s, period_t p)
{
    if (s->rc != EXIT_DONE)
        return;
    int64_t run[2]; /* runs of P so far, orders in the pack of the last (-1: none) */
    if (!query_counts(s->l,
                      "SELECT count(*), coalesce(max(s.orders), -1) FROM runs r"
                      " LEFT JOIN order_stubs s ON s.period = r.period AND s.run = r.runs"
                      " WHERE r.period = ?1",
                      p, run, 2)) {
        s->rc = db_fail(s->l, s->err, "runs of the period");
        return;
    }
    if (run[0] == 0) /* never run: nothing of P is in the ledger */
        return;
    int64_t deleted = 0;
    if (run[1] >= 0) {
        sqlite3_stmt *tail =
            saver_prep(s, "SELECT rowid, period = ?1 FROM orders ORDER BY rowid DESC");
        if (!tail)
            return;
        bind_period(tail, 1, p);
        sqlite3_int64 first = 0;
        bool any = false;
        int rc;
        while ((rc = sqlite3_step(tail)) == SQLITE_ROW && sqlite3_column_int(tail, 1)) {
            first = sqlite3_column_int64(tail, 0);
            any = true;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            s->rc = db_fail(s->l, s->err, sqlite3_sql(tail));
        sqlite3_finalize(tail);
        sqlite3_stmt *del = any ? saver_prep(s, "DELETE FROM orders WHERE rowid >= ?1") : NULL;
        if (del) {
            sqlite3_bind_int64(del, 1, first);
            saver_step(s, del);
            sqlite3_finalize(del);
            deleted = sqlite3_changes64(s->l->db);
        }
    }
    if (deleted != run[1])
        exec_p(s, "DELETE FROM orders WHERE period = ?1", p);
}

cm_status ledger_save_month(ledger_t *l, const month_t *m, const input_list_t *inputs,
                            cm_error_t *err)
{
    saver_t s = {.l = l, .err = err, .rc = EXIT_DONE};
    /* an earlier run of P: remove what it wrote, undo what it changed */
    clear_orders(&s, m->period);
    static const char *const clear[] = {
        "DELETE FROM order_stubs WHERE period = ?1",
        ("UPDATE orders SET install_date = NULL, install_update_period = NULL"
         " WHERE install_update_period = ?1"),
        /* P's own rows are gone (clear_orders): the rest were ordered before P */
        ("UPDATE orders SET installed_period = NULL, spiff = NULL WHERE installed_period = ?1"
         " AND installed_period > period"),
        "UPDATE orders SET chargeback_period = NULL WHERE chargeback_period = ?1",
        "DELETE FROM approvals WHERE period = ?1", "DELETE FROM adjustments WHERE period = ?1",
        "DELETE FROM activities WHERE period = ?1",
        "DELETE FROM agreement_periods WHERE period = ?1", "DELETE FROM tiers WHERE period = ?1",
        "DELETE FROM payables WHERE period = ?1", "DELETE FROM commitments WHERE period = ?1",
        "DELETE FROM inputs WHERE period = ?1", "DELETE FROM controls WHERE period = ?1",
        "DELETE FROM statement_docs WHERE period = ?1", "DELETE FROM restated WHERE period = ?1",
    };
    for (size_t i = 0; i < sizeof(clear) / sizeof(clear[0]); i++)
        exec_p(&s, clear[i], m->period);
    save_orders(&s, m);
    save_events(&s, m);
    save_agreements(&s, m);
    save_restated(&s, m);
    save_run(&s, m, inputs);
    return s.rc;
}

cm_status ledger_check_inputs(ledger_t *l, period_t p, const input_list_t *inputs,
                              cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, "SELECT sha256 FROM inputs WHERE period=?1 AND path=?2");
    if (!st)
        return db_fail(l, err, "inputs");
    cm_status rc = EXIT_DONE;
    for (size_t i = 0; i < inputs->n && rc == EXIT_DONE; i++) {
        bind_period(st, 1, p);
        bind_text(st, 2, inputs->v[i].path);
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = cm_fail(err, EXIT_STATE_CONFLICT,
                           "%s was not an input of the run of this period: run it again first",
                           inputs->v[i].path);
        else if (strcmp((const char *)sqlite3_column_text(st, 0), inputs->v[i].sha256) != 0)
            rc = cm_fail(err, EXIT_STATE_CONFLICT,
                           "%s changed since the period was run (SHA-256 differs): run it again "
                           "first", inputs->v[i].path);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

cm_status ledger_recorded_inputs(ledger_t *l, period_t p, input_list_t *out, arena_t *arena,
                                 cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, "SELECT path, sha256 FROM inputs WHERE period = ?1 ORDER BY path");
    if (!st)
        return db_fail(l, err, "inputs");
    bind_period(st, 1, p);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        const char *sha = (const char *)sqlite3_column_text(st, 1);
        input_file_t in = {.path = arena_strndup(arena, path ? path : "", path ? strlen(path) : 0)};
        snprintf(in.sha256, sizeof(in.sha256), "%s", sha ? sha : "");
        VEC_PUSH(*out, in);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "inputs");
}

period_t ledger_period_before(ledger_t *l, period_t p)
{
    if (!l)
        return PERIOD_NONE;
    sqlite3_stmt *st = prep(l, "SELECT max(period) FROM runs WHERE period < ?1");
    period_t r = PERIOD_NONE;
    if (st) {
        bind_period(st, 1, p);
        if (sqlite3_step(st) == SQLITE_ROW)
            r = col_period(st, 0);
    }
    sqlite3_finalize(st);
    return r;
}

cm_status ledger_dataset_id(ledger_t *l, char *out, size_t len, cm_error_t *err)
{
    out[0] = '\0';
    sqlite3_stmt *st = prep(l, "SELECT value FROM meta WHERE key = 'dataset_id'");
    if (!st)
        return db_fail(l, err, "meta");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "meta");
}

cm_status ledger_set_dataset_id(ledger_t *l, const char *id, cm_error_t *err)
{
    sqlite3_stmt *st = prep(l, "INSERT INTO meta VALUES('dataset_id', ?1)");
    if (!st)
        return db_fail(l, err, "meta");
    bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? EXIT_DONE : db_fail(l, err, "meta");
}

cm_status ledger_check_carried(ledger_t *l, const month_t *m, cm_error_t *err)
{
    if (!l)
        return EXIT_DONE;
    /* per agreement its latest payable before P (the one carried_loaded
     * reads for the agreements master data has) */
    static const char *const sql =
        "SELECT p.agreement_id, p.carried_out, p.currency, p.period FROM payables p"
        " WHERE p.period = (SELECT max(q.period) FROM payables q"
        " WHERE q.agreement_id = p.agreement_id AND q.period < ?1)"
        " AND p.carried_out != 0 ORDER BY p.agreement_id";
    sqlite3_stmt *st = prep(l, sql);
    if (!st)
        return db_fail(l, err, sql);
    bind_period(st, 1, m->period);
    cm_status e = EXIT_DONE;
    int rc;
    while (e == EXIT_DONE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (agreement_index(m, st, 0) >= 0)
            continue;
        char money[MONEY_BUF];
        e = cm_fail(err, EXIT_INVALID_INPUT,
                      "master/agreements.csv: agreement %s carries a balance of %s %s (payables of"
                      " %s) but is not in master data (its row was deleted or rejected): restore"
                      " it, or the balance would vanish",
                      (const char *)sqlite3_column_text(st, 0),
                      money_format(sqlite3_column_int64(st, 1), money),
                      (const char *)sqlite3_column_text(st, 2),
                      (const char *)sqlite3_column_text(st, 3));
    }
    if (e == EXIT_DONE && rc != SQLITE_DONE)
        e = db_fail(l, err, sql);
    sqlite3_finalize(st);
    return e;
}

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
        uLongf n = size > 0 ? (uLongf)size : 0;
        unsigned char *doc = malloc(n ? n : 1);
        if (!doc)
            abort();
        if (size < 0 || (sqlite3_int64)n != size ||
            uncompress(doc, &n, sqlite3_column_blob(st, 1),
                       (uLong)sqlite3_column_bytes(st, 1)) != Z_OK ||
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

cm_status ledger_close_period(ledger_t *l, period_t p, const ledger_payments_t *pay,
                              cm_error_t *err)
{
    saver_t s = {.l = l, .err = err, .rc = EXIT_DONE};
    /* ON CONFLICT DO NOTHING, then compare: a payment id is issued once */
    sqlite3_stmt *ins = saver_prep(&s, "INSERT INTO payments VALUES(?1,?2,?3,?4,?5,?6,?7)"
                                       " ON CONFLICT(payment_id) DO NOTHING");
    sqlite3_stmt *same = saver_prep(&s,
        "SELECT count(*) FROM payments WHERE payment_id = ?1 AND period IS ?2"
        " AND partner_id IS ?3 AND agreement_id IS ?4 AND currency IS ?5 AND amount IS ?6"
        " AND due_date IS ?7");
    for (size_t i = 0; ins && same && s.rc == EXIT_DONE && i < pay->list.n; i++) {
        const payment_t *v = &pay->list.v[i];
        sqlite3_stmt *both[] = {ins, same};
        for (int k = 0; k < 2; k++) {
            bind_text(both[k], 1, v->payment_id);
            bind_period(both[k], 2, p);
            bind_text(both[k], 3, v->partner_id);
            bind_text(both[k], 4, v->agreement_id);
            bind_text(both[k], 5, v->currency);
            sqlite3_bind_int64(both[k], 6, v->amount);
            bind_date(both[k], 7, v->due_date);
        }
        saver_step(&s, ins);
        if (s.rc != EXIT_DONE)
            break;
        int rc = sqlite3_step(same);
        bool equal = rc == SQLITE_ROW && sqlite3_column_int64(same, 0) == 1;
        sqlite3_reset(same);
        sqlite3_clear_bindings(same);
        if (rc != SQLITE_ROW)
            s.rc = db_fail(l, err, "payments");
        else if (!equal)
            s.rc = cm_fail(err, EXIT_STATE_CONFLICT,
                             "payment %s was issued before with other content (a payment id is "
                             "issued once); nothing was closed or published", v->payment_id);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(same);
    exec_p(&s, "UPDATE runs SET state = 'closed' WHERE period = ?1", p);
    return s.rc;
}

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
    if (!st || !cur || !in) {
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
        if (held) {
            sqlite3_bind_text(held, 1, period, -1, SQLITE_TRANSIENT);
            while (sqlite3_step(held) == SQLITE_ROW)
                printf("  %s  revenue held %s (%lld row(s); see payouts.xlsx, Exceptions)\n",
                       (const char *)sqlite3_column_text(held, 0),
                       money_format(sqlite3_column_int64(held, 1), m1),
                       (long long)sqlite3_column_int64(held, 2));
            sqlite3_reset(held);
        }
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

/* ---- §4.8 restatement: what an earlier period stated ------------------------ */

cm_status ledger_restate_basis(ledger_t *l, month_t *m, period_t p, const char **tier,
                               money_t *revenue, money_t *residual, cm_error_t *err)
{
    static const char *const sql[] = {
        "SELECT agreement_id, tier FROM tiers WHERE period = ?2",
        "SELECT agreement_id, revenue, residual FROM agreement_periods WHERE period = ?2",
        /* the last restatement of p before P overrides what p's run stated */
        "SELECT agreement_id, revenue, residual FROM restated WHERE restated_period = ?2"
        " AND period < ?1 ORDER BY agreement_id, period"};
    for (int q = 0; q < 3; q++) {
        sqlite3_stmt *st = prep(l, sql[q]);
        if (!st)
            return db_fail(l, err, sql[q]);
        bind_period(st, 1, m->period);
        bind_period(st, 2, p);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int32_t a = agreement_index(m, st, 0);
            if (a < 0)
                continue; /* an agreement no longer in master data: nothing to post to */
            if (q == 0)
                tier[a] = col_str(m, st, 1);
            else {
                revenue[a] = sqlite3_column_int64(st, 1);
                residual[a] = sqlite3_column_int64(st, 2);
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_fail(l, err, sql[q]);
    }
    return EXIT_DONE;
}

/* ---- the workbook's prior period and backlog (issue 21) ---------------------------- */

typedef struct held_row {
    int32_t service;
    uint16_t currency;
    money_t amount;
} held_row_t;

static int held_row_cmp(const void *x, const void *y)
{
    const held_row_t *a = x, *b = y;
    if (a->service != b->service)
        return a->service < b->service ? -1 : 1;
    return a->currency < b->currency ? -1 : a->currency > b->currency;
}

cm_status ledger_save_holds(ledger_t *l, const month_t *m, cm_error_t *err)
{
    saver_t s = {.l = l, .err = err, .rc = EXIT_DONE};
    if (sqlite3_exec(l->db, HELD_REVENUE_SQL, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(l, err, "held_revenue");
    exec_p(&s, "DELETE FROM held_revenue WHERE period = ?1", m->period);
    /* only the held rows, grouped by sorting them: nothing for a month without holds */
    VEC(held_row_t) v = {0};
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status == STATUS_HELD) { /* a service's order, or an account's owner (P3) */
            held_row_t h = {r->service, r->currency, r->amount};
            VEC_PUSH(v, h);
        }
    }
    if (v.n > 1)
        qsort(v.v, v.n, sizeof(*v.v), held_row_cmp);
    sqlite3_stmt *ins = saver_prep(&s, "INSERT INTO held_revenue VALUES(?1,?2,?3,?4,?5,?6)");
    for (size_t i = 0; ins && s.rc == EXIT_DONE && i < v.n;) {
        size_t j = i;
        money_t sum = 0;
        for (; j < v.n && v.v[j].service == v.v[i].service && v.v[j].currency == v.v[i].currency; j++)
            sum = money_add_bounded(sum, v.v[j].amount); /* a subset of P's rows */
        int32_t sv = v.v[i].service;
        const char *named = NULL, *key;
        char account[128];
        if (sv >= 0) {
            key = month_order_decision(m, sv).id;
            if (sv < ORDER_STUB)
                named = m->orders.v[sv].agreement_ref;
        } else { /* "account ID": never an order id (ids have no space) */
            const revenue_t probe = {.service = sv};
            int32_t ac = revenue_account(&probe);
            snprintf(account, sizeof(account), "account %s",
                     ac >= 0 ? m->master->accounts.v[ac].id : "(not in accounts.csv)");
            if (ac >= 0 && m->master->accounts.v[ac].owner >= 0)
                named = m->master->agreements.v[m->master->accounts.v[ac].owner].id;
            key = account;
        }
        currency_t c = currency_unpack(v.v[i].currency);
        bind_period(ins, 1, m->period);
        bind_text(ins, 2, key);
        bind_text(ins, 3, c.code);
        bind_text(ins, 4, named ? named : "");
        sqlite3_bind_int64(ins, 5, (int64_t)(j - i));
        sqlite3_bind_int64(ins, 6, sum);
        saver_step(&s, ins);
        i = j;
    }
    sqlite3_finalize(ins);
    free(v.v);
    return s.rc;
}

cm_status ledger_load_holds(ledger_t *l, period_t p, ledger_hold_fn push, void *ctx,
                            cm_error_t *err)
{
    (void)err;
    if (!l)
        return EXIT_DONE;
    /* a ledger older than the table has no backlog */
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
        return EXIT_DONE;
    bind_period(st, 1, p);
    while (sqlite3_step(st) == SQLITE_ROW)
        push(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
             (const char *)sqlite3_column_text(st, 2), col_period(st, 3), col_period(st, 4),
             sqlite3_column_int(st, 5), sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7));
    sqlite3_finalize(st);
    return EXIT_DONE;
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
    while (sqlite3_step(st) == SQLITE_ROW)
        push(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
             sqlite3_column_int64(st, 2));
    sqlite3_finalize(st);
    return EXIT_DONE;
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
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_text(st, 0), *a = sqlite3_column_text(st, 1);
        snprintf(partner, plen, "%s", p ? (const char *)p : "");
        snprintf(agreement, alen, "%s", a ? (const char *)a : "");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return EXIT_DONE;
}
