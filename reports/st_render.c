/*
 * st_render.c — statement documents -> workbooks (one per partner, one sheet
 * per agreement) and index.csv, on two threads.
 */
#include "statements.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results.h"
#include "st_sheet.h"

/* Every failure of rendering: EXIT_INTERNAL, its message naming the statements. */
#define st_fail(err, fmt, ...) cm_fail((err), EXIT_INTERNAL, "statements: " fmt, __VA_ARGS__)

/* A header or footer section: characters XML forbids replaced (xu_xml_text),
 * '&' doubled (Excel's escape). */
static const char *hf_escape(arena_t *a, const char *text)
{
    char *copy = NULL;
    const char *t = xu_xml_text(text, &copy);
    size_t n = 0;
    for (const char *p = t; *p; p++)
        n += *p == '&' ? 2 : 1;
    char *o = arena_alloc(a, n + 1), *q = o;
    for (const char *p = t; *p; p++) {
        *q++ = *p;
        if (*p == '&')
            *q++ = '&';
    }
    *q = 0;
    free(copy);
    return o;
}

/* Page header (title, agreement, DRAFT) and footer (partner, period, page x
 * of y). Excel limits each to 255 characters: a partner name too long for
 * the footer gives way to the partner id there (the sheet shows the name). */
static void page_setup(sheet_t *s, const d_doc_t *d, const d_agreement_t *a, bool draft)
{
    worksheet_set_landscape(s->ws);
    worksheet_fit_to_pages(s->ws, 1, 0);
    worksheet_set_margins(s->ws, 0.4, 0.4, 0.7, 0.7);
    const char *per = hf_escape(s->tmp, period_text(s->tmp, d->lang, d->period));
    const char *header = aprintf(s->tmp, "&L%s — %s%s%s&R%s", hf_escape(s->tmp, s->l[L_TITLE]),
                                 hf_escape(s->tmp, a->id),
                                 draft ? "&C&\"-,Bold\"&14" : "", draft ? s->l[L_DRAFT] : "", per);
    if (strlen(header) > 255)
        header = aprintf(s->tmp, "&L%s%s%s&R%s", hf_escape(s->tmp, s->l[L_TITLE]),
                         draft ? "&C&\"-,Bold\"&14" : "", draft ? s->l[L_DRAFT] : "", per);
    chk(s, worksheet_set_header(s->ws, header));
    const char *footer = aprintf(s->tmp, "&L%s&C%s&R%s", hf_escape(s->tmp, d->partner_name), per,
                                 s->l[L_PAGE]);
    if (strlen(footer) > 255)
        footer = aprintf(s->tmp, "&L%s&C%s&R%s", hf_escape(s->tmp, d->partner_id), per,
                         s->l[L_PAGE]);
    chk(s, worksheet_set_footer(s->ws, footer));
}

/* The top of every statement sheet: column widths, print setup, the draft
 * banner, the title, the partner and the period. */
static void sheet_head(sheet_t *s, const d_doc_t *d, const d_agreement_t *a, bool draft)
{
    chk(s, xu_widths(s->ws, col_widths, NCOLS));
    page_setup(s, d, a, draft);
    if (draft) {
        chk(s, worksheet_merge_range(s->ws, 0, COL_A, 0, COL_I, s->l[L_DRAFT_BANNER],
                                     s->f->banner));
        s->r++;
    }
    s_str(s, s->r++, COL_A, s->l[L_TITLE], s->b->title);
    s_text(s, s->r++, COL_A, d->partner_name, s->f->bold_wrap);
    label_text(s, s->l[L_PERIOD], period_text(s->tmp, d->lang, d->period), NULL);
}

