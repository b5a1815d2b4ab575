/*
 * ledger_save.c — what a run of P writes (its results, replacing an earlier
 * run's) and what a close of P writes (payments, the closed state).
 */
#include "ledger_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "attribution.h"
#include "csvio.h"
#include "stubs.h"

/* ---- saving the month ------------------------------------------------------ */

typedef struct saver {
    ledger_t *l;
    cm_error_t *err;
    cm_status rc;
} saver_t;

static sqlite3_stmt *saver_prep(saver_t *s, const char *sql)
{
    if (s->rc != EXIT_DONE)
        return NULL;
    sqlite3_stmt *st = prep(s->l, sql);
    if (!st)
        s->rc = db_fail(s->l, s->err, sql);
    return st;
}

/* Step a prepared insert/update and reset it for the next row. */
static void saver_step(saver_t *s, sqlite3_stmt *st)
{
    if (s->rc != EXIT_DONE || !st)
        return;
    if (sqlite3_step(st) != SQLITE_DONE)
        s->rc = db_fail(s->l, s->err, sqlite3_sql(st));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void exec_p(saver_t *s, const char *sql, period_t p)
{
    sqlite3_stmt *st = saver_prep(s, sql);
    if (!st)
        return;
    bind_period(st, 1, p);
    saver_step(s, st);
    sqlite3_finalize(st);
}

static const char *agreement_id_of(const month_t *m, int32_t a)
{
    return a >= 0 ? m->master->agreements.v[a].id : NULL;
}

/* Orders P inserts (its own) or updates (installed or charged back at P). */
static bool order_saved(const month_t *m, const order_t *o)
{
    return o->period == m->period || o->installed_period == m->period ||
           o->chargeback_period == m->period;
}


/* P's orders as the next periods load them (batch/stubs.h). */
static void save_stubs(saver_t *s, const month_t *m, const stub_pack_t *p)
{
    /* run: what save_run makes the period's runs count, later in this transaction */
    sqlite3_stmt *st = saver_prep(s,
        "INSERT INTO order_stubs(period, run, orders, ids, decisions, agreements, opportunities)"
        " VALUES(?1, coalesce((SELECT runs FROM runs WHERE period = ?1),"
        " 0) + 1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return;
    bind_period(st, 1, m->period);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)p->n);
    bind_blob(st, 3, p->ids.bytes, p->ids.used);
    bind_blob(st, 4, p->decisions.v, p->decisions.n);
    bind_blob(st, 5, p->agreements.v, p->agreements.n);
    bind_blob(st, 6, p->opportunities.v, p->opportunities.n);
    saver_step(s, st);
    sqlite3_finalize(st);
}

