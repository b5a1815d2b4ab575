/*
 * results.c — the result CSVs of P and the payment file (SPEC §6): which
 * rows each file has, their order, and the writing. The bytes of a row are
 * results_rows.c's; the totals of control.csv results_control.c's.
 *
 * Small files are tables of string cells, sorted bytewise column by column,
 * then written. revenue.csv, attribution.csv and lines.csv have a row per
 * revenue row or order (tens of millions): rows go straight to a buffer in
 * the order of sorts over row indexes (the reader's id sort of revenue, a
 * counting sort of lines by agreement and kind).
 */
#include "results.h"
#include "results_rows.h"

#include "idsort.h"
#include "lines.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* dir/name, malloc'd. */
static char *result_path(const char *dir, const char *name)
{
    size_t plen = strlen(dir) + strlen(name) + 2;
    char *path = malloc(plen);
    if (!path)
        abort();
    snprintf(path, plen, "%s/%s", dir, name);
    return path;
}

/* Open path for writing and write the header; NULL with err set. */
static FILE *open_result(const char *path, const rows_header_t *h, cm_error_t *err)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(errno));
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    rows_write(f, h->names, h->n);
    return f;
}

/* Close f; failed: a write to it already failed. EXIT_INTERNAL with "path:
 * reason" when anything failed. */
static cm_status close_result(FILE *f, bool failed, const char *path, cm_error_t *err)
{
    errno = 0;
    failed = failed || ferror(f);
    int e = errno;
    if (fclose(f) != 0 && !failed) {
        failed = true;
        e = errno;
    }
    if (failed)
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(e ? e : EIO));
    return EXIT_DONE;
}

/* ---- a sortable table of string rows ------------------------------------------ */

typedef struct table {
    arena_t arena;
    size_t ncols;
    const char ***rows;
    size_t n, cap;
} table_t;

static void table_add(table_t *t, const char *const *cells)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->rows = realloc(t->rows, t->cap * sizeof(*t->rows));
        if (!t->rows)
            abort();
    }
    const char **row = arena_alloc(&t->arena, t->ncols * sizeof(*row));
    for (size_t i = 0; i < t->ncols; i++) {
        const char *c = cells[i] ? cells[i] : "";
        row[i] = arena_strndup(&t->arena, c, strlen(c));
    }
    t->rows[t->n++] = row;
}

static void table_free(table_t *t)
{
    free(t->rows);
    arena_release(&t->arena);
}

/* qsort_r comparators (result files are written from two threads: no
 * static sort state). */
static int row_cmp(const void *x, const void *y, void *ctx)
{
    const char *const *a = *(const char *const *const *)x;
    const char *const *b = *(const char *const *const *)y;
    size_t ncols = *(const size_t *)ctx;
    for (size_t i = 0; i < ncols; i++) {
        int c = strcmp(a[i], b[i]); /* strcmp compares as unsigned char: bytewise */
        if (c)
            return c;
    }
    return 0;
}

/* Sort t's rows and write them under header h into dir/name; t is freed. */
static cm_status table_write(table_t *t, const char *dir, const char *name,
                             const rows_header_t *h, cm_error_t *err)
{
    assert(h->n == t->ncols);
    if (t->n > 1)
        qsort_r(t->rows, t->n, sizeof(*t->rows), row_cmp, &t->ncols);
    char *path = result_path(dir, name);
    FILE *f = open_result(path, h, err);
    cm_status rc = f ? EXIT_DONE : EXIT_INTERNAL;
    if (f) {
        for (size_t r = 0; r < t->n; r++)
            rows_write(f, t->rows[r], t->ncols);
        rc = close_result(f, false, path, err);
    }
    free(path);
    table_free(t);
    return rc;
}

/* ---- the big files ------------------------------------------------------------ */

/* Rows built straight into a 1 MiB buffer (no stdio call or strlen per
 * cell); ROWS_MAX bytes of room always hold one. */
typedef struct rowbuf {
    FILE *f;
    char *path;
    char buf[1 << 20];
    size_t len;
    bool failed;
} rowbuf_t;

static void rb_flush(rowbuf_t *b)
{
    if (b->len && fwrite(b->buf, 1, b->len, b->f) != b->len)
        b->failed = true;
    b->len = 0;
}

