/*
 * results.c — result CSVs and the payment file (SPEC §6). Each file is a
 * table of string cells filled from the month, sorted, then written.
 */
#include "results.h"

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

void results_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* One CSV row of n cells. */
static void write_row(FILE *f, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        results_csv_field(f, cells[i]);
    }
    fputc('\n', f);
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

/* ---- cell formatting --------------------------------------------------------- */

typedef struct cellbuf {
    char b[8][MONEY_BUF];
} cellbuf_t;

static const char *agreement_id(const month_t *m, int32_t a)
{
    return a >= 0 ? m->master->agreements.v[a].id : "";
}

static const char *note_text(rule_code note, int32_t months, char *buf, size_t len)
{
    if (note == RULE_MONTHS_SERVED) {
        snprintf(buf, len, "months_served=%d", months);
        return buf;
    }
    if (note == RULE_RESTATES) { /* §4.8: months holds the period restated */
        char p[PERIOD_BUF];
        snprintf(buf, len, "restates %s", period_format((period_t)months, p));
        return buf;
    }
    return rule_name(note);
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

/* Copy s (an id, code or formatted number: never quoted) and a comma. */
static char *put(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_comma(char *p, const char *s)
{
    p = put(p, s);
    *p++ = ',';
    return p;
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

/* A lines.csv row is a residual (revenue index r >= 0: residual_row) or
 * another line (m->lines index -(r + 1)): its cells. */
static void line_cells(const month_t *m, int32_t ref, const char **row, cellbuf_t *c, char *note,
                       size_t nlen)
{
    const line_t *l = &m->lines.v[-(ref + 1)];
    row[0] = agreement_id(m, l->agreement);
    row[1] = line_kind_names[l->kind];
    row[2] = l->source_id;
    row[3] = l->has_basis ? money_format(l->basis, c->b[0]) : "";
    row[4] = l->rate_scale ? decimal_format(l->rate, l->rate_scale, c->b[1]) : "";
    row[5] = money_format(l->amount, c->b[2]);
    row[6] = note_text(l->note, l->note_months, note, nlen);
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

/* A residual's lines.csv row. rates[k]: rates row k's rate_pct formatted. */
static char *residual_row(char *p, const month_t *m, const revenue_t *rv, const char *id,
                          char (*rates)[MONEY_BUF])
{
    p = put_comma(p, agreement_id(m, rv->agreement));
    p = put_comma(p, line_kind_names[LINE_RESIDUAL]);
    p = put_comma(p, id);
    line_t l = lines_residual_of(m, rv);
    p = money_put(l.basis, p);
    *p++ = ',';
    p = put_comma(p, l.rate_row >= 0 ? rates[l.rate_row] : "0");
    p = money_put(l.amount, p);
    *p++ = ',';
    return put(p, rule_name(l.note));
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

static const char *basis_text(const month_t *m, const tier_state_t *t, char *buf)
{
    if (t->program < 0)
        return "";
    if (m->book->programs.v[t->program].basis == BASIS_POINTS) {
        snprintf(buf, MONEY_BUF, "%" PRId64, t->basis_value);
        return buf;
    }
    return money_format(t->basis_value, buf);
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

static currency_totals_t *currency_new(currency_totals_t **t, size_t *n, size_t *cap,
                                       int32_t *slot, uint16_t packed)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *t = realloc(*t, *cap * sizeof(**t));
        if (!*t)
            abort();
    }
    currency_totals_t *c = &(*t)[*n];
    memset(c, 0, sizeof(*c));
    memcpy(c->code, currency_unpack(packed).code, 4);
    slot[packed] = (int32_t)(*n)++;
    return c;
}

static int currency_totals_cmp(const void *x, const void *y)
{
    return strcmp(((const currency_totals_t *)x)->code, ((const currency_totals_t *)y)->code);
}

currency_totals_t *results_currency_totals(const month_t *m, size_t *n)
{
    enum { CODES = 26 * 26 * 26 };
    int32_t *slot = malloc(CODES * sizeof(*slot));
    currency_totals_t *t = NULL;
    size_t nt = 0, cap = 0;
    if (!slot)
        abort();
    memset(slot, 0xFF, CODES * sizeof(*slot));
#define SLOT(packed)                                                                   \
    (slot[(packed)] >= 0 ? &t[slot[(packed)]] : currency_new(&t, &nt, &cap, slot, (packed)))
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        int k = r->status == STATUS_ASSIGNED     ? CT_ASSIGNED
                : r->status == STATUS_UNASSIGNED ? CT_UNASSIGNED
                : r->status == STATUS_HELD       ? CT_HELD
                                                 : CT_REJECTED;
        currency_totals_t *c = SLOT(r->currency);
        c->has_revenue = true;
        c->revenue[k] = money_add_bounded(c->revenue[k], r->amount);
        c->revenue_rows[k]++;
    }
    for (size_t i = 0; i < m->rejects.n; i++) {
        const reject_t *j = &m->rejects.v[i];
        if (!j->has_amount)
            continue;
        currency_totals_t *c = SLOT(j->currency);
        c->has_revenue = true;
        c->revenue[CT_REJECTED_ROWS] = money_add_bounded(c->revenue[CT_REJECTED_ROWS], j->amount);
        c->revenue_rows[CT_REJECTED_ROWS]++;
    }
    for (size_t a = 0; a < m->master->agreements.n; a++) {
        const payable_t *p = &m->payables[a];
        const agreement_period_t *cur = &m->current[a];
        bool lines = false;
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            lines = lines || cur->by_kind[k] != 0;
        if (!p->present && !lines)
            continue;
        currency_totals_t *c = SLOT(currency_pack(m->master->agreements.v[a].currency));
        c->has_payables = true;
        for (int k = 0; k < LINE_KIND_COUNT; k++)
            c->kinds[k] = money_add_bounded(c->kinds[k], cur->by_kind[k]);
        if (!p->present)
            continue;
        c->carried_in = money_add_bounded(c->carried_in, p->carried_in);
        c->earned = money_add_bounded(c->earned, p->earned);
        c->paid = money_add_bounded(c->paid, p->paid);
        c->carried_out = money_add_bounded(c->carried_out, p->carried_out);
        c->agreements++;
        if (p->paid != 0)
            c->agreements_paid++;
        else if (p->carried_out != 0)
            c->agreements_carried++;
        else
            c->agreements_settled++;
    }
#undef SLOT
    free(slot);
    for (size_t i = 0; i < nt; i++) {
        money_t in = 0;
        for (int k = CT_ASSIGNED; k < CT_REVENUE; k++) {
            in = money_add_bounded(in, t[i].revenue[k]);
            t[i].revenue_rows[CT_IN] += t[i].revenue_rows[k];
        }
        t[i].revenue[CT_IN] = in;
    }
    if (nt > 1)
        qsort(t, nt, sizeof(*t), currency_totals_cmp);
    *n = nt;
    return t;
}

static void control_add(control_row_t **v, size_t *n, size_t *cap, const char *name,
                        const char *code, int64_t value, bool money)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *v = realloc(*v, *cap * sizeof(**v));
        if (!*v)
            abort();
    }
    control_row_t *r = &(*v)[(*n)++];
    if (code)
        snprintf(r->name, sizeof(r->name), "%s_%s", name, code);
    else
        snprintf(r->name, sizeof(r->name), "%s", name);
    r->value = value;
    r->money = money;
}

static int control_row_cmp(const void *x, const void *y)
{
    return strcmp(((const control_row_t *)x)->name, ((const control_row_t *)y)->name);
}

control_row_t *results_control_rows(const month_t *m, size_t *n)
{
    const control_t *c = &m->control;
    control_row_t *v = NULL;
    size_t nv = 0, cap = 0;
    struct {
        const char *name;
        int64_t v;
    } counts[] = {
        {"orders_read", c->orders_read},
        {"orders_attributed", c->orders_attributed},
        {"orders_held", c->orders_held},
        {"orders_rejected", c->orders_rejected},
        {"orders_rejected_rows", c->orders_rejected_rows},
        {"orders_duplicate_ignored", c->orders_duplicate_ignored},
        {"orders_install_update", c->orders_install_update},
        {"revenue_read", c->revenue_read},
        {"revenue_assigned", c->revenue_assigned},
        {"revenue_unassigned", c->revenue_unassigned},
        {"revenue_held", c->revenue_held},
        {"revenue_rejected", c->revenue_rejected},
        {"revenue_rejected_rows", c->revenue_rejected_rows},
        {"rows_read", c->rows_read_total},
        {"rejects", c->rejects_total},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        control_add(&v, &nv, &cap, counts[i].name, NULL, counts[i].v, false);
    static const char *const rev[CT_REVENUE] = {
        "revenue_amount_in", "revenue_amount_assigned", "revenue_amount_unassigned",
        "revenue_amount_held", "revenue_amount_rejected", "revenue_amount_rejected_rows"};
    size_t nt;
    currency_totals_t *t = results_currency_totals(m, &nt);
    char name[48];
    for (size_t i = 0; i < nt; i++) {
        const char *code = t[i].code;
        if (t[i].has_revenue)
            for (int k = 0; k < CT_REVENUE; k++)
                control_add(&v, &nv, &cap, rev[k], code, t[i].revenue[k], true);
        if (!t[i].has_payables)
            continue;
        for (int k = 0; k < LINE_KIND_COUNT; k++) {
            if (k == LINE_RESTATEMENT && !m->restate_files.n)
                continue; /* a period without corrected files: no restatement rows */
            snprintf(name, sizeof(name), "lines_%s_amount", line_kind_names[k]);
            control_add(&v, &nv, &cap, name, code, t[i].kinds[k], true);
        }
        control_add(&v, &nv, &cap, "payables_carried_in", code, t[i].carried_in, true);
        control_add(&v, &nv, &cap, "payables_earned", code, t[i].earned, true);
        control_add(&v, &nv, &cap, "payables_paid", code, t[i].paid, true);
        control_add(&v, &nv, &cap, "payables_carried_out", code, t[i].carried_out, true);
        control_add(&v, &nv, &cap, "payables_agreements", code, t[i].agreements, false);
        control_add(&v, &nv, &cap, "payables_agreements_paid", code, t[i].agreements_paid, false);
        control_add(&v, &nv, &cap, "payables_agreements_carried", code, t[i].agreements_carried,
                    false);
        control_add(&v, &nv, &cap, "payables_agreements_settled", code, t[i].agreements_settled,
                    false);
    }
    /* §4.8 per corrected file: its rows, and per currency (of the agreements)
     * the assigned revenue and residuals now and as last stated; the
     * restatement lines of that currency are residual - residual_stated */
    for (size_t f = 0; f < m->restate_files.n; f++) {
        const restate_file_t *rf = &m->restate_files.v[f];
        char pbuf[PERIOD_BUF];
        period_format(rf->period, pbuf);
        const struct {
            const char *what;
            int64_t v;
        } rows[] = {{"rows_read", rf->rows_read},
                    {"rows_rejected", rf->rows_rejected},
                    {"rows_assigned", rf->rows_assigned}};
        for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
            snprintf(name, sizeof(name), "restate_%s_%s", pbuf, rows[k].what);
            control_add(&v, &nv, &cap, name, NULL, rows[k].v, false);
        }
        for (size_t i = 0; i < nt; i++) {
            money_t sums[4] = {0}; /* subsets of the period's bounded totals (month.h) */
            bool any = false;
            for (size_t k = 0; k < m->restated.n; k++) {
                const restated_t *x = &m->restated.v[k];
                if (x->period != rf->period ||
                    strcmp(m->master->agreements.v[x->agreement].currency.code, t[i].code) != 0)
                    continue;
                any = true;
                sums[0] = money_add_bounded(sums[0], x->revenue);
                sums[1] = money_add_bounded(sums[1], x->revenue_before);
                sums[2] = money_add_bounded(sums[2], x->residual);
                sums[3] = money_add_bounded(sums[3], x->residual_before);
            }
            static const char *const what[4] = {"revenue_assigned", "revenue_assigned_stated",
                                                "residual", "residual_stated"};
            for (int k = 0; any && k < 4; k++) {
                snprintf(name, sizeof(name), "restate_%s_%s", pbuf, what[k]);
                control_add(&v, &nv, &cap, name, t[i].code, sums[k], true);
            }
        }
    }
    free(t);
    qsort(v, nv, sizeof(*v), control_row_cmp);
    *n = nv;
    return v;
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
