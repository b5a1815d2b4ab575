/*
 * ingest.c — CSV rows into model structs, SPEC §3 and §8.1.
 *
 * Each file has one on_row callback that turns typed values into a struct
 * and applies the cross-row checks the spec lists as rejects (duplicate_id,
 * wrong_period, unapproved, order_conflict, unknown references in master
 * data). Book files admit no bad row: any reject there is a file error.
 */
#include "ingest.h"

#include <assert.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "csvio.h"
#include "ledger.h"
#include "assignment.h"
#include "lines.h"
#include "rates.h"
#include "schema.h"

/* ---- shared reading machinery ------------------------------------------- */

typedef struct reader {
    arena_t *arena;
    const char *display;  /* dataset-relative path, arena-owned */
    VEC(reject_t) * rejects; /* NULL: a reject is a file error (book) */
    cm_error_t *err;
    bool failed;
    void *target;         /* file-specific state */
    month_t *month;
    strmap_t seen;        /* ids seen in this file */
    int64_t rows, rejected;
    money_t gross;        /* sum of |amount| of the file's rows so far (revenue.csv) */
    ledger_t *ledger;     /* makes stubs of earlier orders whole (NULL: none) */
    VEC(int32_t) originals; /* orders.csv: stubs named as originals, made whole after it */
} reader_t;

typedef VEC(reject_t) reject_list_t;

static const char *str(reader_t *r, const csv_value_t *v)
{
    return v->len ? arena_strndup(r->arena, v->s, v->len) : NULL;
}

static void reject(reader_t *r, int32_t line, const char *column, rule_code reason)
{
    r->rejected++;
    if (!r->rejects) {
        cm_fail(r->err, EXIT_INVALID_INPUT, "%s:%d: bad value in column %s (%s)", r->display,
                  line, *column ? column : "(row)", rule_name(reason));
        r->failed = true;
        return;
    }
    reject_t j = {.file = r->display, .line = line, .column = column, .reason = reason};
    VEC_PUSH(*(reject_list_t *)r->rejects, j);
}

static bool on_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    reader_t *r = ctx;
    r->rows++;
    reject(r, line, column, reason);
    return !r->failed;
}

/* First occurrence of an id in this file? Otherwise reject duplicate_id. */
static bool first_in_file(reader_t *r, const csv_value_t *id, int32_t line, const char *column)
{
    if (strmap_get(&r->seen, id->s, id->len) >= 0) {
        reject(r, line, column, RULE_DUPLICATE_ID);
        return false;
    }
    strmap_put(&r->seen, arena_strndup(r->arena, id->s, id->len), id->len, 1);
    return true;
}

/* A file error: the money total of the file would overflow at this row. */
static bool total_overflow(reader_t *r, int32_t line, const char *column, const char *what)
{
    char max[MONEY_BUF];
    cm_fail(r->err, EXIT_INVALID_INPUT,
              "%s:%d: column %s: %s would overflow (past %s); the amounts of this file cannot "
              "be added exactly",
              r->display, line, column, what, money_format(INT64_MAX, max));
    r->failed = true;
    return false;
}

static currency_t currency_of(const csv_value_t *v)
{
    currency_t c = {{0}};
    memcpy(c.code, v->s, v->len < 3 ? v->len : 3);
    return c;
}

static date_t opt_date(const csv_value_t *v) { return v->len ? (date_t)v->i : DATE_NONE; }
static period_t opt_period(const csv_value_t *v) { return v->len ? (period_t)v->i : PERIOD_NONE; }

/* Read one file through its on_row; records its hash in inputs. A missing
 * optional file is skipped. */
static cm_status read_file(reader_t *r, const char *dir, const char *rel, const file_spec_t *spec,
                           bool (*on_row)(void *, const csv_value_t *, int32_t), bool optional,
                           input_list_t *inputs, prefetch_t *ahead)
{
    if (!r->display) /* a caller may name the file otherwise (the whatif book) */
        r->display = arena_strndup(r->arena, rel, strlen(rel));
    csv_callbacks_t cb = {.on_row = on_row, .on_reject = on_reject};
    csv_stats_t st;
    csv_error_t ce;
    csv_status s;
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
static cm_status check_folder_names(const char *dir, const char *rel, const char *const *known,
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

/* ---- master/ ------------------------------------------------------------- */

static bool partner_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    master_t *ms = r->target;
    r->rows++;
    if (!first_in_file(r, &v[PARTNERS_ID], line, "partner_id"))
        return true;
    partner_t p = {.id = str(r, &v[PARTNERS_ID]), .name = str(r, &v[PARTNERS_NAME]),
                   .kind = (partner_kind_t)v[PARTNERS_KIND].i,
                   .lang = (lang_t)v[PARTNERS_LANGUAGE].i, .on_hold = v[PARTNERS_STATUS].i == 1};
    VEC_PUSH(ms->partners, p);
    strmap_put(&ms->partner_ix, p.id, v[PARTNERS_ID].len, (int32_t)(ms->partners.n - 1));
    return true;
}

static bool agreement_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    master_t *ms = r->target;
    r->rows++;
    if (!first_in_file(r, &v[AGREEMENTS_ID], line, "agreement_id"))
        return true;
    int32_t partner = strmap_get(&ms->partner_ix, v[AGREEMENTS_PARTNER].s, v[AGREEMENTS_PARTNER].len);
    if (partner < 0) { /* §8.1: a rejected partner's agreements are rejected too */
        reject(r, line, "partner_id", RULE_UNKNOWN_PARTNER);
        return true;
    }
    agreement_t a = {.id = str(r, &v[AGREEMENTS_ID]), .partner = partner,
                     .legacy = (legacy_t)v[AGREEMENTS_LEGACY].i,
                     .plan_id = str(r, &v[AGREEMENTS_PLAN]),
                     .currency = currency_of(&v[AGREEMENTS_CURRENCY]),
                     .start = (date_t)v[AGREEMENTS_START].i, .end = opt_date(&v[AGREEMENTS_END]),
                     .interval = (interval_t)v[AGREEMENTS_INTERVAL].i,
                     .lag_days = (int32_t)v[AGREEMENTS_LAG].i,
                     .min_payout = v[AGREEMENTS_MIN_PAYOUT].i, .line = line};
    VEC_PUSH(ms->agreements, a);
    strmap_put(&ms->agreement_ix, a.id, v[AGREEMENTS_ID].len, (int32_t)(ms->agreements.n - 1));
    return true;
}

static bool product_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    master_t *ms = r->target;
    r->rows++;
    if (!first_in_file(r, &v[PRODUCTS_CODE], line, "product_code"))
        return true;
    product_t p = {.code = str(r, &v[PRODUCTS_CODE]), .name = str(r, &v[PRODUCTS_NAME]),
                   .category = str(r, &v[PRODUCTS_CATEGORY]),
                   .portfolio = (legacy_t)v[PRODUCTS_PORTFOLIO].i,
                   .commissionable = v[PRODUCTS_COMMISSIONABLE].i == 1};
    VEC_PUSH(ms->products, p);
    strmap_put(&ms->product_ix, p.code, v[PRODUCTS_CODE].len, (int32_t)(ms->products.n - 1));
    return true;
}

static bool account_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    master_t *ms = r->target;
    r->rows++;
    if (!first_in_file(r, &v[ACCOUNTS_ID], line, "account_id"))
        return true;
    int32_t owner = strmap_get(&ms->agreement_ix, v[ACCOUNTS_OWNER].s, v[ACCOUNTS_OWNER].len);
    if (owner < 0) {
        reject(r, line, "owner_agreement_id", RULE_UNKNOWN_AGREEMENT);
        return true;
    }
    account_t a = {.id = str(r, &v[ACCOUNTS_ID]), .owner = owner};
    VEC_PUSH(ms->accounts, a);
    strmap_put(&ms->account_ix, a.id, v[ACCOUNTS_ID].len, (int32_t)(ms->accounts.n - 1));
    return true;
}