/* Room for one row: where it starts. */
static inline char *rb_row(rowbuf_t *b)
{
    if (sizeof(b->buf) - b->len < ROWS_MAX)
        rb_flush(b);
    return b->buf + b->len;
}

/* The row rb_row started ends at p (its newline is added). */
static inline void rb_end(rowbuf_t *b, char *p)
{
    assert((size_t)(p - (b->buf + b->len)) < ROWS_MAX);
    *p++ = '\n';
    b->len = (size_t)(p - b->buf);
}

/* dir/name opened, its header written; NULL with err set. */
static rowbuf_t *rb_open(const char *dir, const char *name, const rows_header_t *h,
                         cm_error_t *err)
{
    char *path = result_path(dir, name);
    FILE *f = open_result(path, h, err);
    if (!f) {
        free(path);
        return NULL;
    }
    rowbuf_t *b = malloc(sizeof(*b));
    if (!b)
        abort();
    b->f = f;
    b->path = path;
    b->len = 0;
    b->failed = false;
    return b;
}

/* Flush, close and free b. */
static cm_status rb_close(rowbuf_t *b, cm_error_t *err)
{
    rb_flush(b);
    cm_status rc = close_result(b->f, b->failed, b->path, err);
    free(b->path);
    free(b);
    return rc;
}

/* m->revenue_by_id, NULL when m->revenue is in id order (see nth), or a
 * sort made now (*owned to free). */
static const int32_t *revenue_order(const month_t *m, int32_t **owned)
{
    *owned = NULL;
    if (m->revenue_by_id || month_revenue_ids_ascending(m))
        return m->revenue_by_id;
    return *owned = month_revenue_by_id(m);
}

/* The i-th revenue index in id order (ix from revenue_order). */
static inline int32_t nth(const int32_t *ix, size_t i)
{
    return ix ? ix[i] : (int32_t)i;
}

/* One row per revenue row of P, by revenue_id (unique: whole rows sorted). */
static cm_status write_revenue(const month_t *m, const char *dir, cm_error_t *err)
{
    rowbuf_t *b = rb_open(dir, "revenue.csv", &rows_revenue_header, err);
    if (!b)
        return err->code;
    int32_t *owned;
    const int32_t *ix = revenue_order(m, &owned);
    idseq_cursor_t ids;
    idseq_cursor(&ids, &m->revenue_ids);
    for (size_t i = 0; i < m->revenue.n; i++) {
        if (ix && i + 16 < m->revenue.n)
            __builtin_prefetch(&m->revenue.v[ix[i + 16]]);
        size_t k = (size_t)nth(ix, i);
        const revenue_t *r = &m->revenue.v[k];
        rb_end(b, rows_decision(rb_row(b), m, idseq_at(&ids, k), (status_t)r->status,
                                r->agreement, (rule_code)r->rule));
    }
    free(owned);
    return rb_close(b, err);
}

static bool order_of_p(const month_t *m, const order_t *o) { return o->period == m->period; }

/* One row per order of P, by order_id (unique among P's orders). */
static cm_status write_attribution(const month_t *m, const char *dir, cm_error_t *err)
{
    rowbuf_t *b = rb_open(dir, "attribution.csv", &rows_attribution_header, err);
    if (!b)
        return err->code;
    size_t n;
    int32_t *ix = month_orders_by_id(m, order_of_p, &n);
    for (size_t i = 0; i < n; i++) {
        const order_t *o = &m->orders.v[ix[i]];
        rb_end(b, rows_decision(rb_row(b), m, o->id, (status_t)o->status, o->agreement,
                                (rule_code)o->rule));
    }
    free(ix);
    return rb_close(b, err);
}

/* lines.csv's order is a sequence of refs: a residual (revenue index r >= 0)
 * or another line (m->lines index -(r + 1)). Within one (agreement, kind)
 * bucket of non-residual lines the rows differ first in source_id; the
 * whole row decides only between equal sources. */