/* One agreement's sheet of the workbook at path. */
static cm_status agreement_sheet(xu_book_t *b, const char *path, const st_formats_t *f,
                                 const d_doc_t *d, const d_agreement_t *a, bool first, bool draft,
                                 strmap_t *used, arena_t *names, cm_error_t *err)
{
    char name[SHEET_NAME_MAX + 1];
    sheet_name(a->id, used, names, name);
    arena_t tmp = {0};
    sheet_t s = {.b = b, .f = f, .ws = xu_add_sheet(b, name), .l = L[d->lang],
                 .lang = d->lang, .currency = a->currency, .tmp = &tmp};
    if (!s.ws) {
        arena_release(&tmp);
        return st_fail(err, "%s: agreement %s: %s", path, a->id, b->failed);
    }
    sheet_head(&s, d, a, draft);
    s_str(&s, s.r, COL_A, s.l[L_AGREEMENT], f->label);
    s_text(&s, s.r, COL_B, a->id, NULL);
    s_text(&s, s.r++, COL_D, a->company, NULL);
    if (a->has_tier) {
        label_text(&s, s.l[L_PROGRAM], a->program, NULL);
    }
    s_str(&s, s.r, COL_A, s.l[L_CURRENCY], f->label);
    s_text(&s, s.r, COL_B, a->currency, b->bold);
    s_str(&s, s.r++, COL_D, aprintf(&tmp, "%s %s", s.l[L_CURRENCY_NOTE], a->currency), NULL);
    write_payment(&s, a);
    write_payable(&s, a);
    write_tier(&s, a);
    write_commitments(&s, a);
    write_points(&s, a);
    write_lines(&s, a);
    if (first)
        write_held(&s, d);
    write_history(&s, a);
    arena_release(&tmp);
    if (s.e != LXW_NO_ERROR)
        return st_fail(err, "%s: agreement %s, sheet %s: %s", path, a->id, name,
                       lxw_strerror(s.e));
    return EXIT_DONE;
}

/* A partner with held items and no agreement shown: one sheet with them. */
static cm_status held_sheet(xu_book_t *b, const char *path, const st_formats_t *f,
                            const d_doc_t *d, bool draft, cm_error_t *err)
{
    arena_t tmp = {0};
    sheet_t s = {.b = b, .f = f, .ws = xu_add_sheet(b, "Statement"),
                 .l = L[d->lang], .lang = d->lang, .currency = "", .tmp = &tmp};
    if (!s.ws) {
        arena_release(&tmp);
        return st_fail(err, "%s: %s", path, b->failed);
    }
    d_agreement_t none = {.id = ""};
    sheet_head(&s, d, &none, draft);
    write_held(&s, d);
    arena_release(&tmp);
    if (s.e != LXW_NO_ERROR)
        return st_fail(err, "%s: sheet Statement: %s", path, lxw_strerror(s.e));
    return EXIT_DONE;
}

static void st_formats(xu_book_t *b, st_formats_t *f)
{
    lxw_workbook *wb = b->wb;
    /* numbers and dates sit at the top of a row that wrapped text makes tall */
    lxw_format *top[] = {b->money, b->money_total, b->date, b->integer, b->percent, b->right,
                         b->bold};
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
        format_set_align(top[i], LXW_ALIGN_VERTICAL_TOP);
    f->wrap = workbook_add_format(wb);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    f->bold_wrap = workbook_add_format(wb);
    format_set_bold(f->bold_wrap);
    format_set_text_wrap(f->bold_wrap);
    format_set_align(f->bold_wrap, LXW_ALIGN_VERTICAL_TOP);
    f->label = workbook_add_format(wb);
    format_set_text_wrap(f->label);
    format_set_align(f->label, LXW_ALIGN_VERTICAL_TOP);
    f->banner = workbook_add_format(wb);
    format_set_bold(f->banner);
    format_set_font_size(f->banner, 14);
    format_set_font_color(f->banner, 0x9C0006);
    format_set_bg_color(f->banner, 0xFFC7CE);
    format_set_align(f->banner, LXW_ALIGN_CENTER);
    f->text = workbook_add_format(wb);
    format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
    f->indent = workbook_add_format(wb);
    format_set_indent(f->indent, 1);
    format_set_align(f->indent, LXW_ALIGN_VERTICAL_TOP);
    f->rate = workbook_add_format(wb);
    format_set_num_format(f->rate, "0.####");
    format_set_align(f->rate, LXW_ALIGN_VERTICAL_TOP);
    f->multiple = workbook_add_format(wb);
    format_set_num_format(f->multiple, "\"× \"0.##");
    format_set_align(f->multiple, LXW_ALIGN_VERTICAL_TOP);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_text_wrap(f->head);
    format_set_bottom(f->head, LXW_BORDER_THIN);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_BOTTOM);
    f->head_indent = workbook_add_format(wb);
    format_set_bold(f->head_indent);
    format_set_text_wrap(f->head_indent);
    format_set_bottom(f->head_indent, LXW_BORDER_THIN);
    format_set_indent(f->head_indent, 1);
    format_set_align(f->head_indent, LXW_ALIGN_VERTICAL_BOTTOM);
    f->head_num = workbook_add_format(wb);
    format_set_bold(f->head_num);
    format_set_text_wrap(f->head_num);
    format_set_bottom(f->head_num, LXW_BORDER_THIN);
    format_set_align(f->head_num, LXW_ALIGN_RIGHT);
    format_set_align(f->head_num, LXW_ALIGN_VERTICAL_BOTTOM);
    f->payment = workbook_add_format(wb);
    format_set_bold(f->payment);
    format_set_font_size(f->payment, 12);
    f->payment_money = workbook_add_format(wb);
    format_set_bold(f->payment_money);
    format_set_font_size(f->payment_money, 12);
    format_set_num_format(f->payment_money, "#,##0.00");
}

