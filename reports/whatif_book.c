/*
 * whatif_book.c — comparison.csv and whatif.xlsx of a `whatif` (whatif_book.h).
 *
 * Every total is per currency; a difference is what-if minus actual. Sums
 * are checked (money_add): an agreement's figures come from runs whose sums
 * of magnitudes fit, but a difference of two such sums may not, and then
 * the report fails naming it rather than writing a wrapped value.
 */
#include "whatif_book.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "xlsxutil.h"

/* The money columns of a side, in the order the reports show them. */
#define WI_MONEY (LINE_KIND_COUNT + 3)
static const char *const money_names[WI_MONEY] = {
    "residual", "spiff", "chargeback", "adjustment", "credit", "restatement", "earned", "paid",
    "carried_out"};
_Static_assert(LINE_KIND_COUNT == 6, "money_names lists the line kinds");

static money_t side_money(const wi_side_t *s, int k)
{
    if (k < LINE_KIND_COUNT)
        return s->by_kind[k];
    return k == LINE_KIND_COUNT ? s->earned : k == LINE_KIND_COUNT + 1 ? s->paid : s->carried_out;
}

static bool same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

bool wi_changes(const wi_row_t *r)
{
    return !same_text(r->actual.tier, r->whatif.tier) ||
           !same_text(r->actual.next, r->whatif.next) || r->actual.paid != r->whatif.paid;
}

static void field(FILE *f, const char *s, bool first)
{
    char buf[512];
    if (!first)
        fputc(',', f);
    results_csv_field(f, results_neutral(s ? s : "", buf, sizeof(buf)));
}

static bool diff(money_t a, money_t w, money_t *out)
{
    return money_sub(w, a, out);
}

static cm_status overflow(const wi_row_t *r, const char *what, const char *path, cm_error_t *err)
{
    return cm_fail(err, EXIT_INTERNAL,
                   "%s: the %s difference of agreement %s does not fit in cents", path, what,
                   r->agreement_id);
}

cm_status wi_write_csv(const wi_table_t *t, const char *path, cm_error_t *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(errno));
    fputs("agreement_id,partner_id,currency", f);
    static const char *const sides[] = {"actual_", "whatif_"};
    for (int s = 0; s < 2; s++) {
        fprintf(f, ",%stier,%snext_tier", sides[s], sides[s]);
        for (int k = 0; k < WI_MONEY; k++)
            fprintf(f, ",%s%s", sides[s], money_names[k]);
        fprintf(f, ",%sstatus", sides[s]);
    }
    fputs(",diff_earned,diff_paid,diff_carried_out,changed\n", f);
    cm_status rc = EXIT_DONE;
    char v[MONEY_BUF];
    for (size_t i = 0; i < t->n && rc == EXIT_DONE; i++) {
        const wi_row_t *r = &t->v[i];
        field(f, r->agreement_id, true);
        field(f, r->partner_id, false);
        field(f, r->currency, false);
        const wi_side_t *sd[] = {&r->actual, &r->whatif};
        for (int s = 0; s < 2; s++) {
            field(f, sd[s]->tier, false);
            field(f, sd[s]->next, false);
            for (int k = 0; k < WI_MONEY; k++) {
                fputc(',', f);
                if (sd[s]->present)
                    fputs(money_format(side_money(sd[s], k), v), f);
            }
            field(f, sd[s]->status, false);
        }
        for (int k = LINE_KIND_COUNT; k < WI_MONEY && rc == EXIT_DONE; k++) {
            money_t d;
            if (!diff(side_money(&r->actual, k), side_money(&r->whatif, k), &d))
                rc = overflow(r, money_names[k], path, err);
            else
                fprintf(f, ",%s", money_format(d, v));
        }
        fprintf(f, ",%s\n", wi_changes(r) ? "yes" : "no");
    }
    errno = 0;
    bool bad = ferror(f) != 0;
    if ((fclose(f) != 0 || bad) && rc == EXIT_DONE)
        rc = cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(errno ? errno : EIO));
    return rc;
}

/* ---- the workbook ------------------------------------------------------------- */

static void text(xu_book_t *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                 lxw_format *f)
{
    xu_keep(b, xu_text(ws, r, c, s, f));
}

static void money(xu_book_t *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, money_t v,
                  lxw_format *f)
{
    xu_keep(b, xu_money(ws, r, c, v, f));
}

