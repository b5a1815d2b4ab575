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

/* Cell writers that skip a NULL sheet (one that could not be added:
 * LXW_ERROR_NULL_PARAMETER_IGNORED); callers pass every result to xu_keep,
 * which records the first failure in the book for wb_write_payouts. */
lxw_error wb_ws_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                       lxw_format *f);
lxw_error wb_ws_number(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f);

/* Lines a wrapped text takes in a column of width characters. */
double wb_text_lines(const char *s, double width);
/* Row r tall enough for its wrapped texts texts[0..n) in columns of the
 * given widths (default height when one line each). */
void wb_fit_row(xu_book_t *b, lxw_worksheet *ws, lxw_row_t r, const char *const *texts,
                const double *widths, int n);
/* Printed: landscape, one page wide, the book's header and footer. */
void wb_print_setup(wb_t *w, lxw_worksheet *ws);

/* A table sheet: name, headers h[0..n), column widths (NULL: defaults) and
 * the columns holding numbers (a bit each). wb_sheet_row gives the next row,
 * starting a new part past Excel's row limit; wb_sheet_finish_part sets the
 * finished part's autofilter (rows written after it stay out of it). */
void wb_sheet_open(sheet_t *s, wb_t *w, const char *name, const char *const *h, int n,
                   const double *widths, uint32_t numeric);
lxw_row_t wb_sheet_row(sheet_t *s);
void wb_sheet_new_part(sheet_t *s);
void wb_sheet_finish_part(sheet_t *s);

/* Agreement a's program in effect ("" none) and currency code. */
const char *wb_program_name(const month_t *m, int32_t a);
const char *wb_agreement_currency(const month_t *m, int32_t a);

/* A bar or column chart of sheet's rows [first, last], categories in column
 * cat and values in val, inserted at (at_row, at_col); its series (and the
 * chart in *out), or NULL when there is nothing to chart or it failed (the
 * failure recorded in the book). */
lxw_chart_series *wb_bar_chart(xu_book_t *b, lxw_worksheet *ws, const char *sheet, uint8_t type,
                               const char *title, lxw_row_t first, lxw_row_t last, lxw_col_t cat,
                               lxw_col_t val, lxw_row_t at_row, lxw_col_t at_col,
                               const char *num_format, double x_scale, double y_scale,
                               lxw_chart **out);

/* The sheets, in book order. wb_lines adds the Lines sheet's amounts per
 * (currency of ct, kind) into by_currency (nct * LINE_KIND_COUNT), which
 * wb_control checks against the agreements' aggregates. */
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
