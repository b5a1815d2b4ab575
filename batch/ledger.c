/*
 * ledger.c — SQLite persistence of runs, decisions and aggregates (SPEC §5):
 * opening and stamping the ledger, transactions, the statement helpers the
 * ledger_*.c parts share, the run state of periods, recorded inputs and the
 * dataset id. Dates are stored as 'YYYY-MM-DD' and periods as 'YYYY-MM' so
 * an auditor can read the ledger with the sqlite3 shell; money is integer
 * cents.
 */
#include "ledger_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

cm_status db_fail(ledger_t *l, cm_error_t *err, const char *what)
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
    /* A new ledger: 16 KiB pages (SQLite's default is 4): a month's new
     * pages go to the WAL and back into the file at the commit's checkpoint
     * in a quarter of the writes. Stamp and schema land in one
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

sqlite3_stmt *prep(ledger_t *l, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    return st;
}

/* s (NULL binds NULL) is not copied: it must stay unchanged until the
 * statement is stepped (arena strings, names, the caller's buffers). */
void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* A text formatted here, so SQLite copies it. */
void bind_copy(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void bind_period(sqlite3_stmt *st, int i, period_t p)
{
    char b[PERIOD_BUF];
    bind_copy(st, i, p == PERIOD_NONE ? NULL : period_format(p, b));
}

void bind_date(sqlite3_stmt *st, int i, date_t d)
{
    char b[DATE_BUF];
    bind_copy(st, i, d == DATE_NONE ? NULL : date_format(d, b));
}

const char *col_str(month_t *m, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s)
        return NULL;
    return arena_strndup(&m->arena, (const char *)s, (size_t)sqlite3_column_bytes(st, i));
}

period_t col_period(sqlite3_stmt *st, int i)
{
    period_t p;
    const unsigned char *s = sqlite3_column_text(st, i);
    return s && period_parse((const char *)s, strlen((const char *)s), &p) ? p : PERIOD_NONE;
}

date_t col_date(sqlite3_stmt *st, int i)
{
    date_t d;
    const unsigned char *s = sqlite3_column_text(st, i);
    return s && date_parse((const char *)s, strlen((const char *)s), &d) ? d : DATE_NONE;
}

int32_t agreement_index(const month_t *m, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s)
        return -1;
    return strmap_get(&m->master->agreement_ix, (const char *)s, strlen((const char *)s));
}

/* Run a query binding P as ?1 and call row() for each result. */
cm_status each_row(ledger_t *l, month_t *m, const char *sql,
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
 * keyed (agreement_id, period) is one index seek per agreement, however
 * many periods the ledger keeps. */
cm_status each_agreement_row(ledger_t *l, month_t *m, const char *sql,
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

/* One row of int64 columns out[0..n) of a query binding p as ?1; false
 * when it fails. */
bool query_counts(ledger_t *l, const char *sql, period_t p, int64_t *out, int n)
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

void bind_blob(sqlite3_stmt *st, int i, const void *v, size_t n)
{
    sqlite3_bind_blob64(st, i, n ? v : "", n, SQLITE_STATIC);
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
