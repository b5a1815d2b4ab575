/*
 * ingest_read.c — what every reader of a dataset file shares: one file
 * through its on_row callback, rejects, duplicate ids within a file, the
 * limits of the format, folder names, and the file error of an overflowed
 * total (month_overflow).
 */
#include "ingest_read.h"

#include <assert.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "schema.h"

void reader_reject(reader_t *r, int32_t line, const char *column, rule_code reason)
{
    if (!r->rejects) {
        cm_fail(r->err, EXIT_INVALID_INPUT, "%s:%d: bad value in column %s (%s)", r->display,
                line, *column ? column : "(row)", rule_name(reason));
        r->failed = true;
        return;
    }
    reject_t j = {.file = r->display, .line = line, .column = column, .reason = reason};
    VEC_PUSH(*(reject_list_t *)r->rejects, j);
}

bool reader_on_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    reader_t *r = ctx;
    r->rows++;
    reader_reject(r, line, column, reason);
    return !r->failed;
}

bool reader_first_in_file(reader_t *r, const csv_value_t *id, int32_t line, const char *column)
{
    if (strmap_get(&r->seen, id->s, id->len) >= 0) {
        reader_reject(r, line, column, RULE_DUPLICATE_ID);
        return false;
    }
    strmap_put(&r->seen, arena_strndup(r->arena, id->s, id->len), id->len, 1);
    return true;
}

bool reader_total_overflow(reader_t *r, int32_t line, const char *column, const char *what)
{
    char max[MONEY_BUF];
    cm_fail(r->err, EXIT_INVALID_INPUT,
            "%s:%d: column %s: %s would overflow (past %s); the amounts of this file cannot "
            "be added exactly",
            r->display, line, column, what, money_format(INT64_MAX, max));
    r->failed = true;
    return false;
}

bool reader_room(reader_t *r, size_t n, size_t max, int32_t line, const char *column,
                 const char *what)
{
    assert(max > 0);
    if (n < max)
        return true;
    cm_fail(r->err, EXIT_INVALID_INPUT,
            "%s:%d: column %s: more than %zu %s; at most %zu are supported", r->display, line,
            column, max, what, max);
    r->failed = true;
    return false;
}

cm_status reader_read_file(reader_t *r, const char *dir, const char *rel, const file_spec_t *spec,
                           bool (*on_row)(void *, const csv_value_t *, int32_t), bool optional,
                           input_list_t *inputs, prefetch_t *ahead)
{
    if (!r->display) /* a caller may name the file otherwise (the whatif book) */
        r->display = arena_strndup(r->arena, rel, strlen(rel));
    csv_callbacks_t cb = {.on_row = on_row, .on_reject = reader_on_reject};
    csv_stats_t st;
    csv_error_t ce;
    csv_status s;
    assert(!ahead || spec == &schema_revenue); /* only revenue files are read ahead */
    if (ahead) {
        s = prefetch_finish(ahead, &cb, r, &st, &ce);
    } else {
        char *path = path_join(dir, rel);
        struct stat lst;
        if (!path_exists(path)) {
            /* a link to nothing is no absent file: never skipped silently */
            bool dangling = lstat(path, &lst) == 0;
            free(path);
            if (dangling)
                return cm_fail(r->err, EXIT_INVALID_INPUT,
                               "%s: a symbolic link to nothing (missing target)", rel);
            if (optional)
                return EXIT_DONE;
            return cm_fail(r->err, EXIT_INVALID_INPUT, "%s: missing file", rel);
        }
        s = csv_read_file(path, r->display, spec, &cb, r, &st, &ce);
        free(path);
    }
    strmap_free(&r->seen);
    if (r->failed)
        return r->err->code;
    if (s != CSV_OK)
        return cm_fail(r->err, s == CSV_IO_ERROR ? EXIT_INTERNAL : EXIT_INVALID_INPUT, "%s",
                       ce.message);
    input_file_t in = {.path = r->display, .records = st.records, .bytes = st.bytes};
    memcpy(in.sha256, st.sha256, sizeof(in.sha256));
    VEC_PUSH(*inputs, in);
    return EXIT_DONE;
}