static int line_ref_cmp(const void *x, const void *y, void *ctx)
{
    const month_t *sort_m = ctx;
    int32_t rx = *(const int32_t *)x, ry = *(const int32_t *)y;
    int c = strcmp(sort_m->lines.v[-(rx + 1)].source_id, sort_m->lines.v[-(ry + 1)].source_id);
    if (c)
        return c;
    const char *ra[7], *rb[7];
    cellbuf_t ca, cb;
    char na[48], nb[48];
    rows_line_cells(sort_m, (size_t)-(rx + 1), ra, &ca, na, sizeof(na));
    rows_line_cells(sort_m, (size_t)-(ry + 1), rb, &cb, nb, sizeof(nb));
    for (int i = 0; i < 7; i++) {
        c = strcmp(ra[i], rb[i]);
        if (c)
            return c;
    }
    return 0;
}

static const char *agreement_key(const void *ctx, int32_t i)
{
    return ((const master_t *)ctx)->agreements.v[i].id;
}

/* Rows sorted by (agreement_id, kind, source_id, the rest): a stable
 * counting sort into (agreement, kind) buckets of the residuals in revenue id
 * order (unique source ids: each residual bucket is then sorted) and the other
 * lines; buckets of other kinds are small and sorted whole-row. */
static int32_t *lines_order(const month_t *m, size_t *count)
{
    const master_t *ms = m->master;
    size_t na = ms->agreements.n, nk = LINE_KIND_COUNT;
    int32_t *arank = malloc((na ? na : 1) * sizeof(*arank));
    int32_t *by_id = malloc((na ? na : 1) * sizeof(*by_id));
    size_t *start = calloc(na * nk + 1, sizeof(*start));
    if (!arank || !by_id || !start)
        abort();
    for (size_t a = 0; a < na; a++)
        by_id[a] = (int32_t)a;
    idsort(by_id, na, agreement_key, ms);
    for (size_t k = 0; k < na; k++)
        arank[by_id[k]] = (int32_t)k;
    free(by_id);
    int32_t krank[LINE_KIND_COUNT];
    for (size_t k = 0; k < nk; k++) {
        krank[k] = 0;
        for (size_t j = 0; j < nk; j++)
            krank[k] += strcmp(line_kind_names[j], line_kind_names[k]) < 0;
    }
#define BUCKET(agreement, kind) ((size_t)arank[agreement] * nk + (size_t)krank[kind])
    int32_t *owned;
    const int32_t *rix = revenue_order(m, &owned);
    size_t n = 0;
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[nth(rix, i)];
        if (r->status == STATUS_ASSIGNED) {
            start[BUCKET(r->agreement, LINE_RESIDUAL) + 1]++;
            n++;
        }
    }
    for (size_t i = 0; i < m->lines.n; i++)
        start[BUCKET(m->lines.v[i].agreement, m->lines.v[i].kind) + 1]++;
    n += m->lines.n;
    for (size_t b = 1; b <= na * nk; b++)
        start[b] += start[b - 1];
    int32_t *out = malloc((n ? n : 1) * sizeof(*out));
    if (!out)
        abort();
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[nth(rix, i)];
        if (r->status == STATUS_ASSIGNED)
            out[start[BUCKET(r->agreement, LINE_RESIDUAL)]++] = nth(rix, i);
    }
    for (size_t i = 0; i < m->lines.n; i++)
        out[start[BUCKET(m->lines.v[i].agreement, m->lines.v[i].kind)]++] = -(int32_t)i - 1;
    /* start[b] now ends bucket b; sort the buckets that hold other lines
     * (only those: line_ref_cmp compares m->lines entries) */
    for (size_t b = 0; b < na * nk; b++) {
        size_t from = b ? start[b - 1] : 0;
        if ((int32_t)(b % nk) != krank[LINE_RESIDUAL] && start[b] - from > 1)
            qsort_r(out + from, start[b] - from, sizeof(*out), line_ref_cmp, (void *)m);
    }
#undef BUCKET
    free(owned);
    free(arank);
    free(start);
    *count = n;
    return out;
}

