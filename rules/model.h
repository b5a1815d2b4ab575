/*
 * model.h — the plain structs the rules decide over (SPEC §3, §4).
 *
 * batch/ fills them from CSV files and the ledger; rules/ decides and fills
 * the decision fields; reports/ reads them. No I/O types appear here.
 * Cross references are int32 indexes into the owning array (-1 = none);
 * strings are NUL-terminated and owned by the run's arena.
 */
#ifndef COMMISSIONS_MODEL_H
#define COMMISSIONS_MODEL_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "codes.h"
#include "date.h"
#include "money.h"

/* ---- enumerations (their spellings are in model.c) ---------------------- */
typedef enum { LEGACY_CTL, LEGACY_LVL3, LEGACY_MKT, LEGACY_COUNT } legacy_t;
typedef enum { KIND_AGENT, KIND_MASTER_AGENT, KIND_INTEGRATOR, KIND_SOFTWARE,
               KIND_STRATEGIC, KIND_PROVIDER, KIND_COUNT } partner_kind_t;
typedef enum { LANG_EN, LANG_ES, LANG_COUNT } lang_t;
typedef enum { INTERVAL_MONTHLY, INTERVAL_QUARTERLY } interval_t;
typedef enum { BASIS_REVENUE, BASIS_MRC, BASIS_POINTS } basis_t;
typedef enum { REVIEW_MONTHLY, REVIEW_QUARTERLY, REVIEW_ANNUAL } review_t;
typedef enum { COMPONENT_RESIDUAL, COMPONENT_SPIFF } component_t;
typedef enum { ORDER_NEW, ORDER_INCREMENTAL, ORDER_RENEWAL, ORDER_DISCONNECT } order_type_t;
typedef enum { STATUS_NONE = 0, STATUS_ATTRIBUTED, STATUS_ASSIGNED, STATUS_UNASSIGNED,
               STATUS_HELD, STATUS_REJECTED, STATUS_AWARDED } status_t;
/* Commission line kinds; credit is non-cash and never paid. */
typedef enum { LINE_RESIDUAL, LINE_SPIFF, LINE_CHARGEBACK, LINE_ADJUSTMENT,
               LINE_CREDIT, LINE_RESTATEMENT, LINE_KIND_COUNT } line_kind_t;
/* The kinds the ledger keeps per agreement and period (agreement_periods'
 * columns); restatement lines are kept in their own table (restated). */
#define LINE_KINDS_STORED (LINE_CREDIT + 1)

extern const char *const legacy_names[LEGACY_COUNT];
extern const char *const partner_kind_names[KIND_COUNT];
extern const char *const lang_names[LANG_COUNT];
extern const char *const interval_names[2];
extern const char *const basis_names[3];
extern const char *const review_names[3];
extern const char *const component_names[2];
extern const char *const order_type_names[4];
extern const char *const status_names[STATUS_AWARDED + 1];
extern const char *const line_kind_names[LINE_KIND_COUNT];

typedef struct { char code[4]; } currency_t; /* ISO 4217, NUL-terminated */

/* ---- master/ ------------------------------------------------------------ */
typedef struct partner {
    const char *id, *name;
    partner_kind_t kind;
    lang_t lang;
    bool on_hold; /* status = hold */
} partner_t;

typedef struct agreement {
    const char *id;
    int32_t partner;
    legacy_t legacy;
    const char *plan_id;
    currency_t currency;
    date_t start, end; /* end DATE_NONE = open, inclusive */
    interval_t interval;
    int32_t lag_days;
    money_t min_payout;
    int32_t line; /* in agreements.csv, for messages */
} agreement_t;

typedef struct product {
    const char *code, *name, *category;
    legacy_t portfolio;
    bool commissionable;
} product_t;

typedef struct account {
    const char *id;
    int32_t owner; /* agreement index */
} account_t;

typedef struct commitment {
    const char *id;
    int32_t agreement;
    basis_t basis; /* revenue or mrc */
    money_t amount;
    period_t start, end;
    int32_t line; /* in commitments.csv, for messages */
} commitment_t;

