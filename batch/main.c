/*
 * main.c — the command line (SPEC §7). A declarative table of commands and
 * options drives parsing and --help; each command is one function in run.c,
 * verify.c, whatif.c or explain.c. main only parses, dispatches and prints
 * the error.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "run.h"
#include "util.h"
#include "verify.h"
#include "whatif.h"

typedef enum { OPT_DATA, OPT_PERIOD, OPT_DB, OPT_OUT, OPT_STATEMENTS, OPT_QUIET, OPT_ORDER,
               OPT_REVENUE, OPT_AGREEMENT, OPT_BOOK, OPT_PARTNER, OPT_COUNT } opt_id;

typedef struct option_spec {
    const char *name;
    bool takes_value;
    const char *help; /* a value's name (DIR, YYYY-MM, ID), then what it is */
} option_spec_t;

static const option_spec_t options[OPT_COUNT] = {
    [OPT_DATA] = {"--data", true, "DIR      the dataset folder"},
    [OPT_PERIOD] = {"--period", true, "YYYY-MM  the period"},
    [OPT_DB] = {"--db", true, "FILE       the ledger (default DIR/ledger.db)"},
    [OPT_OUT] = {"--out", true, "DIR       output folder (default DIR/out)"},
    [OPT_STATEMENTS] = {"--statements", false, "    also write draft partner statements"},
    [OPT_QUIET] = {"--quiet", false, "         no stage log and no summary"},
    [OPT_ORDER] = {"--order", true, "ID      explain an order's attribution"},
    [OPT_REVENUE] = {"--revenue", true, "ID    explain a revenue row (with --period)"},
    [OPT_AGREEMENT] = {"--agreement", true, "ID  explain an agreement's payable (with --period)"},
    [OPT_BOOK] = {"--book", true, "DIR      whatif: tables replacing the book's (--out: the what-if folder)"},
    [OPT_PARTNER] = {"--partner", true, "ID    every agreement of a partner: payable and holds "
                                        "(with --period)"},
};

/* The name of an option's value in usage lines: the help's first word. */
static void print_metavar(FILE *f, const option_spec_t *o)
{
    const char *h = o->help;
    while (*h == ' ')
        h++;
    int n = 0;
    while (h[n] && h[n] != ' ')
        n++;
    fprintf(f, " %.*s", n, h);
}

typedef enum { CMD_RUN, CMD_CHECK, CMD_CLOSE, CMD_VERIFY, CMD_EXPLAIN, CMD_STATUS, CMD_AUDIT,
               CMD_WHATIF, CMD_COUNT } cmd_id;

typedef struct command_spec {
    const char *name, *summary;
    unsigned required, allowed; /* bit sets of opt_id */
} command_spec_t;

#define B(o) (1u << (o))
static const command_spec_t commands[CMD_COUNT] = {
    [CMD_RUN] = {"run", "decide a period and write out/P (results, payouts.xlsx)",
                 B(OPT_DATA) | B(OPT_PERIOD),
                 B(OPT_DATA) | B(OPT_PERIOD) | B(OPT_DB) | B(OPT_OUT) | B(OPT_STATEMENTS) |
                     B(OPT_QUIET)},
    [CMD_CHECK] = {"check", "validate a period's inputs; write nothing", B(OPT_DATA) | B(OPT_PERIOD),
                   B(OPT_DATA) | B(OPT_PERIOD) | B(OPT_DB)},
    [CMD_CLOSE] = {"close", "lock a period; write payments.csv and partner statements",
                   B(OPT_DATA) | B(OPT_PERIOD),
                   B(OPT_DATA) | B(OPT_PERIOD) | B(OPT_DB) | B(OPT_OUT) | B(OPT_QUIET)},
    [CMD_VERIFY] = {"verify", "re-run fixtures (FIXTURE...) and diff against expected/", 0, 0},
    [CMD_EXPLAIN] = {"explain", "explain an order, a revenue row, an agreement's or a partner's "
                                "payable (3 when not found)",
                     B(OPT_DATA),
                     B(OPT_DATA) | B(OPT_DB) | B(OPT_ORDER) | B(OPT_REVENUE) | B(OPT_AGREEMENT) |
                         B(OPT_PARTNER) | B(OPT_PERIOD)},
    [CMD_STATUS] = {"status", "each period in the ledger: state, runs, paid or awaiting close, "
                              "carried and held, per currency", B(OPT_DATA),
                    B(OPT_DATA) | B(OPT_DB)},
    [CMD_AUDIT] = {"audit", "recompute the ledger's hash chain; 6 when it differs", B(OPT_DATA),
                   B(OPT_DATA) | B(OPT_DB)},
    [CMD_WHATIF] = {"whatif", "decide a period run already with another book; out/whatif-P",
                    B(OPT_DATA) | B(OPT_PERIOD) | B(OPT_BOOK),
                    B(OPT_DATA) | B(OPT_PERIOD) | B(OPT_BOOK) | B(OPT_DB) | B(OPT_OUT) |
                        B(OPT_QUIET)},
};