static cm_status write_lines(const month_t *m, const char *dir, cm_error_t *err)
{
    rowbuf_t *b = rb_open(dir, "lines.csv", &rows_lines_header, err);
    if (!b)
        return err->code;
    size_t n, nrates = m->book->rates.n;
    int32_t *order = lines_order(m, &n);
    char(*rates)[MONEY_BUF] = malloc((nrates ? nrates : 1) * sizeof(*rates));
    if (!rates)
        abort();
    for (size_t k = 0; k < nrates; k++)
        decimal_format(m->book->rates.v[k].rate_pct, RATE_SCALE, rates[k]);
    cellbuf_t c;
    char note[48];
    const char *row[7];
    /* Residuals come in agreement order, a random walk over the revenue
     * rows: a block's rows and ids are first fetched in tight loops (their
     * cache misses overlap), then formatted from the copies. */
    enum { BLOCK = 256 };
    revenue_t got[BLOCK];
    idseq_cursor_t ids;
    idseq_cursor(&ids, &m->revenue_ids);
    for (size_t from = 0; from < n; from += BLOCK) {
        size_t k = n - from < BLOCK ? n - from : BLOCK;
        for (size_t i = 0; i < k; i++)
            if (order[from + i] >= 0)
                got[i] = m->revenue.v[order[from + i]];
        for (size_t i = 0; i < k; i++)
            if (order[from + i] >= 0)
                idseq_prefetch(&m->revenue_ids, (size_t)order[from + i]);
        for (size_t i = 0; i < k; i++) {
            char *p = rb_row(b);
            if (order[from + i] >= 0) {
                const char *id = idseq_at(&ids, (size_t)order[from + i]);
                p = rows_residual(p, m, &got[i], id, rates);
            } else {
                rows_line_cells(m, (size_t)-(order[from + i] + 1), row, &c, note, sizeof(note));
                for (int j = 0; j < 6; j++)
                    p = rows_put_comma(p, row[j]);
                p = rows_put(p, row[6]);
            }
            rb_end(b, p);
        }
    }
    free(rates);
    free(order);
    return rb_close(b, err);
}

/* ---- the small files ------------------------------------------------------------ */

static cm_status write_commitments(const month_t *m, const char *dir, cm_error_t *err)
{
    table_t t = {.ncols = rows_commitments_header.n};
    cellbuf_t c;
    const char *row[7];
    for (size_t i = 0; i < m->commitments.n; i++) {
        rows_commitment_cells(m, i, row, &c);
        table_add(&t, row);
    }
    return table_write(&t, dir, "commitments.csv", &rows_commitments_header, err);
}

/* One row per agreement active in P. */
static cm_status write_tiers(const month_t *m, const char *dir, cm_error_t *err)
{
    table_t t = {.ncols = rows_tiers_header.n};
    cellbuf_t c;
    const char *row[6];
    for (size_t a = 0; a < m->master->agreements.n; a++)
        if (rows_tier_cells(m, a, row, &c))
            table_add(&t, row);
    return table_write(&t, dir, "tiers.csv", &rows_tiers_header, err);
}

static cm_status write_points(const month_t *m, const char *dir, cm_error_t *err)
{
    table_t t = {.ncols = rows_points_header.n};
    cellbuf_t c;
    const char *row[6];
    for (size_t i = 0; i < m->activities.n; i++) {
        rows_point_cells(m, i, row, &c);
        table_add(&t, row);
    }
    return table_write(&t, dir, "points.csv", &rows_points_header, err);
}

/* One row per agreement with a payable in P. */
static cm_status write_payables(const month_t *m, const char *dir, cm_error_t *err)
{
    table_t t = {.ncols = rows_payables_header.n};
    cellbuf_t c;
    const char *row[8];
    for (size_t a = 0; a < m->master->agreements.n; a++)
        if (rows_payable_cells(m, a, row, &c))
            table_add(&t, row);
    return table_write(&t, dir, "payables.csv", &rows_payables_header, err);
}

static cm_status write_rejects(const month_t *m, const char *dir, cm_error_t *err)
{
    table_t t = {.ncols = rows_rejects_header.n};
    cellbuf_t c;
    const char *row[4];
    for (size_t i = 0; i < m->rejects.n; i++) {
        rows_reject_cells(m, i, row, &c);
        table_add(&t, row);
    }
    return table_write(&t, dir, "rejects.csv", &rows_rejects_header, err);
}

static cm_status write_control(const month_t *m, const char *dir, cm_error_t *err)
{
    table_t t = {.ncols = rows_control_header.n};
    size_t n;
    control_row_t *rows = results_control_rows(m, &n);
    cellbuf_t c;
    const char *row[2];
    for (size_t i = 0; i < n; i++) {
        rows_control_cells(&rows[i], row, &c);
        table_add(&t, row);
    }
    free(rows);
    return table_write(&t, dir, "control.csv", &rows_control_header, err);
}