/* The names in folder rel of the dataset against the file names it may hold
 * (known, NULL-terminated). A name equal to a known one but for case
 * (Adjustments.csv) is a file error: on a case-sensitive file system the
 * batch would not read it, and on another it would, so it is refused
 * everywhere, naming the name expected. Any other unknown entry is not an
 * input: a warning names it and the run goes on (dot files are skipped
 * silently: editors' and systems' own). A missing folder is left to the
 * readers to report. */
cm_status ingest_check_names(const char *dir, const char *rel, const char *const *known,
                             cm_error_t *err)
{
    char *path = path_join(dir, rel);
    DIR *d = opendir(path);
    free(path);
    if (!d)
        return EXIT_DONE;
    cm_status rc = EXIT_DONE;
    struct dirent *e;
    VEC(char *) unknown = {0};
    while (rc == EXIT_DONE && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        const char *near = NULL;
        bool exact = false;
        for (size_t k = 0; known[k] && !exact; k++) {
            exact = strcmp(e->d_name, known[k]) == 0;
            if (!exact && strcasecmp(e->d_name, known[k]) == 0)
                near = known[k];
        }
        if (exact)
            continue;
        if (near)
            rc = cm_fail(err, EXIT_INVALID_INPUT,
                         "%s/%s: file name in the wrong case; the batch reads only %s/%s "
                         "(rename it)", rel, e->d_name, rel, near);
        else {
            char *name = strdup(e->d_name);
            if (!name)
                abort();
            VEC_PUSH(unknown, name);
        }
    }
    closedir(d);
    for (size_t i = 0; i < unknown.n; i++) {
        if (rc == EXIT_DONE)
            fprintf(stderr, "commissions: warning: %s/%s is not an input file; ignored\n", rel,
                    unknown.v[i]);
        free(unknown.v[i]);
    }
    free(unknown.v);
    return rc;
}

/* ---- overflow of a total (rules' month_overflow) --------------------------- */

cm_status ingest_overflow_error(const month_t *m, cm_error_t *err)
{
    assert(month_overflowed(m)); /* month_decide set m->overflow */
    const month_overflow_t *o = &m->overflow;
    static const char *const files[] = {
        [SOURCE_REVENUE] = "revenue.csv",       [SOURCE_ORDERS] = "orders.csv",
        [SOURCE_ADJUSTMENTS] = "adjustments.csv", [SOURCE_ACTIVITIES] = "activities.csv",
        [SOURCE_COMMITMENTS] = "master/commitments.csv",
        [SOURCE_AGREEMENTS] = "master/agreements.csv", [SOURCE_BENEFITS] = "book/benefits.csv"};
    char where[160] = "", pbuf[PERIOD_BUF], lbuf[24] = "", cbuf[96] = "", max[MONEY_BUF];
    period_format(m->period, pbuf);
    if (o->line > 0)
        snprintf(lbuf, sizeof(lbuf), ":%d", o->line);
    if (o->column)
        snprintf(cbuf, sizeof(cbuf), " column %s:", o->column);
    switch (o->source) {
    case SOURCE_NONE:
        snprintf(where, sizeof(where), "%s:", pbuf);
        break;
    case SOURCE_REVENUE:
    case SOURCE_ORDERS:
    case SOURCE_ADJUSTMENTS:
    case SOURCE_ACTIVITIES: {
        char fp[PERIOD_BUF];
        snprintf(where, sizeof(where), "periods/%s/%s%s:%s", period_format(o->period, fp),
                 files[o->source], lbuf, cbuf);
        break;
    }
    default:
        snprintf(where, sizeof(where), "%s%s:%s", files[o->source], lbuf, cbuf);
        break;
    }
    const char *agreement = o->agreement >= 0 ? m->master->agreements.v[o->agreement].id : NULL;
    if (o->source == SOURCE_AGREEMENTS)
        return cm_fail(err, EXIT_INVALID_INPUT,
                       "%s %s%s%s in %s is past 9999-12-31; nothing was written", where,
                       o->what, agreement ? " " : "", agreement ? agreement : "", pbuf);
    return cm_fail(err, EXIT_INVALID_INPUT,
                   "%s %s%s%s in %s overflows (past %s in absolute value); nothing was written",
                   where, o->what, agreement ? " " : "", agreement ? agreement : "", pbuf,
                   money_format(INT64_MAX, max));
}
