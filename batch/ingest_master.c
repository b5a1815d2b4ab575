/*
 * ingest_master.c — master/ and the rule book (SPEC §3, §8.1): master rows
 * into master_t, each with the cross-row checks the spec lists as rejects
 * (duplicate_id, unknown partner or agreement); the book's tables into
 * book_t (the dataset's book/ table, else the default's), where a bad row is
 * a file error, then the book's own consistency (overlaps, unknown tiers).
 */
#include "ingest_read.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rates.h"
#include "schema.h"

/* The format's limits, for the zero fields of ds->limits. */
static void default_limits(ingest_limits_t *l)
{
    if (!l->partners)
        l->partners = INT32_MAX;
    if (!l->products)
        l->products = INT32_MAX;
    if (!l->agreements)
        l->agreements = (size_t)MONTH_STUB_AGREEMENTS;
    if (!l->accounts)
        l->accounts = (size_t)REVENUE_ACCOUNTS_MAX;
    if (!l->orders)
        l->orders = (size_t)ORDER_STUB;
    if (!l->revenue)
        l->revenue = INT32_MAX;
}

/* ---- master/ ------------------------------------------------------------- */

static bool partner_row(void *ctx, const csv_value_t *v, int32_t line)
{
    reader_t *r = ctx;
    master_t *ms = r->target;
    r->rows++;
    if (!reader_first_in_file(r, &v[PARTNERS_ID], line, "partner_id"))
        return true;
    if (!reader_room(r, ms->partners.n, r->limits->partners, line, "partner_id", "partners"))
        return false;
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
    if (!reader_first_in_file(r, &v[AGREEMENTS_ID], line, "agreement_id"))
        return true;
    if (!reader_room(r, ms->agreements.n, r->limits->agreements, line, "agreement_id",
                     "agreements"))
        return false;
    int32_t partner = strmap_get(&ms->partner_ix, v[AGREEMENTS_PARTNER].s, v[AGREEMENTS_PARTNER].len);
    if (partner < 0) { /* §8.1: a rejected partner's agreements are rejected too */
        reader_reject(r, line, "partner_id", RULE_UNKNOWN_PARTNER);
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
    if (!reader_first_in_file(r, &v[PRODUCTS_CODE], line, "product_code"))
        return true;
    if (!reader_room(r, ms->products.n, r->limits->products, line, "product_code", "products"))
        return false;
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
    if (!reader_first_in_file(r, &v[ACCOUNTS_ID], line, "account_id"))
        return true;
    if (!reader_room(r, ms->accounts.n, r->limits->accounts, line, "account_id", "accounts"))
        return false;
    int32_t owner = strmap_get(&ms->agreement_ix, v[ACCOUNTS_OWNER].s, v[ACCOUNTS_OWNER].len);
    if (owner < 0) {
        reader_reject(r, line, "owner_agreement_id", RULE_UNKNOWN_AGREEMENT);
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
    if (!reader_first_in_file(r, &v[COMMITMENTS_ID], line, "commitment_id"))
        return true;
    int32_t a = strmap_get(&ms->agreement_ix, v[COMMITMENTS_AGREEMENT].s, v[COMMITMENTS_AGREEMENT].len);
    if (a < 0) {
        reader_reject(r, line, "agreement_id", RULE_UNKNOWN_AGREEMENT);
        return true;
    }
    if (v[COMMITMENTS_AMOUNT].i <= 0) { /* amount (> 0) */
        reader_reject(r, line, "amount", RULE_BAD_MONEY);
        return true;
    }
    if (v[COMMITMENTS_END].i < v[COMMITMENTS_START].i) {
        reader_reject(r, line, "end_period", RULE_BAD_PERIOD);
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
        reader_reject(r, line, "window_months", RULE_BAD_INT);
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
        cm_fail(r->err, EXIT_INVALID_INPUT, "%s:%d: column program: program %s is not in programs.csv",
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
        reader_reject(r, line, "min_value", g->basis == BASIS_REVENUE ? RULE_BAD_MONEY : RULE_BAD_INT);
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
        reader_reject(r, line, col, RULE_BAD_ID);
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
        reader_reject(r, line, "rate_pct", RULE_MISSING_VALUE);
        return false;
    }
    if (t.component == COMPONENT_SPIFF && !v[RATES_MULTIPLE].len) {
        reader_reject(r, line, "mrc_multiple", RULE_MISSING_VALUE);
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
    reader_t r = {.arena = &ds->arena, .err = err, .target = &ds->book,
                  .limits = &ds->limits};
    char rel[64];
    if (ds->book_dir) { /* whatif: its table of this name replaces the dataset's */
        char *path = path_join(ds->book_dir, t->name);
        bool there = path_exists(path);
        if (there)
            r.display = arena_strndup(&ds->arena, path, strlen(path));
        free(path);
        if (there)
            return reader_read_file(&r, ds->book_dir, t->name, t->spec, t->on_row, false, &ds->inputs,
                             NULL);
    }
    snprintf(rel, sizeof(rel), "book/%s", t->name);
    char *path = path_join(ds->dir, rel);
    bool own = path_exists(path);
    free(path);
    if (own)
        return reader_read_file(&r, ds->dir, rel, t->spec, t->on_row, false, &ds->inputs, NULL);
    for (int i = 0; i < book_default_count; i++) {
        if (strcmp(book_default_names[i], t->name) != 0)
            continue;
        snprintf(rel, sizeof(rel), "(default book)/%s", t->name);
        r.display = arena_strndup(&ds->arena, rel, strlen(rel));
        csv_callbacks_t cb = {.on_row = t->on_row, .on_reject = reader_on_reject};
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
                           "book/benefits.csv:%d: column tier: tier %s of program %s is not in "
                           "tiers.csv", b->benefits.v[i].line, b->benefits.v[i].tier,
                           b->benefits.v[i].program);
    for (size_t i = 0; i < b->rates.n; i++)
        if (b->rates.v[i].tier && !tier_anywhere(b, b->rates.v[i].tier))
            return cm_fail(err, EXIT_INVALID_INPUT,
                           "book/rates.csv:%d: column tier: tier %s is not in tiers.csv", b->rates.v[i].line,
                           b->rates.v[i].tier);
    return EXIT_DONE;
}

cm_status ingest_dataset(dataset_t *ds, const char *dir, cm_error_t *err)
{
    assert(ds && dir);
    ds->dir = dir;
    default_limits(&ds->limits);
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
    cm_status named = ingest_check_names(dir, "master", master_names, err);
    if (named == EXIT_DONE)
        named = ingest_check_names(dir, "book", book_names, err);
    if (named == EXIT_DONE && ds->book_dir && !path_is_dir(ds->book_dir))
        named = cm_fail(err, EXIT_INVALID_INPUT, "no such book directory: %s", ds->book_dir);
    if (named == EXIT_DONE && ds->book_dir)
        named = ingest_check_names(ds->book_dir, ".", book_names, err);
    if (named != EXIT_DONE)
        return named;
    for (size_t i = 0; i < sizeof(master_files) / sizeof(master_files[0]); i++) {
        reader_t r = {.arena = &ds->arena, .err = err, .target = ms,
                      .rejects = (void *)&ds->master_rejects, .limits = &ds->limits};
        cm_status rc = reader_read_file(&r, dir, master_files[i].rel, master_files[i].spec,
                                 master_files[i].on_row, false, &ds->inputs, NULL);
        if (rc != EXIT_DONE)
            return rc;
    }
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
