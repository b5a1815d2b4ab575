/*
 * test_run.c — the run pipeline (batch/decide_job.c, job.c, run.c,
 * dataset_id.c, output.c, util.c dir_swap): the decide entry point on a real
 * dataset, what each command writes and what it refuses.
 *
 * Each test copies fixtures/demo (two periods, 2017-11 and 2017-12, with a
 * below-minimum balance, an on-hold partner and a not-due quarterly
 * agreement carried into 2017-12) into a fresh mktemp -d folder, so the
 * ledger and out/ it makes are its own; the folder is removed afterwards.
 * The expected amounts are those of fixtures/demo/expected/2017-12.
 */
#include "fake.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decide_job.h"
#include "ledger.h"
#include "lock.h"
#include "run.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name the fixtures folder"
#endif

typedef struct world {
    char dir[64];   /* the mktemp -d folder */
    char *data;     /* dir/demo: the dataset */
    char *db;       /* dir/demo/ledger.db */
    run_options_t o;
} world_t;

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    assert_true(in >= 0);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_true(n == 0);
    close(in);
    close(out);
}

/* cp -r from to, without expected/ (what a run reads only). */
static void copy_tree(const char *from, const char *to)
{
    assert_int_equal(mkdir(to, 0755), 0);
    DIR *d = opendir(from);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "expected") == 0)
            continue;
        char *a = path_join(from, e->d_name), *b = path_join(to, e->d_name);
        if (path_is_dir(a))
            copy_tree(a, b);
        else
            copy_file(a, b);
        free(a);
        free(b);
    }
    closedir(d);
}

static int world_setup(void **state)
{
    world_t *w = calloc(1, sizeof(*w));
    if (!w)
        return -1;
    snprintf(w->dir, sizeof(w->dir), "/tmp/commissions-test-run-XXXXXX");
    if (!mkdtemp(w->dir)) {
        free(w);
        return -1;
    }
    w->data = path_join(w->dir, "demo");
    w->db = path_join(w->data, "ledger.db");
    copy_tree(FIXTURES_DIR "/demo", w->data);
    w->o = (run_options_t){.data_dir = w->data, .period = fake_period("2017-11"), .quiet = true,
                           .bind_dataset = true};
    *state = w;
    return 0;
}

static int world_teardown(void **state)
{
    world_t *w = *state;
    remove_tree(w->dir);
    free(w->data);
    free(w->db);
    free(w);
    return 0;
}

#define WORLD_TEST(fn) cmocka_unit_test_setup_teardown(fn, world_setup, world_teardown)

/* The whole file, malloc'd, its length in *len (NULL when missing). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f)
        return NULL;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + *len, 1, cap - *len, f)) > 0) {
        *len += n;
        if (*len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    return buf;
}

static void assert_same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
}

/* Run period p (quiet) and expect rc. */
static void run_period(world_t *w, const char *p, cm_status want)
{
    run_options_t o = w->o;
    o.period = fake_period(p);
    cm_error_t err = {0};
    cm_status rc = cmd_run(&o, &err);
    if (rc != want)
        fail_msg("run %s: exit %d, expected %d: %s", p, rc, want, err.message);
}

static const payable_t *payable_of(const decided_t *d, const char *agreement_id)
{
    int32_t a = strmap_get(&d->ds.master.agreement_ix, agreement_id, strlen(agreement_id));
    assert_true(a >= 0);
    assert_true(d->month.payables[a].present);
    return &d->month.payables[a];
}

/* Proves job_decide takes the state before P from the ledger (the balances
 * 2017-11 carried) and decides 2017-12's payables as the fixture expects,
 * while the ledger file stays byte for byte what the run of 2017-11 left
 * and no output folder appears. */
