/*
 * results.c — result CSVs and the payment file (SPEC §6). Each file is a
 * table of string cells filled from the month, sorted, then written.
 */
#include "results.h"
#include "results_rows.h"

#include "idsort.h"
#include "lines.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>


/* ---- a sortable table of string rows -------------------------------------- */

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


static int table_write(table_t *t, const char *dir, const char *name, const char *const *header,
                       char *msg, size_t len)
{
    if (t->n > 1)
        qsort_r(t->rows, t->n, sizeof(*t->rows), row_cmp, &t->ncols);
    size_t plen = strlen(dir) + strlen(name) + 2;
    char *path = malloc(plen);
    if (!path)
        abort();
    snprintf(path, plen, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int rc = 0;
    if (!f) {
        snprintf(msg, len, "%s: %s", path, strerror(errno));
        rc = -1;
    } else {
        write_row(f, header, t->ncols);
        for (size_t r = 0; r < t->n; r++)
            write_row(f, t->rows[r], t->ncols);
        if (ferror(f) | (fclose(f) != 0)) {
            snprintf(msg, len, "%s: write failed", path);
            rc = -1;
        }
    }
    free(path);
    free(t->rows);
    arena_release(&t->arena);
    return rc;
}

/* ---- the files ------------------------------------------------------------------ */

/* Open dir/name and write the header; NULL with msg on failure. */
static FILE *open_result(const char *dir, const char *name, const char *const *h, size_t n,
                         char *msg, size_t len)
{
    size_t plen = strlen(dir) + strlen(name) + 2;
    char *path = malloc(plen);
    if (!path)
        abort();
    snprintf(path, plen, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        snprintf(msg, len, "%s: %s", path, strerror(errno));
    free(path);
    if (f) {
        setvbuf(f, NULL, _IOFBF, 1 << 20);
        write_row(f, h, n);
    }
    return f;
}

static int close_result(FILE *f, const char *name, char *msg, size_t len)
{
    if (ferror(f) | (fclose(f) != 0)) {
        snprintf(msg, len, "%s: write failed", name);
        return -1;
    }
    return 0;
}

/* ---- the big files ------------------------------------------------------------
 * revenue.csv and lines.csv have a row per revenue row (tens of millions).
 * Their cells are ids, codes and numbers, which never need quoting, so rows
 * go straight to the stream; their order comes from sorts over row indexes:
 * the reader's id sort (m->revenue_by_id) and a counting sort of lines by
 * agreement and kind. */

/* Rows of the big files are built straight into a 1 MiB buffer (no stdio
 * call or strlen per cell). A row of these files is bounded: ids are at most
 * CSV_ID_MAX bytes, numbers MONEY_BUF, so ROW_MAX bytes of room always hold
 * one. */
#define ROW_MAX 1024
typedef struct rowbuf {
    FILE *f;
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
static char *rb_row(rowbuf_t *b)
{
    if (sizeof(b->buf) - b->len < ROW_MAX)
        rb_flush(b);
    return b->buf + b->len;
}

static void rb_end(rowbuf_t *b, char *p)
{
    *p++ = '\n';
    b->len = (size_t)(p - b->buf);
}


static rowbuf_t *rb_open(FILE *f)
{
    if (!f)
        return NULL;
    rowbuf_t *b = malloc(sizeof(*b));
    if (!b)
        abort();
    b->f = f;
    b->len = 0;
    b->failed = false;
    return b;
}

/* Flush, close and free; -1 with msg when anything failed. */
static int rb_close(rowbuf_t *b, const char *name, char *msg, size_t len)
{
    rb_flush(b);
    bool failed = b->failed;
    FILE *f = b->f;
    free(b);
    if (failed) {
        fclose(f);
        snprintf(msg, len, "%s: write failed", name);
        return -1;
    }
    return close_result(f, name, msg, len);
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

/* A decision row of revenue.csv or attribution.csv: id, status, agreement_id, rule. */
static void decision_row(rowbuf_t *b, const month_t *m, const char *id, status_t status,
                         int32_t agreement, rule_code rule)
{
    char *p = rb_row(b);
    p = put_comma(p, id);
    p = put_comma(p, status_names[status]);
    p = put_comma(p, agreement_id(m, agreement));
    p = put(p, rule_name(rule));
    rb_end(b, p);
}

static int write_revenue(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"revenue_id", "status", "agreement_id", "rule"};
    rowbuf_t *b = rb_open(open_result(dir, "revenue.csv", h, 4, msg, len));
    if (!b)
        return -1;
    int32_t *owned;
    const int32_t *ix = revenue_order(m, &owned); /* ids are unique: whole rows sorted */
    idseq_cursor_t ids;
    idseq_cursor(&ids, &m->revenue_ids);
    for (size_t i = 0; i < m->revenue.n; i++) {
        if (ix && i + 16 < m->revenue.n)
            __builtin_prefetch(&m->revenue.v[ix[i + 16]]);
        size_t k = (size_t)nth(ix, i);
        const revenue_t *r = &m->revenue.v[k];
        decision_row(b, m, idseq_at(&ids, k), (status_t)r->status, r->agreement,
                     (rule_code)r->rule);
    }
    free(owned);
    return rb_close(b, "revenue.csv", msg, len);
}

static bool order_of_p(const month_t *m, const order_t *o) { return o->period == m->period; }

/* One row per order of P, by order_id (unique among P's orders). */
static int write_attribution(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"order_id", "status", "agreement_id", "rule"};
    rowbuf_t *b = rb_open(open_result(dir, "attribution.csv", h, 4, msg, len));
    if (!b)
        return -1;
    size_t n;
    int32_t *ix = month_orders_by_id(m, order_of_p, &n);
    for (size_t i = 0; i < n; i++) {
        const order_t *o = &m->orders.v[ix[i]];
        decision_row(b, m, o->id, (status_t)o->status, o->agreement, (rule_code)o->rule);
    }
    free(ix);
    return rb_close(b, "attribution.csv", msg, len);
}


/* Within one (agreement, kind) bucket of non-residual lines the rows differ
 * first in source_id; the whole row decides only between equal sources. */
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
    line_cells(sort_m, rx, ra, &ca, na, sizeof(na));
    line_cells(sort_m, ry, rb, &cb, nb, sizeof(nb));
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


static int write_lines(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"agreement_id", "kind", "source_id", "basis",
                                    "rate", "amount", "note"};
    rowbuf_t *b = rb_open(open_result(dir, "lines.csv", h, 7, msg, len));
    if (!b)
        return -1;
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
    /* Residuals come in agreement order, a random walk over ten million
     * revenue rows: a block's rows and ids are first fetched in tight loops
     * (their cache misses overlap), then formatted from the copies. */
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
                p = residual_row(p, m, &got[i], id, rates);
            } else {
                line_cells(m, order[from + i], row, &c, note, sizeof(note));
                for (int j = 0; j < 6; j++)
                    p = put_comma(p, row[j]);
                p = put(p, row[6]);
            }
            rb_end(b, p);
        }
    }
    free(rates);
    free(order);
    return rb_close(b, "lines.csv", msg, len);
}