/* ---- book/ -------------------------------------------------------------- */
typedef struct program {
    const char *name;
    legacy_t legacy;
    basis_t basis; /* revenue or points */
    review_t review;
    int32_t window_months;
    const char *entry_tier;
    period_t freeze_until, combine_from, effective_from, effective_to;
} program_t;

typedef struct tier {
    const char *program, *tier;
    int32_t rank;
    int64_t min_value; /* cents for revenue programs, points otherwise */
} tier_t;

typedef struct points_rule {
    const char *program, *phase_tier, *activity_code;
    int64_t points;
    int64_t requires_points; /* -1 when blank */
    bool repeatable;
    const char *name[LANG_COUNT]; /* the activity's name per language; NULL: blank */
} points_rule_t;

typedef struct benefit {
    const char *program, *tier, *benefit;
    money_t monthly_amount;
    currency_t currency;
    int32_t line; /* in benefits.csv, for messages */
} benefit_t;

typedef struct rate {
    const char *plan_id;
    component_t component;
    const char *category; /* NULL for `*` */
    const char *tier;     /* NULL for `*` */
    decimal_t rate_pct;      /* scale RATE_SCALE (residual) */
    decimal_t mrc_multiple;  /* scale MULTIPLE_SCALE (spiff) */
    int32_t min_term_months; /* -1 when blank */
    date_t effective_from, effective_to; /* to DATE_NONE = open */
    int32_t line;            /* line in rates.csv, for messages */
} rate_t;

typedef struct book {
    VEC(program_t) programs;
    VEC(tier_t) tiers;
    VEC(points_rule_t) points;
    VEC(benefit_t) benefits;
    VEC(rate_t) rates;
} book_t;

typedef struct master {
    VEC(partner_t) partners;
    VEC(agreement_t) agreements;
    VEC(product_t) products;
    VEC(account_t) accounts;
    VEC(commitment_t) commitments;
    strmap_t partner_ix, agreement_ix, product_ix, account_ix;
    /* agreements of each partner: agreement indexes, grouped by partner,
     * sorted by agreement_id; partner p owns by_partner[first[p]..first[p+1]) */
    int32_t *by_partner, *by_partner_first;
} master_t;

/* The index of the agreement / partner / product of that id, or -1. */
static inline int32_t master_agreement(const master_t *ms, const char *id)
{
    return strmap_get(&ms->agreement_ix, id, strlen(id));
}
static inline int32_t master_partner(const master_t *ms, const char *id)
{
    return strmap_get(&ms->partner_ix, id, strlen(id));
}
static inline int32_t master_product(const master_t *ms, const char *id)
{
    return strmap_get(&ms->product_ix, id, strlen(id));
}

/* Group agreements by partner (by_partner / by_partner_first), sorted by
 * agreement_id within a partner (§8.8 "lowest agreement_id"); arena-owned. */
void master_index_partners(master_t *ms, arena_t *arena);
/* Free the arrays and maps (strings belong to the caller's arena). */
void master_release(master_t *ms);
void book_release(book_t *b);

/* ---- periods/P/ ---------------------------------------------------------- */
typedef struct order {
    /* fields grouped by size (no padding): millions of orders are kept */
    const char *id, *partner_id, *agreement_ref, *account_id, *product_code;
    const char *original_id, *opportunity_id; /* NULL when blank */
    money_t mrc, nrc;
    money_t spiff;              /* lifecycle: the spiff line's amount (has_spiff) */
    date_t order_date, install_date; /* install DATE_NONE when blank */
    currency_t currency;
    int32_t term_months;
    period_t period;   /* period the order was first delivered in */
    int32_t line;      /* line in that period's orders.csv */
    int32_t product, partner; /* resolved indexes, -1 when unknown */
    int32_t agreement; /* decision (4.1), with status and rule */
    /* lifecycle, across periods */
    period_t installed_period;  /* first known installed; PERIOD_NONE */
    period_t chargeback_period; /* PERIOD_NONE until charged back */
    uint8_t type;               /* order_type_t */
    uint8_t status;             /* status_t: decision (4.1) */
    uint8_t rule;               /* rule_code */
    bool has_spiff;             /* a spiff line was written */
} order_t;