static void decide_reads_prior_and_writes_nothing(void **state)
{
    world_t *w = *state;
    run_period(w, "2017-11", EXIT_DONE);
    size_t before_len, after_len;
    char *before = slurp(w->db, &before_len);
    assert_non_null(before);

    cm_error_t err = {0};
    ledger_t *l = NULL;
    assert_int_equal(ledger_open(w->db, true, &l, &err), EXIT_DONE);
    assert_non_null(l);
    job_inputs_t in = {.data_dir = w->data, .period = fake_period("2017-12")};
    decided_t d = {0};
    cm_status rc = job_decide(&in, l, &d, &err);
    if (rc != EXIT_DONE)
        fail_msg("job_decide: exit %d: %s", rc, err.message);
    ledger_close(l);

    const payable_t *byte = payable_of(&d, "A-BYTE-C"); /* below minimum in 2017-11 */
    assert_money(byte->carried_in, "193.00");
    assert_money(byte->earned, "356.00");
    assert_money(byte->paid, "549.00");
    assert_int_equal(byte->status, RULE_PAID);
    const payable_t *harb = payable_of(&d, "A-HARB-C"); /* partner on hold */
    assert_money(harb->carried_in, "958.20");
    assert_money(harb->earned, "-501.55");
    assert_money(harb->paid, "0.00");
    assert_money(harb->carried_out, "456.65");
    assert_int_equal(harb->status, RULE_ON_HOLD);
    const payable_t *sum = payable_of(&d, "A-SUM-L"); /* quarterly: due in 2017-12 */
    assert_money(sum->carried_in, "1578.40");
    assert_money(sum->paid, "3456.80");
    assert_true(d.inputs.n > 0);
    decided_release(&d);

    char *after = slurp(w->db, &after_len);
    assert_same_bytes(before, before_len, after, after_len);
    char *out = path_join(w->data, "out/2017-12");
    assert_false(path_exists(out));
    free(out);
    free(before);
    free(after);
}

/* Proves job_decide with no prior ledger (NULL) decides a first period:
 * nothing is carried in. */
static void decide_without_ledger_starts_empty(void **state)
{
    world_t *w = *state;
    cm_error_t err = {0};
    job_inputs_t in = {.data_dir = w->data, .period = fake_period("2017-12")};
    decided_t d = {0};
    assert_int_equal(job_decide(&in, NULL, &d, &err), EXIT_DONE);
    const payable_t *byte = payable_of(&d, "A-BYTE-C");
    assert_money(byte->carried_in, "0.00");
    assert_money(byte->earned, "356.00");
    decided_release(&d);
    assert_false(path_exists(w->db));
}

/* Proves check decides (it refuses a period whose inputs are broken) yet
 * writes neither out/ nor the ledger. */
static void check_writes_nothing(void **state)
{
    world_t *w = *state;
    run_period(w, "2017-11", EXIT_DONE);
    size_t before_len, after_len;
    char *before = slurp(w->db, &before_len);
    run_options_t o = w->o;
    o.period = fake_period("2017-12");
    cm_error_t err = {0};
    fflush(stdout);
    assert_int_equal(cmd_check(&o, &err), EXIT_DONE);
    char *out = path_join(w->data, "out/2017-12");
    assert_false(path_exists(out));
    char *after = slurp(w->db, &after_len);
    assert_same_bytes(before, before_len, after, after_len);

    /* a broken input: check fails as a run would, still writing nothing */
    char *orders = path_join(w->data, "periods/2017-12/orders.csv");
    FILE *f = fopen(orders, "w");
    assert_non_null(f);
    fputs("not,a,header\n", f);
    fclose(f);
    assert_int_equal(cmd_check(&o, &err), EXIT_INVALID_INPUT);
    assert_false(path_exists(out));
    free(orders);
    free(out);
    free(before);
    free(after);
}

/* Proves a ledger is bound to its dataset: another dataset's run against it,
 * or this dataset with its .commissions-id changed, is refused with exit 4
 * and the ledger is left as it was. */
