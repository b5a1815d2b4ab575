/*
 * fuzz_ingest.c — the dataset readers of batch/ingest_*.c, one file at a time.
 *
 * Input: byte 0 picks one of the 15 input files (master/, book/ or
 * periods/2017-11/, table `kinds` below), the rest becomes that file in a
 * small valid baseline dataset written once to a temporary directory
 * ($TMPDIR). Then the batch's own path runs: ingest_dataset, month_init
 * (no ledger: a first run), ingest_period, month_decide.
 * Invariants: every data record of the fuzzed file is accepted or rejected,
 * never both or neither (records == accepted + rejects naming that file;
 * book files admit no reject, so records == rows kept); rejects carry a
 * line after the header and a reason; the period's control totals agree
 * with the rows and rejects (rows read, rejects, revenue amounts in =
 * accepted + rejected); month_decide's conservation audit holds; no leak.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "decide.h"
#include "fuzz.h"
#include "ingest.h"

#define PERIOD_DIR "periods/2017-11"

static const char *const kinds[] = {
    "master/partners.csv",  "master/agreements.csv", "master/products.csv",
    "master/accounts.csv",  "master/commitments.csv", "book/programs.csv",
    "book/tiers.csv",       "book/points.csv",       "book/benefits.csv",
    "book/rates.csv",       PERIOD_DIR "/orders.csv", PERIOD_DIR "/revenue.csv",
    PERIOD_DIR "/approvals.csv", PERIOD_DIR "/adjustments.csv",
    PERIOD_DIR "/activities.csv",
};
enum { K_PARTNERS, K_AGREEMENTS, K_PRODUCTS, K_ACCOUNTS, K_COMMITMENTS, K_PROGRAMS, K_TIERS,
       K_POINTS, K_BENEFITS, K_RATES, K_ORDERS, K_REVENUE, K_APPROVALS, K_ADJUSTMENTS,
       K_ACTIVITIES, K_COUNT };

/* The baseline: a small consistent dataset; book/ is the compiled-in default
 * unless a book kind is fuzzed (then that table is written, and removed after). */
static const char *const baseline[K_COUNT] = {
    [K_PARTNERS] = "partner_id,name,kind,language,status\n"
                   "P-ACME,Acme Telecom Agents,agent,en,active\n"
                   "P-RIOS,\"Ríos Integradores, S.A.\",integrator,es,active\n"
                   "P-CLOUDY,Cloudy Software,provider,en,hold\n",
    [K_AGREEMENTS] = "agreement_id,partner_id,legacy,plan_id,currency,start_date,end_date,"
                     "payment_interval,payment_lag_days,min_payout\n"
                     "A-ACME-C,P-ACME,CTL,ASCEND-STD,USD,2016-03-01,,monthly,30,50.00\n"
                     "A-RIOS-L,P-RIOS,LVL3,L3-CHANNEL,USD,2016-06-01,,quarterly,45,100.00\n"
                     "A-CLOUDY-M,P-CLOUDY,MKT,MKT-STD,USD,2017-01-01,2018-12-31,monthly,0,0.00\n",
    [K_PRODUCTS] = "product_code,name,portfolio,category,commissionable\n"
                   "CTL-IQNET,CenturyLink IQ Networking,CTL,network,yes\n"
                   "L3-MPLS,Level 3 MPLS,LVL3,network,yes\n"
                   "MKT-TILE,Marketplace tile,MKT,cloud,no\n",
    [K_ACCOUNTS] = "account_id,owner_agreement_id\n"
                   "AC-1001,A-ACME-C\n"
                   "AC-2001,A-RIOS-L\n",
    [K_COMMITMENTS] = "commitment_id,agreement_id,basis,amount,start_period,end_period\n"
                      "CM-1,A-ACME-C,revenue,60000.00,2017-11,2017-12\n"
                      "CM-2,A-RIOS-L,mrc,5000.00,2017-10,2018-01\n",
    [K_ORDERS] = "order_id,partner_id,agreement_id,account_id,product_code,order_type,"
                 "original_order_id,opportunity_id,order_date,install_date,mrc,nrc,currency,"
                 "term_months\n"
                 "O-1,P-ACME,A-ACME-C,AC-1001,CTL-IQNET,new,,,2017-11-02,2017-11-20,1200.00,"
                 "500.00,USD,36\n"
                 "O-2,P-RIOS,,AC-2001,L3-MPLS,new,,OPP-1,2017-11-06,,800.00,0.00,USD,12\n"
                 "O-3,P-ACME,,AC-1001,CTL-IQNET,disconnect,O-1,,2017-11-21,2017-11-25,"
                 "-1200.00,0.00,USD,36\n",
    [K_REVENUE] = "revenue_id,period,account_id,service_id,product_code,amount,currency\n"
                  "R-1,2017-11,AC-1001,O-1,CTL-IQNET,400.00,USD\n"
                  "R-2,2017-11,AC-2001,,L3-MPLS,12500.00,USD\n"
                  "R-3,2017-11,AC-1001,,CTL-IQNET,-35.50,USD\n",
    [K_APPROVALS] = "approval_id,opportunity_id,approved_on,approved_by,document_ref\n"
                    "AP-1,OPP-1,2017-11-01,m.garcia,SFDC-88231 joint pursuit form\n",
    [K_ADJUSTMENTS] = "adjustment_id,agreement_id,amount,currency,reason,entered_by,"
                      "approved_by,approved_on\n"
                      "ADJ-1,A-ACME-C,-25.00,USD,Duplicate spiff,j.doe,m.garcia,2017-11-30\n",
    [K_ACTIVITIES] = "activity_id,partner_id,activity_code,activity_date,evidence_ref\n"
                     "ACT-1,P-CLOUDY,program_admission,2017-11-02,MPA accepted\n"
                     "ACT-2,P-CLOUDY,offering_published,2017-11-06,Tile published\n",
};