static bool commitment_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    master_t *ms = r->target;
    r->rows++;
    if (!first_in_file(r, &v[COMMITMENTS_ID], line, "commitment_id"))
        return true;
    int32_t a = strmap_get(&ms->agreement_ix, v[COMMITMENTS_AGREEMENT].s, v[COMMITMENTS_AGREEMENT].len);
    if (a < 0) {
        reject(r, line, "agreement_id", RULE_UNKNOWN_AGREEMENT);
        return true;
    }
    if (v[COMMITMENTS_AMOUNT].i <= 0) { /* amount (> 0) */
        reject(r, line, "amount", RULE_BAD_MONEY);
        return true;
    }
    if (v[COMMITMENTS_END].i < v[COMMITMENTS_START].i) {
        reject(r, line, "end_period", RULE_BAD_PERIOD);
        return true;
    }
    commitment_t c = {.id = str(r, &v[COMMITMENTS_ID]), .agreement = a,
                      .basis = v[COMMITMENTS_BASIS].i == 1 ? BASIS_MRC : BASIS_REVENUE,
                      .amount = v[COMMITMENTS_AMOUNT].i,
                      .start = (period_t)v[COMMITMENTS_START].i,
                      .end = (period_t)v[COMMITMENTS_END].i, .line = line};
    VEC_PUSH(ms->commitments, c);
    return true;
}

/* ---- book/ --------------------------------------------------------------- */

typedef struct book_reader {
    book_t *book;
} book_reader_t;

static bool program_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    book_t *b = r->target;
    (void)line;
    program_t g = {.name = str(r, &v[PROGRAMS_PROGRAM]), .legacy = (legacy_t)v[PROGRAMS_LEGACY].i,
                   .basis = v[PROGRAMS_BASIS].i == 1 ? BASIS_POINTS : BASIS_REVENUE,
                   .review = (review_t)v[PROGRAMS_REVIEW].i,
                   .window_months = (int32_t)v[PROGRAMS_WINDOW].i,
                   .entry_tier = str(r, &v[PROGRAMS_ENTRY]),
                   .freeze_until = opt_period(&v[PROGRAMS_FREEZE]),
                   .combine_from = opt_period(&v[PROGRAMS_COMBINE]),
                   .effective_from = (period_t)v[PROGRAMS_FROM].i,
                   .effective_to = opt_period(&v[PROGRAMS_TO])};
    if (g.window_months < 1 && g.basis == BASIS_REVENUE) {
        reject(r, line, "window_months", RULE_BAD_INT);
        return false;
    }
    VEC_PUSH(b->programs, g);
    return true;
}

/* min_value is money for revenue programs and whole points otherwise. */
static bool tier_row_cb(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    book_t *b = r->target;
    const char *prog = str(r, &v[TIERS_PROGRAM]);
    const program_t *g = NULL;
    for (size_t i = 0; i < b->programs.n && !g; i++)
        if (strcmp(b->programs.v[i].name, prog) == 0)
            g = &b->programs.v[i];
    if (!g) {
        cm_fail(r->err, EXIT_INVALID_INPUT, "%s:%d: program %s is not in programs.csv",
                  r->display, line, prog);
        r->failed = true;
        return false;
    }
    tier_t t = {.program = prog, .tier = str(r, &v[TIERS_TIER]), .rank = (int32_t)v[TIERS_RANK].i};
    const csv_value_t *mv = &v[TIERS_MIN];
    bool ok;
    if (g->basis == BASIS_REVENUE) {
        ok = money_parse(mv->s, mv->len, &t.min_value);
    } else {
        ok = decimal_parse(mv->s, mv->len, 0, INT64_C(1000000000000), &t.min_value);
    }
    if (!ok) {
        reject(r, line, "min_value", g->basis == BASIS_REVENUE ? RULE_BAD_MONEY : RULE_BAD_INT);
        return false;
    }
    VEC_PUSH(b->tiers, t);
    return true;
}

static bool points_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    book_t *b = r->target;
    (void)line;
    points_rule_t p = {.program = str(r, &v[POINTS_PROGRAM]), .phase_tier = str(r, &v[POINTS_PHASE]),
                       .activity_code = str(r, &v[POINTS_ACTIVITY]), .points = v[POINTS_POINTS].i,
                       .requires_points = v[POINTS_REQUIRES].len ? v[POINTS_REQUIRES].i : -1,
                       .repeatable = v[POINTS_REPEATABLE].i == 1,
                       .name = {str(r, &v[POINTS_NAME_EN]), str(r, &v[POINTS_NAME_ES])}};
    VEC_PUSH(b->points, p);
    return true;
}

static bool benefit_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    book_t *b = r->target;
    benefit_t f = {.program = str(r, &v[BENEFITS_PROGRAM]), .tier = str(r, &v[BENEFITS_TIER]),
                   .benefit = str(r, &v[BENEFITS_BENEFIT]), .monthly_amount = v[BENEFITS_AMOUNT].i,
                   .currency = currency_of(&v[BENEFITS_CURRENCY]), .line = line};
    VEC_PUSH(b->benefits, f);
    return true;
}

/* `*` or an id. */
static bool star_or_id(reader_t *r, const csv_value_t *v, int32_t line, const char *col,
                       const char **out)
{
    if (v->len == 1 && v->s[0] == '*') {
        *out = NULL;
        return true;
    }
    if (!csv_valid_id(v->s, v->len)) {
        reject(r, line, col, RULE_BAD_ID);
        return false;
    }
    *out = str(r, v);
    return true;
}

static bool rate_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    book_t *b = r->target;
    rate_t t = {.plan_id = str(r, &v[RATES_PLAN]), .component = (component_t)v[RATES_COMPONENT].i,
                .rate_pct = v[RATES_RATE].i, .mrc_multiple = v[RATES_MULTIPLE].i,
                .min_term_months = v[RATES_MIN_TERM].len ? (int32_t)v[RATES_MIN_TERM].i : -1,
                .effective_from = (date_t)v[RATES_FROM].i, .effective_to = opt_date(&v[RATES_TO]),
                .line = line};
    if (!star_or_id(r, &v[RATES_CATEGORY], line, "category", &t.category) ||
        !star_or_id(r, &v[RATES_TIER], line, "tier", &t.tier))
        return false;
    if (t.component == COMPONENT_RESIDUAL && !v[RATES_RATE].len) {
        reject(r, line, "rate_pct", RULE_MISSING_VALUE);
        return false;
    }
    if (t.component == COMPONENT_SPIFF && !v[RATES_MULTIPLE].len) {
        reject(r, line, "mrc_multiple", RULE_MISSING_VALUE);
        return false;
    }
    VEC_PUSH(b->rates, t);
    return true;
}

typedef struct book_table {
    const char *name;
    const file_spec_t *spec;
    bool (*on_row)(void *, const csv_value_t *, int32_t);
} book_table_t;

/* Programs first: tiers need their basis. */
static const book_table_t book_tables[] = {
    {"programs.csv", &schema_programs, program_row},
    {"tiers.csv", &schema_tiers, tier_row_cb},
    {"points.csv", &schema_points, points_row},
    {"benefits.csv", &schema_benefits, benefit_row},
    {"rates.csv", &schema_rates, rate_row},
};

