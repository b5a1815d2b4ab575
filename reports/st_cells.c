/*
 * st_cells.c — writing a statement sheet's cells: texts composed in the
 * sheet's arena, rows fitted to wrapped text, the first write error kept.
 */
#include "st_sheet.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"

/* printf into the arena: the whole text, whatever its length. */
const char *aprintf(arena_t *a, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char *s = arena_alloc(a, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, aq);
    va_end(aq);
    return s;
}

/* "December 2017" / "diciembre de 2017". */
const char *period_text(arena_t *a, lang_t lang, period_t p)
{
    return aprintf(a, lang == LANG_ES ? "%s de %d" : "%s %d", month_name(lang, period_month(p)),
                   p / 12);
}

/* Money as people read it in a note: "750.00" (the sheet's number format
 * shows cells; this is for text). */
const char *money_text(arena_t *a, money_t v)
{
    char buf[MONEY_BUF];
    const char *s = money_format(v, buf);
    return arena_strndup(a, s, strlen(s));
}

/* Record the first libxlsxwriter error of the sheet. */
void chk(sheet_t *s, lxw_error e)
{
    if (e != LXW_NO_ERROR && s->e == LXW_NO_ERROR)
        s->e = e;
}

const double col_widths[NCOLS] = {30, 16, 16, 16, 15, 15, 15, 38, 34};
#define LINE_POINTS 15.0

/* Lines text takes wrapped in column c: per paragraph, its characters over
 * the column's width (a generous estimate: a cut line is worse than a
 * blank one). */
static int text_lines(const char *text, lxw_col_t c)
{
    double per_line = col_widths[c] * 1.2;
    int lines = 0;
    size_t chars = 0;
    for (const char *p = text;; p++) {
        if (*p == '\n' || *p == 0) {
            lines += chars ? (int)((double)chars / per_line) + 1 : 1;
            chars = 0;
            if (!*p)
                break;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            chars++;
        }
    }
    return lines;
}

/* Multi-line text wraps: a wrapping cell sets its row's height to the
 * lines it needs (Excel does not fit rows when it opens a file). */
static void fit_row(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    if (!text || !f || (f != s->f->wrap && f != s->f->bold_wrap && f != s->f->label &&
                        f != s->f->head && f != s->f->head_num && f != s->f->head_indent))
        return;
    int lines = text_lines(text, c);
    if (lines < 2 || (s->tall_row == r && s->tall_lines >= lines))
        return;
    s->tall_row = r;
    s->tall_lines = lines;
    chk(s, worksheet_set_row(s->ws, r, LINE_POINTS * lines, NULL));
}

void s_str(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    if (!f)
        f = s->f->text;
    fit_row(s, r, c, text, f);
    chk(s, worksheet_write_string(s->ws, r, c, text, f));
}

void s_text(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    if (!f)
        f = s->f->text;
    fit_row(s, r, c, text, f);
    chk(s, xu_text(s->ws, r, c, text, f));
}

void s_money(sheet_t *s, lxw_row_t r, lxw_col_t c, money_t v, lxw_format *f)
{
    chk(s, xu_money(s->ws, r, c, v, f));
}

void s_int(sheet_t *s, lxw_row_t r, lxw_col_t c, int64_t v)
{
    chk(s, worksheet_write_number(s->ws, r, c, (double)v, s->b->integer));
}

/* A rate or multiple as a number cell (blank when the document has none). */
void s_rate(sheet_t *s, lxw_row_t r, lxw_col_t c, d_rate_t v, lxw_format *f)
{
    if (v.scale == 0 && v.digits == 0)
        return;
    double x = (double)v.digits;
    for (int i = 0; i < v.scale; i++)
        x /= 10;
    chk(s, worksheet_write_number(s->ws, r, c, x, f));
}

/* A rule's explanation; a name this build does not know is shown as it is. */
const char *explain(const sheet_t *s, const char *rule)
{
    if (!*rule)
        return "";
    rule_code c = rule_from_name(rule);
    return c != RULE_NONE ? rule_explain(s->lang, c) : rule;
}

const char *resolve(const sheet_t *s, const char *rule)
{
    rule_code c = *rule ? rule_from_name(rule) : RULE_NONE;
    return c != RULE_NONE ? rule_resolve(s->lang, c) : "";
}

/* "label (USD)": a money block names its currency. */
const char *in_cur(const sheet_t *s, const char *label)
{
    return aprintf(s->tmp, "%s (%s)", label, s->currency);
}

void label_money(sheet_t *s, const char *label, money_t v, bool bold)
{
    s_str(s, s->r, COL_A, label, bold ? s->b->bold : s->f->label);
    s_money(s, s->r++, COL_B, v, bold ? s->b->money_total : s->b->money);
}

void label_text(sheet_t *s, const char *label, const char *value, lxw_format *f)
{
    s_str(s, s->r, COL_A, label, s->f->label);
    s_text(s, s->r++, COL_B, value, f);
}

void section(sheet_t *s, const char *title)
{
    s->r++;
    s_str(s, s->r++, COL_A, title, s->b->section);
}

/* A table header: names[i] in column cols[i]; numbers right-aligned. */
void header_row(sheet_t *s, const char *const *names, const lxw_col_t *cols, int n,
                       const bool *num)
{
    for (int i = 0; i < n; i++) {
        /* text right after a right-aligned number column keeps its distance */
        bool after_num = i > 0 && num && num[i - 1] && cols[i - 1] + 1 == cols[i];
        s_str(s, s->r, cols[i], names[i],
              num && num[i] ? s->f->head_num : after_num ? s->f->head_indent : s->f->head);
    }
    s->r++;
}

/* A basis value: money for revenue programs, a count of points otherwise. */
void basis_cell(sheet_t *s, lxw_col_t c, bool points, int64_t v)
{
    if (points)
        s_int(s, s->r, c, v);
    else
        s_money(s, s->r, c, v, s->b->money);
}
