/*
 * run.c — orchestration of a period (SPEC §5): lock, load, decide, write
 * outputs to a temporary folder, commit the ledger, then publish.
 *
 *   batch reads (ingest, ledger) -> rules decide (month_decide)
 *   -> ledger records (one transaction) -> reports write (renamed into place)
 *
 * Crash safety: the ledger commit is the single point of truth. Outputs are
 * complete in out/.tmp-P-PID before the commit and renamed to out/P after
 * it, so out/P is always absent, the previous version, or complete.
 *
 * State model (SPEC §5): a period is unrun, open (run, re-runnable while it
 * is the newest) or closed. A run reads the state before P inside its write
 * transaction and records P's results, the statement documents and a chain
 * link; close reads only what P's last run recorded (payables, statement
 * documents), never the inputs, records the payments and a close link.
 */
#include "run.h"
#include "job.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvio.h"
#include "sha256.h"

/* §5: closed periods never change; only the newest open period re-runs. */
static cm_status check_order(job_t *j, cm_error_t *err)
{
    period_state_t st = ledger_period_state(j->ledger, j->o->period);
    period_t latest = ledger_latest_period(j->ledger);
    char lbuf[PERIOD_BUF];
    if (st == PERIOD_CLOSED)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s is closed: its results never change; enter corrections as "
                         "adjustments in a later period", j->pbuf);
    if (latest != PERIOD_NONE && j->o->period < latest)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s is before the newest period run (%s): periods run in order and "
                         "only the newest open period can be re-run", j->pbuf,
                         period_format(latest, lbuf));
    return EXIT_DONE;
}

/* Months in order (SPEC §5): after the newest period run, a periods/YYYY-MM
 * folder before P that was never run is refused, naming it (the earliest).
 * A month without a folder is a gap; a fresh ledger's first run may start
 * at any month. */
static cm_status check_skipped(job_t *j, cm_error_t *err)
{
    period_t latest = ledger_latest_period(j->ledger);
    if (latest == PERIOD_NONE || latest >= j->o->period)
        return EXIT_DONE;
    char *dir = path_join(j->o->data_dir, "periods");
    DIR *d = opendir(dir);
    period_t first = PERIOD_NONE;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        period_t f;
        if (strlen(e->d_name) != 7 || !period_parse(e->d_name, 7, &f) || f <= latest ||
            f >= j->o->period || (first != PERIOD_NONE && f >= first))
            continue;
        char *p = path_join(dir, e->d_name);
        if (path_is_dir(p))
            first = f;
        free(p);
    }
    if (d)
        closedir(d);
    free(dir);
    if (first == PERIOD_NONE)
        return EXIT_DONE;
    char fbuf[PERIOD_BUF], lbuf[PERIOD_BUF];
    return cm_fail(err, EXIT_STATE_CONFLICT,
                     "periods/%s was never run: periods run in order, and %s comes after the "
                     "newest period run (%s); run %s first (a month without a folder is a gap)",
                     period_format(first, fbuf), j->pbuf, period_format(latest, lbuf), fbuf);
}

/* A run builds on the newest period before P: its rows must be what its
 * run recorded (the chain), or the carried balances, tiers and history
 * would come from a ledger changed outside this program (exit 6). A re-run
 * of P checks P too: a period closed and set open again by hand is not
 * re-run. */
static cm_status check_prior_chain(job_t *j, cm_error_t *err)
{
    period_t before = ledger_period_before(j->ledger, j->o->period);
    cm_status rc = EXIT_DONE;
    if (before != PERIOD_NONE)
        rc = ledger_chain_check(j->ledger, before, err);
    if (rc == EXIT_DONE && ledger_period_state(j->ledger, j->o->period) != PERIOD_UNRUN)
        rc = ledger_chain_check(j->ledger, j->o->period, err);
    if (rc == EXIT_VERIFY_DIFF) {
        char tail[sizeof(err->message)];
        snprintf(tail, sizeof(tail), "%s", err->message);
        cm_fail(err, rc, "%s not run: %s (see `commissions audit`)", j->pbuf, tail);
    }
    return rc;
}

cm_status cmd_run(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = lock_acquire(&j.lock, j.db_path, err);
    if (rc == EXIT_DONE)
        rc = ledger_open(j.db_path, false, &j.ledger, err);
    /* the state before P is read inside the write transaction */
    if (rc == EXIT_DONE)
        rc = ledger_begin(j.ledger, err);
    if (rc == EXIT_DONE)
        rc = check_order(&j, err);
    if (rc == EXIT_DONE)
        rc = check_skipped(&j, err);
    if (rc == EXIT_DONE)
        rc = check_dataset(&j, true, err);
    if (rc == EXIT_DONE)
        rc = check_prior_chain(&j, err);
    if (rc == EXIT_DONE)
    if (rc == EXIT_DONE) {
        job_inputs_t in = job_inputs_of(o);
        rc = job_decide(&in, j.ledger, &j.d, err);
    }
    if (rc == EXIT_DONE)
        rc = ledger_check_carried(j.ledger, &j.d.month, err);
    if (rc == EXIT_DONE)
        rc = job_tmp_dir(&j, "run", err);
    if (rc == EXIT_DONE)
        rc = write_outputs(&j, err);
    failpoint("run-before-commit");
    if (rc == EXIT_DONE)
        rc = ledger_commit(j.ledger, err);
    if (rc == EXIT_DONE) {
        log_stage("%s: ledger committed", j.pbuf);
        failpoint("run-after-commit");
        rc = publish(&j, err);
    }
    if (rc == EXIT_DONE) {
        char *final = path_join(j.out_dir, j.pbuf);
        if (!o->quiet) {
            print_summary(&j, "run");
            printf("  outputs in %s\n", final);
        }
        free(final);
    }
    job_release(&j);
    return rc;
}