static cm_status read_book_table(dataset_t *ds, const book_table_t *t, cm_error_t *err)
{
    reader_t r = {.arena = &ds->arena, .err = err, .target = &ds->book};
    char rel[64];
    if (ds->book_dir) { /* whatif: its table of this name replaces the dataset's */
        char *path = path_join(ds->book_dir, t->name);
        bool there = path_exists(path);
        if (there)
            r.display = arena_strndup(&ds->arena, path, strlen(path));
        free(path);
        if (there)
            return read_file(&r, ds->book_dir, t->name, t->spec, t->on_row, false, &ds->inputs,
                             NULL);
    }
    snprintf(rel, sizeof(rel), "book/%s", t->name);
    char *path = path_join(ds->dir, rel);
    bool own = path_exists(path);
    free(path);
    if (own)
        return read_file(&r, ds->dir, rel, t->spec, t->on_row, false, &ds->inputs, NULL);
    for (int i = 0; i < book_default_count; i++) {
        if (strcmp(book_default_names[i], t->name) != 0)
            continue;
        snprintf(rel, sizeof(rel), "(default book)/%s", t->name);
        r.display = arena_strndup(&ds->arena, rel, strlen(rel));
        csv_callbacks_t cb = {.on_row = t->on_row, .on_reject = on_reject};
        csv_stats_t st;
        csv_error_t ce;
        csv_status s = csv_read_buffer(book_default_texts[i], book_default_lengths[i], r.display,
                                       t->spec, &cb, &r, &st, &ce);
        strmap_free(&r.seen);
        if (r.failed)
            return err->code;
        if (s != CSV_OK)
            return cm_fail(err, EXIT_INTERNAL, "%s", ce.message);
        input_file_t in = {.path = r.display, .records = st.records, .bytes = st.bytes};
        memcpy(in.sha256, st.sha256, sizeof(in.sha256));
        VEC_PUSH(ds->inputs, in);
        return EXIT_DONE;
    }
    return cm_fail(err, EXIT_INTERNAL, "default book has no %s", t->name);
}

static bool has_tier(const book_t *b, const char *program, const char *tier)
{
    return tier_row(b, program, tier) >= 0;
}

static bool tier_anywhere(const book_t *b, const char *tier)
{
    for (size_t i = 0; i < b->tiers.n; i++)
        if (strcmp(b->tiers.v[i].tier, tier) == 0)
            return true;
    return false;
}

/* SPEC §3 book errors: overlaps and tiers that tiers.csv lacks. */
static cm_status check_book(const dataset_t *ds, cm_error_t *err)
{
    const book_t *b = &ds->book;
    size_t x, y;
    char p1[PERIOD_BUF];
    if (programs_find_conflict(b, &x, &y))
        return cm_fail(err, EXIT_INVALID_INPUT,
                         "book/programs.csv: programs %s and %s overlap in time for legacy %s",
                         b->programs.v[x].name, b->programs.v[y].name,
                         legacy_names[b->programs.v[x].legacy]);
    if (rates_find_conflict(b, &x, &y))
        return cm_fail(err, EXIT_INVALID_INPUT,
                         "book/rates.csv:%d: overlaps line %d (plan %s, %s, same category and "
                         "tier, overlapping dates)",
                         b->rates.v[y].line, b->rates.v[x].line, b->rates.v[x].plan_id,
                         component_names[b->rates.v[x].component]);
    for (size_t i = 0; i < b->programs.n; i++) {
        const program_t *g = &b->programs.v[i];
        if (!has_tier(b, g->name, g->entry_tier))
            return cm_fail(err, EXIT_INVALID_INPUT,
                             "book/programs.csv: entry_tier %s of program %s (from %s) is not "
                             "in tiers.csv", g->entry_tier, g->name,
                             period_format(g->effective_from, p1));
    }
    for (size_t i = 0; i < b->points.n; i++)
        if (!has_tier(b, b->points.v[i].program, b->points.v[i].phase_tier))
            return cm_fail(err, EXIT_INVALID_INPUT,
                             "book/points.csv: phase_tier %s of program %s is not in tiers.csv",
                             b->points.v[i].phase_tier, b->points.v[i].program);
    for (size_t i = 0; i < b->benefits.n; i++)
        if (!has_tier(b, b->benefits.v[i].program, b->benefits.v[i].tier))
            return cm_fail(err, EXIT_INVALID_INPUT,
                             "book/benefits.csv: tier %s of program %s is not in tiers.csv",
                             b->benefits.v[i].tier, b->benefits.v[i].program);
    for (size_t i = 0; i < b->rates.n; i++)
        if (b->rates.v[i].tier && !tier_anywhere(b, b->rates.v[i].tier))
            return cm_fail(err, EXIT_INVALID_INPUT,
                             "book/rates.csv:%d: tier %s is not in tiers.csv", b->rates.v[i].line,
                             b->rates.v[i].tier);
    return EXIT_DONE;
}

cm_status ingest_dataset(dataset_t *ds, const char *dir, cm_error_t *err)
{
    ds->dir = dir;
    master_t *ms = &ds->master;
    struct {
        const char *rel;
        const file_spec_t *spec;
        bool (*on_row)(void *, const csv_value_t *, int32_t);
    } master_files[] = {
        {"master/partners.csv", &schema_partners, partner_row},
        {"master/agreements.csv", &schema_agreements, agreement_row},
        {"master/products.csv", &schema_products, product_row},
        {"master/accounts.csv", &schema_accounts, account_row},
        {"master/commitments.csv", &schema_commitments, commitment_row},
    };
    if (!path_is_dir(dir))
        return cm_fail(err, EXIT_INVALID_INPUT, "no such dataset directory: %s", dir);
    static const char *const master_names[] = {"partners.csv", "agreements.csv", "products.csv",
                                               "accounts.csv", "commitments.csv", NULL};
    static const char *const book_names[] = {"programs.csv", "tiers.csv", "points.csv",
                                             "benefits.csv", "rates.csv", NULL};
    cm_status named = check_folder_names(dir, "master", master_names, err);
    if (named == EXIT_DONE)
        named = check_folder_names(dir, "book", book_names, err);
    if (named == EXIT_DONE && ds->book_dir && !path_is_dir(ds->book_dir))
        named = cm_fail(err, EXIT_INVALID_INPUT, "no such book directory: %s", ds->book_dir);
    if (named == EXIT_DONE && ds->book_dir)
        named = check_folder_names(ds->book_dir, ".", book_names, err);
    if (named != EXIT_DONE)
        return named;
    for (size_t i = 0; i < sizeof(master_files) / sizeof(master_files[0]); i++) {
        reader_t r = {.arena = &ds->arena, .err = err, .target = ms,
                      .rejects = (void *)&ds->master_rejects};
        cm_status rc = read_file(&r, dir, master_files[i].rel, master_files[i].spec,
                                 master_files[i].on_row, false, &ds->inputs, NULL);
        if (rc != EXIT_DONE)
            return rc;
    }
    /* the compact rows of a month index agreements in 28 bits (order_stub_t)
     * and accounts in 30 (revenue_without_order) */
    if (ms->agreements.n > (size_t)MONTH_STUB_AGREEMENTS)
        return cm_fail(err, EXIT_INVALID_INPUT,
                         "master/agreements.csv: %zu agreements; at most %d are supported",
                         ms->agreements.n, (int)MONTH_STUB_AGREEMENTS);
    if (ms->accounts.n > (size_t)REVENUE_ACCOUNTS_MAX)
        return cm_fail(err, EXIT_INVALID_INPUT,
                         "master/accounts.csv: %zu accounts; at most %d are supported",
                         ms->accounts.n, (int)REVENUE_ACCOUNTS_MAX);
    master_index_partners(ms, &ds->arena);
    for (size_t i = 0; i < sizeof(book_tables) / sizeof(book_tables[0]); i++) {
        cm_status rc = read_book_table(ds, &book_tables[i], err);
        if (rc != EXIT_DONE)
            return rc;
    }
    return check_book(ds, err);
}

