/*
 * verify.c — fixture re-runs and row diffs (see verify.h).
 *
 * A fixture is DATASET + expected/P/results/ CSVs (+ expected/P/payments.csv).
 * expected/P/exit holding a number means the run of P must end with that
 * exit code (e.g. 3 for a file error) and produce nothing to compare.
 *
 * verify compares or fails: a fixture without expected/, a period that runs
 * but lacks any of the results files SPEC §6 lists, and an expected/P for
 * which periods/P does not exist (nothing ran to compare with) are each a
 * difference (exit 6), printed like a differing row.
 */
#include "verify.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "run.h"

typedef struct names {
    char **v;
    size_t n, cap;
} names_t;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of dir (files or folders), without dot entries. */
static names_t list_dir(const char *dir, bool dirs)
{
    names_t n = {0};
    DIR *d = opendir(dir);
    if (!d)
        return n;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = path_join(dir, e->d_name);
        bool is_dir = path_is_dir(p);
        free(p);
        if (is_dir != dirs)
            continue;
        if (n.n == n.cap) {
            n.cap = n.cap ? n.cap * 2 : 16;
            n.v = realloc(n.v, n.cap * sizeof(*n.v));
            if (!n.v)
                abort();
        }
        if (!(n.v[n.n++] = strdup(e->d_name)))
            abort();
    }
    closedir(d);
    if (n.n > 1)
        qsort(n.v, n.n, sizeof(*n.v), cmp_str);
    return n;
}

static void names_free(names_t *n)
{
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i]);
    free(n->v);
}

/* Lines of a file (without terminators); *ok false when unreadable. */
static names_t read_lines(const char *path, bool *ok)
{
    names_t n = {0};
    FILE *f = fopen(path, "rb");
    *ok = f != NULL;
    if (!f)
        return n;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (n.n == n.cap) {
            n.cap = n.cap ? n.cap * 2 : 64;
            n.v = realloc(n.v, n.cap * sizeof(*n.v));
            if (!n.v)
                abort();
        }
        if (!(n.v[n.n++] = strdup(line)))
            abort();
    }
    free(line);
    fclose(f);
    return n;
}

/* Print rows only in expected ("-") or only in actual ("+"); count them.
 * Both files are compared as multisets of lines after the header. */
static int diff_files(const char *label, const char *expected, const char *actual)
{
    bool ok_e, ok_a;
    names_t e = read_lines(expected, &ok_e), a = read_lines(actual, &ok_a);
    int diffs = 0;
    if (!ok_a) {
        printf("%s: missing (expected %s)\n", label, expected);
        names_free(&e);
        return 1;
    }
    if (e.n && a.n && strcmp(e.v[0], a.v[0]) != 0) {
        printf("%s: header differs\n  - %s\n  + %s\n", label, e.v[0], a.v[0]);
        diffs++;
    }
    size_t eh = e.n ? 1 : 0, ah = a.n ? 1 : 0;
    if (e.n > eh + 1)
        qsort(e.v + eh, e.n - eh, sizeof(char *), cmp_str);
    if (a.n > ah + 1)
        qsort(a.v + ah, a.n - ah, sizeof(char *), cmp_str);
    size_t i = eh, k = ah;
    while (i < e.n || k < a.n) {
        int c = i >= e.n ? 1 : k >= a.n ? -1 : strcmp(e.v[i], a.v[k]);
        if (c == 0) {
            i++;
            k++;
            continue;
        }
        diffs++;
        printf("%s: %c %s\n", label, c < 0 ? '-' : '+', c < 0 ? e.v[i] : a.v[k]);
        if (c < 0)
            i++;
        else
            k++;
    }
    names_free(&e);
    names_free(&a);
    return diffs;
}

/* The results files of a run (SPEC §6): every one must be expected. */
static const char *const results_files[] = {
    "attribution.csv", "revenue.csv", "lines.csv",    "commitments.csv", "tiers.csv",
    "points.csv",      "payables.csv", "rejects.csv", "control.csv",
};

/* Compare every file under expected/P/ (results/ CSVs and payments.csv);
 * a results file the run writes but expected/P/results/ lacks is a
 * difference too. */
static int compare_period(const char *fixture, const char *period, const char *out)
{
    int diffs = 0;
    char rel[128];
    snprintf(rel, sizeof(rel), "expected/%s", period);
    char *pdir = path_join(fixture, rel);
    bool have = path_is_dir(pdir);
    free(pdir);
    if (!have) {
        printf("%s %s: no expected/%s: nothing to compare with\n", fixture, period, period);
        return 1;
    }
    for (size_t i = 0; i < sizeof(results_files) / sizeof(results_files[0]); i++) {
        snprintf(rel, sizeof(rel), "expected/%s/results/%s", period, results_files[i]);
        char *e = path_join(fixture, rel);
        if (!path_exists(e)) {
            printf("%s %s/results/%s: no expected file (%s): nothing to compare with\n", fixture,
                   period, results_files[i], rel);
            diffs++;
        }
        free(e);
    }
    snprintf(rel, sizeof(rel), "expected/%s/results", period);
    char *exp_dir = path_join(fixture, rel);
    snprintf(rel, sizeof(rel), "%s/results", period);
    char *act_dir = path_join(out, rel);
    names_t files = list_dir(exp_dir, false);
    for (size_t i = 0; i < files.n; i++) {
        char *e = path_join(exp_dir, files.v[i]), *a = path_join(act_dir, files.v[i]);
        char label[512];
        snprintf(label, sizeof(label), "%s %s/results/%s", fixture, period, files.v[i]);
        diffs += diff_files(label, e, a);
        free(e);
        free(a);
    }
    names_free(&files);
    free(exp_dir);
    free(act_dir);
    snprintf(rel, sizeof(rel), "expected/%s/payments.csv", period);
    char *pe = path_join(fixture, rel);
    if (path_exists(pe)) {
        snprintf(rel, sizeof(rel), "%s/payments.csv", period);
        char *pa = path_join(out, rel);
        char label[512];
        snprintf(label, sizeof(label), "%s %s/payments.csv", fixture, period);
        diffs += diff_files(label, pe, pa);
        free(pa);
    }
    free(pe);
    return diffs;
}