static void usage(FILE *f, int cmd)
{
    if (cmd < 0) {
        fprintf(f, "usage: commissions COMMAND [options]\n\ncommands:\n");
        for (int c = 0; c < CMD_COUNT; c++)
            fprintf(f, "  %-8s %s\n", commands[c].name, commands[c].summary);
        fprintf(f, "\n`commissions COMMAND --help` shows a command's options.\n"
                   "exit codes: 0 done, 1 internal error, 2 usage, 3 invalid input, 4 state "
                   "conflict, 5 ledger busy, 6 verify or audit found differences;\n"
                   "explain exits 3 when what it is asked about is not found\n");
        return;
    }
    const command_spec_t *c = &commands[cmd];
    if (cmd == CMD_VERIFY) {
        fprintf(f, "usage: commissions verify FIXTURE...\n  %s\n", c->summary);
        return;
    }
    fprintf(f, "usage: commissions %s", c->name);
    for (int o = 0; o < OPT_COUNT; o++)
        if (c->allowed & B(o)) {
            fprintf(f, c->required & B(o) ? " %s" : " [%s", options[o].name);
            if (options[o].takes_value)
                print_metavar(f, &options[o]);
            fprintf(f, "%s", c->required & B(o) ? "" : "]");
        }
    fprintf(f, "\n  %s\n", c->summary);
    for (int o = 0; o < OPT_COUNT; o++)
        if (c->allowed & B(o))
            fprintf(f, "  %s %s\n", options[o].name, options[o].help);
}

/* SPEC §7 paths, before anything is opened or created: the dataset folder
 * must exist (a mistyped --data never becomes a new dataset), and the output
 * folder and the ledger must stay clear of the inputs and of each other:
 * --out neither inside nor equal to nor containing master/, book/ or
 * periods/ (out/P would replace periods/P; an --out above the dataset could
 * make out/P the dataset itself), --db not inside (or equal to, or
 * containing) those folders nor inside the output folder (publishing out/P
 * would delete it). Paths compare canonically (path_canonical: symlinks
 * and ".." resolved as far as the path exists), so an alias is no way
 * round. Exit 3 for a missing dataset, 2 (usage) for overlapping paths. */
static cm_status check_paths(const run_options_t *ro, cm_error_t *err)
{
    if (!path_is_dir(ro->data_dir))
        return cm_fail(err, EXIT_INVALID_INPUT, "no such dataset directory: %s", ro->data_dir);
    char *out = run_out_dir(ro), *db = run_db_path(ro);
    char *c_out = path_canonical(out), *c_db = path_canonical(db);
    char *c_data = path_canonical(ro->data_dir);
    cm_status rc = EXIT_DONE;
    if (!c_out || !c_db || !c_data)
        rc = cm_fail(err, EXIT_INTERNAL, "cannot resolve the paths given: %s", strerror(errno));
    static const char *const inputs[] = {"master", "book", "periods"};
    for (size_t i = 0; rc == EXIT_DONE && i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        char *in = path_join(c_data, inputs[i]), *shown = path_join(ro->data_dir, inputs[i]);
        if (path_within(c_out, in) || path_within(in, c_out))
            rc = cm_fail(err, EXIT_USAGE,
                           "the output folder %s (--out) overlaps the dataset's inputs %s: "
                           "writing out/P would replace them", out, shown);
        else if (path_within(c_db, in) || path_within(in, c_db))
            rc = cm_fail(err, EXIT_USAGE,
                           "the ledger %s (--db) overlaps the dataset's inputs %s: keep the "
                           "ledger beside them, not among them", db, shown);
        free(in);
        free(shown);
    }
    if (rc == EXIT_DONE && (path_within(c_db, c_out) || path_within(c_out, c_db)))
        rc = cm_fail(err, EXIT_USAGE,
                       "the ledger %s (--db) is inside the output folder %s: publishing out/P "
                       "would delete it", db, out);
    free(c_out);
    free(c_db);
    free(c_data);
    free(out);
    free(db);
    return rc;
}

