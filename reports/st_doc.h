/*
 * st_doc.h — the statement document: its bytes (what st_docs_build writes
 * and the ledger stores) and its decoded form (what render reads).
 *
 * The statement document, version 2. Integers are little-endian: u8, u16, u32, i32,
 * i64; str is a u32 byte count then the bytes (UTF-8, no NUL, no
 * terminator); rule is a str holding a rule code's name (codes.h rule_name,
 * "" for none); a date is an i32 day number (INT32_MAX: none); a rate is
 * i64 digits then u8 scale (value = digits / 10^scale; scale 0 with digits
 * 0: blank).
 *   doc        "CMSD" u16 version (2), i32 period, str partner_id,
 *              str partner_name, str lang ("en" | "es"),
 *              u32 n, n held, u32 n, n agreement
 *   held       (the partner's orders first delivered in P that are held or
 *              rejected, by order id; then its held revenue per service)
 *              u8 what (0 order, 1 revenue), str id (order / service),
 *              str product, u8 status (0 held, 1 rejected), i64 amount
 *              (order: MRC; revenue: the sum), i64 rows, str currency, rule rule
 *   agreement  str id, str company (legacy), str currency,
 *              tier, payable, commitments, activities, groups, lines, history
 *   tier       u8 has_tier, and when 1: str program, str tier, rule tier_rule;
 *              u8 has_review, and when 1: i32 review_period, str review_program,
 *                u8 program_changes, u8 frozen, u8 points, i32 window_from,
 *                i64 basis_to_date, u32 n, n str combined agreement id,
 *                str from_tier, str decided_tier ("" none), u8 can_promote,
 *                and when 1: str next_tier, i64 threshold, i64 needed;
 *                u32 n, n threshold of review_program by rank: str tier, i64 min
 *   payable    i64 carried_in, 5 i64 by_kind (line_kind_t order), i64 earned,
 *              i64 balance, i64 paid, i64 carried_out, rule status, date due,
 *              i64 credit (non-cash, this period)
 *   commitment u32 n, n: str id, i64 amount, i64 retired_period,
 *              i64 retired_to_date, i64 remaining, i64 percent_hundredths, rule status
 *   activity   u32 n, n: str id, str code, str name_en, str name_es (the
 *              book's names, "" none), date, i64 points, i64 points_to_date,
 *              u8 awarded, rule rule
 *   group      u32 n, n (residuals per service and product, in order):
 *              str service, str product, i64 rows, i64 basis, rate, i64 amount, rule note
 *   line       u32 n, n: u8 kind (line_kind_t), str source, str product,
 *              u8 has_basis, i64 basis, rate, i64 amount, rule note,
 *              i32 note_months, str order (chargeback: the order whose spiff
 *              is reversed), i32 term_months (chargeback: that order's term),
 *              str reason, str entered_by, str approved_by, date approved_on
 *              (adjustment; "" / none otherwise)
 *   history    u32 n, n (oldest first, P last): i32 period, 5 i64 by_kind,
 *              u8 has_payable, i64 earned, i64 paid, i64 carried_out, str tier
 * Money is cents. Any change to this layout bumps the version; render
 * refuses a version it does not know, a short or over-long document, and a
 * str holding a NUL.
 */
#ifndef COMMISSIONS_ST_DOC_H
#define COMMISSIONS_ST_DOC_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "statements.h"

#define DOC_MAGIC "CMSD"
#define DOC_VERSION 2

typedef struct d_rate {
    int64_t digits;
    int scale; /* 0 with digits 0: blank */
} d_rate_t;

typedef struct d_held {
    bool revenue, rejected;
    const char *id, *product, *currency, *rule;
    int64_t amount, rows;
} d_held_t;

typedef struct d_threshold {
    const char *tier;
    int64_t min;
} d_threshold_t;

typedef struct d_commitment {
    const char *id, *status;
    int64_t amount, retired_period, retired_to_date, remaining, percent_hundredths;
} d_commitment_t;

typedef struct d_activity {
    const char *id, *code, *name[LANG_COUNT], *rule;
    int32_t date;
    int64_t points, points_to_date;
    bool awarded;
} d_activity_t;

typedef struct d_group {
    const char *service, *product, *note;
    d_rate_t rate;
    int64_t rows, basis, amount;
} d_group_t;

typedef struct d_line {
    int kind;
    bool has_basis;
    const char *source, *product, *note, *order, *reason, *entered_by, *approved_by;
    d_rate_t rate;
    int64_t basis, amount;
    int32_t note_months, term_months, approved_on;
} d_line_t;

typedef struct d_hist {
    int32_t period;
    int64_t by_kind[LINE_KIND_COUNT], earned, paid, carried_out;
    bool has_payable;
    const char *tier;
} d_hist_t;

typedef struct d_agreement {
    const char *id, *company, *currency;
    /* tier */
    bool has_tier, has_review, program_changes, frozen, points, can_promote;
    const char *program, *tier, *tier_rule, *review_program, *from_tier, *decided_tier,
        *next_tier;
    int32_t review_period, window_from;
    int64_t basis_to_date, threshold, needed;
    uint32_t ncombined, nthresholds;
    const char **combined;
    d_threshold_t *thresholds;
    /* payable */
    int64_t carried_in, by_kind[LINE_KIND_COUNT], earned, balance, paid, carried_out, credit;
    const char *status;
    int32_t due;
    uint32_t ncommitments, nactivities, ngroups, nlines, nhistory;
    d_commitment_t *commitments;
    d_activity_t *activities;
    d_group_t *groups;
    d_line_t *lines;
    d_hist_t *history;
} d_agreement_t;

typedef struct d_doc {
    arena_t arena; /* strings and arrays */
    period_t period;
    const char *partner_id, *partner_name;
    lang_t lang;
    uint32_t nheld, nagreements;
    d_held_t *held;
    d_agreement_t *agreements;
} d_doc_t;

/* Decode d into x (released by arena_release(&x->arena) even on failure);
 * NULL, or what is wrong with the bytes. */
const char *decode_doc(const st_doc_t *d, d_doc_t *x);

#endif
