/*
 * st_sheet.h — what the parts of a statement workbook share: the labels,
 * the formats, a sheet being written and its cell writers, the blocks of an
 * agreement's sheet and the name mappings (statements.h).
 */
#ifndef COMMISSIONS_ST_SHEET_H
#define COMMISSIONS_ST_SHEET_H

#include "st_doc.h"
#include "arena.h"
#include "xlsxutil.h"

/* Labels of the sheet, per language. Spanish as a Latin American finance
 * team writes it. */
enum { L_TITLE, L_PERIOD, L_AGREEMENT, L_PROGRAM, L_CURRENCY, L_CURRENCY_NOTE, L_PAYABLE,
       L_CARRIED_IN, L_EARNED, L_BALANCE, L_PAID, L_CARRIED_OUT, L_STATUS, L_PAYMENT,
       L_PAYMENT_NONE, L_DUE, L_TIER_SECTION, L_TIER, L_NEXT_REVIEW, L_REVIEW_AT,
       L_REVIEW_PROGRAM, L_PROGRAM_CHANGES, L_THRESHOLDS, L_MIN_VALUE, L_BASIS_WINDOW,
       L_BASIS_POINTS, L_COMBINED, L_BASIS_TO_DATE, L_NEXT_TIER, L_NEEDED, L_DECIDED,
       L_FROZEN, L_TOP_TIER, L_NO_REVIEW, L_COMMITMENTS, L_COMMITMENT, L_AMOUNT_DUE,
       L_RETIRED, L_TO_DATE, L_REMAINING, L_PERCENT, L_POINTS_SECTION, L_POINTS_TO_DATE,
       L_ACTIVITY, L_CODE, L_DATE, L_POINTS, L_RESULT, L_CREDIT, L_CREDIT_NOTE, L_RESIDUALS,
       L_SERVICE, L_PRODUCT, L_ROWS, L_REVENUE, L_RATE, L_AMOUNT, L_NOTE, L_TOTAL,
       L_SPIFFS, L_ORDER, L_MRC, L_MULTIPLE, L_CHARGEBACKS, L_DISCONNECT, L_REVERSED,
       L_SPIFF_PAID, L_SERVED, L_ADJUSTMENTS, L_ADJUSTMENT, L_REASON, L_ENTERED_BY,
       L_APPROVED_BY, L_APPROVED_ON, L_HELD, L_HELD_NOTE, L_ITEM, L_HELD_ORDER,
       L_HELD_REVENUE, L_WHY, L_RESOLVE, L_HISTORY, L_EARNED_TOTAL, L_DRAFT, L_DRAFT_BANNER,
       L_PAGE, L_NONE_HELD, L_COUNT };
extern const char *const L[LANG_COUNT][L_COUNT];
extern const char *const kind_label[LANG_COUNT][LINE_KIND_COUNT];
extern const char *const held_status[LANG_COUNT][2];
extern const char *const refused_label[LANG_COUNT];

/* Formats of a statement workbook beyond xlsxutil's. */
typedef struct st_formats {
    lxw_format *wrap, *bold_wrap, *banner, *rate, *multiple, *head, *head_num, *payment,
        *payment_money, *label, *indent, *text, *head_indent;
} st_formats_t;

typedef struct sheet {
    xu_book_t *b;
    const st_formats_t *f;
    lxw_worksheet *ws;
    const char *const *l;
    lang_t lang;
    const char *currency;
    arena_t *tmp; /* every composed text: never a fixed-size buffer */
    lxw_row_t r;
    lxw_row_t tall_row; /* the row whose height was set last, and its lines */
    int tall_lines;
    lxw_error e; /* the first write error */
} sheet_t;

/* Columns: A label / first key, B-G values, H and I long text (wrapped). */
enum { COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_G, COL_H, COL_I, NCOLS };

extern const double col_widths[NCOLS];

const char *aprintf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *period_text(arena_t *a, lang_t lang, period_t p);
const char *money_text(arena_t *a, money_t v);
void chk(sheet_t *s, lxw_error e);
void s_str(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f);
void s_text(sheet_t *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f);
void s_money(sheet_t *s, lxw_row_t r, lxw_col_t c, money_t v, lxw_format *f);
void s_int(sheet_t *s, lxw_row_t r, lxw_col_t c, int64_t v);
void s_rate(sheet_t *s, lxw_row_t r, lxw_col_t c, d_rate_t v, lxw_format *f);
const char *explain(const sheet_t *s, const char *rule);
const char *resolve(const sheet_t *s, const char *rule);
const char *in_cur(const sheet_t *s, const char *label);
void label_money(sheet_t *s, const char *label, money_t v, bool bold);
void label_text(sheet_t *s, const char *label, const char *value, lxw_format *f);
void section(sheet_t *s, const char *title);
void header_row(sheet_t *s, const char *const *names, const lxw_col_t *cols, int n,
                const bool *num);
void basis_cell(sheet_t *s, lxw_col_t c, bool points, int64_t v);

void write_payment(sheet_t *s, const d_agreement_t *a);
void write_payable(sheet_t *s, const d_agreement_t *a);
void write_tier(sheet_t *s, const d_agreement_t *a);
void write_commitments(sheet_t *s, const d_agreement_t *a);
void write_points(sheet_t *s, const d_agreement_t *a);
void write_lines(sheet_t *s, const d_agreement_t *a);
void write_held(sheet_t *s, const d_doc_t *d);
void write_history(sheet_t *s, const d_agreement_t *a);

#define FILE_ID_MAX 64 /* SPEC §2: ids are 1-64 characters */
#define SHEET_NAME_MAX 31
bool file_name(const char *id, strmap_t *used, arena_t *a, char *out);
void sheet_name(const char *id, strmap_t *used, arena_t *a, char *out);

#endif