static void save_orders(saver_t *s, const month_t *m)
{
    sqlite3_stmt *ins = saver_prep(s,
        "INSERT INTO orders(order_id, period, line, partner_id, agreement_ref, account_id,"
        " product_code, order_type, original_order_id, opportunity_id, order_date, install_date,"
        " mrc, nrc, currency, term_months, status, agreement_id, rule, installed_period, spiff,"
        " chargeback_period) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *upd = saver_prep(s,
        "UPDATE orders SET installed_period=?2, spiff=?3, chargeback_period=?4 WHERE order_id=?1");
    /* in order_id order: each page of the primary key is visited once, in
     * order, however the ids of P interleave with earlier ones */
    size_t n;
    int32_t *ix = month_orders_by_id(m, order_saved, &n);
    stub_pack_t pack;
    stub_pack_init(&pack, m->master->agreements.n);
    for (size_t k = 0; ins && upd && k < n; k++) {
        const order_t *o = &m->orders.v[ix[k]];
        if (o->period == m->period) {
            stub_pack_add(&pack, m->master, o);
            bind_text(ins, 1, o->id);
            bind_period(ins, 2, o->period);
            sqlite3_bind_int(ins, 3, o->line);
            bind_text(ins, 4, o->partner_id);
            bind_text(ins, 5, o->agreement_ref);
            bind_text(ins, 6, o->account_id);
            bind_text(ins, 7, o->product_code);
            sqlite3_bind_int(ins, 8, o->type);
            bind_text(ins, 9, o->original_id);
            bind_text(ins, 10, o->opportunity_id);
            bind_date(ins, 11, o->order_date);
            bind_date(ins, 12, o->install_date);
            sqlite3_bind_int64(ins, 13, o->mrc);
            sqlite3_bind_int64(ins, 14, o->nrc);
            bind_text(ins, 15, o->currency.code);
            sqlite3_bind_int(ins, 16, o->term_months);
            sqlite3_bind_int(ins, 17, o->status);
            bind_text(ins, 18, agreement_id_of(m, o->agreement));
            bind_text(ins, 19, rule_name(o->rule));
            bind_period(ins, 20, o->installed_period);
            if (o->has_spiff)
                sqlite3_bind_int64(ins, 21, o->spiff);
            bind_period(ins, 22, o->chargeback_period);
            saver_step(s, ins);
        } else if (o->installed_period == m->period || o->chargeback_period == m->period) {
            bind_text(upd, 1, o->id);
            bind_period(upd, 2, o->installed_period);
            if (o->has_spiff)
                sqlite3_bind_int64(upd, 3, o->spiff);
            bind_period(upd, 4, o->chargeback_period);
            saver_step(s, upd);
        }
    }
    free(ix);
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    save_stubs(s, m, &pack);
    stub_pack_release(&pack);
    sqlite3_stmt *inst = saver_prep(s,
        "UPDATE orders SET install_date=?2, install_update_period=?3 WHERE order_id=?1");
    for (size_t i = 0; inst && i < m->install_updates.n; i++) {
        const order_t *o = &m->orders.v[m->install_updates.v[i]];
        bind_text(inst, 1, o->id);
        bind_date(inst, 2, o->install_date);
        bind_period(inst, 3, m->period);
        saver_step(s, inst);
    }
    sqlite3_finalize(inst);
}