void dataset_release(dataset_t *ds)
{
    master_release(&ds->master);
    book_release(&ds->book);
    free(ds->master_rejects.v);
    free(ds->inputs.v);
    arena_release(&ds->arena);
}

/* ---- periods/P/ ---------------------------------------------------------- */

static const char *const order_columns[ORDERS_NCOLS] = {
    "order_id", "partner_id", "agreement_id", "account_id", "product_code", "order_type",
    "original_order_id", "opportunity_id", "order_date", "install_date", "mrc", "nrc",
    "currency", "term_months"};

/* Equal, treating NULL (blank) as "". */
static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* First column (spec order) where a re-delivered order differs from the
 * stored one, ignoring install_date; -1 when none. */
static int order_difference(const order_t *a, const order_t *b)
{
    const char *sa[] = {a->id, a->partner_id, a->agreement_ref, a->account_id, a->product_code};
    const char *sb[] = {b->id, b->partner_id, b->agreement_ref, b->account_id, b->product_code};
    for (int i = 0; i < 5; i++)
        if (!same_str(sa[i], sb[i]))
            return i;
    if (a->type != b->type)
        return ORDERS_TYPE;
    if (!same_str(a->original_id, b->original_id))
        return ORDERS_ORIGINAL;
    if (!same_str(a->opportunity_id, b->opportunity_id))
        return ORDERS_OPPORTUNITY;
    if (a->order_date != b->order_date)
        return ORDERS_DATE;
    if (a->install_date != b->install_date && a->install_date != DATE_NONE)
        return ORDERS_INSTALL; /* only blank -> date is accepted */
    if (a->mrc != b->mrc)
        return ORDERS_MRC;
    if (a->nrc != b->nrc)
        return ORDERS_NRC;
    if (strcmp(a->currency.code, b->currency.code) != 0)
        return ORDERS_CURRENCY;
    if (a->term_months != b->term_months)
        return ORDERS_TERM;
    return -1;
}

/* An earlier order P names, made whole (ledger_complete_order: *ref
 * becomes its index in m->orders); false on error. */
static bool complete_order(reader_t *r, int32_t *ref)
{
    if (ledger_complete_order(r->ledger, r->month, ref, r->err) != EXIT_DONE) {
        r->failed = true;
        return false;
    }
    return true;
}

static int ref_order(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* The stubs orders.csv named as originals, made whole once it is read (only
 * decisions read originals): in stub order, which is the ledger's
 * (period, order_id) order, so the lookups walk its primary key in order. */
static cm_status complete_originals(reader_t *r)
{
    int32_t *v = r->originals.v;
    size_t n = r->originals.n;
    if (n > 1)
        qsort(v, n, sizeof(*v), ref_order);
    size_t k = 0; /* each once */
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    return ledger_complete_orders(r->ledger, r->month, v, k, r->err);
}

static bool order_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    const master_t *ms = m->master;
    control_t *c = &m->control;
    r->rows++;
    order_type_t type = (order_type_t)v[ORDERS_TYPE].i;
    if ((type == ORDER_INCREMENTAL || type == ORDER_DISCONNECT) && !v[ORDERS_ORIGINAL].len) {
        reject(r, line, "original_order_id", RULE_MISSING_VALUE);
        return true;
    }
    /* §3 an order_id repeated in the file: the first row stands. The order
     * map tells it for new orders (P's own whole orders come only from this
     * file); re-delivered earlier orders are remembered in r->seen. */
    int32_t known = strmap_get(&m->order_ix, v[ORDERS_ID].s, v[ORDERS_ID].len);
    if (known >= 0 && known < ORDER_STUB && m->orders.v[known].period == m->period) {
        reject(r, line, "order_id", RULE_DUPLICATE_ID);
        return true;
    }
    if (known >= 0 && !first_in_file(r, &v[ORDERS_ID], line, "order_id"))
        return true;
    /* references to master data point at its strings, not at copies
     * (a million orders name ten thousand partners) */
    int32_t product = strmap_get(&ms->product_ix, v[ORDERS_PRODUCT].s, v[ORDERS_PRODUCT].len);
    int32_t partner = strmap_get(&ms->partner_ix, v[ORDERS_PARTNER].s, v[ORDERS_PARTNER].len);
    int32_t named = v[ORDERS_AGREEMENT].len ? strmap_get(&ms->agreement_ix, v[ORDERS_AGREEMENT].s,
                                                         v[ORDERS_AGREEMENT].len)
                                            : -1;
    int32_t account = strmap_get(&ms->account_ix, v[ORDERS_ACCOUNT].s, v[ORDERS_ACCOUNT].len);
    order_t o = {.id = str(r, &v[ORDERS_ID]),
                 .partner_id = partner >= 0 ? ms->partners.v[partner].id : str(r, &v[ORDERS_PARTNER]),
                 .agreement_ref = named >= 0 ? ms->agreements.v[named].id
                                             : str(r, &v[ORDERS_AGREEMENT]),
                 .account_id = account >= 0 ? ms->accounts.v[account].id : str(r, &v[ORDERS_ACCOUNT]),
                 .product_code = product >= 0 ? ms->products.v[product].code
                                              : str(r, &v[ORDERS_PRODUCT]),
                 .product = product, .partner = partner, .type = type,
                 .original_id = str(r, &v[ORDERS_ORIGINAL]),
                 .opportunity_id = str(r, &v[ORDERS_OPPORTUNITY]),
                 .order_date = (date_t)v[ORDERS_DATE].i, .install_date = opt_date(&v[ORDERS_INSTALL]),
                 .mrc = v[ORDERS_MRC].i, .nrc = v[ORDERS_NRC].i,
                 .currency = currency_of(&v[ORDERS_CURRENCY]),
                 .term_months = (int32_t)v[ORDERS_TERM].i, .period = m->period, .line = line,
                 .agreement = -1, .installed_period = PERIOD_NONE,
                 .chargeback_period = PERIOD_NONE};
    if (known >= 0 && !complete_order(r, &known))
        return false;
    if (o.original_id && type == ORDER_DISCONNECT) {
        /* a chargeback (§8.6) reads the whole service a disconnect ends;
         * attribution reads only the original's decision, which a stub has */
        int32_t orig = strmap_get(&m->order_ix, v[ORDERS_ORIGINAL].s, v[ORDERS_ORIGINAL].len);
        if (orig >= ORDER_STUB)
            VEC_PUSH(r->originals, orig); /* complete_originals, after the file */
    }
    if (known >= 0) { /* §3 re-delivery of an order of an earlier period */
        order_t *old = &m->orders.v[known];
        int diff = order_difference(old, &o);
        if (diff >= 0) {
            reject(r, line, order_columns[diff], RULE_ORDER_CONFLICT);
        } else if (old->install_date == DATE_NONE && o.install_date != DATE_NONE) {
            old->install_date = o.install_date;
            VEC_PUSH(m->install_updates, known);
            c->orders_install_update++;
        } else {
            c->orders_duplicate_ignored++;
        }
        return true;
    }
    VEC_PUSH(m->orders, o);
    strmap_put(&m->order_ix, o.id, v[ORDERS_ID].len, (int32_t)(m->orders.n - 1));
    return true;
}

