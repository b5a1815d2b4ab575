/*
 * xlsxutil.c — see xlsxutil.h.
 */
#include "xlsxutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

lxw_format *xu_format(xu_book_t *b)
{
    lxw_format *f = workbook_add_format(b->wb);
    if (!f)
        abort();
    return f;
}

cm_status xu_open(xu_book_t *b, const char *path, period_t period, const char *title,
                  bool constant_memory, cm_error_t *err)
{
    lxw_workbook_options opt = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE,
                                .tmpdir = NULL};
    memset(b, 0, sizeof(*b));
    b->path = path;
    errno = 0;
    b->wb = workbook_new_opt(path, &opt);
    if (!b->wb)
        return cm_fail(err, EXIT_INTERNAL, "%s: cannot create the workbook%s%s", path,
                       errno ? ": " : "", errno ? strerror(errno) : "");
    /* 00:00 UTC of the period's last day, as seconds since 1970 */
    lxw_doc_properties props = {.title = (char *)title, .author = "commissions",
                                .created = (time_t)period_last_day(period) * 86400};
    xu_keep(b, workbook_set_properties(b->wb, &props));
    b->header = xu_format(b);
    format_set_bold(b->header);
    format_set_bg_color(b->header, 0xDDE4EE);
    format_set_bottom(b->header, LXW_BORDER_THIN);
    format_set_text_wrap(b->header);
    format_set_align(b->header, LXW_ALIGN_VERTICAL_TOP);
    b->header_num = xu_format(b); /* over a column of numbers */
    format_set_bold(b->header_num);
    format_set_bg_color(b->header_num, 0xDDE4EE);
    format_set_bottom(b->header_num, LXW_BORDER_THIN);
    format_set_text_wrap(b->header_num);
    format_set_align(b->header_num, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(b->header_num, LXW_ALIGN_RIGHT);
    b->money = xu_format(b);
    format_set_num_format(b->money, "#,##0.00;[Red]-#,##0.00");
    b->money_total = xu_format(b);
    format_set_num_format(b->money_total, "#,##0.00;[Red]-#,##0.00");
    format_set_bold(b->money_total);
    format_set_top(b->money_total, LXW_BORDER_THIN);
    b->date = xu_format(b);
    format_set_num_format(b->date, "yyyy-mm-dd");
    format_set_align(b->date, LXW_ALIGN_LEFT);
    b->bold = xu_format(b);
    format_set_bold(b->bold);
    b->title = xu_format(b);
    format_set_bold(b->title);
    format_set_font_size(b->title, 14);
    format_set_font_color(b->title, 0x1F3864);
    b->section = xu_format(b);
    format_set_bold(b->section);
    format_set_font_color(b->section, 0x1F3864);
    format_set_bottom(b->section, LXW_BORDER_MEDIUM);
    format_set_bottom_color(b->section, 0x1F3864);
    b->integer = xu_format(b);
    format_set_num_format(b->integer, "#,##0");
    b->percent = xu_format(b);
    format_set_num_format(b->percent, "0.00%");
    b->right = xu_format(b);
    format_set_align(b->right, LXW_ALIGN_RIGHT);
    return EXIT_DONE;
}

cm_status xu_close(xu_book_t *b, cm_error_t *err)
{
    errno = 0;
    lxw_error e = workbook_close(b->wb);
    int sys = errno;
    b->wb = NULL;
    if (b->failed[0])
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", b->path, b->failed);
    if (e != LXW_NO_ERROR)
        return cm_fail(err, EXIT_INTERNAL, "%s: %s%s%s%s", b->path, lxw_strerror(e),
                       sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
    return EXIT_DONE;
}

cm_status xu_create(const char *path, cm_error_t *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 || close(fd) != 0)
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(errno));
    return EXIT_DONE;
}

lxw_worksheet *xu_add_sheet(xu_book_t *b, const char *name)
{
    errno = 0;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (!ws && !b->failed[0]) {
        int sys = errno;
        if (workbook_validate_sheet_name(b->wb, name) != LXW_NO_ERROR)
            snprintf(b->failed, sizeof(b->failed), "cannot add sheet %s: %s", name,
                     lxw_strerror(workbook_validate_sheet_name(b->wb, name)));
        else
            snprintf(b->failed, sizeof(b->failed), "cannot add sheet %s: %s", name,
                     sys ? strerror(sys) : "libxlsxwriter refused it");
    }
    return ws;
}

