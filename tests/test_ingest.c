/*
 * test_ingest.c — batch/ingest_*.c: a tiny dataset written into a fresh
 * mktemp -d folder, read through ingest_dataset and ingest_period as the
 * batch reads it. Proves the counts of a clean load; that a bad value, a
 * duplicate id and a row past a format limit are named by file, line and
 * column; that control totals reconcile (read = kept + rejected); that a
 * missing required file, a file name in the wrong case and a restatement of
 * a period not closed are refused; and that the corrected file of a closed
 * period is read against what the ledger stated for it.
 */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest.h"
#include "ledger.h"
#include "run.h"

/* ---- a dataset on disk ---------------------------------------------------- */

typedef struct world {
    char *root;         /* the mktemp -d folder, removed by teardown */
    dataset_t ds;
    month_t month;
    input_list_t inputs;
    cm_error_t err;
    ledger_t *ledger;   /* NULL: a first run */
} world_t;

static void put(world_t *w, const char *rel, const char *text)
{
    char *path = path_join(w->root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    assert_true(mkdir_p(path));
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    free(path);
}

static void drop(world_t *w, const char *rel)
{
    char *path = path_join(w->root, rel);
    assert_int_equal(unlink(path), 0);
    free(path);
}

#define PARTNERS "partner_id,name,kind,language,status\n"
#define AGREEMENTS                                                                               \
    "agreement_id,partner_id,legacy,plan_id,currency,start_date,end_date,payment_interval,"     \
    "payment_lag_days,min_payout\n"
#define PRODUCTS "product_code,name,portfolio,category,commissionable\n"
#define ACCOUNTS "account_id,owner_agreement_id\n"
#define COMMITMENTS "commitment_id,agreement_id,basis,amount,start_period,end_period\n"
#define ORDERS                                                                                   \
    "order_id,partner_id,agreement_id,account_id,product_code,order_type,original_order_id,"    \
    "opportunity_id,order_date,install_date,mrc,nrc,currency,term_months\n"
#define REVENUE "revenue_id,period,account_id,service_id,product_code,amount,currency\n"
#define APPROVALS "approval_id,opportunity_id,approved_on,approved_by,document_ref\n"
#define ADJUSTMENTS                                                                              \
    "adjustment_id,agreement_id,amount,currency,reason,entered_by,approved_by,approved_on\n"
#define ACTIVITIES "activity_id,partner_id,activity_code,activity_date,evidence_ref\n"

/* Two partners, two agreements on the default book's ASCEND-STD plan (CTL;
 * voice residual 6 %), two products, two accounts, one commitment; no book/ (the
 * default book). Period 2017-01: two orders, three revenue rows, one row
 * each of approvals, adjustments and activities. */
static void clean_dataset(world_t *w)
{
    put(w, "master/partners.csv", PARTNERS "P1,Agency One,agent,en,active\n"
                                           "P2,Agency Two,agent,es,active\n");
    put(w, "master/agreements.csv", AGREEMENTS
        "A1,P1,CTL,ASCEND-STD,USD,2017-01-01,,monthly,30,0.00\n"
        "A2,P2,CTL,ASCEND-STD,USD,2017-01-01,,monthly,30,0.00\n");
    put(w, "master/products.csv", PRODUCTS "VOICE,Voice,CTL,voice,yes\n"
                                           "DATA,Data,CTL,data,yes\n");
    put(w, "master/accounts.csv", ACCOUNTS "AC1,A1\nAC2,A2\n");
    put(w, "master/commitments.csv", COMMITMENTS "C1,A1,revenue,1000.00,2017-01,2017-12\n");
    put(w, "periods/2017-01/orders.csv", ORDERS
        "O1,P1,A1,AC1,VOICE,new,,OPP1,2017-01-05,2017-01-10,100.00,0.00,USD,24\n"
        "O2,P2,A2,AC2,DATA,new,,,2017-01-06,,50.00,0.00,USD,12\n");
    put(w, "periods/2017-01/revenue.csv", REVENUE "R1,2017-01,AC1,O1,VOICE,500.00,USD\n"
                                                  "R2,2017-01,AC2,O2,DATA,300.00,USD\n"
                                                  "R3,2017-01,AC1,,VOICE,-20.00,USD\n");
    put(w, "periods/2017-01/approvals.csv", APPROVALS "AP1,OPP1,2017-01-04,carol,DOC-1\n");
    put(w, "periods/2017-01/adjustments.csv",
        ADJUSTMENTS "ADJ1,A1,10.00,USD,true-up,alice,bob,2017-01-15\n");
    put(w, "periods/2017-01/activities.csv", ACTIVITIES "ACT1,P1,webinar,2017-01-20,EV-1\n");
}

static int setup(void **state)
{
    world_t *w = calloc(1, sizeof(*w));
    if (!w)
        return -1;
    const char *tmp = getenv("TMPDIR");
    w->root = path_join(tmp && *tmp ? tmp : "/tmp", "test_ingest.XXXXXX");
    if (!mkdtemp(w->root))
        return -1;
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world_t *w = *state;
    month_release(&w->month);
    free(w->inputs.v);
    dataset_release(&w->ds);
    if (w->ledger)
        ledger_close(w->ledger);
    remove_tree(w->root);
    free(w->root);
    free(w);
    return 0;
}

#define WORLD_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static cm_status load_master(world_t *w) { return ingest_dataset(&w->ds, w->root, &w->err); }

/* ingest_dataset then ingest_period of p, as the batch runs them. */
static cm_status load(world_t *w, const char *p)
{
    cm_status rc = load_master(w);
    if (rc != EXIT_DONE)
        return rc;
    month_init(&w->month, &w->ds.master, &w->ds.book, fake_period(p));
    if (w->ledger) {
        rc = ledger_load_prior(w->ledger, &w->month, &w->err);
        assert_int_equal(rc, EXIT_DONE);
    }
    return ingest_period(&w->ds, &w->month, NULL, w->ledger, &w->inputs, &w->err);
}

static size_t rejects_naming(const month_t *m, const char *file)
{
    size_t n = 0;
    for (size_t i = 0; i < m->rejects.n; i++)
        n += strcmp(m->rejects.v[i].file, file) == 0;
    return n;
}

/* The one reject naming file, which must exist. */
static const reject_t *reject_in(const month_t *m, const char *file)
{
    assert_int_equal(rejects_naming(m, file), 1);
    for (size_t i = 0; i < m->rejects.n; i++)
        if (strcmp(m->rejects.v[i].file, file) == 0)
            return &m->rejects.v[i];
    return NULL;
}

/* read = kept + rejected, per file and over the period (§6 Control). */
static void assert_reconciles(const world_t *w)
{
    const month_t *m = &w->month;
    const control_t *c = &m->control;
    assert_int_equal(c->orders_read, (int64_t)m->orders.n + c->orders_rejected_rows);
    assert_int_equal(c->orders_rejected_rows,
                     (int64_t)rejects_naming(m, "periods/2017-01/orders.csv"));
    assert_int_equal(c->revenue_read, (int64_t)m->revenue.n + c->revenue_rejected_rows);
    assert_int_equal(c->revenue_rejected_rows,
                     (int64_t)rejects_naming(m, "periods/2017-01/revenue.csv"));
    assert_int_equal(c->rejects_total, (int64_t)m->rejects.n);
    int64_t kept = (int64_t)(m->orders.n + m->revenue.n + m->approvals.n + m->adjustments.n +
                             m->activities.n);
    assert_int_equal(c->rows_read_total,
                     kept + c->rejects_total - (int64_t)w->ds.master_rejects.n);
    money_t accepted = 0;
    for (size_t i = 0; i < m->revenue.n; i++)
        accepted += m->revenue.v[i].amount;
    assert_int_equal(c->revenue_amount_in, accepted + c->revenue_amount_rejected_rows);
}

/* ---- tests ---------------------------------------------------------------- */

/* Proves a clean dataset loads whole: every row kept, indexed and listed in
 * inputs with its record count, nothing rejected. */
static void test_clean_load(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    assert_int_equal(load(w, "2017-01"), EXIT_DONE);
    const master_t *ms = &w->ds.master;
    assert_int_equal(ms->partners.n, 2);
    assert_int_equal(ms->agreements.n, 2);
    assert_int_equal(ms->products.n, 2);
    assert_int_equal(ms->accounts.n, 2);
    assert_int_equal(ms->commitments.n, 1);
    assert_int_equal(ms->accounts.v[1].owner, 1);
    assert_int_equal(strmap_get(&ms->agreement_ix, "A2", 2), 1);
    assert_int_equal(w->ds.master_rejects.n, 0);
    assert_true(w->ds.book.rates.n > 0); /* the default book */
    assert_int_equal(w->ds.inputs.n, 10);  /* five master files, five book tables */
    assert_string_equal(w->ds.inputs.v[1].path, "master/agreements.csv");
    assert_int_equal(w->ds.inputs.v[1].records, 2);
    assert_int_equal(strlen(w->ds.inputs.v[1].sha256), 64);

    const month_t *m = &w->month;
    assert_int_equal(m->orders.n, 2);
    assert_int_equal(m->revenue.n, 3);
    assert_int_equal(m->approvals.n, 1);
    assert_int_equal(m->adjustments.n, 1);
    assert_int_equal(m->activities.n, 1);
    assert_int_equal(m->rejects.n, 0);
    assert_int_equal(m->revenue.v[1].service, 1);  /* R2 names O2 */
    assert_true(m->revenue.v[2].service < 0);      /* R3 names no service */
    assert_int_equal(m->control.orders_read, 2);
    assert_int_equal(m->control.revenue_read, 3);
    assert_int_equal(m->control.rows_read_total, 8);
    assert_money(m->control.revenue_amount_in, "780.00");
    assert_int_equal(w->inputs.n, 5);
    assert_reconciles(w);
}

/* Proves a value failing its column's format is a reject naming file, line
 * and column, the row counted as read and rejected (totals reconcile), and
 * the row gone; a master row naming an unknown partner is a master reject. */
static void test_bad_value_rejected(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    put(w, "periods/2017-01/revenue.csv", REVENUE "R1,2017-01,AC1,O1,VOICE,500.00,USD\n"
                                                  "R2,2017-01,AC2,O2,DATA,3O0.00,USD\n"
                                                  "R3,2017-01,AC1,,VOICE,-20.00,USD\n");
    put(w, "master/accounts.csv", ACCOUNTS "AC1,A1\nAC2,A2\nAC3,A9\n");
    assert_int_equal(load(w, "2017-01"), EXIT_DONE);
    const reject_t *j = reject_in(&w->month, "periods/2017-01/revenue.csv");
    assert_int_equal(j->line, 3);
    assert_string_equal(j->column, "amount");
    assert_int_equal(j->reason, RULE_BAD_MONEY);
    assert_int_equal(w->month.revenue.n, 2);
    assert_int_equal(w->month.control.revenue_read, 3);
    assert_int_equal(w->month.control.revenue_rejected_rows, 1);
    assert_money(w->month.control.revenue_amount_in, "480.00");

    assert_int_equal(w->ds.master_rejects.n, 1);
    const reject_t *a = &w->ds.master_rejects.v[0];
    assert_string_equal(a->file, "master/accounts.csv");
    assert_int_equal(a->line, 4);
    assert_string_equal(a->column, "owner_agreement_id");
    assert_int_equal(a->reason, RULE_UNKNOWN_AGREEMENT);
    assert_int_equal(w->ds.master.accounts.n, 2);
    assert_int_equal(w->month.control.rejects_total, 2); /* listed in the period's too */
    assert_reconciles(w);
}

/* Proves a bad value in the book, which admits no rejects, is a file error
 * (exit 3) naming file:line and column. */
static void test_bad_book_value_is_file_error(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    put(w, "book/tiers.csv", "program,tier,rank,min_value\n"
                             "ASCEND,Registered,1,0.00\n"
                             "ASCEND,Silver,2,lots\n");
    assert_int_equal(load_master(w), EXIT_INVALID_INPUT);
    assert_int_equal(w->err.code, EXIT_INVALID_INPUT);
    assert_non_null(strstr(w->err.message, "book/tiers.csv:3:"));
    assert_non_null(strstr(w->err.message, "column min_value"));
}

/* Proves a repeated id is rejected as duplicate_id at the repeat (the first
 * row stands), in orders.csv (as read) and revenue.csv (settled after the
 * file, its amount kept for the rejected-rows total). */
static void test_duplicate_id(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    put(w, "periods/2017-01/orders.csv", ORDERS
        "O1,P1,A1,AC1,VOICE,new,,OPP1,2017-01-05,2017-01-10,100.00,0.00,USD,24\n"
        "O2,P2,A2,AC2,DATA,new,,,2017-01-06,,50.00,0.00,USD,12\n"
        "O1,P2,A2,AC2,DATA,new,,,2017-01-07,,70.00,0.00,USD,12\n");
    put(w, "periods/2017-01/revenue.csv", REVENUE "R2,2017-01,AC2,O2,DATA,300.00,USD\n"
                                                  "R1,2017-01,AC1,O1,VOICE,500.00,USD\n"
                                                  "R2,2017-01,AC1,,VOICE,-20.00,USD\n");
    assert_int_equal(load(w, "2017-01"), EXIT_DONE);
    const reject_t *o = reject_in(&w->month, "periods/2017-01/orders.csv");
    assert_int_equal(o->line, 4);
    assert_string_equal(o->column, "order_id");
    assert_int_equal(o->reason, RULE_DUPLICATE_ID);
    assert_int_equal(w->month.orders.n, 2);
    assert_money(w->month.orders.v[0].mrc, "100.00"); /* the first O1 stands */

    const reject_t *r = reject_in(&w->month, "periods/2017-01/revenue.csv");
    assert_int_equal(r->line, 4);
    assert_string_equal(r->column, "revenue_id");
    assert_int_equal(r->reason, RULE_DUPLICATE_ID);
    assert_true(r->has_amount);
    assert_money(r->amount, "-20.00");
    assert_int_equal(w->month.revenue.n, 2);
    assert_money(w->month.revenue.v[0].amount, "300.00");
    assert_money(w->month.control.revenue_amount_rejected_rows, "-20.00");
    assert_reconciles(w);
}

/* Proves a missing required file stops the read (exit 3) naming it, while
 * a missing optional file is no error. */
static void test_missing_required_file(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    drop(w, "periods/2017-01/approvals.csv");
    drop(w, "periods/2017-01/revenue.csv");
    assert_int_equal(load(w, "2017-01"), EXIT_INVALID_INPUT);
    assert_string_equal(w->err.message, "periods/2017-01/revenue.csv: missing file");
}

static void test_missing_master_file(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    drop(w, "master/products.csv");
    assert_int_equal(load_master(w), EXIT_INVALID_INPUT);
    assert_string_equal(w->err.message, "master/products.csv: missing file");
}

/* Proves a known file name in the wrong case is refused (exit 3) naming the
 * name expected, though the right name is absent (an optional file). */
static void test_wrong_case_file_name(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    drop(w, "periods/2017-01/adjustments.csv");
    put(w, "periods/2017-01/Adjustments.csv",
        ADJUSTMENTS "ADJ1,A1,10.00,USD,true-up,alice,bob,2017-01-15\n");
    assert_int_equal(load(w, "2017-01"), EXIT_INVALID_INPUT);
    assert_non_null(strstr(w->err.message, "periods/2017-01/Adjustments.csv: file name in the "
                                           "wrong case"));
    assert_non_null(strstr(w->err.message, "periods/2017-01/adjustments.csv"));
}

/* Proves a row past a format limit is a file error (exit 3) naming
 * file:line:column, in master data and in a period's files. */
static void test_limit_is_input_error(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    w->ds.limits.agreements = 1;
    assert_int_equal(load_master(w), EXIT_INVALID_INPUT);
    assert_string_equal(w->err.message, "master/agreements.csv:3: column agreement_id: more "
                                        "than 1 agreements; at most 1 are supported");
}

static void test_revenue_limit_is_input_error(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    w->ds.limits.revenue = 2;
    assert_int_equal(load(w, "2017-01"), EXIT_INVALID_INPUT);
    assert_string_equal(w->err.message, "periods/2017-01/revenue.csv:4: column revenue_id: "
                                        "more than 2 revenue rows; at most 2 are supported");
}

/* Proves a corrected file of a period that is not closed (here: never run)
 * is refused with exit 4 naming the folder. */
static void test_restate_of_unclosed_period(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    put(w, "periods/2017-02/orders.csv", ORDERS);
    put(w, "periods/2017-02/revenue.csv", REVENUE);
    put(w, "periods/2017-02/restate/2017-01/revenue.csv",
        REVENUE "R1,2017-01,AC1,O1,VOICE,600.00,USD\n");
    assert_int_equal(load(w, "2017-02"), EXIT_STATE_CONFLICT);
    assert_non_null(strstr(w->err.message, "periods/2017-02/restate/2017-01: 2017-01 is not run"));
}

/* Proves the corrected file of a closed period is read as that period's run
 * read its revenue: rows checked (wrong_period rejected naming the corrected
 * file), assigned, rated as the period was (voice 6 %), and per agreement the figures
 * that differ from those the ledger stated are recorded. */
static void test_restate_of_closed_period(void **state)
{
    world_t *w = *state;
    clean_dataset(w);
    char *db = path_join(w->root, "ledger.db"), *out = path_join(w->root, "out");
    run_options_t o = {.data_dir = w->root, .period = fake_period("2017-01"), .db_path = db,
                       .out_dir = out, .quiet = true};
    cm_error_t err = {0};
    assert_int_equal(cmd_run(&o, &err), EXIT_DONE);
    assert_int_equal(cmd_close(&o, &err), EXIT_DONE);
    put(w, "periods/2017-02/orders.csv", ORDERS);
    put(w, "periods/2017-02/revenue.csv", REVENUE "R4,2017-02,AC2,O2,DATA,300.00,USD\n");
    put(w, "periods/2017-02/restate/2017-01/revenue.csv",
        REVENUE "R1,2017-01,AC1,O1,VOICE,600.00,USD\n"
                "R2,2017-01,AC2,O2,DATA,300.00,USD\n"
                "R3,2017-01,AC1,,VOICE,-20.00,USD\n"
                "R9,2017-02,AC1,,VOICE,5.00,USD\n");
    assert_int_equal(ledger_open(db, true, &w->ledger, &err), EXIT_DONE);
    assert_int_equal(load(w, "2017-02"), EXIT_DONE);

    const month_t *m = &w->month;
    assert_int_equal(m->restate_files.n, 1);
    const restate_file_t *f = &m->restate_files.v[0];
    assert_string_equal(f->path, "periods/2017-02/restate/2017-01/revenue.csv");
    assert_int_equal(f->rows_read, 4);
    assert_int_equal(f->rows_rejected, 1);
    assert_int_equal(f->rows_assigned, 3);
    const reject_t *j = reject_in(m, "periods/2017-02/restate/2017-01/revenue.csv");
    assert_int_equal(j->line, 5);
    assert_int_equal(j->reason, RULE_WRONG_PERIOD);
    assert_int_equal(m->restated.n, 1); /* A2's figures are unchanged */
    const restated_t *e = &m->restated.v[0];
    assert_int_equal(e->agreement, 0);
    assert_int_equal(e->period, fake_period("2017-01"));
    assert_money(e->revenue, "580.00");
    assert_money(e->revenue_before, "480.00");
    assert_money(e->residual, "34.80");
    assert_money(e->residual_before, "28.80");
    free(db);
    free(out);
}

int main(void)
{
    log_quiet = true;
    const struct CMUnitTest tests[] = {
        WORLD_TEST(test_clean_load),
        WORLD_TEST(test_bad_value_rejected),
        WORLD_TEST(test_bad_book_value_is_file_error),
        WORLD_TEST(test_duplicate_id),
        WORLD_TEST(test_missing_required_file),
        WORLD_TEST(test_missing_master_file),
        WORLD_TEST(test_wrong_case_file_name),
        WORLD_TEST(test_limit_is_input_error),
        WORLD_TEST(test_revenue_limit_is_input_error),
        WORLD_TEST(test_restate_of_unclosed_period),
        WORLD_TEST(test_restate_of_closed_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