static bool revenue_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    control_t *c = &m->control;
    const master_t *ms = m->master;
    money_t amount = v[REVENUE_AMOUNT].i, mag;
    r->rows++;
    /* Σ|amount| of the file fits int64, so does every total of a subset of
     * its rows (assigned, per agreement, per service, per currency) and of
     * their residuals (rate <= 100 %): this one check bounds them all. */
    if (!money_abs(amount, &mag) || !money_accumulate(&r->gross, mag) ||
        !money_accumulate(&c->revenue_amount_in, amount))
        return total_overflow(r, line, "amount", "the sum of |amount| over the file");
    /* References are resolved here, once; duplicates and wrong_period are
     * settled after the whole file (settle_revenue). */
    const csv_value_t *service = &v[REVENUE_SERVICE];
    int32_t order = service->len ? strmap_get(&m->order_ix, service->s, service->len) : -1;
    /* the account only matters without a known service (4.2, P3) */
    int32_t account = order >= 0 && !m->every_account
                          ? -1
                          : strmap_get(&ms->account_ix, v[REVENUE_ACCOUNT].s, v[REVENUE_ACCOUNT].len);
    revenue_t rv = {
        .amount = amount,
        .product = strmap_get(&ms->product_ix, v[REVENUE_PRODUCT].s, v[REVENUE_PRODUCT].len),
        .service = order >= 0 ? order : revenue_without_order(account, service->len > 0),
        .currency = currency_pack(currency_of(&v[REVENUE_CURRENCY])), .agreement = -1};
    if ((period_t)v[REVENUE_PERIOD].i != m->period) {
        rv.status = STATUS_REJECTED;
        rv.rule = RULE_WRONG_PERIOD;
    }
    month_add_revenue(m, &rv, v[REVENUE_ID].s, v[REVENUE_ID].len, line, account);
    return true;
}

/* Where revenue index i goes once the rejected rows gone[0..ng) (ascending)
 * leave the array; -1 when it is one of them. */
static int32_t index_after(int32_t i, const int32_t *gone, size_t ng)
{
    size_t lo = 0, hi = ng; /* gone[0..lo) < i <= gone[hi..) */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (gone[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ng && gone[lo] == i ? -1 : i - (int32_t)lo;
}

/* §3 after the whole revenue file: a revenue_id repeated in the file is
 * rejected (duplicate_id, the first occurrence stands), then revenue of
 * another period (wrong_period). Ids in strictly ascending file order (as
 * billing exports usually are) have no repeats and need no index; other
 * files' ids are sorted once, stably, so each run of equal ids starts with
 * its first occurrence: no hash set of every id, and the sort is the one
 * revenue.csv needs. Rejected rows leave m->revenue (kept in file order,
 * rejects listed in file order); m->revenue_by_id orders the rest, or is
 * NULL when the ids ascend. */
static void settle_revenue(reader_t *r)
{
    month_t *m = r->month;
    size_t n = m->revenue.n;
    revenue_t *rv = m->revenue.v;
    bool ascending = month_revenue_ids_ascending(m);
    int32_t *ix = NULL;
    if (!ascending) {
        ix = month_revenue_by_id(m);
        idseq_cursor_t c;
        idseq_cursor(&c, &m->revenue_ids);
        char prev[IDSEQ_MAX + 1] = "";
        for (size_t k = 0; k < n; k++) {
            const char *id = idseq_at(&c, (size_t)ix[k]);
            if (k > 0 && strcmp(id, prev) == 0) {
                rv[ix[k]].status = STATUS_REJECTED;
                rv[ix[k]].rule = RULE_DUPLICATE_ID;
            }
            memcpy(prev, id, c.len + 1);
        }
    }
    VEC(int32_t) gone = {0};
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (rv[i].status == STATUS_REJECTED) {
            bool dup = rv[i].rule == RULE_DUPLICATE_ID;
            reject(r, lineseq_at(&m->revenue_lines, i), dup ? "revenue_id" : "period",
                   rv[i].rule);
            if (r->rejects) { /* its amount, for the reports' per-currency totals */
                reject_t *j = &m->rejects.v[m->rejects.n - 1];
                j->has_amount = true;
                j->currency = rv[i].currency;
                j->amount = rv[i].amount;
            }
            /* a subset of the rows read: bounded by their Σ|amount| (revenue_row) */
            bool fits = money_accumulate(&m->control.revenue_amount_rejected_rows, rv[i].amount);
            assert(fits);
            (void)fits;
            VEC_PUSH(gone, (int32_t)i);
            continue;
        }
        if (m->every_account)
            m->revenue_accounts.v[kept] = m->revenue_accounts.v[i];
        rv[kept++] = rv[i];
    }
    if (ix && gone.n) {
        size_t out = 0;
        for (size_t k = 0; k < n; k++) {
            int32_t to = index_after(ix[k], gone.v, gone.n);
            if (to >= 0)
                ix[out++] = to;
        }
    }
    idseq_drop(&m->revenue_ids, gone.v, gone.n);
    lineseq_remove(&m->revenue_lines, gone.v, gone.n);
    free(gone.v);
    m->revenue.n = kept;
    if (m->every_account)
        m->revenue_accounts.n = kept;
    free(m->revenue_by_id);
    m->revenue_by_id = ix;
}

/* ---- §4.8 restatement: periods/Q/restate/P/revenue.csv ------------------- */

/* What reading one corrected file of P needs: P, and per agreement the tier
 * in effect for P and the corrected file's totals so far. The residual rate
 * of a row depends on (agreement, product category) only, as in P's run:
 * rates looks them up once per pair (agreements x categories cells, -2 not
 * yet looked up; NULL when that table would be too big). */
typedef struct restate_reader {
    period_t period;
    date_t first_day;
    const char **tier;
    money_t *revenue, *residual;
    restate_file_t *file;
    /* duplicate_id: while the ids ascend (billing exports usually do) a new
     * id is greater than the last and none can repeat, so they are only
     * kept compactly (ids); the first id that does not ascend puts them all
     * in the reader's seen map, which checks every later row */
    idseq_t ids;
    bool mapped;
    int32_t *category_of; /* per product */
    size_t ncat;
    int32_t *rates;
} restate_reader_t;

static int32_t restate_rate(const month_t *m, restate_reader_t *x, int32_t a, int32_t product)
{
    const agreement_t *ag = &m->master->agreements.v[a];
    const product_t *pr = &m->master->products.v[product];
    int32_t *cell = x->rates ? &x->rates[(size_t)a * x->ncat + (size_t)x->category_of[product]]
                             : NULL;
    if (cell && *cell != -2)
        return *cell;
    /* P's rate rows: the book in force, on P's first day, with P's tier */
    int32_t row = rates_find(m->book, ag->plan_id, COMPONENT_RESIDUAL, pr->category, x->tier[a],
                             x->first_day);
    if (cell)
        *cell = row;
    return row;
}

/* First occurrence of the row's id in the file? (restate_reader_t.ids) */
static bool restate_first(reader_t *r, restate_reader_t *x, const csv_value_t *id, int32_t line)
{
    if (!x->mapped) {
        size_t last = x->ids.last_len, n = id->len < last ? id->len : last;
        int c = memcmp(id->s, x->ids.last, n);
        if (x->ids.n == 0 || c > 0 || (c == 0 && id->len > last)) {
            idseq_push(&x->ids, id->s, id->len);
            return true;
        }
        idseq_cursor_t cur;
        idseq_cursor(&cur, &x->ids);
        for (size_t i = 0; i < x->ids.n; i++) {
            const char *s = idseq_at(&cur, i);
            strmap_put(&r->seen, arena_strndup(r->arena, s, cur.len), cur.len, 1);
        }
        idseq_release(&x->ids);
        x->mapped = true;
    }
    return first_in_file(r, id, line, "revenue_id");
}

/* A row of the corrected file: checked as revenue.csv's rows are (format,
 * duplicate_id, wrong_period: rejects naming this file), assigned as P's
 * rows were (orders first delivered up to P, agreement active in P), and its
 * residual summed into its agreement's totals. */
static bool restate_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    restate_reader_t *x = r->target;
    const master_t *ms = m->master;
    money_t amount = v[REVENUE_AMOUNT].i, mag;
    r->rows++;
    /* bounds every total of a subset of the rows and of their residuals */
    if (!money_abs(amount, &mag) || !money_accumulate(&r->gross, mag))
        return total_overflow(r, line, "amount", "the sum of |amount| over the file");
    if (!restate_first(r, x, &v[REVENUE_ID], line))
        return true;
    if ((period_t)v[REVENUE_PERIOD].i != x->period) {
        reject(r, line, "period", RULE_WRONG_PERIOD);
        return true;
    }
    if (!money_accumulate(&x->file->amount_in, amount))
        return total_overflow(r, line, "amount", "the sum of amount over the file");
    const csv_value_t *service = &v[REVENUE_SERVICE];
    int32_t order = service->len ? strmap_get(&m->order_ix, service->s, service->len) : -1;
    if (order >= 0 && month_order_period(m, order) > x->period)
        order = -1; /* delivered after P: P's run did not know it */
    int32_t account = order >= 0 ? -1
                                 : strmap_get(&ms->account_ix, v[REVENUE_ACCOUNT].s,
                                              v[REVENUE_ACCOUNT].len);
    revenue_t rv = {
        .amount = amount,
        .product = strmap_get(&ms->product_ix, v[REVENUE_PRODUCT].s, v[REVENUE_PRODUCT].len),
        .service = order >= 0 ? order : revenue_without_order(account, service->len > 0),
        .currency = currency_pack(currency_of(&v[REVENUE_CURRENCY])), .agreement = -1};
    assign_revenue_in(m, &rv, x->period);
    if (rv.status != STATUS_ASSIGNED)
        return true;
    int32_t a = rv.agreement;
    money_t res = ms->products.v[rv.product].commissionable
                      ? residual_amount(m->book, amount, restate_rate(m, x, a, rv.product))
                      : 0;
    x->file->rows_assigned++;
    if (!money_accumulate(&x->file->amount_assigned, amount) ||
        !money_accumulate(&x->revenue[a], amount) || !money_accumulate(&x->residual[a], res))
        return total_overflow(r, line, "amount", "an assigned revenue total of the file");
    return true;
}

