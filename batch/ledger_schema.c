/*
 * ledger_schema.c — the ledger's tables (schema version LEDGER_SCHEMA_VERSION).
 */
#include "ledger_int.h"

/* Revenue held in a period, per service (its order; "account ID" for a
 * row without one, held through its account's owner) and currency: the
 * workbook's backlog of holds still standing (ledger_load_holds). A report
 * aggregate, not a decision: outside the hash chain. The statement text is
 * part of the schema version (sqlite_master keeps it): unchanged. */
#define HELD_REVENUE_SQL                                                                \
    "CREATE TABLE IF NOT EXISTS held_revenue(period TEXT, service_id TEXT, currency TEXT," \
    " agreement_id TEXT, rows INTEGER, amount INTEGER,"                                  \
    " PRIMARY KEY(period, service_id, currency));"

const char *const schema_sql =
    "CREATE TABLE runs(period TEXT PRIMARY KEY,"
    " state TEXT NOT NULL CHECK(state IN('open','closed')), runs INTEGER NOT NULL);"
    "CREATE TABLE inputs(period TEXT, path TEXT, sha256 TEXT NOT NULL,"
    " records INTEGER, bytes INTEGER, PRIMARY KEY(period, path));"
    "CREATE TABLE controls(period TEXT, name TEXT, value INTEGER,"
    " PRIMARY KEY(period, name));"
    "CREATE TABLE orders(order_id TEXT PRIMARY KEY, period TEXT NOT NULL,"
    " line INTEGER, partner_id TEXT, agreement_ref TEXT, account_id TEXT, product_code TEXT,"
    " order_type INTEGER, original_order_id TEXT, opportunity_id TEXT, order_date TEXT,"
    " install_date TEXT, mrc INTEGER, nrc INTEGER, currency TEXT, term_months INTEGER,"
    " status INTEGER, agreement_id TEXT, rule TEXT, install_update_period TEXT,"
    " installed_period TEXT, spiff INTEGER, chargeback_period TEXT);"
    /* no index by period: later runs read a period's orders from its pack
     * (order_stubs) and a re-run finds its own rows at the table's end
     * (clear_orders). A re-run of P undoes what its earlier run set on older
     * orders: partial indexes find those few rows without scanning every
     * order ever known */
    "CREATE INDEX orders_install_update ON orders(install_update_period)"
    " WHERE install_update_period IS NOT NULL;"
    /* ... of those, installations after the order's own period only: most
     * of a month's orders are installed in it and need no index entry (nor
     * its delete on a re-run) */
    "CREATE INDEX orders_installed_later ON orders(installed_period)"
    " WHERE installed_period > period;"
    "CREATE INDEX orders_chargeback ON orders(chargeback_period)"
    " WHERE chargeback_period IS NOT NULL;"
    /* orders waiting for an installation date already known: loaded whole
     * each period (orders_waiting_sql); only what that query asks for, so
     * orders never installed (held, rejected, renewals, disconnects) do not
     * stay in it forever */
    "CREATE INDEX orders_waiting_attributed ON orders(period)"
    " WHERE installed_period IS NULL AND install_date IS NOT NULL"
    " AND status = 1 AND order_type IN (0, 1);"
    /* each run's orders as the next periods load them (batch/stubs.h);
     * run: the period's runs count that wrote it */
    "CREATE TABLE order_stubs(period TEXT PRIMARY KEY, run INTEGER NOT NULL,"
    " orders INTEGER NOT NULL, ids BLOB, decisions BLOB, agreements BLOB, opportunities BLOB);"
    "CREATE TABLE approvals(approval_id TEXT PRIMARY KEY, period TEXT,"
    " opportunity_id TEXT, approved_on TEXT, approved_by TEXT, document_ref TEXT);"
    "CREATE INDEX approvals_by_period ON approvals(period);"
    "CREATE TABLE adjustments(adjustment_id TEXT PRIMARY KEY, period TEXT,"
    " agreement_id TEXT, amount INTEGER, currency TEXT, reason TEXT, entered_by TEXT,"
    " approved_by TEXT, approved_on TEXT);"
    "CREATE INDEX adjustments_by_period ON adjustments(period);"
    "CREATE TABLE activities(activity_id TEXT PRIMARY KEY, period TEXT,"
    " partner_id TEXT, activity_code TEXT, activity_date TEXT, evidence_ref TEXT,"
    " status TEXT, agreement_id TEXT, points INTEGER, points_to_date INTEGER, rule TEXT);"
    "CREATE INDEX activities_by_period ON activities(period);"
    /* the per-agreement tables are keyed (agreement_id, period) for the
     * latest row of each agreement; the period indexes serve the chain's
     * digests of one period (ledger_chain_*) */
    "CREATE TABLE agreement_periods(agreement_id TEXT, period TEXT,"
    " revenue INTEGER, installed_mrc INTEGER, residual INTEGER, spiff INTEGER,"
    " chargeback INTEGER, adjustment INTEGER, credit INTEGER, points INTEGER,"
    " PRIMARY KEY(agreement_id, period));"
    "CREATE INDEX agreement_periods_by_period ON agreement_periods(period, agreement_id);"
    "CREATE TABLE tiers(agreement_id TEXT, period TEXT, program TEXT, tier TEXT,"
    " rule TEXT, basis_value INTEGER, reviewed INTEGER, next_program TEXT, next_tier TEXT,"
    " next_rule TEXT, PRIMARY KEY(agreement_id, period));"
    "CREATE INDEX tiers_by_period ON tiers(period, agreement_id);"
    /* partner_id and currency as they were at the run: close pays from
     * these rows, whatever master data says later */
    "CREATE TABLE payables(agreement_id TEXT, period TEXT, partner_id TEXT NOT NULL,"
    " currency TEXT NOT NULL, carried_in INTEGER, earned INTEGER, balance INTEGER,"
    " paid INTEGER, carried_out INTEGER, status TEXT, due_date TEXT,"
    " PRIMARY KEY(agreement_id, period));"
    "CREATE INDEX payables_by_period ON payables(period, agreement_id);"
    "CREATE TABLE commitments(commitment_id TEXT, period TEXT, agreement_id TEXT,"
    " retired_period INTEGER, retired_to_date INTEGER, remaining INTEGER, percent INTEGER,"
    " status TEXT, PRIMARY KEY(commitment_id, period));"
    "CREATE INDEX commitments_by_period ON commitments(period, commitment_id);"
    "CREATE TABLE payments(payment_id TEXT PRIMARY KEY, period TEXT NOT NULL,"
    " partner_id TEXT, agreement_id TEXT, currency TEXT, amount INTEGER, due_date TEXT);"
    "CREATE INDEX payments_by_period ON payments(period, payment_id);"
    /* each partner's statement of P as the run built it (reports/statements.h
     * st_docs_build_each), zlib-deflated (doc) with its inflated size: close
     * renders these, never the inputs */
    "CREATE TABLE statement_docs(period TEXT, partner_id TEXT, doc BLOB NOT NULL,"
    " size INTEGER NOT NULL, PRIMARY KEY(period, partner_id));"
    /* §4.8: per agreement, each restatement of an earlier period
     * (restated_period) that the run of period posted: the corrected file's
     * assigned revenue and residuals (what a later restatement of the same
     * period is measured against) and the line posted (basis, amount) */
    "CREATE TABLE restated(agreement_id TEXT, period TEXT, restated_period TEXT,"
    " revenue INTEGER, residual INTEGER, basis INTEGER, amount INTEGER,"
    " PRIMARY KEY(agreement_id, restated_period, period));"
    "CREATE INDEX restated_by_period ON restated(period, restated_period, agreement_id);"
    /* dataset_id: the dataset this ledger was started for */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    HELD_REVENUE_SQL
    /* the hash chain (ledger_chain_append): one link per run and per close,
     * never deleted or changed */
    "CREATE TABLE chain(seq INTEGER PRIMARY KEY, period TEXT NOT NULL,"
    " event TEXT NOT NULL CHECK(event IN('run','close')), digests TEXT NOT NULL,"
    " prev TEXT NOT NULL, link TEXT NOT NULL);";