static int write_commitments(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"commitment_id", "agreement_id", "retired_period",
                                    "retired_to_date", "remaining", "percent", "status"};
    table_t t = {.ncols = 7};
    cellbuf_t c;
    for (size_t i = 0; i < m->commitments.n; i++) {
        const commitment_result_t *r = &m->commitments.v[i];
        const commitment_t *cm = &m->master->commitments.v[r->commitment];
        const char *row[] = {cm->id, agreement_id(m, cm->agreement),
                             money_format(r->retired_period, c.b[0]),
                             money_format(r->retired_to_date, c.b[1]),
                             money_format(r->remaining, c.b[2]),
                             money_format(r->percent_hundredths, c.b[3]), rule_name(r->status)};
        table_add(&t, row);
    }
    return table_write(&t, dir, "commitments.csv", h, msg, len);
}


static int write_tiers(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"agreement_id", "program", "tier", "basis_value",
                                    "next_tier", "rule"};
    table_t t = {.ncols = 6};
    cellbuf_t c;
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const agreement_t *ag = &m->master->agreements.v[a];
        if (!agreement_active_in(ag, m->period))
            continue;
        const tier_state_t *ts = &m->tiers[a];
        const char *row[] = {ag->id, ts->program >= 0 ? m->book->programs.v[ts->program].name : "",
                             ts->tier, basis_text(m, ts, c.b[0]),
                             ts->reviewed ? ts->next_tier : "", rule_name(ts->rule)};
        table_add(&t, row);
    }
    return table_write(&t, dir, "tiers.csv", h, msg, len);
}

