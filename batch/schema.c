/*
 * schema.c — column tables of every input file, SPEC §3. Change a column
 * here and parsing, validation and messages follow.
 */
#include "schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ COL_REQUIRED
#define OPT COL_OPTIONAL

static const char *const kinds[] = {"agent", "master_agent", "integrator", "software",
                                    "strategic", "provider", NULL};
static const char *const langs[] = {"en", "es", NULL};
static const char *const partner_status[] = {"active", "hold", NULL};
static const char *const legacies[] = {"CTL", "LVL3", "MKT", NULL};
static const char *const intervals[] = {"monthly", "quarterly", NULL};
static const char *const yes_no[] = {"no", "yes", NULL}; /* index 1 = yes */
static const char *const commitment_basis[] = {"revenue", "mrc", NULL};
static const char *const program_basis[] = {"revenue", "points", NULL};
static const char *const reviews[] = {"monthly", "quarterly", "annual", NULL};
static const char *const components[] = {"residual", "spiff", NULL};
static const char *const order_types[] = {"new", "incremental", "renewal", "disconnect", NULL};

static const column_spec_t partners[] = {
    {"partner_id", COL_ID, REQ, NULL},       {"name", COL_TEXT, REQ, NULL},
    {"kind", COL_ENUM, REQ, kinds},          {"language", COL_ENUM, REQ, langs},
    {"status", COL_ENUM, REQ, partner_status},
};
static const column_spec_t agreements[] = {
    {"agreement_id", COL_ID, REQ, NULL},     {"partner_id", COL_ID, REQ, NULL},
    {"legacy", COL_ENUM, REQ, legacies},     {"plan_id", COL_ID, REQ, NULL},
    {"currency", COL_CURRENCY, REQ, NULL},   {"start_date", COL_DATE, REQ, NULL},
    {"end_date", COL_DATE, COL_ABSENT_OK, NULL},
    {"payment_interval", COL_ENUM, REQ, intervals},
    {"payment_lag_days", COL_DAYS, REQ, NULL}, {"min_payout", COL_MONEY, REQ, NULL},
};
static const column_spec_t products[] = {
    {"product_code", COL_ID, REQ, NULL},     {"name", COL_TEXT, REQ, NULL},
    {"portfolio", COL_ENUM, REQ, legacies},  {"category", COL_ID, REQ, NULL},
    {"commissionable", COL_ENUM, REQ, yes_no},
};
static const column_spec_t accounts[] = {
    {"account_id", COL_ID, REQ, NULL},       {"owner_agreement_id", COL_ID, REQ, NULL},
};
static const column_spec_t commitments[] = {
    {"commitment_id", COL_ID, REQ, NULL},    {"agreement_id", COL_ID, REQ, NULL},
    {"basis", COL_ENUM, REQ, commitment_basis}, {"amount", COL_MONEY, REQ, NULL},
    {"start_period", COL_PERIOD, REQ, NULL}, {"end_period", COL_PERIOD, REQ, NULL},
};
static const column_spec_t programs[] = {
    {"program", COL_ID, REQ, NULL},          {"legacy", COL_ENUM, REQ, legacies},
    {"basis", COL_ENUM, REQ, program_basis}, {"review", COL_ENUM, REQ, reviews},
    {"window_months", COL_MONTHS, REQ, NULL}, {"entry_tier", COL_ID, REQ, NULL},
    {"freeze_until", COL_PERIOD, COL_ABSENT_OK, NULL},
    {"combine_from", COL_PERIOD, COL_ABSENT_OK, NULL},
    {"effective_from", COL_PERIOD, REQ, NULL},
    {"effective_to", COL_PERIOD, COL_ABSENT_OK, NULL},
};
static const column_spec_t tiers[] = {
    {"program", COL_ID, REQ, NULL},          {"tier", COL_ID, REQ, NULL},
    {"rank", COL_INT, REQ, NULL},            {"min_value", COL_TEXT, REQ, NULL},
};
static const column_spec_t points[] = {
    {"program", COL_ID, REQ, NULL},          {"phase_tier", COL_ID, REQ, NULL},
    {"activity_code", COL_ID, REQ, NULL},    {"points", COL_POINTS, REQ, NULL},
    {"requires_points", COL_POINTS, COL_ABSENT_OK, NULL},
    {"repeatable", COL_ENUM, REQ, yes_no},
    /* the activity's published name, for statements (optional) */
    {"name_en", COL_TEXT, COL_ABSENT_OK, NULL}, {"name_es", COL_TEXT, COL_ABSENT_OK, NULL},
};
static const column_spec_t benefits[] = {
    {"program", COL_ID, REQ, NULL},          {"tier", COL_ID, REQ, NULL},
    {"benefit", COL_ID, REQ, NULL},          {"monthly_amount", COL_MONEY, REQ, NULL},
    {"currency", COL_CURRENCY, REQ, NULL},
};
static const column_spec_t rates[] = {
    {"plan_id", COL_ID, REQ, NULL},          {"component", COL_ENUM, REQ, components},
    {"category", COL_TEXT, REQ, NULL},       {"tier", COL_TEXT, REQ, NULL},
    {"rate_pct", COL_RATE, OPT, NULL},       {"mrc_multiple", COL_MULTIPLE, OPT, NULL},
    {"min_term_months", COL_MONTHS, COL_ABSENT_OK, NULL},
    {"effective_from", COL_DATE, REQ, NULL}, {"effective_to", COL_DATE, COL_ABSENT_OK, NULL},
};
static const column_spec_t orders[] = {
    {"order_id", COL_ID, REQ, NULL},         {"partner_id", COL_ID, REQ, NULL},
    {"agreement_id", COL_ID, COL_ABSENT_OK, NULL}, {"account_id", COL_ID, REQ, NULL},
    {"product_code", COL_ID, REQ, NULL},     {"order_type", COL_ENUM, REQ, order_types},
    {"original_order_id", COL_ID, OPT, NULL}, {"opportunity_id", COL_ID, COL_ABSENT_OK, NULL},
    {"order_date", COL_DATE, REQ, NULL},     {"install_date", COL_DATE, COL_ABSENT_OK, NULL},
    {"mrc", COL_MONEY, REQ, NULL},           {"nrc", COL_MONEY, REQ, NULL},
    {"currency", COL_CURRENCY, REQ, NULL},   {"term_months", COL_MONTHS, REQ, NULL},
};
static const column_spec_t revenue[] = {
    {"revenue_id", COL_ID, REQ, NULL},       {"period", COL_PERIOD, REQ, NULL},
    {"account_id", COL_ID, REQ, NULL},       {"service_id", COL_ID, COL_ABSENT_OK, NULL},
    {"product_code", COL_ID, REQ, NULL},     {"amount", COL_MONEY, REQ, NULL},
    {"currency", COL_CURRENCY, REQ, NULL},
};
static const column_spec_t approvals[] = {
    {"approval_id", COL_ID, REQ, NULL},      {"opportunity_id", COL_ID, REQ, NULL},
    {"approved_on", COL_DATE, REQ, NULL},    {"approved_by", COL_TEXT, REQ, NULL},
    {"document_ref", COL_TEXT, REQ, NULL},
};
static const column_spec_t adjustments[] = {
    {"adjustment_id", COL_ID, REQ, NULL},    {"agreement_id", COL_ID, REQ, NULL},
    {"amount", COL_MONEY, REQ, NULL},        {"currency", COL_CURRENCY, REQ, NULL},
    {"reason", COL_TEXT, REQ, NULL},         {"entered_by", COL_TEXT, REQ, NULL},
    {"approved_by", COL_TEXT, OPT, NULL},    {"approved_on", COL_DATE, OPT, NULL},
};
static const column_spec_t activities[] = {
    {"activity_id", COL_ID, REQ, NULL},      {"partner_id", COL_ID, REQ, NULL},
    {"activity_code", COL_ID, REQ, NULL},    {"activity_date", COL_DATE, REQ, NULL},
    {"evidence_ref", COL_TEXT, REQ, NULL},
};

#define SPEC(var, file, cols) const file_spec_t var = {file, cols, N(cols)}
SPEC(schema_partners, "partners.csv", partners);
SPEC(schema_agreements, "agreements.csv", agreements);
SPEC(schema_products, "products.csv", products);
SPEC(schema_accounts, "accounts.csv", accounts);
SPEC(schema_commitments, "commitments.csv", commitments);
SPEC(schema_programs, "programs.csv", programs);
SPEC(schema_tiers, "tiers.csv", tiers);
SPEC(schema_points, "points.csv", points);
SPEC(schema_benefits, "benefits.csv", benefits);
SPEC(schema_rates, "rates.csv", rates);
SPEC(schema_orders, "orders.csv", orders);
SPEC(schema_revenue, "revenue.csv", revenue);
SPEC(schema_approvals, "approvals.csv", approvals);
SPEC(schema_adjustments, "adjustments.csv", adjustments);
SPEC(schema_activities, "activities.csv", activities);