static int expected_exit(const char *fixture, const char *period)
{
    char rel[128];
    snprintf(rel, sizeof(rel), "expected/%s/exit", period);
    char *p = path_join(fixture, rel);
    FILE *f = fopen(p, "r");
    free(p);
    int code = 0;
    if (f) {
        if (fscanf(f, "%d", &code) != 1)
            code = -1;
        fclose(f);
    }
    return code;
}

static cm_status verify_one(const char *fixture, int *diffs, cm_error_t *err)
{
    char tmpl[] = "/tmp/commissions-verify-XXXXXX";
    char *tmp = mkdtemp(tmpl);
    if (!tmp)
        return cm_fail(err, EXIT_INTERNAL, "cannot create a temporary folder");
    char *db = path_join(tmp, "ledger.db"), *out = path_join(tmp, "out");
    char *pdir = path_join(fixture, "periods");
    names_t periods = list_dir(pdir, true);
    cm_status rc = EXIT_DONE;
    int before = *diffs;
    if (periods.n == 0)
        rc = cm_fail(err, EXIT_USAGE, "%s: not a fixture (no periods/)", fixture);
    char *edir = path_join(fixture, "expected");
    names_t expected = list_dir(edir, true);
    if (rc == EXIT_DONE && !path_is_dir(edir)) {
        printf("%s: no expected/ folder: nothing to compare with\n", fixture);
        (*diffs)++;
    }
    /* an expected period that no periods/ folder produces is never compared */
    for (size_t i = 0, k = 0; rc == EXIT_DONE && i < expected.n; i++) {
        while (k < periods.n && strcmp(periods.v[k], expected.v[i]) < 0)
            k++;
        if (k == periods.n || strcmp(periods.v[k], expected.v[i]) != 0) {
            printf("%s expected/%s: no periods/%s: the run never produces it\n", fixture,
                   expected.v[i], expected.v[i]);
            (*diffs)++;
        }
    }
    names_free(&expected);
    free(edir);
    for (size_t i = 0; i < periods.n && rc == EXIT_DONE; i++) {
        run_options_t o = {.data_dir = fixture, .db_path = db, .out_dir = out, .quiet = true};
        if (!period_parse(periods.v[i], strlen(periods.v[i]), &o.period)) {
            rc = cm_fail(err, EXIT_INVALID_INPUT, "%s/periods/%s: not a YYYY-MM folder",
                           fixture, periods.v[i]);
            break;
        }
        cm_error_t run_err = {0};
        int want = expected_exit(fixture, periods.v[i]);
        cm_status got = cmd_run(&o, &run_err);
        if (got == EXIT_DONE)
            got = cmd_close(&o, &run_err);
        if ((int)got != want) {
            printf("%s %s: exit %d, expected %d%s%s\n", fixture, periods.v[i], got, want,
                   got ? ": " : "", got ? run_err.message : "");
            (*diffs)++;
        } else if (got == EXIT_DONE) {
            *diffs += compare_period(fixture, periods.v[i], out);
        }
    }
    if (rc == EXIT_DONE)
        printf("%s %s (%zu period%s)\n", *diffs == before ? "ok  " : "DIFF", fixture, periods.n,
               periods.n == 1 ? "" : "s");
    names_free(&periods);
    remove_tree(tmp);
    free(db);
    free(out);
    free(pdir);
    return rc;
}

cm_status cmd_verify(int n, char **fixtures, cm_error_t *err)
{
    int diffs = 0;
    for (int i = 0; i < n; i++) {
        char *pdir = path_join(fixtures[i], "periods");
        bool is_fixture = path_is_dir(pdir);
        free(pdir);
        cm_status rc;
        if (is_fixture) {
            rc = verify_one(fixtures[i], &diffs, err);
        } else {
            /* a folder of fixtures: verify each of them */
            names_t sub = list_dir(fixtures[i], true);
            char **paths = calloc(sub.n + 1, sizeof(char *));
            if (!paths)
                abort();
            for (size_t k = 0; k < sub.n; k++)
                paths[k] = path_join(fixtures[i], sub.v[k]);
            rc = sub.n ? cmd_verify((int)sub.n, paths, err)
                       : cm_fail(err, EXIT_USAGE, "%s: not a fixture", fixtures[i]);
            if (rc == EXIT_VERIFY_DIFF) {
                diffs++;
                rc = EXIT_DONE;
            }
            for (size_t k = 0; k < sub.n; k++)
                free(paths[k]);
            free(paths);
            names_free(&sub);
        }
        if (rc != EXIT_DONE)
            return rc;
    }
    return diffs ? EXIT_VERIFY_DIFF : EXIT_DONE;
}
