/*
 * statements.h — partner statements (SPEC §6): one xlsx per partner with
 * activity, in the partner's language, one sheet per agreement, never pooled.
 *
 * Two steps: build turns the decided month into one self-contained document
 * per partner (bytes: what the statement shows, language-independent, no
 * reference to the month or the input files); render turns documents into
 * workbooks. The ledger keeps the documents of a run, so a statement can be
 * written later (at close) exactly as the run saw it.
 *
 * Names (never paths from input text):
 * - file: the file name of the partner id (below), plus ".xlsx", always inside the
 *   folder given to render; render also writes `index.csv` there
 *   (partner_id,file: every statement, sorted by partner id).
 * - sheet: the sheet name of the agreement id (below); the sheet shows the full id
 *   in its Agreement row.
 */
#ifndef COMMISSIONS_STATEMENTS_H
#define COMMISSIONS_STATEMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "month.h"
#include "status.h"

/* A partner's statement for P as one self-contained, language-independent
 * document: everything its workbook shows (partner id, name and language,
 * each agreement with currency, payable, tier, commitments, points, credit,
 * lines), so the statement can be written later from the ledger without the
 * month or the input files. The encoding is described in st_doc.h (magic
 * "CMSD", a version, length-prefixed fields). */
typedef struct st_doc {
    char *partner_id;     /* owned */
    unsigned char *bytes; /* the serialised document, owned */
    size_t len;
} st_doc_t;
typedef struct st_docs {
    st_doc_t *v; /* malloc'd, like each document's fields */
    size_t n;
    size_t cap; /* room in v; start from {0} */
} st_docs_t;

/* One agreement's figures of one earlier period, as the ledger recorded
 * them (agreement_periods, payables, tiers): a row of a statement's history. */
typedef struct st_history_row {
    const char *agreement_id; /* owned by the st_history_t's arena */
    period_t period;
    money_t by_kind[LINE_KIND_COUNT]; /* earned per kind (credit: non-cash) */
    bool has_payable;                 /* a payables row exists */
    money_t earned, paid, carried_out;
    const char *tier; /* NULL: none */
} st_history_row_t;
/* The rows of the periods before P a statement shows, sorted by
 * agreement_id (bytewise), then period. Start from {0}; st_history_free. */
typedef struct st_history {
    arena_t arena;
    st_history_row_t *v;
    size_t n, cap;
} st_history_t;
/* How many periods a statement's history shows, P included. */
#define ST_HISTORY_PERIODS 12
/* Append a copy of row (its strings copied): how the ledger's loader fills it. */
void st_history_push(st_history_t *h, const st_history_row_t *row);
void st_history_free(st_history_t *h);

/* Receives one document; the bytes are the caller's and valid only during
 * the call. EXIT_DONE to go on; anything else (err filled) stops the build,
 * which returns it. */
typedef cm_status (*st_doc_sink)(void *ctx, const char *partner_id, const unsigned char *bytes,
                                 size_t len, cm_error_t *err);
/* The document of every partner with activity (or held items) in P, one at
 * a time to sink, in partner_id order (bytewise): only one document is in
 * memory at once, and the residuals of one agreement. history: the ledger's
 * rows of the ST_HISTORY_PERIODS - 1 periods before P (NULL: none). Linear
 * in the month's rows and the history's. EXIT_DONE, or sink's status. */
cm_status st_docs_build_each(const month_t *m, const st_history_t *history, st_doc_sink sink,
                             void *ctx, cm_error_t *err);
/* st_docs_build_each into out (every document in memory, sorted by
 * partner_id). */
cm_status st_docs_build(const month_t *m, const st_history_t *history, st_docs_t *out,
                        cm_error_t *err);
void st_docs_free(st_docs_t *d);
/* Append one document (copies partner_id and bytes): how a loader fills docs. */
void st_docs_push(st_docs_t *d, const char *partner_id, const unsigned char *bytes, size_t len);
/* One workbook per document in dir (created when missing; draft: the
 * DRAFT/BORRADOR marker), file names as below, plus index.csv.
 * Reads only the documents' bytes (a malformed document is an error naming
 * the partner). Same documents, same bytes. EXIT_DONE, or EXIT_INTERNAL with
 * a message ("statements: " then the file and the reason); a failed
 * workbook is removed. */
cm_status st_docs_render(const st_docs_t *d, const char *dir, bool draft, cm_error_t *err);

/* Build + render. */
cm_status st_write_statements(const month_t *m, const char *dir, bool draft, cm_error_t *err);

/* ---- the name mappings (deterministic) ---------------------------------------
 *
 * File name of a statement (then ".xlsx"), for the partner ids of one render
 * in their order: every byte outside [A-Za-z0-9_.-] — and a leading '.' or
 * '-', and the first letter of a Windows device name (CON, PRN, AUX, NUL,
 * COM1-9, LPT1-9, before any '.') — becomes ~XX (its two upper-case hex
 * digits; '~' is not an id character, so this is one-to-one). A name equal,
 * ignoring ASCII case, to one given earlier in the same render gets ~2, ~3,
 * ... (the first free one). So `P-ACME` stays `P-ACME`, `../payouts` is
 * `~2E.~2Fpayouts`, `a/b` is `a~2Fb`, and of `ABC` and `abc` (sorted
 * bytewise) the second is `abc~2`. No name contains '/' or starts with '.';
 * a partner id longer than 64 bytes is refused.
 *
 * Sheet name, for the agreement ids of one workbook in their order: each of
 * : \ / ? * [ ] and every byte outside printable ASCII becomes '_' (and a
 * leading or trailing apostrophe), an empty id is "_", then the first 31
 * characters; a name equal ignoring case to an earlier sheet's (or to
 * Excel's reserved "History") ends in ~2, ~3, ... (the first free one, the
 * whole within 31 characters). So `A:NW/C` is `A_NW_C`, `L3/2017/001` is
 * `L3_2017_001`.
 */

#endif