static int write_points(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"activity_id", "agreement_id", "status", "points",
                                    "points_to_date", "rule"};
    table_t t = {.ncols = 6};
    cellbuf_t c;
    for (size_t i = 0; i < m->activities.n; i++) {
        const activity_t *a = &m->activities.v[i];
        snprintf(c.b[0], MONEY_BUF, "%" PRId64, a->points);
        snprintf(c.b[1], MONEY_BUF, "%" PRId64, a->points_to_date);
        const char *row[] = {a->id, agreement_id(m, a->agreement), status_names[a->status],
                             c.b[0], c.b[1], rule_name(a->rule)};
        table_add(&t, row);
    }
    return table_write(&t, dir, "points.csv", h, msg, len);
}

static int write_payables(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"agreement_id", "carried_in", "earned", "balance",
                                    "paid", "carried_out", "status", "due_date"};
    table_t t = {.ncols = 8};
    cellbuf_t c;
    char due[DATE_BUF];
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        if (!p->present)
            continue;
        const char *row[] = {m->master->agreements.v[a].id, money_format(p->carried_in, c.b[0]),
                             money_format(p->earned, c.b[1]), money_format(p->balance, c.b[2]),
                             money_format(p->paid, c.b[3]), money_format(p->carried_out, c.b[4]),
                             rule_name(p->status), date_format(p->due_date, due)};
        table_add(&t, row);
    }
    return table_write(&t, dir, "payables.csv", h, msg, len);
}

static int write_rejects(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"file", "line", "column", "reason"};
    table_t t = {.ncols = 4};
    char line[16];
    for (size_t i = 0; i < m->rejects.n; i++) {
        const reject_t *r = &m->rejects.v[i];
        snprintf(line, sizeof(line), "%d", r->line);
        const char *row[] = {r->file, line, r->column, rule_name(r->reason)};
        table_add(&t, row);
    }
    return table_write(&t, dir, "rejects.csv", h, msg, len);
}


static int write_control(const month_t *m, const char *dir, char *msg, size_t len)
{
    static const char *const h[] = {"name", "value"};
    table_t t = {.ncols = 2};
    size_t n;
    control_row_t *rows = results_control_rows(m, &n);
    char v[MONEY_BUF];
    for (size_t i = 0; i < n; i++) {
        if (rows[i].money)
            money_format(rows[i].value, v);
        else
            snprintf(v, sizeof(v), "%" PRId64, rows[i].value);
        const char *row[] = {rows[i].name, v};
        table_add(&t, row);
    }
    free(rows);
    return table_write(&t, dir, "control.csv", h, msg, len);
}

int results_write_part(const month_t *m, const char *dir, results_part_t part, char *msg,
                       size_t len)
{
    int (*const writers[])(const month_t *, const char *, char *, size_t) = {
        write_attribution, write_revenue, write_lines, write_commitments, write_tiers,
        write_points, write_payables, write_rejects, write_control};
    for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
        results_part_t of = writers[i] == write_lines     ? RESULTS_LINES
                            : writers[i] == write_revenue ? RESULTS_REVENUE
                                                          : RESULTS_OTHERS;
        if (part != RESULTS_ALL && part != of)
            continue;
        if (writers[i](m, dir, msg, len) != 0)
            return -1;
    }
    return 0;
}