cm_status results_write_part(const month_t *m, const char *dir, results_part_t part,
                             cm_error_t *err)
{
    assert(month_phase(m) >= MONTH_DECIDED); /* writers read a decided month */
    cm_status (*const writers[])(const month_t *, const char *, cm_error_t *) = {
        write_attribution, write_revenue, write_lines, write_commitments, write_tiers,
        write_points, write_payables, write_rejects, write_control};
    for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
        results_part_t of = writers[i] == write_lines     ? RESULTS_LINES
                            : writers[i] == write_revenue ? RESULTS_REVENUE
                                                          : RESULTS_OTHERS;
        if (part != RESULTS_ALL && part != of)
            continue;
        cm_status rc = writers[i](m, dir, err);
        if (rc != EXIT_DONE)
            return rc;
    }
    return EXIT_DONE;
}

/* ---- payments ------------------------------------------------------------------------ */

typedef struct currency_total {
    char code[4];
    money_t total;
    bool overflow;
} currency_total_t;

static int currency_total_cmp(const void *x, const void *y)
{
    return strcmp(((const currency_total_t *)x)->code, ((const currency_total_t *)y)->code);
}

/* The total of v[0..n) per currency, in code order; *ntotals of them
 * (malloc'd). EXIT_INTERNAL when a total overflows. */
static cm_status payment_totals(const payment_t *v, size_t n, currency_total_t **out,
                                size_t *ntotals, cm_error_t *err)
{
    currency_total_t *totals = NULL;
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nt && strcmp(totals[k].code, v[i].currency) != 0)
            k++;
        if (k == nt) {
            totals = realloc(totals, (nt + 1) * sizeof(*totals));
            if (!totals)
                abort();
            memcpy(totals[k].code, v[i].currency, 4);
            totals[k].total = 0;
            totals[k].overflow = false;
            nt++;
        }
        if (__builtin_add_overflow(totals[k].total, v[i].amount, &totals[k].total))
            totals[k].overflow = true;
    }
    for (size_t k = 0; k < nt; k++)
        if (totals[k].overflow) {
            cm_status rc = cm_fail(err, EXIT_INTERNAL, "payments.control: the %s total overflows",
                                   totals[k].code);
            free(totals);
            return rc;
        }
    if (nt > 1) /* currencies in code order so the file is deterministic */
        qsort(totals, nt, sizeof(*totals), currency_total_cmp);
    *out = totals;
    *ntotals = nt;
    return EXIT_DONE;
}

cm_status results_write_payments(const payment_t *v, size_t n, const char *chain_link,
                                 const char *dir, bool (*hash_file)(const char *path, char hex[65]),
                                 cm_error_t *err)
{
    currency_total_t *totals = NULL;
    size_t ntotals = 0;
    cm_status rc = payment_totals(v, n, &totals, &ntotals, err);
    if (rc != EXIT_DONE)
        return rc;
    table_t t = {.ncols = rows_payments_header.n};
    cellbuf_t c;
    const char *row[6];
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i].payment_id) + strlen(v[i].partner_id) +
                     strlen(v[i].agreement_id) + 6;
        char *ids = malloc(len);
        if (!ids)
            abort();
        rows_payment_cells(&v[i], row, &c, ids, len);
        table_add(&t, row);
        free(ids);
    }
    rc = table_write(&t, dir, "payments.csv", &rows_payments_header, err);
    char *csv = result_path(dir, "payments.csv"), *path = result_path(dir, "payments.control");
    char hex[65];
    if (rc == EXIT_DONE && !hash_file(csv, hex))
        rc = cm_fail(err, EXIT_INTERNAL, "%s: cannot read it back to hash it", csv);
    FILE *f = NULL;
    if (rc == EXIT_DONE && !(f = fopen(path, "wb")))
        rc = cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(errno));
    if (f) {
        char amount[MONEY_BUF];
        fprintf(f, "name,value\ncount,%zu\n", n);
        for (size_t i = 0; i < ntotals; i++)
            fprintf(f, "total_%s,%s\n", totals[i].code, money_format(totals[i].total, amount));
        if (chain_link)
            fprintf(f, "chain_link,%s\n", chain_link);
        fprintf(f, "sha256,%s\n", hex);
        rc = close_result(f, false, path, err);
    }
    free(csv);
    free(path);
    free(totals);
    return rc;
}