/* Category index per product, for the rate memo. */
static void restate_categories(const master_t *ms, restate_reader_t *x)
{
    size_t np = ms->products.n;
    x->category_of = calloc(np ? np : 1, sizeof(int32_t));
    if (!x->category_of)
        abort();
    for (size_t i = 0; i < np; i++) {
        size_t k = 0;
        for (; k < i; k++)
            if (strcmp(ms->products.v[k].category, ms->products.v[i].category) == 0)
                break;
        x->category_of[i] = k < i ? x->category_of[k] : (int32_t)x->ncat++;
    }
    size_t na = ms->agreements.n;
    if (x->ncat && na && na <= (size_t)(1 << 24) / x->ncat) {
        x->rates = malloc(na * x->ncat * sizeof(int32_t));
        if (!x->rates)
            abort();
        for (size_t i = 0; i < na * x->ncat; i++)
            x->rates[i] = -2;
    }
}

/* Read periods/Q/restate/P/revenue.csv and record, per agreement whose
 * figures differ from those last stated for P, a restated_t (lines_restatements
 * posts the difference). */
static cm_status read_restatement(const dataset_t *ds, month_t *m, ledger_t *ledger, period_t p,
                                  input_list_t *inputs, prefetch_t *ahead, cm_error_t *err)
{
    char qbuf[PERIOD_BUF], pbuf[PERIOD_BUF], rel[128];
    period_format(m->period, qbuf);
    period_format(p, pbuf);
    snprintf(rel, sizeof(rel), "periods/%s/restate/%s", qbuf, pbuf);
    static const char *const names[] = {"revenue.csv", NULL};
    cm_status rc = check_folder_names(ds->dir, rel, names, err);
    if (rc != EXIT_DONE) {
        prefetch_cancel(ahead);
        return rc;
    }
    period_state_t st = ledger ? ledger_period_state(ledger, p) : PERIOD_UNRUN;
    if (p >= m->period || st != PERIOD_CLOSED)
        prefetch_cancel(ahead);
    if (p >= m->period || st != PERIOD_CLOSED)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "%s: %s is %s: only a closed period before %s can be restated "
                         "(close %s first, or remove the folder)", rel, pbuf,
                         p >= m->period ? "not an earlier period"
                         : st == PERIOD_OPEN ? "open" : "not run",
                         qbuf, pbuf);
    size_t na = m->master->agreements.n;
    restate_reader_t x = {.period = p, .first_day = period_first_day(p)};
    x.tier = calloc(na ? na : 1, sizeof(*x.tier));
    x.revenue = calloc(na ? na : 1, sizeof(money_t));
    x.residual = calloc(na ? na : 1, sizeof(money_t));
    money_t *rev0 = calloc(na ? na : 1, sizeof(money_t)), *res0 = calloc(na ? na : 1, sizeof(money_t));
    if (!x.tier || !x.revenue || !x.residual || !rev0 || !res0)
        abort();
    restate_file_t file = {.period = p};
    x.file = &file;
    restate_categories(m->master, &x);
    rc = ledger_restate_basis(ledger, m, p, x.tier, rev0, res0, err);
    snprintf(rel, sizeof(rel), "periods/%s/restate/%s/revenue.csv", qbuf, pbuf);
    size_t before = m->rejects.n;
    reader_t r = {.arena = &m->arena, .err = err, .month = m, .rejects = (void *)&m->rejects,
                  .target = &x};
    if (rc == EXIT_DONE)
        rc = read_file(&r, ds->dir, rel, &schema_revenue, restate_row, false, inputs, ahead);
    else
        prefetch_cancel(ahead);
    file.path = r.display;
    file.rows_read = r.rows;
    file.rows_rejected = (int64_t)(m->rejects.n - before);
    for (size_t a = 0; rc == EXIT_DONE && a < na; a++) {
        if (!money_accumulate(&file.revenue, x.revenue[a]) ||
            !money_accumulate(&file.residual, x.residual[a]) ||
            !money_accumulate(&file.revenue_before, rev0[a]) ||
            !money_accumulate(&file.residual_before, res0[a])) {
            rc = cm_fail(err, EXIT_INVALID_INPUT,
                           "%s: the totals over the agreements (now and as %s stated) would "
                           "overflow (past %s)", rel, pbuf, "92233720368547758.07");
            break;
        }
        if (x.revenue[a] == rev0[a] && x.residual[a] == res0[a])
            continue;
        restated_t e = {.agreement = (int32_t)a, .period = p, .revenue = x.revenue[a],
                        .residual = x.residual[a], .revenue_before = rev0[a],
                        .residual_before = res0[a]};
        VEC_PUSH(m->restated, e);
    }
    if (rc == EXIT_DONE) {
        VEC_PUSH(m->restate_files, file);
        m->control.rejects_total += file.rows_rejected;
        m->control.rows_read_total += file.rows_read;
        log_stage("%s: %s read (%" PRId64 " rows, %" PRId64 " rejected; %zu agreement(s) restated)",
                  qbuf, rel, file.rows_read, file.rows_rejected, m->restated.n);
    }
    free(x.tier);
    free(x.revenue);
    free(x.residual);
    free(x.category_of);
    free(x.rates);
    idseq_release(&x.ids);
    free(rev0);
    free(res0);
    return rc;
}