static cm_status write_comparison(xu_book_t *b, const wi_table_t *t, cm_error_t *err)
{
    lxw_worksheet *ws = xu_add_sheet(b, "Comparison");
    static const char *const h[] = {
        "agreement", "partner", "currency", "tier (actual)", "tier (what-if)",
        "next tier (actual)", "next tier (what-if)",
        "residual (actual)", "residual (what-if)", "spiff (actual)", "spiff (what-if)",
        "chargeback (actual)", "chargeback (what-if)", "adjustment (actual)",
        "adjustment (what-if)", "credit (actual)", "credit (what-if)", "restatement (actual)",
        "restatement (what-if)", "earned (actual)",
        "earned (what-if)", "paid (actual)", "paid (what-if)", "carried (actual)",
        "carried (what-if)", "difference earned", "difference paid", "difference carried",
        "changes"};
    const int nh = (int)(sizeof(h) / sizeof(h[0]));
    xu_headers(b, ws, h, nh);
    double widths[29];
    for (int i = 0; i < nh; i++)
        widths[i] = i < 3 ? 16 : 14;
    xu_keep(b, xu_widths(ws, widths, nh));
    for (size_t i = 0; i < t->n; i++) {
        const wi_row_t *r = &t->v[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        text(b, ws, row, 0, r->agreement_id, NULL);
        text(b, ws, row, 1, r->partner_id, NULL);
        text(b, ws, row, 2, r->currency, NULL);
        text(b, ws, row, 3, r->actual.tier, NULL);
        text(b, ws, row, 4, r->whatif.tier, NULL);
        text(b, ws, row, 5, r->actual.next, NULL);
        text(b, ws, row, 6, r->whatif.next, NULL);
        for (int k = 0; k < WI_MONEY; k++) {
            money(b, ws, row, (lxw_col_t)(7 + 2 * k), side_money(&r->actual, k), b->money);
            money(b, ws, row, (lxw_col_t)(8 + 2 * k), side_money(&r->whatif, k), b->money);
        }
        for (int k = LINE_KIND_COUNT; k < WI_MONEY; k++) {
            money_t d;
            if (!diff(side_money(&r->actual, k), side_money(&r->whatif, k), &d))
                return overflow(r, money_names[k], b->path, err);
            money(b, ws, row, (lxw_col_t)(7 + 2 * WI_MONEY + (k - LINE_KIND_COUNT)), d, b->money);
        }
        text(b, ws, row, (lxw_col_t)(nh - 1), wi_changes(r) ? "yes" : "", NULL);
    }
    return EXIT_DONE;
}

/* Per currency, in code order: each money column's totals for both sides,
 * their difference and a chart. */
static cm_status write_totals(xu_book_t *b, const wi_table_t *t, cm_error_t *err)
{
    lxw_worksheet *ws = xu_add_sheet(b, "Totals");
    double widths[] = {18, 16, 16, 16};
    xu_keep(b, xu_widths(ws, widths, 4));
    text(b, ws, 0, 0, "What-if of", b->title);
    char pbuf[PERIOD_BUF];
    text(b, ws, 0, 1, period_format(t->period, pbuf), b->title);
    text(b, ws, 1, 0, "book", b->bold);
    text(b, ws, 1, 1, t->book, NULL);
    text(b, ws, 2, 0, "Totals per currency; never added across currencies.", NULL);
    lxw_row_t row = 4;
    bool *done = calloc(t->n ? t->n : 1, sizeof(bool));
    if (!done)
        abort();
    cm_status rc = EXIT_DONE;
    for (;;) {
        const char *cur = NULL; /* the smallest currency not yet shown */
        for (size_t i = 0; i < t->n; i++)
            if (!done[i] && (!cur || strcmp(t->v[i].currency, cur) < 0))
                cur = t->v[i].currency;
        if (!cur)
            break;
        money_t sum[2][WI_MONEY] = {{0}};
        int64_t agreements = 0, changed = 0;
        for (size_t i = 0; i < t->n && rc == EXIT_DONE; i++) {
            const wi_row_t *r = &t->v[i];
            if (strcmp(r->currency, cur) != 0)
                continue;
            done[i] = true;
            agreements++;
            changed += wi_changes(r);
            for (int k = 0; k < WI_MONEY && rc == EXIT_DONE; k++)
                if (!money_accumulate(&sum[0][k], side_money(&r->actual, k)) ||
                    !money_accumulate(&sum[1][k], side_money(&r->whatif, k))) {
                    rc = cm_fail(err, EXIT_INTERNAL, "%s: the %s total in %s does not fit in cents",
                                 b->path, money_names[k], cur);
                }
        }
        if (rc != EXIT_DONE)
            break;
        char title[64];
        snprintf(title, sizeof(title), "Currency %s", cur);
        text(b, ws, row, 0, title, b->section);
        char count[96];
        snprintf(count, sizeof(count), "%lld agreement(s), %lld with a tier or pay change",
                 (long long)agreements, (long long)changed);
        text(b, ws, row, 1, count, NULL);
        row++;
        static const char *const h[] = {"", "actual", "what-if", "difference"};
        for (int c = 0; c < 4; c++)
            text(b, ws, row, (lxw_col_t)c, h[c], b->header);
        lxw_row_t first = ++row;
        for (int k = 0; k < WI_MONEY && rc == EXIT_DONE; k++, row++) {
            money_t d;
            if (!diff(sum[0][k], sum[1][k], &d)) {
                rc =
                    cm_fail(err, EXIT_INTERNAL, "%s: the %s difference in %s does not fit in cents",
                            b->path, money_names[k], cur);
                break;
            }
            text(b, ws, row, 0, money_names[k], NULL);
            money(b, ws, row, 1, sum[0][k], b->money);
            money(b, ws, row, 2, sum[1][k], b->money);
            money(b, ws, row, 3, d, b->money);
        }
        if (rc != EXIT_DONE)
            break;
        lxw_chart *chart = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
        lxw_chart_series *sa = chart ? chart_add_series(chart, NULL, NULL) : NULL;
        lxw_chart_series *sw = chart ? chart_add_series(chart, NULL, NULL) : NULL;
        if (!sa || !sw) {
            xu_keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        } else {
            chart_series_set_categories(sa, "Totals", first, 0, row - 1, 0);
            chart_series_set_values(sa, "Totals", first, 1, row - 1, 1);
            chart_series_set_name(sa, "actual");
            chart_series_set_categories(sw, "Totals", first, 0, row - 1, 0);
            chart_series_set_values(sw, "Totals", first, 2, row - 1, 2);
            chart_series_set_name(sw, "what-if");
            char ct[64];
            snprintf(ct, sizeof(ct), "Actual and what-if, %s", cur);
            chart_title_set_name(chart, ct);
            chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
            lxw_chart_options opt = {.x_scale = 1.2, .y_scale = 1.0};
            xu_keep(b, worksheet_insert_chart_opt(ws, first - 2, 5, chart, &opt));
        }
        row += 8; /* room for the chart beside the block */
    }
    free(done);
    return rc;
}

static int by_partner(const void *x, const void *y)
{
    const wi_row_t *a = *(const wi_row_t *const *)x, *b = *(const wi_row_t *const *)y;
    int c = strcmp(a->partner_id ? a->partner_id : "", b->partner_id ? b->partner_id : "");
    return c ? c : strcmp(a->agreement_id, b->agreement_id);
}

/* The partners whose tier or pay changes, each with its changed agreements. */
static cm_status write_changes(xu_book_t *b, const wi_table_t *t, cm_error_t *err)
{
    lxw_worksheet *ws = xu_add_sheet(b, "Changes");
    static const char *const h[] = {"partner", "agreement", "currency", "tier (actual)",
                                    "tier (what-if)", "next tier (actual)",
                                    "next tier (what-if)", "paid (actual)", "paid (what-if)",
                                    "difference paid"};
    xu_headers(b, ws, h, 10);
    double widths[] = {16, 16, 10, 14, 14, 16, 16, 14, 14, 14};
    xu_keep(b, xu_widths(ws, widths, 10));
    const wi_row_t **v = malloc((t->n ? t->n : 1) * sizeof(*v));
    if (!v)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (wi_changes(&t->v[i]))
            v[n++] = &t->v[i];
    qsort(v, n, sizeof(*v), by_partner);
    cm_status rc = EXIT_DONE;
    for (size_t i = 0; i < n && rc == EXIT_DONE; i++) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        money_t d;
        if (!diff(v[i]->actual.paid, v[i]->whatif.paid, &d)) {
            rc = overflow(v[i], "paid", b->path, err);
            break;
        }
        text(b, ws, row, 0, v[i]->partner_id, NULL);
        text(b, ws, row, 1, v[i]->agreement_id, NULL);
        text(b, ws, row, 2, v[i]->currency, NULL);
        text(b, ws, row, 3, v[i]->actual.tier, NULL);
        text(b, ws, row, 4, v[i]->whatif.tier, NULL);
        text(b, ws, row, 5, v[i]->actual.next, NULL);
        text(b, ws, row, 6, v[i]->whatif.next, NULL);
        money(b, ws, row, 7, v[i]->actual.paid, b->money);
        money(b, ws, row, 8, v[i]->whatif.paid, b->money);
        money(b, ws, row, 9, d, b->money);
    }
    if (rc == EXIT_DONE && n == 0)
        text(b, ws, 1, 0, "No tier or pay changes.", NULL);
    free(v);
    return rc;
}

cm_status wi_write_book(const wi_table_t *t, const char *path, cm_error_t *err)
{
    xu_book_t b;
    cm_status rc = xu_create(path, err);
    if (rc == EXIT_DONE)
        rc = xu_open(&b, path, t->period, "Commission what-if", false, err);
    if (rc != EXIT_DONE)
        return rc;
    rc = write_totals(&b, t, err);
    if (rc == EXIT_DONE)
        rc = write_comparison(&b, t, err);
    if (rc == EXIT_DONE)
        rc = write_changes(&b, t, err);
    cm_error_t closing;
    cm_status closed = xu_close(&b, &closing);
    if (closed != EXIT_DONE && rc == EXIT_DONE)
        *err = closing;
    return rc != EXIT_DONE ? rc : closed;
}
