/*
 * xlsxutil.h — shared xlsx helpers (prefix xu_): deterministic workbooks,
 * formats, text that is always a string cell, and money at the cell edge.
 */
#ifndef COMMISSIONS_XLSXUTIL_H
#define COMMISSIONS_XLSXUTIL_H

#include <xlsxwriter.h>

#include "model.h"
#include "status.h"

typedef struct xu_book {
    lxw_workbook *wb;
    const char *path; /* as given to xu_open (borrowed): errors name it */
    lxw_format *header, *header_num, *money, *money_total, *date, *bold, *title, *section, *integer,
        *percent, *right;
    char failed[256]; /* the first failed call's reason ("" while none) */
} xu_book_t;

/* Open with a creation time fixed by the period, so the same inputs give the
 * same bytes. constant_memory streams rows to temporary files (flat memory
 * for any size, rows written in order); without it a small workbook is
 * built in memory, with no temporary files. path is borrowed until
 * xu_close. EXIT_INTERNAL with "path: cannot create the workbook: reason". */
cm_status xu_open(xu_book_t *b, const char *path, period_t period, const char *title,
                  bool constant_memory, cm_error_t *err);
/* Close (the file is written now). EXIT_INTERNAL with "path: reason": the
 * first failure xu_keep / xu_add_sheet recorded, or libxlsxwriter's and the
 * system's reason for the close. */
cm_status xu_close(xu_book_t *b, cm_error_t *err);
/* Create path as an empty regular file, never through a symlink (a missing
 * folder, a full disk or no free inode is reported here with the system's
 * reason, before any work). EXIT_INTERNAL with "path: reason". */
cm_status xu_create(const char *path, cm_error_t *err);
/* A new format of the book (aborts when out of memory). */
lxw_format *xu_format(xu_book_t *b);
/* A new sheet, or NULL with the reason recorded in b->failed (the cell
 * writers below skip a NULL sheet). */
lxw_worksheet *xu_add_sheet(xu_book_t *b, const char *name);
/* Record a failed libxlsxwriter call (e != LXW_NO_ERROR) in b->failed. */
void xu_keep(xu_book_t *b, lxw_error e);

/* Text from inputs: always a string cell, never a formula; blank for NULL
 * or "". Characters XML 1.0 forbids (C0 controls other than tab, LF and
 * CR; U+FFFE, U+FFFF) and bytes that are not UTF-8 become U+FFFD, so the
 * sheet's XML is always well-formed. The cell writers return
 * libxlsxwriter's result (LXW_NO_ERROR when written; a NULL sheet is
 * skipped with LXW_ERROR_NULL_PARAMETER_IGNORED). */
lxw_error xu_text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f);
/* s itself when XML 1.0 allows it as it is, else a malloc'd copy with
 * U+FFFD for each forbidden character or bad byte (*copy set to it, for the
 * caller to free; NULL when s is returned). */
const char *xu_xml_text(const char *s, char **copy);
/* Money: exact cents become a number only here, at the cell boundary (an
 * Excel cell is an IEEE double; every int64 cent below 2^53 is exact). */
lxw_error xu_money(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, money_t cents, lxw_format *f);
/* A date as a real date cell (blank for DATE_NONE). */
lxw_error xu_date(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, date_t d, lxw_format *f);
/* A percentage kept in hundredths (12.34 % is 1234) as a percent cell. */
lxw_error xu_percent(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int64_t hundredths,
                     lxw_format *f);
/* A table's header row (frozen, repeated on printed pages; a failure is
 * recorded in b->failed) and column widths (the first failure returned). */
void xu_headers(xu_book_t *b, lxw_worksheet *ws, const char *const *names, int n);
lxw_error xu_widths(lxw_worksheet *ws, const double *widths, int n);

#endif