/* whatif's own paths, after check_paths (which checks its --out against the
 * inputs and the ledger as for any output folder): the what-if folder
 * (--out, default DIR/out/whatif-P, replaced whole) must neither be nor lie
 * within nor contain the period's outputs DIR/out/P, and the book it reads
 * (--book) must not overlap it, since replacing the folder would delete the
 * book. Exit 2 naming both paths. */
static cm_status check_whatif_paths(const run_options_t *ro, cm_error_t *err)
{
    char pbuf[PERIOD_BUF], rel[64];
    period_format(ro->period, pbuf);
    snprintf(rel, sizeof(rel), "out/whatif-%s", pbuf);
    char *def = path_join(ro->data_dir, rel);
    snprintf(rel, sizeof(rel), "out/%s", pbuf);
    char *outp = path_join(ro->data_dir, rel);
    const char *out = ro->out_dir ? ro->out_dir : def;
    char *c_out = path_canonical(out), *c_book = path_canonical(ro->book_dir);
    char *c_outp = path_canonical(outp);
    cm_status rc = EXIT_DONE;
    if (!c_out || !c_book || !c_outp)
        rc = cm_fail(err, EXIT_INTERNAL, "cannot resolve the paths given: %s", strerror(errno));
    else if (path_within(c_out, c_outp) || path_within(c_outp, c_out))
        rc = cm_fail(err, EXIT_USAGE,
                       "the what-if folder %s (--out) overlaps the period's outputs %s: a "
                       "what-if never writes out/P", out, outp);
    else if (path_within(c_out, c_book) || path_within(c_book, c_out))
        rc = cm_fail(err, EXIT_USAGE,
                       "the what-if folder %s (--out) overlaps the book it reads %s (--book): "
                       "writing the what-if would replace it", out, ro->book_dir);
    free(c_out);
    free(c_book);
    free(c_outp);
    free(def);
    free(outp);
    return rc;
}

static int usage_error(int cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "commissions: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    usage(stderr, cmd);
    return EXIT_USAGE;
}

static int dispatch(int argc, char **argv);

/* A failed command's one line on stderr: its message, or the status in
 * words when it left none. */
static void print_error(cm_status rc, const cm_error_t *err)
{
    fprintf(stderr, "commissions: %s\n", err->message[0] ? err->message : cm_strerror(rc));
}