/* ---- payments ------------------------------------------------------------------------ */

const char *results_neutral(const char *s, char *buf, size_t len)
{
    if (!s || !strchr("=+-@\t", s[0]) || s[0] == '\0')
        return s;
    snprintf(buf, len, "'%s", s);
    return buf;
}

typedef struct currency_total {
    char code[4];
    money_t total;
    bool overflow;
} currency_total_t;

int results_write_payments(const payment_t *v, size_t n, const char *chain_link, const char *dir,
                           bool (*hash_file)(const char *path, char hex[65]), char *msg,
                           size_t len)
{
    static const char *const h[] = {"payment_id", "partner_id", "agreement_id", "currency",
                                    "amount", "due_date"};
    table_t t = {.ncols = 6};
    char amount[MONEY_BUF], due[DATE_BUF];
    currency_total_t *totals = NULL;
    size_t ntotals = 0;
    for (size_t i = 0; i < n; i++) {
        const payment_t *p = &v[i];
        size_t idl = strlen(p->payment_id) + 2, pal = strlen(p->partner_id) + 2,
               agl = strlen(p->agreement_id) + 2;
        char *b = malloc(idl + pal + agl);
        if (!b)
            abort();
        const char *row[] = {results_neutral(p->payment_id, b, idl),
                             results_neutral(p->partner_id, b + idl, pal),
                             results_neutral(p->agreement_id, b + idl + pal, agl), p->currency,
                             money_format(p->amount, amount), date_format(p->due_date, due)};
        table_add(&t, row);
        free(b);
        size_t k = 0;
        while (k < ntotals && strcmp(totals[k].code, p->currency) != 0)
            k++;
        if (k == ntotals) {
            totals = realloc(totals, (ntotals + 1) * sizeof(*totals));
            if (!totals)
                abort();
            memcpy(totals[k].code, p->currency, 4);
            totals[k].total = 0;
            totals[k].overflow = false;
            ntotals++;
        }
        if (__builtin_add_overflow(totals[k].total, p->amount, &totals[k].total))
            totals[k].overflow = true;
    }
    for (size_t k = 0; k < ntotals; k++)
        if (totals[k].overflow) {
            snprintf(msg, len, "payments.control: the %s total overflows", totals[k].code);
            free(totals);
            free(t.rows);
            arena_release(&t.arena);
            return -1;
        }
    if (table_write(&t, dir, "payments.csv", h, msg, len) != 0) {
        free(totals);
        return -1;
    }
    size_t plen = strlen(dir) + 32;
    char *path = malloc(plen);
    if (!path)
        abort();
    snprintf(path, plen, "%s/payments.csv", dir);
    char hex[65];
    bool hashed = hash_file(path, hex);
    snprintf(path, plen, "%s/payments.control", dir);
    FILE *f = hashed ? fopen(path, "wb") : NULL;
    free(path);
    if (!f) {
        snprintf(msg, len, "payments.control: cannot write");
        free(totals);
        return -1;
    }
    /* currencies in code order so the file is deterministic */
    for (size_t i = 1; i < ntotals; i++)
        for (size_t j = i; j > 0 && strcmp(totals[j - 1].code, totals[j].code) > 0; j--) {
            currency_total_t x = totals[j];
            totals[j] = totals[j - 1];
            totals[j - 1] = x;
        }
    fprintf(f, "name,value\ncount,%zu\n", n);
    for (size_t i = 0; i < ntotals; i++)
        fprintf(f, "total_%s,%s\n", totals[i].code, money_format(totals[i].total, amount));
    if (chain_link)
        fprintf(f, "chain_link,%s\n", chain_link);
    fprintf(f, "sha256,%s\n", hex);
    free(totals);
    return fclose(f) == 0 ? 0 : -1;
}