static void dataset_identity_mismatch_refused(void **state)
{
    world_t *w = *state;
    run_period(w, "2017-11", EXIT_DONE);
    char *id = path_join(w->data, ".commissions-id");
    assert_true(path_exists(id));
    size_t before_len, after_len;
    char *before = slurp(w->db, &before_len);

    char *other = path_join(w->dir, "other");
    copy_tree(FIXTURES_DIR "/demo", other);
    run_options_t o = w->o;
    o.data_dir = other;
    o.db_path = w->db;
    o.period = fake_period("2017-12");
    cm_error_t err = {0};
    assert_int_equal(cmd_run(&o, &err), EXIT_STATE_CONFLICT);
    assert_non_null(strstr(err.message, "another dataset"));

    FILE *f = fopen(id, "w");
    assert_non_null(f);
    fputs("00000000000000000000000000000000\n", f);
    fclose(f);
    run_period(w, "2017-12", EXIT_STATE_CONFLICT);
    o = w->o;
    assert_int_equal(cmd_status(&o, &err), EXIT_STATE_CONFLICT);

    char *after = slurp(w->db, &after_len);
    assert_same_bytes(before, before_len, after, after_len);
    free(before);
    free(after);
    free(other);
    free(id);
}

/* Proves one writer per ledger: while the lock is held, run and close fail
 * at once with exit 5 (and the ledger is untouched); once released, the run
 * goes through. */
static void second_writer_is_busy(void **state)
{
    world_t *w = *state;
    run_period(w, "2017-11", EXIT_DONE);
    size_t before_len, after_len;
    char *before = slurp(w->db, &before_len);
    ledger_lock_t lk;
    cm_error_t err = {0};
    assert_int_equal(lock_acquire(&lk, w->db, &err), EXIT_DONE);
    run_period(w, "2017-12", EXIT_LEDGER_BUSY);
    assert_int_equal(cmd_close(&w->o, &err), EXIT_LEDGER_BUSY);
    char *after = slurp(w->db, &after_len);
    assert_same_bytes(before, before_len, after, after_len);
    lock_release(&lk);
    run_period(w, "2017-12", EXIT_DONE);
    free(before);
    free(after);
}

/* Proves the state model: a period before the newest run is refused, close
 * pays what the run recorded (payments.csv as expected/), a closed period
 * neither re-runs nor closes twice. */
static void close_pays_recorded_and_locks(void **state)
{
    world_t *w = *state;
    run_period(w, "2017-11", EXIT_DONE);
    run_period(w, "2017-12", EXIT_DONE);
    run_period(w, "2017-11", EXIT_STATE_CONFLICT); /* not the newest */
    cm_error_t err = {0};
    assert_int_equal(cmd_close(&w->o, &err), EXIT_DONE);
    size_t got_len, want_len;
    char *csv = path_join(w->data, "out/2017-11/payments.csv");
    char *got = slurp(csv, &got_len);
    char *want = slurp(FIXTURES_DIR "/demo/expected/2017-11/payments.csv", &want_len);
    assert_non_null(got);
    assert_non_null(want);
    assert_same_bytes(want, want_len, got, got_len);
    assert_int_equal(cmd_close(&w->o, &err), EXIT_STATE_CONFLICT);
    run_period(w, "2017-11", EXIT_STATE_CONFLICT);
    free(csv);
    free(got);
    free(want);
}

/* Proves the read-only decide (explain, whatif) refuses a period never run
 * and, for one run, decides the month the run recorded. */
static void readonly_decide_needs_a_run(void **state)
{
    world_t *w = *state;
    run_period(w, "2017-11", EXIT_DONE);
    run_options_t o = w->o;
    o.period = fake_period("2017-12");
    cm_error_t err = {0};
    job_t *j = NULL;
    assert_int_equal(run_decide_readonly(&o, &j, &err), EXIT_STATE_CONFLICT);
    run_job_free(j);
    j = NULL;
    o.period = fake_period("2017-11");
    assert_int_equal(run_decide_readonly(&o, &j, &err), EXIT_DONE);
    const month_t *m = run_job_month(j);
    assert_int_equal(m->period, fake_period("2017-11"));
    assert_true(m->control.revenue_read > 0);
    run_job_free(j);
}

/* The entries of dir not starting with ".tmp-" or ".old-" are counted in
 * *kept; returns how many leftovers (temporary folders) there are. */
