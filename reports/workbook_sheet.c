/*
 * workbook_sheet.c — the layout shared by payouts.xlsx's sheets (workbook_sheet.h).
 */
#include "workbook_sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every cell write is checked (xu_keep records the first failure in the
 * book, wb_write_payouts reports it); a sheet that could not be added is
 * NULL and its cells are skipped. */
lxw_error wb_ws_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                       lxw_format *f)
{
    return ws ? worksheet_write_string(ws, r, c, s, f) : LXW_ERROR_NULL_PARAMETER_IGNORED;
}

lxw_error wb_ws_number(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
    return ws ? worksheet_write_number(ws, r, c, v, f) : LXW_ERROR_NULL_PARAMETER_IGNORED;
}

/* Lines a wrapped text takes in a column of width characters (a column's
 * width counts digits; text averages about 0.9 of one). */
double wb_text_lines(const char *s, double width)
{
    double lines = 0, n = 0;
    for (;; s++) {
        if (!*s || *s == '\n') {
            double k = 1;
            while (n * 0.9 > k * width)
                k++;
            lines += k;
            n = 0;
            if (!*s)
                return lines;
        } else if (((unsigned char)*s & 0xC0) != 0x80) {
            n++; /* a UTF-8 character, not its continuation bytes */
        }
    }
}

/* A row tall enough for its wrapped texts texts[0..n) in columns of the
 * given widths (default height when one line each). */
void wb_fit_row(xu_book_t *b, lxw_worksheet *ws, lxw_row_t r, const char *const *texts,
                const double *widths, int n)
{
    double lines = 1;
    for (int i = 0; i < n; i++)
        if (texts[i] && wb_text_lines(texts[i], widths[i]) > lines)
            lines = wb_text_lines(texts[i], widths[i]);
    if (ws && lines > 1)
        xu_keep(b, worksheet_set_row(ws, r, 15 * lines, NULL));
}

/* Printed: landscape, one page wide, the header and footer. */
void wb_print_setup(wb_t *w, lxw_worksheet *ws)
{
    if (!ws)
        return;
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    xu_keep(w->b, worksheet_set_header(ws, w->header));
    xu_keep(w->b, worksheet_set_footer(ws, w->footer));
}

void wb_sheet_finish_part(sheet_t *s)
{
    if (s->ws)
        xu_keep(s->b, worksheet_autofilter(s->ws, 0, 0, s->row > 1 ? s->row - 1 : 1,
                                           (lxw_col_t)(s->ncols - 1)));
}

void wb_sheet_new_part(sheet_t *s)
{
    char name[32];
    wb_sheet_finish_part(s);
    s->part++;
    if (s->part == 1)
        snprintf(name, sizeof(name), "%s", s->name);
    else
        snprintf(name, sizeof(name), "%s (%d)", s->name, s->part);
    s->ws = xu_add_sheet(s->b, name);
    xu_headers(s->b, s->ws, s->headers, s->ncols);
    double lines = 1;
    for (int i = 0; s->ws && i < s->ncols; i++) {
        if (s->numeric & (1u << i))
            xu_keep(s->b, wb_ws_string(s->ws, 0, (lxw_col_t)i, s->headers[i], s->b->header_num));
        else if (i > 0 && (s->numeric & (1u << (i - 1)))) /* kept apart from the number's */
            xu_keep(s->b, wb_ws_string(s->ws, 0, (lxw_col_t)i, s->headers[i], s->w->header_after));
        if (s->widths && wb_text_lines(s->headers[i], s->widths[i]) > lines)
            lines = wb_text_lines(s->headers[i], s->widths[i]);
    }
    if (s->ws && lines > 1)
        xu_keep(s->b, worksheet_set_row(s->ws, 0, 15 * lines, NULL));
    if (s->widths)
        xu_keep(s->b, xu_widths(s->ws, s->widths, s->ncols));
    wb_print_setup(s->w, s->ws);
    s->row = 1;
}

lxw_row_t wb_sheet_row(sheet_t *s)
{
    if (s->row >= EXCEL_ROWS)
        wb_sheet_new_part(s);
    return s->row++;
}

void wb_sheet_open(sheet_t *s, wb_t *w, const char *name, const char *const *h, int n,
                   const double *widths, uint32_t numeric)
{
    memset(s, 0, sizeof(*s));
    s->w = w;
    s->b = w->b;
    s->name = name;
    s->headers = h;
    s->ncols = n;
    s->widths = widths;
    s->numeric = numeric;
    wb_sheet_new_part(s);
}

const char *wb_program_name(const month_t *m, int32_t a)
{
    int32_t g = m->tiers[a].program;
    return g >= 0 ? m->book->programs.v[g].name : "";
}

const char *wb_agreement_currency(const month_t *m, int32_t a)
{
    return m->master->agreements.v[a].currency.code;
}

/* A chart over rows [first, last] of a sheet's columns (categories, values);
 * NULL when there is nothing to chart. */
lxw_chart_series *wb_bar_chart(xu_book_t *b, lxw_worksheet *ws, const char *sheet,
                               uint8_t type, const char *title, lxw_row_t first,
                               lxw_row_t last, lxw_col_t cat, lxw_col_t val,
                               lxw_row_t at_row, lxw_col_t at_col,
                               const char *num_format, double x_scale, double y_scale,
                               lxw_chart **out)
{
    if (last < first || !ws)
        return NULL;
    lxw_chart *chart = workbook_add_chart(b->wb, type);
    lxw_chart_series *series = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!series) {
        xu_keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_series_set_categories(series, sheet, first, cat, last, cat);
    chart_series_set_values(series, sheet, first, val, last, val);
    chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    if (num_format)
        chart_axis_set_num_format(type == LXW_CHART_BAR ? chart->x_axis : chart->y_axis,
                                  num_format);
    if (type == LXW_CHART_BAR)
        chart_axis_set_reverse(chart->y_axis); /* the first row on top, as in the table */
    lxw_chart_options opt = {.x_scale = x_scale, .y_scale = y_scale};
    xu_keep(b, worksheet_insert_chart_opt(ws, at_row, at_col, chart, &opt));
    if (out)
        *out = chart;
    return series;
}