/* §4.8: every folder of periods/Q/restate/, in period order. Its entries
 * must be folders named YYYY-MM (a period names one folder, so the same
 * period cannot be restated twice in one Q); anything else is a file error. */
static cm_status read_restatements(const dataset_t *ds, month_t *m, ledger_t *ledger,
                                   input_list_t *inputs, prefetch_t *ahead, cm_error_t *err)
{
    char qbuf[PERIOD_BUF], rel[96];
    snprintf(rel, sizeof(rel), "periods/%s/restate", period_format(m->period, qbuf));
    char *dir = path_join(ds->dir, rel);
    DIR *d = opendir(dir);
    free(dir);
    if (!d) {
        prefetch_cancel(ahead);
        return EXIT_DONE;
    }
    VEC(period_t) ps = {0};
    cm_status rc = EXIT_DONE;
    struct dirent *e;
    while (rc == EXIT_DONE && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        period_t p;
        char *sub = path_join(rel, e->d_name), *full = path_join(ds->dir, sub);
        if (strlen(e->d_name) != 7 || !period_parse(e->d_name, 7, &p) || !path_is_dir(full))
            rc = cm_fail(err, EXIT_INVALID_INPUT,
                           "%s: not a period folder; periods/%s/restate/ holds one folder "
                           "YYYY-MM per period restated, with its revenue.csv", sub, qbuf);
        else
            VEC_PUSH(ps, p);
        free(sub);
        free(full);
    }
    closedir(d);
    for (size_t i = 1; i < ps.n; i++) /* insertion sort: a handful of periods */
        for (size_t k = i; k > 0 && ps.v[k - 1] > ps.v[k]; k--) {
            period_t t = ps.v[k];
            ps.v[k] = ps.v[k - 1];
            ps.v[k - 1] = t;
        }
    if (rc != EXIT_DONE || !ps.n)
        prefetch_cancel(ahead);
    for (size_t i = 0; rc == EXIT_DONE && i < ps.n; i++) /* ahead: the first one's */
        rc = read_restatement(ds, m, ledger, ps.v[i], inputs, i == 0 ? ahead : NULL, err);
    free(ps.v);
    return rc;
}

/* Start parsing the first corrected file (the smallest period folder of
 * periods/Q/restate/ holding a revenue.csv) on a thread of its own, so that
 * it overlaps reading the period's own files; NULL when there is none (or
 * no thread). read_restatements checks the folder and consumes it. */
static prefetch_t *restate_prefetch(const dataset_t *ds, period_t q)
{
    char qbuf[PERIOD_BUF], rel[96], first[8] = "";
    snprintf(rel, sizeof(rel), "periods/%s/restate", period_format(q, qbuf));
    char *dir = path_join(ds->dir, rel);
    DIR *d = opendir(dir);
    free(dir);
    if (!d)
        return NULL;
    struct dirent *e;
    period_t p;
    while ((e = readdir(d)))
        if (strlen(e->d_name) == 7 && period_parse(e->d_name, 7, &p) &&
            (!first[0] || strcmp(e->d_name, first) < 0))
            memcpy(first, e->d_name, 8);
    closedir(d);
    if (!first[0])
        return NULL;
    char file[128];
    snprintf(file, sizeof(file), "%s/%s/revenue.csv", rel, first);
    char *path = path_join(ds->dir, file);
    prefetch_t *ahead = path_exists(path) ? prefetch_start(path, file, &schema_revenue) : NULL;
    free(path);
    return ahead;
}

/* Approval, adjustment and activity ids are unique across all periods. */
static bool first_ever(reader_t *r, const char *kind, const csv_value_t *id, int32_t line,
                       const char *column)
{
    char key[128];
    int n = snprintf(key, sizeof(key), "%s\x1f%.*s", kind, (int)id->len, id->s);
    if (strmap_get(&r->month->seen_ids, key, (size_t)n) >= 0) {
        reject(r, line, column, RULE_DUPLICATE_ID);
        return false;
    }
    return first_in_file(r, id, line, column);
}

static bool approval_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    r->rows++;
    if (!first_ever(r, "approval", &v[APPROVALS_ID], line, "approval_id"))
        return true;
    approval_t a = {.id = str(r, &v[APPROVALS_ID]), .opportunity_id = str(r, &v[APPROVALS_OPPORTUNITY]),
                    .approved_on = (date_t)v[APPROVALS_ON].i,
                    .approved_by = str(r, &v[APPROVALS_BY]),
                    .document_ref = str(r, &v[APPROVALS_DOC]), .period = m->period};
    VEC_PUSH(m->approvals, a);
    int32_t op = month_opportunity(m, a.opportunity_id, true);
    if (a.approved_on < m->opportunities.v[op].first_approval)
        m->opportunities.v[op].first_approval = a.approved_on;
    return true;
}

static bool adjustment_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    const master_t *ms = m->master;
    r->rows++;
    if (!first_ever(r, "adjustment", &v[ADJUSTMENTS_ID], line, "adjustment_id"))
        return true;
    /* checks in column order: agreement, currency, then four eyes */
    int32_t a = strmap_get(&ms->agreement_ix, v[ADJUSTMENTS_AGREEMENT].s, v[ADJUSTMENTS_AGREEMENT].len);
    if (a < 0) {
        reject(r, line, "agreement_id", RULE_UNKNOWN_AGREEMENT);
        return true;
    }
    currency_t cur = currency_of(&v[ADJUSTMENTS_CURRENCY]);
    if (strcmp(cur.code, ms->agreements.v[a].currency.code) != 0) {
        reject(r, line, "currency", RULE_BAD_CURRENCY);
        return true;
    }
    /* four eyes: one person however the name is spaced or cased (same_person) */
    const csv_value_t *by = &v[ADJUSTMENTS_APPROVED_BY], *entered = &v[ADJUSTMENTS_ENTERED_BY];
    if (!by->len || same_person(by->s, by->len, "", 0) ||
        same_person(by->s, by->len, entered->s, entered->len)) {
        reject(r, line, "approved_by", RULE_UNAPPROVED);
        return true;
    }
    if (!v[ADJUSTMENTS_APPROVED_ON].len) {
        reject(r, line, "approved_on", RULE_MISSING_VALUE);
        return true;
    }
    adjustment_t adj = {.id = str(r, &v[ADJUSTMENTS_ID]), .agreement_id = ms->agreements.v[a].id,
                        .reason = str(r, &v[ADJUSTMENTS_REASON]),
                        .entered_by = str(r, entered), .approved_by = str(r, by),
                        .amount = v[ADJUSTMENTS_AMOUNT].i, .currency = cur,
                        .approved_on = (date_t)v[ADJUSTMENTS_APPROVED_ON].i, .agreement = a,
                        .line = line};
    VEC_PUSH(m->adjustments, adj);
    return true;
}

static bool activity_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    month_t *m = r->month;
    r->rows++;
    if (!first_ever(r, "activity", &v[ACTIVITIES_ID], line, "activity_id"))
        return true;
    activity_t act = {.id = str(r, &v[ACTIVITIES_ID]), .partner_id = str(r, &v[ACTIVITIES_PARTNER]),
                      .activity_code = str(r, &v[ACTIVITIES_CODE]),
                      .evidence_ref = str(r, &v[ACTIVITIES_EVIDENCE]),
                      .activity_date = (date_t)v[ACTIVITIES_DATE].i, .line = line, .agreement = -1};
    VEC_PUSH(m->activities, act);
    return true;
}

/* Room for every row revenue.csv can hold (its bytes over the shortest
 * plausible row) so the array never moves: pages past the real rows are
 * never touched, so this costs address space only. */