static void save_events(saver_t *s, const month_t *m)
{
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO approvals VALUES(?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->approvals.n; i++) {
        const approval_t *a = &m->approvals.v[i];
        bind_text(st, 1, a->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, a->opportunity_id);
        bind_date(st, 4, a->approved_on);
        bind_text(st, 5, a->approved_by);
        bind_text(st, 6, a->document_ref);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    st = saver_prep(s, "INSERT INTO adjustments VALUES(?,?,?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->adjustments.n; i++) {
        const adjustment_t *a = &m->adjustments.v[i];
        bind_text(st, 1, a->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, a->agreement_id);
        sqlite3_bind_int64(st, 4, a->amount);
        bind_text(st, 5, a->currency.code);
        bind_text(st, 6, a->reason);
        bind_text(st, 7, a->entered_by);
        bind_text(st, 8, a->approved_by);
        bind_date(st, 9, a->approved_on);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    st = saver_prep(s, "INSERT INTO activities VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->activities.n; i++) {
        const activity_t *a = &m->activities.v[i];
        bind_text(st, 1, a->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, a->partner_id);
        bind_text(st, 4, a->activity_code);
        bind_date(st, 5, a->activity_date);
        bind_text(st, 6, a->evidence_ref);
        bind_text(st, 7, status_names[a->status]);
        bind_text(st, 8, agreement_id_of(m, a->agreement));
        sqlite3_bind_int64(st, 9, a->points);
        sqlite3_bind_int64(st, 10, a->points_to_date);
        bind_text(st, 11, rule_name(a->rule));
        saver_step(s, st);
    }
    sqlite3_finalize(st);
}

/* §4.8 the restatements P posted (m->restated: only changed figures). */
static void save_restated(saver_t *s, const month_t *m)
{
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO restated VALUES(?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->restated.n && s->rc == EXIT_DONE; i++) {
        const restated_t *x = &m->restated.v[i];
        money_t basis, amount;
        bool fits = money_sub(x->revenue, x->revenue_before, &basis) &&
                    money_sub(x->residual, x->residual_before, &amount);
        assert(fits); /* lines_restatements made the same differences */
        (void)fits;
        bind_text(st, 1, agreement_id_of(m, x->agreement));
        bind_period(st, 2, m->period);
        bind_period(st, 3, x->period);
        sqlite3_bind_int64(st, 4, x->revenue);
        sqlite3_bind_int64(st, 5, x->residual);
        sqlite3_bind_int64(st, 6, basis);
        sqlite3_bind_int64(st, 7, amount);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
}

static void save_agreements(saver_t *s, const month_t *m)
{
    sqlite3_stmt *agg = saver_prep(s, "INSERT INTO agreement_periods VALUES(?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *tier = saver_prep(s, "INSERT INTO tiers VALUES(?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *pay = saver_prep(s, "INSERT INTO payables VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    const book_t *b = m->book;
    for (size_t a = 0; agg && tier && pay && a < m->master->agreements.n; a++) {
        const agreement_t *ag = &m->master->agreements.v[a];
        const agreement_period_t *c = &m->current[a];
        bool active = agreement_active_in(ag, m->period);
        if (active || c->cash_lines || c->revenue || c->installed_mrc || c->points ||
            c->by_kind[LINE_CREDIT]) {
            bind_text(agg, 1, ag->id);
            bind_period(agg, 2, m->period);
            sqlite3_bind_int64(agg, 3, c->revenue);
            sqlite3_bind_int64(agg, 4, c->installed_mrc);
            for (int k = 0; k < LINE_KINDS_STORED; k++) /* restatement: table restated */
                sqlite3_bind_int64(agg, 5 + k, c->by_kind[k]);
            sqlite3_bind_int64(agg, 10, c->points);
            saver_step(s, agg);
        }
        const tier_state_t *t = &m->tiers[a];
        if (active) {
            bind_text(tier, 1, ag->id);
            bind_period(tier, 2, m->period);
            bind_text(tier, 3, t->program >= 0 ? b->programs.v[t->program].name : NULL);
            bind_text(tier, 4, t->tier);
            bind_text(tier, 5, rule_name(t->rule));
            sqlite3_bind_int64(tier, 6, t->basis_value);
            sqlite3_bind_int(tier, 7, t->reviewed);
            bind_text(tier, 8, t->next_program >= 0 ? b->programs.v[t->next_program].name : NULL);
            bind_text(tier, 9, t->next_tier);
            bind_text(tier, 10, rule_name(t->next_rule));
            saver_step(s, tier);
        }
        const payable_t *p = &m->payables[a];
        if (p->present) {
            bind_text(pay, 1, ag->id);
            bind_period(pay, 2, m->period);
            bind_text(pay, 3, m->master->partners.v[ag->partner].id);
            bind_text(pay, 4, ag->currency.code);
            sqlite3_bind_int64(pay, 5, p->carried_in);
            sqlite3_bind_int64(pay, 6, p->earned);
            sqlite3_bind_int64(pay, 7, p->balance);
            sqlite3_bind_int64(pay, 8, p->paid);
            sqlite3_bind_int64(pay, 9, p->carried_out);
            bind_text(pay, 10, rule_name(p->status));
            bind_date(pay, 11, p->due_date);
            saver_step(s, pay);
        }
    }
    sqlite3_finalize(agg);
    sqlite3_finalize(tier);
    sqlite3_finalize(pay);
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO commitments VALUES(?,?,?,?,?,?,?,?)");
    for (size_t i = 0; st && i < m->commitments.n; i++) {
        const commitment_result_t *r = &m->commitments.v[i];
        const commitment_t *c = &m->master->commitments.v[r->commitment];
        bind_text(st, 1, c->id);
        bind_period(st, 2, m->period);
        bind_text(st, 3, agreement_id_of(m, c->agreement));
        sqlite3_bind_int64(st, 4, r->retired_period);
        sqlite3_bind_int64(st, 5, r->retired_to_date);
        sqlite3_bind_int64(st, 6, r->remaining);
        sqlite3_bind_int64(st, 7, r->percent_hundredths);
        bind_text(st, 8, rule_name(r->status));
        saver_step(s, st);
    }
    sqlite3_finalize(st);
}

static void save_run(saver_t *s, const month_t *m, const input_list_t *inputs)
{
    sqlite3_stmt *st = saver_prep(s, "INSERT INTO inputs VALUES(?,?,?,?,?)");
    for (size_t i = 0; st && i < inputs->n; i++) {
        bind_period(st, 1, m->period);
        bind_text(st, 2, inputs->v[i].path);
        bind_text(st, 3, inputs->v[i].sha256);
        sqlite3_bind_int64(st, 4, inputs->v[i].records);
        sqlite3_bind_int64(st, 5, inputs->v[i].bytes);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    const control_t *c = &m->control;
    struct {
        const char *name;
        int64_t v;
    } controls[] = {
        {"orders_read", c->orders_read}, {"orders_attributed", c->orders_attributed},
        {"orders_held", c->orders_held}, {"orders_rejected", c->orders_rejected},
        {"orders_rejected_rows", c->orders_rejected_rows},
        {"revenue_read", c->revenue_read}, {"revenue_amount_in", c->revenue_amount_in},
        {"revenue_amount_assigned", c->revenue_amount_assigned},
        {"rejects_total", c->rejects_total},
    };
    st = saver_prep(s, "INSERT INTO controls VALUES(?,?,?)");
    for (size_t i = 0; st && i < sizeof(controls) / sizeof(controls[0]); i++) {
        bind_period(st, 1, m->period);
        bind_text(st, 2, controls[i].name);
        sqlite3_bind_int64(st, 3, controls[i].v);
        saver_step(s, st);
    }
    sqlite3_finalize(st);
    exec_p(s, "INSERT INTO runs VALUES(?1, 'open', 1) ON CONFLICT(period) DO UPDATE SET"
              " runs = runs + 1", m->period);
}

/* The order rows an earlier run of P wrote. P is the newest period (periods
 * run in order, only the newest re-runs) and a run inserts its orders after
 * every earlier period's, so they are the rows of the highest rowids: found
 * walking back from the last row, deleted as one range, and counted against
 * the pack that run wrote. Rows not where they should be (the count
 * differs) fall back to a scan of every row (no index by period). */
static void clear_orders(saver_t *s, period_t p)
{
    if (s->rc != EXIT_DONE)
        return;
    int64_t run[2]; /* runs of P so far, orders in the pack of the last (-1: none) */
    if (!query_counts(s->l,
                      "SELECT count(*), coalesce(max(s.orders), -1) FROM runs r"
                      " LEFT JOIN order_stubs s ON s.period = r.period AND s.run = r.runs"
                      " WHERE r.period = ?1",
                      p, run, 2)) {
        s->rc = db_fail(s->l, s->err, "runs of the period");
        return;
    }
    if (run[0] == 0) /* never run: nothing of P is in the ledger */
        return;
    int64_t deleted = 0;
    if (run[1] >= 0) {
        sqlite3_stmt *tail =
            saver_prep(s, "SELECT rowid, period = ?1 FROM orders ORDER BY rowid DESC");
        if (!tail)
            return;
        bind_period(tail, 1, p);
        sqlite3_int64 first = 0;
        bool any = false;
        int rc;
        while ((rc = sqlite3_step(tail)) == SQLITE_ROW && sqlite3_column_int(tail, 1)) {
            first = sqlite3_column_int64(tail, 0);
            any = true;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            s->rc = db_fail(s->l, s->err, sqlite3_sql(tail));
        sqlite3_finalize(tail);
        sqlite3_stmt *del = any ? saver_prep(s, "DELETE FROM orders WHERE rowid >= ?1") : NULL;
        if (del) {
            sqlite3_bind_int64(del, 1, first);
            saver_step(s, del);
            sqlite3_finalize(del);
            deleted = sqlite3_changes64(s->l->db);
        }
    }
    if (deleted != run[1])
        exec_p(s, "DELETE FROM orders WHERE period = ?1", p);
}

cm_status ledger_save_month(ledger_t *l, const month_t *m, const input_list_t *inputs,
                            cm_error_t *err)
{
    assert(!month_overflowed(m)); /* an overflowed month's results are incomplete */
    saver_t s = {.l = l, .err = err, .rc = EXIT_DONE};
    /* an earlier run of P: remove what it wrote, undo what it changed */
    clear_orders(&s, m->period);
    static const char *const clear[] = {
        "DELETE FROM order_stubs WHERE period = ?1",
        ("UPDATE orders SET install_date = NULL, install_update_period = NULL"
         " WHERE install_update_period = ?1"),
        /* P's own rows are gone (clear_orders): the rest were ordered before P */
        ("UPDATE orders SET installed_period = NULL, spiff = NULL WHERE installed_period = ?1"
         " AND installed_period > period"),
        "UPDATE orders SET chargeback_period = NULL WHERE chargeback_period = ?1",
        "DELETE FROM approvals WHERE period = ?1", "DELETE FROM adjustments WHERE period = ?1",
        "DELETE FROM activities WHERE period = ?1",
        "DELETE FROM agreement_periods WHERE period = ?1", "DELETE FROM tiers WHERE period = ?1",
        "DELETE FROM payables WHERE period = ?1", "DELETE FROM commitments WHERE period = ?1",
        "DELETE FROM inputs WHERE period = ?1", "DELETE FROM controls WHERE period = ?1",
        "DELETE FROM statement_docs WHERE period = ?1", "DELETE FROM restated WHERE period = ?1",
    };
    for (size_t i = 0; i < sizeof(clear) / sizeof(clear[0]); i++)
        exec_p(&s, clear[i], m->period);
    save_orders(&s, m);
    save_events(&s, m);
    save_agreements(&s, m);
    save_restated(&s, m);
    save_run(&s, m, inputs);
    return s.rc;
}

cm_status ledger_close_period(ledger_t *l, period_t p, const ledger_payments_t *pay,
                              cm_error_t *err)
{
    saver_t s = {.l = l, .err = err, .rc = EXIT_DONE};
    /* ON CONFLICT DO NOTHING, then compare: a payment id is issued once */
    sqlite3_stmt *ins = saver_prep(&s, "INSERT INTO payments VALUES(?1,?2,?3,?4,?5,?6,?7)"
                                       " ON CONFLICT(payment_id) DO NOTHING");
    sqlite3_stmt *same = saver_prep(&s,
        "SELECT count(*) FROM payments WHERE payment_id = ?1 AND period IS ?2"
        " AND partner_id IS ?3 AND agreement_id IS ?4 AND currency IS ?5 AND amount IS ?6"
        " AND due_date IS ?7");
    for (size_t i = 0; ins && same && s.rc == EXIT_DONE && i < pay->list.n; i++) {
        const payment_t *v = &pay->list.v[i];
        sqlite3_stmt *both[] = {ins, same};
        for (int k = 0; k < 2; k++) {
            bind_text(both[k], 1, v->payment_id);
            bind_period(both[k], 2, p);
            bind_text(both[k], 3, v->partner_id);
            bind_text(both[k], 4, v->agreement_id);
            bind_text(both[k], 5, v->currency);
            sqlite3_bind_int64(both[k], 6, v->amount);
            bind_date(both[k], 7, v->due_date);
        }
        saver_step(&s, ins);
        if (s.rc != EXIT_DONE)
            break;
        int rc = sqlite3_step(same);
        bool equal = rc == SQLITE_ROW && sqlite3_column_int64(same, 0) == 1;
        sqlite3_reset(same);
        sqlite3_clear_bindings(same);
        if (rc != SQLITE_ROW)
            s.rc = db_fail(l, err, "payments");
        else if (!equal)
            s.rc = cm_fail(err, EXIT_STATE_CONFLICT,
                             "payment %s was issued before with other content (a payment id is "
                             "issued once); nothing was closed or published", v->payment_id);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(same);
    exec_p(&s, "UPDATE runs SET state = 'closed' WHERE period = ?1", p);
    return s.rc;
}

/* ---- the workbook's backlog: revenue held ----------------------------------------- */

typedef struct held_row {
    int32_t service;
    uint16_t currency;
    money_t amount;
} held_row_t;

static int held_row_cmp(const void *x, const void *y)
{
    const held_row_t *a = x, *b = y;
    if (a->service != b->service)
        return a->service < b->service ? -1 : 1;
    return a->currency < b->currency ? -1 : a->currency > b->currency;
}

cm_status ledger_save_holds(ledger_t *l, const month_t *m, cm_error_t *err)
{
    assert(!month_overflowed(m));
    saver_t s = {.l = l, .err = err, .rc = EXIT_DONE};
    exec_p(&s, "DELETE FROM held_revenue WHERE period = ?1", m->period);
    /* only the held rows, grouped by sorting them: nothing for a month without holds */
    VEC(held_row_t) v = {0};
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *r = &m->revenue.v[i];
        if (r->status == STATUS_HELD) { /* a service's order, or an account's owner (P3) */
            held_row_t h = {r->service, r->currency, r->amount};
            VEC_PUSH(v, h);
        }
    }
    if (v.n > 1)
        qsort(v.v, v.n, sizeof(*v.v), held_row_cmp);
    sqlite3_stmt *ins = saver_prep(&s, "INSERT INTO held_revenue VALUES(?1,?2,?3,?4,?5,?6)");
    for (size_t i = 0; ins && s.rc == EXIT_DONE && i < v.n;) {
        size_t j = i;
        money_t sum = 0;
        for (; j < v.n && v.v[j].service == v.v[i].service && v.v[j].currency == v.v[i].currency; j++)
            sum = money_add_bounded(sum, v.v[j].amount); /* a subset of P's rows */
        int32_t sv = v.v[i].service;
        const char *named = NULL, *key;
        char account[128];
        _Static_assert(sizeof(account) > sizeof("account ") + CSV_ID_MAX,
                       "an account id (at most CSV_ID_MAX bytes) is never cut");
        if (sv >= 0) {
            key = month_order_decision(m, sv).id;
            if (sv < ORDER_STUB)
                named = m->orders.v[sv].agreement_ref;
        } else { /* "account ID": never an order id (ids have no space) */
            const revenue_t probe = {.service = sv};
            int32_t ac = revenue_account(&probe);
            snprintf(account, sizeof(account), "account %s",
                     ac >= 0 ? m->master->accounts.v[ac].id : "(not in accounts.csv)");
            if (ac >= 0 && m->master->accounts.v[ac].owner >= 0)
                named = m->master->agreements.v[m->master->accounts.v[ac].owner].id;
            key = account;
        }
        currency_t c = currency_unpack(v.v[i].currency);
        bind_period(ins, 1, m->period);
        bind_text(ins, 2, key);
        bind_text(ins, 3, c.code);
        bind_text(ins, 4, named ? named : "");
        sqlite3_bind_int64(ins, 5, (int64_t)(j - i));
        sqlite3_bind_int64(ins, 6, sum);
        saver_step(&s, ins);
        i = j;
    }
    sqlite3_finalize(ins);
    free(v.v);
    return s.rc;
}