static char *root; /* the dataset directory */

static void write_file(int kind, const uint8_t *p, size_t n)
{
    char *path = path_join(root, kinds[kind]);
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(n == 0 || fwrite(p, 1, n, f) == n);
    FUZZ_CHECK(fclose(f) == 0);
    free(path);
}

static void restore(int kind)
{
    if (baseline[kind]) {
        write_file(kind, (const uint8_t *)baseline[kind], strlen(baseline[kind]));
    } else { /* a book table: back to the default book */
        char *path = path_join(root, kinds[kind]);
        unlink(path);
        free(path);
    }
}

static void remove_root(void)
{
    if (root)
        remove_tree(root);
    free(root);
    root = NULL;
}

static void make_root(void)
{
    const char *tmp = getenv("TMPDIR");
    char *templ = path_join(tmp && *tmp ? tmp : "/tmp", "fuzz_ingest.XXXXXX");
    FUZZ_CHECK(mkdtemp(templ) != NULL);
    root = templ;
    atexit(remove_root);
    const char *dirs[] = {"master", "book", "periods", PERIOD_DIR};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char *d = path_join(root, dirs[i]);
        FUZZ_CHECK(mkdir(d, 0700) == 0);
        free(d);
    }
    for (int k = 0; k < K_COUNT; k++)
        restore(k);
}

/* The inputs entry of a file; it must be there once the read succeeded. */
static const input_file_t *input_of(const input_list_t *in, const char *rel)
{
    for (size_t i = 0; i < in->n; i++)
        if (strcmp(in->v[i].path, rel) == 0)
            return &in->v[i];
    FUZZ_CHECK(!"file read but not listed in inputs");
    return NULL;
}

/* Rejects naming file rel; each one well-formed. */
static int64_t rejects_of(const reject_t *v, size_t n, const char *rel)
{
    int64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(v[i].file != NULL && v[i].column != NULL && v[i].reason != RULE_NONE);
        FUZZ_CHECK(v[i].line >= 2);
        count += strcmp(v[i].file, rel) == 0;
    }
    return count;
}