static int leftovers(const char *dir, int *kept)
{
    int n = 0;
    *kept = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, ".tmp-", 5) == 0 || strncmp(e->d_name, ".old-", 5) == 0)
            n++;
        else if (e->d_name[0] != '.')
            (*kept)++;
    }
    if (d)
        closedir(d);
    return n;
}

/* Proves a run that fails on its inputs leaves everything as it was: the
 * ledger's bytes, out/ without P and without a temporary folder; the same
 * run once the file is repaired writes out/P. */
static void failed_run_leaves_no_trace(void **state)
{
    world_t *w = *state;
    run_period(w, "2017-11", EXIT_DONE);
    size_t before_len, after_len;
    char *before = slurp(w->db, &before_len);
    char *orders = path_join(w->data, "periods/2017-12/orders.csv");
    char *saved = path_join(w->dir, "orders.csv");
    copy_file(orders, saved);
    FILE *f = fopen(orders, "w");
    assert_non_null(f);
    fputs("not,a,header\n", f);
    fclose(f);
    run_period(w, "2017-12", EXIT_INVALID_INPUT);
    char *after = slurp(w->db, &after_len);
    assert_same_bytes(before, before_len, after, after_len);
    char *out = path_join(w->data, "out");
    int kept;
    assert_int_equal(leftovers(out, &kept), 0);
    assert_int_equal(kept, 1); /* 2017-11 only */
    copy_file(saved, orders);
    run_period(w, "2017-12", EXIT_DONE);
    assert_int_equal(leftovers(out, &kept), 0);
    assert_int_equal(kept, 2);
    free(before);
    free(after);
    free(orders);
    free(saved);
    free(out);
}

/* Proves dir_swap replaces a folder whole and replaces a symlink without
 * touching the link's target. */
static void dir_swap_replaces_whole(void **state)
{
    world_t *w = *state;
    char *tmp = path_join(w->dir, "tmp"), *final = path_join(w->dir, "final");
    char *old = path_join(w->dir, "old"), *target = path_join(w->dir, "target");
    char *in_final = path_join(final, "a"), *in_target = path_join(target, "keep");
    char *in_tmp = path_join(tmp, "a");
    cm_error_t err = {0};
    /* a folder at final: replaced, old removed */
    assert_true(mkdir_p(final) && mkdir_p(tmp));
    copy_file(FIXTURES_DIR "/demo/expected/2017-11/payments.csv", in_final);
    char *stale = path_join(final, "stale");
    copy_file(in_final, stale);
    copy_file(in_final, in_tmp);
    assert_int_equal(dir_swap(tmp, final, old, w->dir, &err), EXIT_DONE);
    assert_false(path_exists(tmp));
    assert_false(path_exists(old));
    assert_true(path_exists(in_final));
    assert_false(path_exists(stale)); /* the old folder's file went with it */
    /* a symlink at final: the link goes, its target stays whole */
    assert_true(remove_tree(final) && mkdir_p(tmp) && mkdir_p(target));
    copy_file(FIXTURES_DIR "/demo/expected/2017-11/payments.csv", in_tmp);
    copy_file(in_tmp, in_target);
    assert_int_equal(symlink(target, final), 0);
    assert_int_equal(dir_swap(tmp, final, old, w->dir, &err), EXIT_DONE);
    struct stat st;
    assert_int_equal(lstat(final, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_true(path_exists(in_target));
    assert_false(path_exists(old));
    free(tmp);
    free(final);
    free(old);
    free(target);
    free(in_final);
    free(in_target);
    free(in_tmp);
    free(stale);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WORLD_TEST(decide_reads_prior_and_writes_nothing),
        WORLD_TEST(decide_without_ledger_starts_empty),
        WORLD_TEST(check_writes_nothing),
        WORLD_TEST(dataset_identity_mismatch_refused),
        WORLD_TEST(second_writer_is_busy),
        WORLD_TEST(close_pays_recorded_and_locks),
        WORLD_TEST(readonly_decide_needs_a_run),
        WORLD_TEST(failed_run_leaves_no_trace),
        WORLD_TEST(dir_swap_replaces_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