/* Up to this many detail rows a statement is built in memory (no temporary
 * files); above it, constant-memory mode keeps memory flat. */
#define IN_MEMORY_ROWS 20000

static int64_t doc_rows(const d_doc_t *d)
{
    int64_t rows = d->nheld;
    for (uint32_t i = 0; i < d->nagreements; i++) {
        const d_agreement_t *a = &d->agreements[i];
        rows += (int64_t)a->ngroups + a->nlines + a->nactivities + a->ncommitments +
                a->nhistory + a->nthresholds + 60;
    }
    return rows;
}

/* Render one document into path (removed again on failure). */
static cm_status render_one(const st_doc_t *doc, const char *path, bool draft, cm_error_t *err)
{
    d_doc_t d;
    const char *bad = decode_doc(doc, &d);
    cm_status rc = EXIT_DONE;
    if (bad)
        rc = st_fail(err, "%s: the statement document of partner %s is unusable: %s", path,
                     doc->partner_id, bad);
    else
        rc = xu_create(path, err);
    xu_book_t b;
    if (rc == EXIT_DONE)
        rc = xu_open(&b, path, d.period, L[d.lang][L_TITLE], doc_rows(&d) > IN_MEMORY_ROWS, err);
    if (rc != EXIT_DONE) {
        arena_release(&d.arena);
        return rc;
    }
    arena_t names = {0};
    strmap_t used = {0};
    st_formats_t f;
    st_formats(&b, &f);
    for (uint32_t i = 0; i < d.nagreements && rc == EXIT_DONE; i++)
        rc = agreement_sheet(&b, path, &f, &d, &d.agreements[i], i == 0, draft, &used, &names,
                             err);
    if (d.nagreements == 0)
        rc = held_sheet(&b, path, &f, &d, draft, err);
    strmap_free(&used);
    arena_release(&names);
    cm_error_t closing;
    if (xu_close(&b, &closing) != EXIT_DONE && rc == EXIT_DONE) {
        *err = closing;
        rc = closing.code;
    }
    if (rc != EXIT_DONE)
        unlink(path);
    arena_release(&d.arena);
    return rc;
}

/* The statements of documents first, first + step, ... (two halves are
 * written at once on two threads; each file is its own workbook). */
typedef struct job {
    const st_docs_t *docs;
    char *const *paths;
    bool draft;
    size_t first, step;
    size_t failed; /* the document that failed (rc != EXIT_DONE) */
    cm_status rc;
    cm_error_t err;
} job_t;

static void *render_some(void *arg)
{
    job_t *j = arg;
    for (size_t i = j->first; j->rc == EXIT_DONE && i < j->docs->n; i += j->step) {
        j->rc = render_one(&j->docs->v[i], j->paths[i], j->draft, &j->err);
        j->failed = i;
    }
    return NULL;
}