int main(int argc, char **argv)
{
    /* A fixed mmap threshold: every block of 128 KiB or more (the month's
     * row arrays, the read-ahead's chunks, the stages' scratch) is its own
     * mapping, given back to the system when freed. glibc's default raises
     * the threshold after each such free, so later big blocks would come
     * from heaps that keep freed pages resident and raise the peak
     * (docs/performance.md). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    int rc = dispatch(argc, argv);
    signals_stop();
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(-1, "%s", "missing command");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout, -1);
        return EXIT_DONE;
    }
    int cmd = -1;
    for (int c = 0; c < CMD_COUNT; c++)
        if (strcmp(argv[1], commands[c].name) == 0)
            cmd = c;
    if (cmd < 0)
        return usage_error(-1, "unknown command '%s'", argv[1]);
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout, cmd);
            return EXIT_DONE;
        }
    cm_error_t err = {0};
    cm_status rc;
    if (cmd == CMD_VERIFY) {
        if (argc < 3)
            return usage_error(cmd, "%s", "verify needs at least one FIXTURE");
        signals_install();
        rc = cmd_verify(argc - 2, argv + 2, &err);
    } else {
        const char *val[OPT_COUNT] = {0};
        bool set[OPT_COUNT] = {0};
        for (int i = 2; i < argc; i++) {
            int o = -1;
            for (int k = 0; k < OPT_COUNT; k++)
                if (strcmp(argv[i], options[k].name) == 0)
                    o = k;
            if (o < 0 || !(commands[cmd].allowed & B(o)))
                return usage_error(cmd, "unknown option '%s'", argv[i]);
            if (set[o])
                return usage_error(cmd, "option '%s' given twice", argv[i]);
            set[o] = true;
            if (options[o].takes_value) {
                if (i + 1 >= argc)
                    return usage_error(cmd, "option '%s' needs a value", argv[i]);
                val[o] = argv[++i];
            }
        }
        for (int o = 0; o < OPT_COUNT; o++)
            if ((commands[cmd].required & B(o)) && !set[o])
                return usage_error(cmd, "missing %s", options[o].name);
        run_options_t ro = {.data_dir = val[OPT_DATA], .db_path = val[OPT_DB],
                            .out_dir = val[OPT_OUT], .statements = set[OPT_STATEMENTS],
                            .quiet = set[OPT_QUIET], .period = PERIOD_NONE,
                            .bind_dataset = true, .book_dir = val[OPT_BOOK]};
        if (set[OPT_PERIOD] && !period_parse(val[OPT_PERIOD], strlen(val[OPT_PERIOD]), &ro.period)) {
            const char *v = val[OPT_PERIOD];
            bool shape = strlen(v) == 7 && v[4] == '-' && strspn(v, "0123456789") == 4 &&
                         strspn(v + 5, "0123456789") == 2;
            if (shape && (atoi(v + 5) < 1 || atoi(v + 5) > 12))
                return usage_error(cmd, "--period %s: month must be 01-12", v);
            if (shape)
                return usage_error(cmd, "--period %s: year must be 1900 or later", v);
            return usage_error(cmd, "--period %s: not a period, write YYYY-MM (2017-11)", v);
        }
        signals_install();
        rc = check_paths(&ro, &err);
        if (rc == EXIT_DONE && cmd == CMD_WHATIF)
            rc = check_whatif_paths(&ro, &err);
        if (rc != EXIT_DONE) {
            print_error(rc, &err);
            return rc;
        }
        switch (cmd) {
        case CMD_RUN:
            rc = cmd_run(&ro, &err);
            break;
        case CMD_CHECK:
            rc = cmd_check(&ro, &err);
            break;
        case CMD_CLOSE:
            rc = cmd_close(&ro, &err);
            break;
        case CMD_STATUS:
            rc = cmd_status(&ro, &err);
            break;
        case CMD_AUDIT:
            rc = cmd_audit(&ro, &err);
            break;
        case CMD_WHATIF:
            rc = cmd_whatif(&ro, &err);
            break;
        default: {
            int which = set[OPT_ORDER] + set[OPT_REVENUE] + set[OPT_AGREEMENT] + set[OPT_PARTNER];
            if (which != 1)
                return usage_error(cmd, "%s",
                                   "give exactly one of --order, --revenue, --agreement, --partner");
            if (!set[OPT_ORDER] && !set[OPT_PERIOD])
                return usage_error(cmd, "%s", "--revenue, --agreement and --partner need --period");
            explain_request_t q = {.kind = set[OPT_ORDER]       ? EXPLAIN_ORDER
                                           : set[OPT_REVENUE]   ? EXPLAIN_REVENUE
                                           : set[OPT_AGREEMENT] ? EXPLAIN_AGREEMENT
                                                                : EXPLAIN_PARTNER,
                                   .id = set[OPT_ORDER]       ? val[OPT_ORDER]
                                         : set[OPT_REVENUE]   ? val[OPT_REVENUE]
                                         : set[OPT_AGREEMENT] ? val[OPT_AGREEMENT]
                                                              : val[OPT_PARTNER]};
            rc = cmd_explain(&ro, &q, &err);
        }
        }
    }
    if (rc != EXIT_DONE && (rc != EXIT_VERIFY_DIFF || cmd != CMD_VERIFY))
        print_error(rc, &err);
    return rc;
}
