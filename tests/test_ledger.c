/*
 * test_ledger.c — batch/ledger*.c on a real SQLite file in a temporary
 * folder: a new ledger is stamped and a file that is not this program's
 * ledger of this schema version is refused untouched (exit 4); a decided
 * month saved, then loaded as the state before the next period, gives back
 * what the rules read (carried balances, points, tier rows, history, seen
 * ids, approvals, order stubs and whole orders); a period saved again
 * replaces its rows; statement documents come back byte for byte; the hash
 * chain names the table changed behind its back.
 */
#include "fake.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decide.h"
#include "ledger.h"

/* ---- files -------------------------------------------------------------------- */

typedef struct tmp {
    char dir[64];
    char db[128];
} tmp_t;

static void tmp_make(tmp_t *t)
{
    snprintf(t->dir, sizeof(t->dir), "/tmp/test-ledger-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->db, sizeof(t->db), "%s/ledger.db", t->dir);
}

static void tmp_remove(tmp_t *t)
{
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", t->db, suffix[i]);
        unlink(p);
    }
    assert_int_equal(rmdir(t->dir), 0);
}

/* The whole file, malloc'd; *len its length. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0, k;
    unsigned char *b = malloc(cap);
    while ((k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    *len = n;
    return b;
}

static void put_file(const char *path, const void *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static uint32_t be32_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A writer's open of the file lock_acquire created (empty when new). */
static ledger_t *open_writer(const char *path)
{
    if (!exists(path))
        put_file(path, "", 0);
    ledger_t *l = NULL;
    cm_error_t err = {0};
    cm_status rc = ledger_open(path, false, &l, &err);
    if (rc != EXIT_DONE)
        fail_msg("ledger_open: %s", err.message);
    assert_non_null(l);
    return l;
}