static void check_master(int kind, const dataset_t *ds)
{
    const master_t *ms = &ds->master;
    const book_t *b = &ds->book;
    const size_t kept[K_COUNT] = {
        [K_PARTNERS] = ms->partners.n, [K_AGREEMENTS] = ms->agreements.n,
        [K_PRODUCTS] = ms->products.n, [K_ACCOUNTS] = ms->accounts.n,
        [K_COMMITMENTS] = ms->commitments.n, [K_PROGRAMS] = b->programs.n,
        [K_TIERS] = b->tiers.n, [K_POINTS] = b->points.n, [K_BENEFITS] = b->benefits.n,
        [K_RATES] = b->rates.n,
    };
    const input_file_t *in = input_of(&ds->inputs, kinds[kind]);
    int64_t rejected = rejects_of(ds->master_rejects.v, ds->master_rejects.n, kinds[kind]);
    if (kind >= K_PROGRAMS)
        FUZZ_CHECK(rejected == 0); /* a bad book row is a file error */
    FUZZ_CHECK(in->records == (int64_t)kept[kind] + rejected);
}

static void check_period(int kind, const month_t *m, const input_list_t *inputs)
{
    const control_t *c = &m->control;
    int64_t rows = 0;
    for (int k = K_ORDERS; k < K_COUNT; k++) {
        const input_file_t *in = input_of(inputs, kinds[k]);
        rows += in->records;
        int64_t rejected = rejects_of(m->rejects.v, m->rejects.n, kinds[k]);
        const size_t kept[K_COUNT] = {[K_ORDERS] = m->orders.n, [K_REVENUE] = m->revenue.n,
                                      [K_APPROVALS] = m->approvals.n,
                                      [K_ADJUSTMENTS] = m->adjustments.n,
                                      [K_ACTIVITIES] = m->activities.n};
        /* no ledger: nothing is a re-delivery */
        FUZZ_CHECK(in->records == (int64_t)kept[k] + rejected);
        if (k == K_ORDERS)
            FUZZ_CHECK(c->orders_read == in->records && c->orders_rejected_rows == rejected);
        if (k == K_REVENUE)
            FUZZ_CHECK(c->revenue_read == in->records && c->revenue_rejected_rows == rejected);
    }
    (void)kind;
    FUZZ_CHECK(c->rows_read_total == rows);
    FUZZ_CHECK(c->rejects_total == (int64_t)m->rejects.n);
    FUZZ_CHECK(c->orders_duplicate_ignored == 0 && c->orders_install_update == 0);
    __int128 accepted = 0; /* wide: the harness must not overflow first */
    for (size_t i = 0; i < m->revenue.n; i++)
        accepted += m->revenue.v[i].amount;
    FUZZ_CHECK(c->revenue_amount_in == accepted + c->revenue_amount_rejected_rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (!root)
        make_root();
    int kind = data[0] % K_COUNT;
    write_file(kind, data + 1, size - 1);

    cm_error_t err = {0};
    dataset_t ds = {0};
    cm_status rc = ingest_dataset(&ds, root, &err);
    FUZZ_CHECK(rc == EXIT_DONE || rc == EXIT_INVALID_INPUT);
    FUZZ_CHECK(rc == EXIT_DONE || err.message[0] != '\0');
    if (kind < K_ORDERS)
        FUZZ_CHECK(rc == EXIT_DONE || err.code == rc);
    if (rc == EXIT_DONE) {
        if (kind < K_ORDERS)
            check_master(kind, &ds);
        month_t m = {0};
        input_list_t inputs = {0};
        period_t p;
        FUZZ_CHECK(period_parse("2017-11", 7, &p));
        month_init(&m, &ds.master, &ds.book, p);
        rc = ingest_period(&ds, &m, NULL, NULL, &inputs, &err);
        FUZZ_CHECK(rc == EXIT_DONE || rc == EXIT_INVALID_INPUT);
        if (rc == EXIT_DONE) {
            check_period(kind, &m, &inputs);
            cm_error_t why;
            /* an overflow of a total is an input error (exit 3), not a bug */
            if (month_decide(&m, &why) != EXIT_DONE && !month_overflowed(&m)) {
                fprintf(stderr, "month_decide: %s\n", why.message);
                FUZZ_CHECK(!"month_decide failed (conservation audit)");
            }
        }
        free(inputs.v);
        month_release(&m);
    }
    dataset_release(&ds);
    restore(kind);
    return 0;
}