/* A currency code as a number (three letters A-Z: 0..17575), for rows kept
 * by the ten million. */
static inline uint16_t currency_pack(currency_t c)
{
    return (uint16_t)(((c.code[0] - 'A') * 26 + (c.code[1] - 'A')) * 26 + (c.code[2] - 'A'));
}
static inline currency_t currency_unpack(uint16_t v)
{
    currency_t c = {{(char)('A' + v / 676), (char)('A' + v / 26 % 26), (char)('A' + v % 26), 0}};
    return c;
}

/* A billed revenue row, kept compact (tens of millions per month: 24
 * bytes): its references are resolved to indexes when read, enums are
 * bytes, the currency is packed, the residual's rate row, note and amount
 * are not stored but computed (rules/lines.h: lines_residual_of), its id
 * and its line are in the month's sequences at the row's position
 * (month.h: month_revenue_line), and its account is kept only when no known
 * order decides its assignment (4.2, P3). `service` holds one of the three
 * cases of revenue_service_t; it is written by revenue_service_order or
 * revenue_without_order and read only through the functions below. */
typedef struct revenue {
    money_t amount;
    int32_t product;  /* -1 unknown */
    int32_t service;  /* >= 0: the order reference; < 0: -1 - ((account + 1) * 2 + named) */
    int32_t agreement;
    uint16_t currency; /* currency_pack */
    uint8_t status;    /* status_t: decision (4.2) */
    uint8_t rule;      /* rule_code */
} revenue_t;
_Static_assert(sizeof(revenue_t) == 24, "revenue rows are kept by the ten million");

/* What a revenue row's service_id names. */
typedef enum revenue_service {
    REVENUE_SERVICE_BLANK,   /* blank: the account decides (P3) */
    REVENUE_SERVICE_UNKNOWN, /* an order nobody knows: the account decides (P3) */
    REVENUE_SERVICE_ORDER,   /* a known order: revenue_order_ref */
} revenue_service_t;

/* Accounts a row without a known order can name (indexes below this). */
#define REVENUE_ACCOUNTS_MAX ((int32_t)(1 << 30) - 2)

/* The `service` of a row whose service_id names the known order of
 * reference ref (>= 0, month.h ORDER_STUB). */
static inline int32_t revenue_service_order(int32_t ref)
{
    assert(ref >= 0);
    return ref;
}
/* The `service` of a row without a known order: account is its accounts
 * index (-1: not in accounts.csv; below REVENUE_ACCOUNTS_MAX), named when
 * service_id names an order nobody knows (REVENUE_SERVICE_UNKNOWN), not
 * when it is blank. */
static inline int32_t revenue_without_order(int32_t account, bool named)
{
    assert(account >= -1 && account < REVENUE_ACCOUNTS_MAX);
    return -1 - ((account + 1) * 2 + (named ? 1 : 0));
}
static inline bool revenue_has_order(const revenue_t *r) { return r->service >= 0; }
static inline revenue_service_t revenue_service(const revenue_t *r)
{
    if (r->service >= 0)
        return REVENUE_SERVICE_ORDER;
    return (-1 - r->service) % 2 == 1 ? REVENUE_SERVICE_UNKNOWN : REVENUE_SERVICE_BLANK;
}
/* A row with a known order: its reference (month_order_decision). */
static inline int32_t revenue_order_ref(const revenue_t *r)
{
    assert(r->service >= 0);
    return r->service;
}
/* A row without a known order: its account index (-1: not in accounts.csv). */
static inline int32_t revenue_account(const revenue_t *r)
{
    assert(r->service < 0);
    return (-1 - r->service) / 2 - 1;
}
/* A row without a known order: did service_id name one (unknown), or was
 * it blank? */
static inline bool revenue_service_named(const revenue_t *r)
{
    assert(r->service < 0);
    return (-1 - r->service) % 2 == 1;
}

typedef struct approval {
    const char *id, *opportunity_id, *approved_by, *document_ref;
    date_t approved_on;
    period_t period;
} approval_t;

typedef struct adjustment {
    const char *id, *agreement_id, *reason, *entered_by, *approved_by;
    money_t amount;
    currency_t currency;
    date_t approved_on;
    int32_t agreement;
    int32_t line;
} adjustment_t;