/* One integer a query on the ledger gives. */
static int64_t sql_int(ledger_t *l, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void sql_exec(ledger_t *l, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(ledger_db(l), sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* ---- the stamp ------------------------------------------------------------------ */

/* Proves a new ledger carries application_id "COMM" and the schema version
 * in the main file's header (where ledger_open reads them before SQLite
 * touches a file), and opens again, read-only too. */
static void test_new_ledger_is_stamped(void **state)
{
    (void)state;
    tmp_t t;
    tmp_make(&t);
    ledger_close(open_writer(t.db));
    size_t n;
    unsigned char *h = slurp(t.db, &n);
    assert_true(n >= 100);
    assert_memory_equal(h, "SQLite format 3", 16);
    assert_int_equal(be32_at(h + 68), 0x434F4D4D);
    assert_int_equal(be32_at(h + 60), LEDGER_SCHEMA_VERSION);
    free(h);
    ledger_t *l = NULL;
    cm_error_t err = {0};
    assert_int_equal(ledger_open(t.db, true, &l, &err), EXIT_DONE);
    assert_non_null(l);
    assert_int_equal(ledger_latest_period(l), PERIOD_NONE);
    ledger_close(l);
    ledger_close(open_writer(t.db));
    tmp_remove(&t);
}

/* Proves a readonly open of a missing or empty file is "no state yet". */
static void test_readonly_without_ledger(void **state)
{
    (void)state;
    tmp_t t;
    tmp_make(&t);
    ledger_t *l = (ledger_t *)1;
    cm_error_t err = {0};
    assert_int_equal(ledger_open(t.db, true, &l, &err), EXIT_DONE);
    assert_null(l);
    put_file(t.db, "", 0);
    assert_int_equal(ledger_open(t.db, true, &l, &err), EXIT_DONE);
    assert_null(l);
    tmp_remove(&t);
}

/* ledger_open of path (writer and reader) is EXIT_STATE_CONFLICT with a
 * message holding `says`, and leaves the file byte for byte as it was,
 * with no -wal or -shm beside it. */
static void assert_refused(const tmp_t *t, const char *says)
{
    size_t n0, n1;
    unsigned char *before = slurp(t->db, &n0);
    for (int readonly = 0; readonly < 2; readonly++) {
        ledger_t *l = NULL;
        cm_error_t err = {0};
        assert_int_equal(ledger_open(t->db, readonly, &l, &err), EXIT_STATE_CONFLICT);
        assert_null(l);
        if (!strstr(err.message, says))
            fail_msg("expected \"%s\" in: %s", says, err.message);
        assert_non_null(strstr(err.message, "left as it was"));
    }
    unsigned char *after = slurp(t->db, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    char p[160];
    snprintf(p, sizeof(p), "%s-wal", t->db);
    assert_false(exists(p));
    snprintf(p, sizeof(p), "%s-shm", t->db);
    assert_false(exists(p));
}

/* Proves another program's SQLite database (application_id 0) is refused
 * untouched. */
static void test_foreign_database_refused(void **state)
{
    (void)state;
    tmp_t t;
    tmp_make(&t);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(t.db, &db), SQLITE_OK);
    static const char notes[] = "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('mine');";
    assert_int_equal(sqlite3_exec(db, notes, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_refused(&t, "application_id 0x00000000");
    tmp_remove(&t);
}

/* Proves a ledger of another schema version is refused untouched, naming
 * its version. */
static void test_other_version_refused(void **state)
{
    (void)state;
    tmp_t t;
    tmp_make(&t);
    ledger_close(open_writer(t.db));
    size_t n;
    unsigned char *b = slurp(t.db, &n);
    uint32_t v = LEDGER_SCHEMA_VERSION + 1;
    b[60] = (unsigned char)(v >> 24), b[61] = (unsigned char)(v >> 16);
    b[62] = (unsigned char)(v >> 8), b[63] = (unsigned char)v;
    put_file(t.db, b, n);
    free(b);
    char says[64];
    snprintf(says, sizeof(says), "schema version %u", v);
    assert_refused(&t, says);
    tmp_remove(&t);
}

/* Proves a file that is not SQLite at all is refused untouched. */
static void test_not_sqlite_refused(void **state)
{
    (void)state;
    tmp_t t;
    tmp_make(&t);
    static const char text[] = "partner_id,name\nP1,Acme\n";
    put_file(t.db, text, sizeof(text) - 1);
    assert_refused(&t, "not an SQLite database");
    tmp_remove(&t);
}

/* ---- a month saved and loaded ------------------------------------------------------ */

/*
 * A1 (P1, CTL, min payout 50.00): O1 installed in 2017-11 and billed 300.00
 *     (residual 10 %: 30.00, below the minimum, so carried); O2 ordered in
 *     2017-11, installs 2017-12-20 (waiting: loaded whole next period);
 *     O3 names no agreement of P1 (rejected).
 * A2 (P1, CTL, no minimum): 100.00 billed to AC2 without a service, 10.00 paid.
 * M1 (P2, MKT): placed in MKT-PP "Silver", a webinar awards 10 points.
 * An approval of opportunity OPP1, an adjustment of A1.
 */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_EN);
    int32_t a1 = fake_agreement(f, "A1", "P1", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    f->master.agreements.v[a1].min_payout = fake_money("50.00");
    fake_agreement(f, "A2", "P1", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_agreement(f, "M1", "P2", LEGACY_MKT, "PL-M", "USD", "2017-01-01", NULL);
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_account(f, "AC1", "A1");
    fake_account(f, "AC2", "A2");
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_program(f, "MKT-PP", LEGACY_MKT, BASIS_POINTS, REVIEW_MONTHLY, 1, "Silver", NULL, NULL,
                 "2017-01", NULL);
    fake_tier(f, "MKT-PP", "Silver", 1, 0);
    fake_tier(f, "MKT-PP", "Gold", 2, 500);
    fake_points_rule(f, "MKT-PP", "Silver", "webinar", 10, -1, true);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    order_t *o = fake_order(f, "O1", "P1", "A1", "V", ORDER_NEW, "2017-11-03");
    o->install_date = fake_date("2017-11-05");
    o->mrc = fake_money("100.00");
    o->term_months = 12;
    o->opportunity_id = "OPP1";
    o = fake_order(f, "O2", "P1", "A1", "V", ORDER_NEW, "2017-11-04");
    o->install_date = fake_date("2017-12-20");
    o->term_months = 12;
    fake_order(f, "O3", "P1", "M1", "V", ORDER_NEW, "2017-11-06");
    fake_revenue(f, "R1", "AC1", "O1", "V", "300.00");
    fake_revenue(f, "R2", "AC2", NULL, "V", "100.00");
    fake_approval(f, "AP1", "OPP1", "2017-11-02");
    fake_adjustment(f, "ADJ1", "A1", "5.00");
    fake_activity(f, "ACT1", "P2", "webinar", "2017-11-10");
    cm_error_t why = {0};
    if (fake_decide(f, &why) != EXIT_DONE)
        fail_msg("month_decide: %s", why.message);
    return m;
}

static const input_list_t *inputs(void)
{
    static input_file_t in = {.path = "periods/2017-11/orders.csv",
                              .sha256 = "00112233445566778899aabbccddeeff"
                                        "00112233445566778899aabbccddeeff",
                              .records = 3, .bytes = 300};
    static input_list_t list = {.v = &in, .n = 1, .cap = 1};
    return &list;
}

/* One run of m's period: rows, holds, statement documents, chain link. */
static void save_run(ledger_t *l, const month_t *m)
{
    cm_error_t err = {0};
    cm_status rc = ledger_begin(l, &err);
    if (rc == EXIT_DONE)
        rc = ledger_save_month(l, m, inputs(), &err);
    if (rc == EXIT_DONE)
        rc = ledger_save_holds(l, m, &err);
    ledger_docs_t docs = {0};
    ledger_docs_add(&docs, "P1", (const unsigned char *)"statement of P1", 15);
    if (rc == EXIT_DONE)
        rc = ledger_save_docs(l, m->period, &docs, &err);
    ledger_docs_free(&docs);
    char link[65];
    if (rc == EXIT_DONE)
        rc = ledger_chain_append(l, m->period, false, link, &err);
    if (rc == EXIT_DONE)
        rc = ledger_commit(l, &err);
    if (rc != EXIT_DONE)
        fail_msg("saving %d: %s", (int)m->period, err.message);
}

/* The state before `period`, loaded into next (released by the caller). */
static void load_next(fake_t *f, ledger_t *l, const char *period, month_t *next)
{
    memset(next, 0, sizeof(*next));
    month_init(next, &f->master, &f->book, fake_period(period));
    cm_error_t err = {0};
    if (ledger_load_prior(l, next, &err) != EXIT_DONE)
        fail_msg("ledger_load_prior: %s", err.message);
}

static const history_t *history_of(const month_t *m, int32_t a, const char *period)
{
    for (size_t i = 0; i < m->history.n; i++)
        if (m->history.v[i].agreement == a && m->history.v[i].period == fake_period(period))
            return &m->history.v[i];
    return NULL;
}

static bool has_key(const strmap_t *map, const char *key)
{
    return strmap_get(map, key, strlen(key)) >= 0;
}

/* Proves the state the next period loads is what the month decided: A1's
 * carried balance, M1's points, award and tier row, both agreements'
 * history, the seen approval/adjustment/activity ids, OPP1's approval,
 * O1 and O3 as stubs with their decisions, O2 (waiting for its
 * installation) whole; a stub made whole (ledger_complete_order) is the
 * order as delivered. */
static void test_saved_month_loads_as_next_state(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    int32_t a1 = fake_ag(f, "A1"), m1 = fake_ag(f, "M1");
    /* the month decided what the test expects to find again */
    assert_true(m->payables[a1].present);
    assert_money(m->payables[a1].carried_out, "35.00");
    assert_string_equal(m->tiers[m1].tier, "Silver");
    tmp_t t;
    tmp_make(&t);
    ledger_t *l = open_writer(t.db);
    save_run(l, m);
    assert_int_equal(ledger_period_state(l, m->period), PERIOD_OPEN);
    assert_int_equal(ledger_latest_period(l), m->period);
    assert_int_equal(ledger_earlier_orders(l, fake_period("2017-12")), 3);

    month_t next;
    load_next(f, l, "2017-12", &next);
    assert_money(next.carried_in[a1], "35.00");
    assert_int_equal(next.carried_in[m1], 0);
    assert_int_equal(next.points_before[m1], 10);
    assert_int_equal(next.points_before[a1], 0);
    assert_true(has_key(&next.awarded, "M1\x1fwebinar"));
    const tier_prior_t *tp = &next.tier_prior[m1];
    assert_int_equal(tp->period, fake_period("2017-11"));
    assert_string_equal(tp->program, "MKT-PP");
    assert_string_equal(tp->tier, "Silver");
    assert_string_equal(rule_name(tp->rule), rule_name(m->tiers[m1].rule));
    const history_t *h = history_of(&next, a1, "2017-11");
    assert_non_null(h);
    assert_money(h->revenue, "300.00");
    assert_money(h->installed_mrc, "100.00");
    assert_non_null(history_of(&next, m1, "2017-11"));
    for (size_t i = 1; i < next.history.n; i++) /* agreement index order */
        assert_true(next.history.v[i - 1].agreement <= next.history.v[i].agreement);
    assert_true(has_key(&next.seen_ids, "approval\x1f" "AP1"));
    assert_true(has_key(&next.seen_ids, "adjustment\x1f" "ADJ1"));
    assert_true(has_key(&next.seen_ids, "activity\x1f" "ACT1"));
    int32_t op = month_opportunity(&next, "OPP1", false);
    assert_true(op >= 0);
    assert_int_equal(next.opportunities.v[op].first_approval, fake_date("2017-11-02"));

    assert_int_equal(next.stubs.n, 3);
    assert_int_equal(next.stub_periods.n, 1);
    assert_int_equal(next.stub_periods.v[0], fake_period("2017-11"));
    int32_t r1 = month_order_ref(&next, "O1"), r3 = month_order_ref(&next, "O3");
    assert_true(r1 >= ORDER_STUB);
    assert_true(r3 >= ORDER_STUB);
    order_decision_t d = month_order_decision(&next, r1);
    assert_int_equal(d.agreement, a1);
    assert_int_equal(d.status, STATUS_ATTRIBUTED);
    d = month_order_decision(&next, r3);
    assert_int_equal(d.agreement, -1);
    assert_int_equal(d.status, STATUS_REJECTED);
    int32_t r2 = month_order_ref(&next, "O2");
    assert_true(r2 >= 0 && r2 < ORDER_STUB);
    const order_t *o2 = &next.orders.v[r2];
    assert_int_equal(o2->install_date, fake_date("2017-12-20"));
    assert_int_equal(o2->installed_period, PERIOD_NONE);
    assert_int_equal(o2->agreement, a1);

    cm_error_t err = {0};
    assert_int_equal(ledger_complete_order(l, &next, &r1, &err), EXIT_DONE);
    assert_true(r1 >= 0 && r1 < ORDER_STUB);
    const order_t *o1 = &next.orders.v[r1];
    assert_string_equal(o1->id, "O1");
    assert_string_equal(o1->partner_id, "P1");
    assert_string_equal(o1->opportunity_id, "OPP1");
    assert_int_equal(o1->period, fake_period("2017-11"));
    assert_int_equal(o1->installed_period, fake_period("2017-11"));
    assert_money(o1->mrc, "100.00");
    assert_int_equal(month_order_ref(&next, "O1"), r1);
    month_release(&next);

    /* the state before 2017-11 itself is empty: a re-run starts afresh */
    load_next(f, l, "2017-11", &next);
    assert_int_equal(next.stubs.n, 0);
    assert_int_equal(next.orders.n, 0);
    assert_int_equal(next.history.n, 0);
    assert_int_equal(next.carried_in[a1], 0);
    assert_int_equal(next.points_before[m1], 0);
    assert_int_equal(next.tier_prior[m1].period, PERIOD_NONE);
    month_release(&next);
    ledger_close(l);
    tmp_remove(&t);
}

/* Proves a period saved twice holds one run's rows (not two), counts two
 * runs, and loads the same state as after one. */
static void test_rerun_replaces(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    tmp_t t;
    tmp_make(&t);
    ledger_t *l = open_writer(t.db);
    save_run(l, m);
    static const char *const tables[] = {"orders", "order_stubs", "approvals", "adjustments",
                                         "activities", "agreement_periods", "tiers", "payables",
                                         "inputs", "controls", "statement_docs", "held_revenue"};
    enum { NT = sizeof(tables) / sizeof(tables[0]) };
    int64_t once[NT];
    char sql[128];
    for (size_t i = 0; i < NT; i++) {
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
        once[i] = sql_int(l, sql);
    }
    assert_int_equal(once[0], 3);
    save_run(l, m);
    for (size_t i = 0; i < NT; i++) {
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
        if (sql_int(l, sql) != once[i])
            fail_msg("table %s: %lld rows after a re-run, %lld after one run", tables[i],
                     (long long)sql_int(l, sql), (long long)once[i]);
    }
    assert_int_equal(sql_int(l, "SELECT runs FROM runs WHERE period = '2017-11'"), 2);
    assert_int_equal(sql_int(l, "SELECT count(*) FROM chain"), 2);
    month_t next;
    load_next(f, l, "2017-12", &next);
    assert_money(next.carried_in[fake_ag(f, "A1")], "35.00");
    assert_int_equal(next.points_before[fake_ag(f, "M1")], 10);
    assert_int_equal(next.stubs.n, 3);
    month_release(&next);
    cm_error_t err = {0};
    assert_int_equal(ledger_chain_check(l, m->period, &err), EXIT_DONE);
    ledger_close(l);
    tmp_remove(&t);
}

/* Proves a balance carried by an agreement master data no longer has is
 * EXIT_INVALID_INPUT naming it, its amount and currency; with the agreement
 * in master data the check passes. */
static void test_carried_balance_never_vanishes(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    tmp_t t;
    tmp_make(&t);
    ledger_t *l = open_writer(t.db);
    save_run(l, m);
    month_t next;
    memset(&next, 0, sizeof(next));
    month_init(&next, &f->master, &f->book, fake_period("2017-12"));
    cm_error_t err = {0};
    assert_int_equal(ledger_check_carried(l, &next, &err), EXIT_DONE);
    sql_exec(l, "UPDATE payables SET agreement_id = 'A-GONE' WHERE agreement_id = 'A1'");
    assert_int_equal(ledger_check_carried(l, &next, &err), EXIT_INVALID_INPUT);
    assert_non_null(strstr(err.message, "agreement A-GONE carries a balance of 35.00 USD"));
    month_release(&next);
    ledger_close(l);
    tmp_remove(&t);
}

/* ---- close ---------------------------------------------------------------------- */

/* Proves close pays what the run recorded as payable (A2's 10.00, not A1's
 * carried balance), records it with a close link the chain accepts, and
 * refuses a payment id issued again with other content. */
static void test_close_records_payments(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    tmp_t t;
    tmp_make(&t);
    ledger_t *l = open_writer(t.db);
    save_run(l, m);
    cm_error_t err = {0};
    ledger_payments_t due = {0};
    assert_int_equal(ledger_payables_due(l, m->period, &due, &err), EXIT_DONE);
    assert_int_equal(due.list.n, 1);
    assert_string_equal(due.list.v[0].payment_id, "A2-2017-11");
    assert_string_equal(due.list.v[0].partner_id, "P1");
    assert_string_equal(due.list.v[0].currency, "USD");
    assert_money(due.list.v[0].amount, "10.00");
    char link[65];
    assert_int_equal(ledger_begin(l, &err), EXIT_DONE);
    assert_int_equal(ledger_close_period(l, m->period, &due, &err), EXIT_DONE);
    assert_int_equal(ledger_chain_append(l, m->period, true, link, &err), EXIT_DONE);
    assert_int_equal(ledger_commit(l, &err), EXIT_DONE);
    assert_int_equal(ledger_period_state(l, m->period), PERIOD_CLOSED);
    assert_int_equal(ledger_chain_check(l, m->period, &err), EXIT_DONE);
    ledger_payments_t paid = {0};
    assert_int_equal(ledger_payments_of(l, m->period, &paid, &err), EXIT_DONE);
    assert_int_equal(paid.list.n, 1);
    assert_string_equal(paid.list.v[0].payment_id, "A2-2017-11");
    assert_money(paid.list.v[0].amount, "10.00");
    ledger_payments_free(&paid);

    due.list.v[0].amount += 1;
    assert_int_equal(ledger_begin(l, &err), EXIT_DONE);
    assert_int_equal(ledger_close_period(l, m->period, &due, &err), EXIT_STATE_CONFLICT);
    assert_non_null(strstr(err.message, "payment A2-2017-11 was issued before"));
    ledger_rollback(l);
    ledger_payments_free(&due);
    ledger_close(l);
    tmp_remove(&t);
}

/* ---- statement documents ---------------------------------------------------------- */

typedef struct got_docs {
    int n;
    char ids[4][16];
    unsigned char *bytes[4];
    size_t len[4];
} got_docs_t;

static void got_doc(void *ctx, const char *partner_id, const unsigned char *bytes, size_t len)
{
    got_docs_t *g = ctx;
    assert_true(g->n < 4);
    snprintf(g->ids[g->n], sizeof(g->ids[g->n]), "%s", partner_id);
    g->bytes[g->n] = malloc(len ? len : 1);
    memcpy(g->bytes[g->n], bytes, len);
    g->len[g->n++] = len;
}

static void got_free(got_docs_t *g)
{
    for (int i = 0; i < g->n; i++)
        free(g->bytes[i]);
}

/* Proves documents come back byte for byte (zero bytes, an empty one, a
 * large compressible one), in partner_id order, for their period only; a
 * document whose recorded size is wrong is EXIT_INTERNAL naming its partner. */
static void test_docs_round_trip(void **state)
{
    (void)state;
    tmp_t t;
    tmp_make(&t);
    ledger_t *l = open_writer(t.db);
    size_t big_len = 200000;
    unsigned char *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (unsigned char)(i % 251 < 200 ? 'a' : i % 7);
    static const unsigned char zeros[] = {0, 1, 0, 2, 0xff, 0};
    ledger_docs_t d = {0};
    ledger_docs_add(&d, "P-Z", big, big_len);
    ledger_docs_add(&d, "P-A", zeros, sizeof(zeros));
    ledger_docs_add(&d, "P-E", (const unsigned char *)"", 0);
    assert_true(d.v[0].zlen < big_len / 4); /* deflated */
    cm_error_t err = {0};
    assert_int_equal(ledger_begin(l, &err), EXIT_DONE);
    assert_int_equal(ledger_save_docs(l, fake_period("2017-11"), &d, &err), EXIT_DONE);
    ledger_docs_free(&d);
    ledger_docs_add(&d, "P-A", (const unsigned char *)"other period", 12);
    assert_int_equal(ledger_save_docs(l, fake_period("2017-12"), &d, &err), EXIT_DONE);
    ledger_docs_free(&d);
    assert_int_equal(ledger_commit(l, &err), EXIT_DONE);

    got_docs_t g = {0};
    assert_int_equal(ledger_load_docs(l, fake_period("2017-11"), got_doc, &g, &err), EXIT_DONE);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.ids[0], "P-A");
    assert_string_equal(g.ids[1], "P-E");
    assert_string_equal(g.ids[2], "P-Z");
    assert_int_equal(g.len[0], sizeof(zeros));
    assert_memory_equal(g.bytes[0], zeros, sizeof(zeros));
    assert_int_equal(g.len[1], 0);
    assert_int_equal(g.len[2], big_len);
    assert_memory_equal(g.bytes[2], big, big_len);
    got_free(&g);
    free(big);

    sql_exec(l, "UPDATE statement_docs SET size = size + 1 WHERE partner_id = 'P-A'"
                " AND period = '2017-12'");
    got_docs_t bad = {0};
    assert_int_equal(ledger_load_docs(l, fake_period("2017-12"), got_doc, &bad, &err),
                     EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "P-A"));
    assert_int_equal(bad.n, 0);
    sql_exec(l, "UPDATE statement_docs SET size = 1000000000000000 WHERE period = '2017-12'");
    assert_int_equal(ledger_load_docs(l, fake_period("2017-12"), got_doc, &bad, &err),
                     EXIT_INTERNAL);
    assert_non_null(strstr(err.message, "P-A"));
    assert_int_equal(bad.n, 0);
    ledger_close(l);
    tmp_remove(&t);
}

/* ---- the hash chain --------------------------------------------------------------- */

/* A saved period and its chain check (EXIT_DONE) then audit after `tamper`:
 * EXIT_VERIFY_DIFF naming `table`. */
static void assert_tamper_found(fake_t *f, const char *tamper, const char *table)
{
    month_t *m = world(f);
    tmp_t t;
    tmp_make(&t);
    ledger_t *l = open_writer(t.db);
    save_run(l, m);
    cm_error_t err = {0};
    assert_int_equal(ledger_chain_check(l, m->period, &err), EXIT_DONE);
    assert_int_equal(ledger_audit(l, &err), EXIT_DONE);
    char link[65];
    assert_int_equal(ledger_chain_latest(l, m->period, link, &err), EXIT_DONE);
    assert_int_equal(strlen(link), 64);
    sql_exec(l, tamper);
    char want[64];
    snprintf(want, sizeof(want), "table %s ", table);
    err = (cm_error_t){0};
    assert_int_equal(ledger_audit(l, &err), EXIT_VERIFY_DIFF);
    if (!strstr(err.message, want) || !strstr(err.message, "2017-11"))
        fail_msg("expected \"%s\" of 2017-11 in: %s", want, err.message);
    err = (cm_error_t){0};
    assert_int_equal(ledger_chain_check(l, m->period, &err), EXIT_VERIFY_DIFF);
    assert_non_null(strstr(err.message, want));
    ledger_close(l);
    tmp_remove(&t);
}

/* Proves a payable changed outside the program is found and named. */
static void test_chain_finds_changed_payable(void **state)
{
    assert_tamper_found(*state, "UPDATE payables SET paid = paid + 1 WHERE agreement_id = 'A1'",
                        "payables");
}

/* Proves a deleted adjustment is found and named. */
static void test_chain_finds_deleted_adjustment(void **state)
{
    assert_tamper_found(*state, "DELETE FROM adjustments WHERE adjustment_id = 'ADJ1'",
                        "adjustments");
}

/* Proves a statement document replaced outside the program is found. */
static void test_chain_finds_changed_document(void **state)
{
    assert_tamper_found(*state, "UPDATE statement_docs SET size = size + 1", "statement_docs");
}

/* Proves a link rewritten (its digests no longer hash to it) is found. */
static void test_chain_finds_rewritten_link(void **state)
{
    assert_tamper_found(*state, "UPDATE chain SET digests = 'payables=0' || char(10)", "chain");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_ledger_is_stamped),
        cmocka_unit_test(test_readonly_without_ledger),
        cmocka_unit_test(test_foreign_database_refused),
        cmocka_unit_test(test_other_version_refused),
        cmocka_unit_test(test_not_sqlite_refused),
        FAKE_TEST(test_saved_month_loads_as_next_state),
        FAKE_TEST(test_rerun_replaces),
        FAKE_TEST(test_carried_balance_never_vanishes),
        FAKE_TEST(test_close_records_payments),
        cmocka_unit_test(test_docs_round_trip),
        FAKE_TEST(test_chain_finds_changed_payable),
        FAKE_TEST(test_chain_finds_deleted_adjustment),
        FAKE_TEST(test_chain_finds_changed_document),
        FAKE_TEST(test_chain_finds_rewritten_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