cm_status cmd_check(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = job_open_readonly(&j, err);
    if (rc == EXIT_DONE)
    if (rc == EXIT_DONE) {
        job_inputs_t in = job_inputs_of(o);
        rc = job_decide(&in, j.ledger, &j.d, err);
    }
    if (rc == EXIT_DONE)
        rc = ledger_check_carried(j.ledger, &j.d.month, err);
    if (rc == EXIT_DONE) {
        print_summary(&j, "check");
        for (size_t i = 0; i < j.d.month.rejects.n && i < 50; i++) {
            const reject_t *r = &j.d.month.rejects.v[i];
            printf("  reject %s:%d %s %s\n", r->file, r->line, r->column, rule_name(r->reason));
        }
        if (j.d.month.rejects.n > 50)
            printf("  ... %zu more rejects\n", j.d.month.rejects.n - 50);
        printf("  nothing written\n");
    }
    job_release(&j);
    return rc;
}
/* Was P's payment file published? payments.control is published last. */
static bool payments_published(const job_t *j)
{
    char *dir = path_join(j->out_dir, j->pbuf);
    char *csv = path_join(dir, "payments.csv"), *control = path_join(dir, "payments.control");
    bool both = path_exists(csv) && path_exists(control);
    free(dir);
    free(csv);
    free(control);
    return both;
}

/* The input files of P now, against the hashes P's last run recorded: a
 * warning on stderr naming each file changed, removed or added since (close
 * pays what the run recorded all the same). Added: a .csv file under
 * master/, book/ or periods/P/ the run did not read. */
static int warn_unseen(const job_t *j, const input_list_t *rec, const char *rel)
{
    char *dir = path_join(j->o->data_dir, rel);
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = path_join(rel, e->d_name);
        char *full = path_join(j->o->data_dir, sub);
        size_t len = strlen(e->d_name);
        if (path_is_dir(full))
            n += warn_unseen(j, rec, sub);
        else if (len > 4 && strcasecmp(e->d_name + len - 4, ".csv") == 0) {
            bool known = false;
            for (size_t i = 0; i < rec->n && !known; i++)
                known = strcmp(rec->v[i].path, sub) == 0;
            if (!known) {
                fprintf(stderr, "commissions: warning: %s was added since the run of %s; close "
                                "pays and states what that run recorded\n", sub, j->pbuf);
                n++;
            }
        }
        free(sub);
        free(full);
    }
    if (d)
        closedir(d);
    free(dir);
    return n;
}

static cm_status warn_changed_inputs(job_t *j, cm_error_t *err)
{
    input_list_t rec = {0};
    arena_t arena = {0};
    cm_status rc = ledger_recorded_inputs(j->ledger, j->o->period, &rec, &arena, err);
    int n = 0;
    static const char builtin[] = "(default book)/";
    for (size_t i = 0; rc == EXIT_DONE && i < rec.n; i++) {
        char *path = path_join(j->o->data_dir, rec.v[i].path);
        char hex[65];
        const char *what = NULL;
        if (strncmp(rec.v[i].path, builtin, sizeof(builtin) - 1) == 0) {
            /* the rule book built into the program: changed by another build */
            const char *name = rec.v[i].path + sizeof(builtin) - 1;
            for (int k = 0; k < book_default_count; k++)
                if (strcmp(book_default_names[k], name) == 0) {
                    sha256_ctx_t h;
                    sha256_init(&h);
                    sha256_update(&h, book_default_texts[k], book_default_lengths[k]);
                    sha256_final_hex(&h, hex);
                    if (strcmp(hex, rec.v[i].sha256) != 0)
                        what = "changed (this build's default book)";
                }
        } else if (!path_exists(path))
            what = "removed";
        else if (!csv_sha256_file(path, hex) || strcmp(hex, rec.v[i].sha256) != 0)
            what = "changed";
        if (what) {
            fprintf(stderr, "commissions: warning: %s was %s since the run of %s; close pays "
                            "and states what that run recorded\n", rec.v[i].path, what, j->pbuf);
            n++;
        }
        free(path);
    }
    if (rc == EXIT_DONE) {
        char rel[64];
        snprintf(rel, sizeof(rel), "periods/%s", j->pbuf);
        n += warn_unseen(j, &rec, "master") + warn_unseen(j, &rec, "book") +
             warn_unseen(j, &rec, rel);
        if (n)
            fprintf(stderr, "commissions: warning: %d input file(s) differ from the run of %s; "
                            "to pay on them, run %s again before closing\n", n, j->pbuf, j->pbuf);
    }
    free(rec.v);
    arena_release(&arena);
    return rc;
}