typedef struct activity {
    const char *id, *partner_id, *activity_code, *evidence_ref;
    date_t activity_date;
    int32_t line;
    /* decision (4.6) */
    status_t status; /* AWARDED or REJECTED */
    rule_code rule;
    int32_t agreement;
    int64_t points, points_to_date;
} activity_t;

/* A row refused by format checks (§2, §8.1): the rejects.csv row. */
typedef struct reject {
    const char *file;   /* path inside the dataset */
    int32_t line;
    const char *column; /* "" when the whole row failed */
    rule_code reason;
    /* a revenue row refused after its values were read (duplicate_id,
     * wrong_period): its amount and currency (currency_pack), counted in
     * revenue_amount_rejected_rows; has_amount false for every other row */
    bool has_amount;
    uint16_t currency;
    money_t amount;
} reject_t;

/* ---- results of the run of P -------------------------------------------- */
/* A commission line of P (SPEC §4.4, lines.csv's row). Spiffs, chargebacks,
 * adjustments, restatements and credits are stored in m->lines; a residual
 * is computed from its revenue row when read (rules/lines.h: the iterator
 * lines_next and lines_residual_of), never stored. */
typedef struct line {
    int32_t agreement;
    line_kind_t kind;
    const char *source_id; /* residual: the revenue id (NULL from lines_residual_of) */
    bool has_basis;
    money_t basis;
    int rate_scale;   /* 0: blank rate */
    decimal_t rate;
    money_t amount;
    rule_code note;
    int32_t note_months; /* for RULE_MONTHS_SERVED; RULE_RESTATES: the period restated */
    int32_t product;     /* for grouping by category; -1 for adjustments */
    int32_t order;       /* order index for spiff/chargeback, else -1 */
    int32_t row;         /* adjustment: index in m->adjustments; credit: in
                            book->benefits; residual: in m->revenue (-1 from
                            lines_residual_of); else -1 (names the row of an
                            overflow) */
    int32_t rate_row;    /* residual and spiff: the rates row applied; -1: none */
} line_t;

/* Tier placement of one agreement around P (4.3). */
typedef struct tier_state {
    int32_t program;       /* program in effect for P, -1 none */
    const char *tier;      /* tier in effect for P, NULL none */
    rule_code rule;        /* entry / review / carried / frozen */
    int64_t basis_value;
    bool reviewed;         /* a review happened at the end of P */
    int32_t next_program;  /* program in effect for P+1 */
    const char *next_tier; /* decided by that review */
    rule_code next_rule;
} tier_state_t;

typedef struct commitment_result {
    int32_t commitment;
    money_t retired_period, retired_to_date, remaining;
    int64_t percent_hundredths; /* 12.34 % is 1234 */
    rule_code status;
} commitment_result_t;

typedef struct payable {
    bool present;
    money_t carried_in, earned, balance, paid, carried_out;
    money_t by_kind[LINE_KIND_COUNT];
    rule_code status;
    date_t due_date; /* DATE_NONE unless paid */
} payable_t;

/* Per agreement and period: what later periods and audits need (§5). */
typedef struct agreement_period {
    money_t revenue;       /* assigned revenue */
    money_t installed_mrc; /* MRC of new/incremental orders installed */
    money_t by_kind[LINE_KIND_COUNT];
    int64_t points;        /* points awarded in the period */
    int64_t cash_lines;    /* count of cash lines (any amount) */
} agreement_period_t;

/* Input row counts and amounts for the Control sheet (§6). */
typedef struct control {
    int64_t orders_read, orders_attributed, orders_held, orders_rejected,
        orders_rejected_rows, orders_duplicate_ignored, orders_install_update;
    int64_t revenue_read, revenue_assigned, revenue_unassigned, revenue_held,
        revenue_rejected, revenue_rejected_rows;
    money_t revenue_amount_in, revenue_amount_assigned, revenue_amount_unassigned,
        revenue_amount_held, revenue_amount_rejected, revenue_amount_rejected_rows;
    int64_t rows_read_total, rejects_total;
} control_t;

#endif
