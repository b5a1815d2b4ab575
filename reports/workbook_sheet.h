/*
 * workbook_sheet.h — the layout shared by payouts.xlsx's sheets (internal to
 * reports/): the book and its formats, table sheets continued past Excel's
 * row limit, rows fitted to wrapped text, printed pages, bar charts.
 */
#ifndef COMMISSIONS_WORKBOOK_SHEET_H
#define COMMISSIONS_WORKBOOK_SHEET_H

#include "workbook.h"
#include "results.h"
#include "xlsxutil.h"

#define EXCEL_ROWS 1048576u
#define CHART_ROWS 40      /* a chart shows at most this many bars */
#define CHART_CAP 15000    /* percent bars stop at 150 % (hundredths); labels show the truth */
#define CHART_CURRENCIES 8 /* at most this many per-currency charts */

/* The book and the formats only this workbook uses. */
typedef struct wb {
    xu_book_t *b;
    const month_t *m;
    const wb_context_t *x;
    const currency_totals_t *ct; /* results_currency_totals, computed once */
    size_t nct;
    lxw_format *wrap, *indent, *ok, *diff, *note, *mono, *header_after, *wrap_indent;
    char header[160], footer[64];
} wb_t;

/* A table sheet that continues on "Name (2)" past Excel's row limit; each
 * part gets its autofilter when it is finished. Columns in `numeric` (a
 * bit per column) hold numbers: their header is right-aligned over them. */
typedef struct sheet {
    wb_t *w;
    xu_book_t *b;
    const char *name;
    const char *const *headers;
    const double *widths;
    int ncols, part;
    uint32_t numeric;
    lxw_worksheet *ws;
    lxw_row_t row;
} sheet_t;

lxw_error wb_ws_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                           lxw_format *f);
lxw_error wb_ws_number(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f);
double wb_text_lines(const char *s, double width);
void wb_fit_row(xu_book_t *b, lxw_worksheet *ws, lxw_row_t r, const char *const *texts,
                    const double *widths, int n);
void wb_print_setup(wb_t *w, lxw_worksheet *ws);
void wb_sheet_finish_part(sheet_t *s);
void wb_sheet_new_part(sheet_t *s);
lxw_row_t wb_sheet_row(sheet_t *s);
void wb_sheet_open(sheet_t *s, wb_t *w, const char *name, const char *const *h, int n,
                       const double *widths, uint32_t numeric);
const char *wb_program_name(const month_t *m, int32_t a);
const char *wb_agreement_currency(const month_t *m, int32_t a);
lxw_chart_series *wb_bar_chart(xu_book_t *b, lxw_worksheet *ws, const char *sheet,
                                       uint8_t type, const char *title, lxw_row_t first,
                                       lxw_row_t last, lxw_col_t cat, lxw_col_t val,
                                       lxw_row_t at_row, lxw_col_t at_col,
                                       const char *num_format, double x_scale, double y_scale,
                                       lxw_chart **out);

/* The sheets, in book order. */
void wb_overview(wb_t *w);
void wb_summary(wb_t *w);
void wb_lines(wb_t *w, const currency_totals_t *ct, size_t nct, money_t *by_currency);
void wb_exceptions(wb_t *w);
void wb_commitments(wb_t *w);
void wb_tiers(wb_t *w);
void wb_points(wb_t *w);
void wb_control(wb_t *w, const currency_totals_t *ct, size_t nct,
                   const money_t *lines_by_currency);

#endif