/* index.csv: partner_id,file for every document, in their order. */
static cm_status write_index(const st_docs_t *d, const char *dir, char *const *files,
                             cm_error_t *err)
{
    size_t len = strlen(dir) + 16;
    char *path = malloc(len);
    if (!path)
        abort();
    snprintf(path, len, "%s/index.csv", dir);
    cm_status rc = xu_create(path, err);
    FILE *f = rc == EXIT_DONE ? fopen(path, "w") : NULL;
    if (rc == EXIT_DONE && !f)
        rc = st_fail(err, "%s: %s", path, strerror(errno));
    if (f) {
        fputs("partner_id,file\n", f);
        for (size_t i = 0; i < d->n; i++) {
            results_csv_field(f, d->v[i].partner_id);
            fputc(',', f);
            results_csv_field(f, files[i]);
            fputc('\n', f);
        }
        bool bad = ferror(f) != 0;
        int e = errno;
        if (fclose(f) != 0) {
            bad = true;
            e = errno;
        }
        if (bad)
            rc = st_fail(err, "%s: %s", path, strerror(e));
    }
    free(path);
    return rc;
}

cm_status st_docs_render(const st_docs_t *d, const char *dir, bool draft, cm_error_t *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return st_fail(err, "%s: %s", dir, strerror(errno));
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return st_fail(err, "%s: %s", dir, errno ? strerror(errno) : "not a folder");
    /* names first, in document order (a clash's suffix depends on it) */
    char **files = calloc(d->n + 1, sizeof(*files)), **paths = calloc(d->n + 1, sizeof(*paths));
    if (!files || !paths)
        abort();
    arena_t names = {0};
    strmap_t used = {0};
    cm_status rc = EXIT_DONE;
    size_t dirlen = strlen(dir);
    for (size_t i = 0; i < d->n && rc == EXIT_DONE; i++) {
        char name[4 * FILE_ID_MAX + 16];
        if (!file_name(d->v[i].partner_id, &used, &names, name)) {
            rc = st_fail(err, "%s: partner id '%.80s' is not 1-%d characters: no statement file name",
                         dir, d->v[i].partner_id, FILE_ID_MAX);
            break;
        }
        size_t len = strlen(name) + 6;
        files[i] = malloc(len);
        paths[i] = malloc(dirlen + len + 1);
        if (!files[i] || !paths[i])
            abort();
        snprintf(files[i], len, "%s.xlsx", name);
        snprintf(paths[i], dirlen + len + 1, "%s/%s", dir, files[i]);
    }
    strmap_free(&used);
    arena_release(&names);
    if (rc == EXIT_DONE) {
        job_t jobs[2];
        for (size_t i = 0; i < 2; i++)
            jobs[i] = (job_t){.docs = d, .paths = paths, .draft = draft, .first = i, .step = 2};
        pthread_t other;
        bool started = pthread_create(&other, NULL, render_some, &jobs[1]) == 0;
        render_some(&jobs[0]);
        if (started)
            pthread_join(other, NULL);
        else
            render_some(&jobs[1]);
        /* the first failing document in order, whichever thread met it */
        const job_t *bad = NULL;
        for (size_t i = 0; i < 2; i++)
            if (jobs[i].rc != EXIT_DONE && (!bad || jobs[i].failed < bad->failed))
                bad = &jobs[i];
        if (bad) {
            *err = bad->err;
            rc = bad->rc;
        }
    }
    if (rc == EXIT_DONE)
        rc = write_index(d, dir, files, err);
    for (size_t i = 0; i < d->n; i++) {
        free(files[i]);
        free(paths[i]);
    }
    free(files);
    free(paths);
    return rc;
}

cm_status st_write_statements(const month_t *m, const char *dir, bool draft, cm_error_t *err)
{
    st_docs_t docs;
    cm_status rc = st_docs_build(m, NULL, &docs, err);
    if (rc == EXIT_DONE)
        rc = st_docs_render(&docs, dir, draft, err);
    st_docs_free(&docs);
    return rc;
}