static void reserve_revenue(month_t *m, const char *dir, const char *rel)
{
    char *path = path_join(dir, rel);
    int64_t bytes = file_size(path);
    free(path);
    size_t rows = bytes > 0 ? (size_t)(bytes / 24) + 16 : 0;
    VEC_RESERVE(m->revenue, rows);
}

prefetch_t *ingest_prefetch_revenue(const char *dir, period_t period)
{
    char pbuf[PERIOD_BUF], rel[96];
    period_format(period, pbuf);
    snprintf(rel, sizeof(rel), "periods/%s/revenue.csv", pbuf);
    char *path = path_join(dir, rel);
    prefetch_t *p = path_exists(path) ? prefetch_start(path, rel, &schema_revenue) : NULL;
    free(path);
    return p;
}

cm_status ingest_period(const dataset_t *ds, month_t *m, prefetch_t *revenue, ledger_t *ledger,
                        input_list_t *inputs, cm_error_t *err)
{
    char pbuf[PERIOD_BUF], rel[96];
    period_format(m->period, pbuf);
    struct {
        const char *name;
        const file_spec_t *spec;
        bool (*on_row)(void *, const csv_value_t *, int32_t);
        bool optional;
        int64_t *read, *rejected;
    } files[] = {
        {"orders.csv", &schema_orders, order_row, false, &m->control.orders_read, NULL},
        {"approvals.csv", &schema_approvals, approval_row, true, NULL, NULL},
        {"revenue.csv", &schema_revenue, revenue_row, false, &m->control.revenue_read,
         &m->control.revenue_rejected_rows},
        {"adjustments.csv", &schema_adjustments, adjustment_row, true, NULL, NULL},
        {"activities.csv", &schema_activities, activity_row, true, NULL, NULL},
    };
    snprintf(rel, sizeof(rel), "periods/%s", pbuf);
    char *pdir = path_join(ds->dir, rel);
    bool exists = path_is_dir(pdir);
    free(pdir);
    if (!exists) {
        prefetch_cancel(revenue);
        return cm_fail(err, EXIT_INVALID_INPUT, "%s: missing period directory", rel);
    }
    static const char *const period_names[] = {"orders.csv", "revenue.csv", "approvals.csv",
                                               "adjustments.csv", "activities.csv", "restate",
                                               NULL};
    cm_status named = check_folder_names(ds->dir, rel, period_names, err);
    if (named != EXIT_DONE) {
        prefetch_cancel(revenue);
        return named;
    }
    for (size_t i = 0; i < ds->master_rejects.n; i++)
        VEC_PUSH(m->rejects, ds->master_rejects.v[i]);
    prefetch_t *restated = restate_prefetch(ds, m->period);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        reader_t r = {.arena = &m->arena, .err = err, .month = m, .rejects = (void *)&m->rejects,
                      .ledger = ledger};
        size_t before = m->rejects.n;
        snprintf(rel, sizeof(rel), "periods/%s/%s", pbuf, files[i].name);
        prefetch_t *ahead = NULL;
        if (files[i].spec == &schema_revenue) {
            ahead = revenue;
            revenue = NULL;
            reserve_revenue(m, ds->dir, rel);
        }
        cm_status rc = read_file(&r, ds->dir, rel, files[i].spec, files[i].on_row, files[i].optional,
                                 inputs, ahead);
        if (rc == EXIT_DONE && files[i].spec == &schema_orders) {
            size_t whole = m->orders.n;
            rc = complete_originals(&r);
            if (rc == EXIT_DONE)
                log_stage("%s: orders read (%" PRId64 " rows; %zu earlier orders named as originals"
                          " made whole)", pbuf, r.rows, m->orders.n - whole);
        }
        free(r.originals.v);
        if (rc != EXIT_DONE) {
            prefetch_cancel(revenue);
            prefetch_cancel(restated);
            return rc;
        }
        if (files[i].spec == &schema_revenue)
            settle_revenue(&r);
        if (files[i].read)
            *files[i].read += r.rows;
        /* every reject of these files is a rejected row of the control totals */
        if (files[i].spec == &schema_orders)
            m->control.orders_rejected_rows = (int64_t)(m->rejects.n - before);
        if (files[i].spec == &schema_revenue)
            m->control.revenue_rejected_rows = (int64_t)(m->rejects.n - before);
        m->control.rejects_total += (int64_t)(m->rejects.n - before);
        m->control.rows_read_total += r.rows;
    }
    m->control.rejects_total += (int64_t)ds->master_rejects.n;
    /* the order map still knows every order: a corrected file looks services up */
    return read_restatements(ds, m, ledger, inputs, restated, err);
}

/* ---- overflow of a total (rules' month_overflow) --------------------------- */

cm_status ingest_overflow_error(const month_t *m, cm_error_t *err)
{
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

/* ---- §4.8 explain: one row of a corrected file ------------------------------ */

typedef struct restated_find {
    const month_t *m;
    const char *id;
    revenue_t *out;
    int32_t *line;
    bool *found;
} restated_find_t;

static bool restated_find_row(void *ctx, const csv_value_t *v, int32_t line)
{
    restated_find_t *f = ctx;
    const month_t *m = f->m;
    const master_t *ms = m->master;
    if (v[REVENUE_ID].len != strlen(f->id) || memcmp(v[REVENUE_ID].s, f->id, v[REVENUE_ID].len))
        return true;
    if ((period_t)v[REVENUE_PERIOD].i != m->period)
        return true; /* wrong_period: a reject of that run, not restated */
    const csv_value_t *service = &v[REVENUE_SERVICE];
    int32_t order = -1;
    if (service->len) {
        char *sid = strndup(service->s, service->len);
        if (!sid)
            abort();
        order = month_order_ref(m, sid);
        free(sid);
    }
    if (order >= 0 && month_order_period(m, order) > m->period)
        order = -1;
    int32_t account = order >= 0 ? -1
                                 : strmap_get(&ms->account_ix, v[REVENUE_ACCOUNT].s,
                                              v[REVENUE_ACCOUNT].len);
    *f->out = (revenue_t){
        .amount = v[REVENUE_AMOUNT].i,
        .product = strmap_get(&ms->product_ix, v[REVENUE_PRODUCT].s, v[REVENUE_PRODUCT].len),
        .service = order >= 0 ? order : revenue_without_order(account, service->len > 0),
        .currency = currency_pack(currency_of(&v[REVENUE_CURRENCY])), .agreement = -1};
    assign_revenue_in(m, f->out, m->period);
    *f->line = line;
    *f->found = true;
    return false; /* the first occurrence stands (duplicate_id) */
}

static bool restated_find_reject(void *ctx, int32_t line, const char *column, rule_code reason)
{
    (void)ctx, (void)line, (void)column, (void)reason;
    return true;
}

cm_status ingest_restated_row(const char *dir, const char *rel, const month_t *m,
                              const char *id, revenue_t *out, int32_t *line, bool *found,
                              cm_error_t *err)
{
    *found = false;
    restated_find_t f = {.m = m, .id = id, .out = out, .line = line, .found = found};
    csv_callbacks_t cb = {.on_row = restated_find_row, .on_reject = restated_find_reject};
    csv_stats_t st;
    csv_error_t ce;
    char *path = path_join(dir, rel);
    csv_status s = csv_read_file(path, rel, &schema_revenue, &cb, &f, &st, &ce);
    free(path);
    if (s != CSV_OK && !(s == CSV_ABORTED && *found))
        return cm_fail(err, s == CSV_IO_ERROR ? EXIT_INTERNAL : EXIT_INVALID_INPUT, "%s",
                         ce.message);
    return EXIT_DONE;
}