void xu_keep(xu_book_t *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && !b->failed[0])
        snprintf(b->failed, sizeof(b->failed), "%s", lxw_strerror(e));
}

/* Length of the character at s (1 for a byte that does not start a
 * well-formed UTF-8 sequence); *ok whether XML 1.0 allows it. */
static size_t xml_char(const unsigned char *s, bool *ok)
{
    unsigned c = s[0];
    *ok = false;
    if (c < 0x80) {
        *ok = c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
        return 1;
    }
    size_t n = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (!n)
        return 1;
    uint32_t cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 1;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 1; /* overlong or a surrogate: not UTF-8 */
    *ok = cp != 0xFFFE && cp != 0xFFFF;
    return n;
}

const char *xu_xml_text(const char *s, char **copy)
{
    *copy = NULL;
    const unsigned char *p = (const unsigned char *)s;
    while (*p >= 0x20 && *p < 0x80) /* the common case: printable ASCII */
        p++;
    bool ok = true;
    while (*p && ok)
        p += xml_char(p, &ok);
    if (ok)
        return s;
    size_t len = strlen(s);
    char *o = malloc(len * 3 + 1), *w = o; /* a byte becomes 3 bytes at most */
    if (!o)
        abort();
    for (const unsigned char *q = (const unsigned char *)s; *q;) {
        size_t n = xml_char(q, &ok);
        if (ok) {
            memcpy(w, q, n);
            w += n;
        } else {
            memcpy(w, "\xEF\xBF\xBD", 3); /* U+FFFD */
            w += 3;
        }
        q += n;
    }
    *w = 0;
    *copy = o;
    return o;
}

lxw_error xu_text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
    if (!ws)
        return LXW_ERROR_NULL_PARAMETER_IGNORED;
    if (!s || !*s)
        return LXW_NO_ERROR;
    char *copy;
    lxw_error e = worksheet_write_string(ws, r, c, xu_xml_text(s, &copy), f);
    free(copy);
    return e;
}

lxw_error xu_money(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, money_t cents, lxw_format *f)
{
    if (!ws)
        return LXW_ERROR_NULL_PARAMETER_IGNORED;
    return worksheet_write_number(ws, r, c, (double)cents / 100.0, f);
}

lxw_error xu_date(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, date_t d, lxw_format *f)
{
    if (!ws)
        return LXW_ERROR_NULL_PARAMETER_IGNORED;
    if (d == DATE_NONE)
        return LXW_NO_ERROR;
    /* Excel's serial day: 1899-12-30 is 0 (25569 days before 1970-01-01) */
    return worksheet_write_number(ws, r, c, (double)d + 25569.0, f);
}

lxw_error xu_percent(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int64_t hundredths,
                     lxw_format *f)
{
    if (!ws)
        return LXW_ERROR_NULL_PARAMETER_IGNORED;
    return worksheet_write_number(ws, r, c, (double)hundredths / 10000.0, f);
}

lxw_error xu_widths(lxw_worksheet *ws, const double *widths, int n)
{
    if (!ws)
        return LXW_ERROR_NULL_PARAMETER_IGNORED;
    lxw_error first = LXW_NO_ERROR;
    for (int i = 0; i < n; i++) {
        lxw_error e = worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
        if (first == LXW_NO_ERROR)
            first = e;
    }
    return first;
}

void xu_headers(xu_book_t *b, lxw_worksheet *ws, const char *const *names, int n)
{
    if (!ws)
        return;
    for (int i = 0; i < n; i++) {
        xu_keep(b, worksheet_write_string(ws, 0, (lxw_col_t)i, names[i], b->header));
        xu_keep(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 0 ? 22 : 16, NULL));
    }
    worksheet_freeze_panes(ws, 1, 0);
    /* printed or converted to PDF: landscape, all columns on one page width */
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    xu_keep(b, worksheet_repeat_rows(ws, 0, 0));
}