/* close P: pay and state exactly what P's last run recorded (its payables
 * and statement documents; the inputs are never read to decide, a file
 * changed since only draws a warning), after checking those rows against
 * the run's chain link. One transaction records the payments (once, ever)
 * the closed state and the close link; then statements, payments.csv and
 * last payments.control are published. A close killed after its commit left
 * P closed without a complete payment file: closing again publishes the
 * payments and link recorded at that close, writing nothing to the ledger,
 * so the same bytes. */
cm_status cmd_close(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    bool republish = false;
    ledger_payments_t pay = {0};
    char link[65] = "";
    cm_status rc = lock_acquire(&j.lock, j.db_path, err);
    if (rc == EXIT_DONE && j.lock.created)
        rc = cm_fail(err, EXIT_STATE_CONFLICT, "%s has not been run: no ledger at %s", j.pbuf,
                       j.db_path);
    if (rc == EXIT_DONE)
        rc = ledger_open(j.db_path, false, &j.ledger, err);
    if (rc == EXIT_DONE)
        rc = ledger_begin(j.ledger, err);
    if (rc == EXIT_DONE)
        rc = check_dataset(&j, false, err);
    if (rc == EXIT_DONE) {
        period_state_t st = ledger_period_state(j.ledger, o->period);
        if (st == PERIOD_CLOSED && payments_published(&j))
            rc = cm_fail(err, EXIT_STATE_CONFLICT,
                           "%s is already closed: its payments were written once", j.pbuf);
        else if (st == PERIOD_CLOSED)
            republish = true;
        else if (st == PERIOD_UNRUN)
            rc = cm_fail(err, EXIT_STATE_CONFLICT, "%s has not been run: run it first", j.pbuf);
    }
    if (rc == EXIT_DONE) {
        rc = ledger_chain_check(j.ledger, o->period, err);
        if (rc == EXIT_VERIFY_DIFF) {
            char tail[sizeof(err->message)];
            snprintf(tail, sizeof(tail), "%s", err->message);
            cm_fail(err, rc, "%s not closed: %s (see `commissions audit`)", j.pbuf, tail);
        }
    }
    if (rc == EXIT_DONE && republish) {
        rc = ledger_payments_of(j.ledger, o->period, &pay, err);
        if (rc == EXIT_DONE)
            rc = ledger_chain_latest(j.ledger, o->period, link, err);
        if (rc == EXIT_DONE)
            rc = close_outputs(&j, &pay, link, err);
        ledger_rollback(j.ledger); /* read only */
    } else if (rc == EXIT_DONE) {
        rc = warn_changed_inputs(&j, err);
        if (rc == EXIT_DONE)
            rc = ledger_payables_due(j.ledger, o->period, &pay, err);
        if (rc == EXIT_DONE)
            rc = ledger_close_period(j.ledger, o->period, &pay, err);
        if (rc == EXIT_DONE)
            rc = ledger_chain_append(j.ledger, o->period, true, link, err);
        if (rc == EXIT_DONE)
            rc = close_outputs(&j, &pay, link, err);
        if (rc == EXIT_DONE)
            rc = ledger_commit(j.ledger, err);
        failpoint("close-after-commit");
    }
    if (rc == EXIT_DONE)
        rc = publish_into(&j, "statements", err);
    failpoint("close-mid-publish");
    if (rc == EXIT_DONE)
        rc = publish_into(&j, "payments.csv", err);
    if (rc == EXIT_DONE)
        rc = publish_into(&j, "payments.control", err);
    if (rc == EXIT_DONE && !o->quiet) {
        /* from the ledger's payments, per currency */
        printf("close %s: %zu payment(s), %zu statement(s); chain link %s\n", j.pbuf, pay.list.n,
               j.docs.n, link);
        paid_totals_t t = {0};
        for (size_t i = 0; i < pay.list.n; i++)
            paid_add(&t, pay.list.v[i].currency, pay.list.v[i].amount);
        paid_print(&t);
        printf("  %s closed%s; payments.csv and statements in %s/%s\n", j.pbuf,
               republish ? " earlier (its payment file is now published)" : "", j.out_dir, j.pbuf);
    }
    ledger_payments_free(&pay);
    job_release(&j);
    return rc;
}

cm_status cmd_status(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = job_open_readonly(&j, err);
    if (rc == EXIT_DONE)
        rc = ledger_print_status(j.ledger, o->data_dir, err);
    job_release(&j);
    return rc;
}

cm_status cmd_audit(const run_options_t *o, cm_error_t *err)
{
    job_t j;
    job_init(&j, o);
    cm_status rc = job_open_readonly(&j, err);
    if (rc == EXIT_DONE)
        rc = ledger_audit(j.ledger, err);
    job_release(&j);
    return rc;
}

