/*
 * statements.c — one workbook per partner with activity in P, in the
 * partner's language: a sheet per agreement (side by side in one file,
 * never pooled) with the payable waterfall and the lines, revenue summed per
 * service and product.
 */
#include "statements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "lines.h"
#include "xlsxutil.h"

enum { L_TITLE, L_PERIOD, L_AGREEMENT, L_CARRIED_IN, L_EARNED, L_BALANCE, L_PAID, L_CARRIED_OUT,
       L_STATUS, L_DUE, L_LINES, L_KIND, L_SOURCE, L_PRODUCT, L_BASIS, L_RATE, L_AMOUNT, L_NOTE,
       L_TIER, L_CREDIT, L_DRAFT, L_COUNT };
static const char *const L[LANG_COUNT][L_COUNT] = {
    {"Commission statement", "Period", "Agreement", "Carried in", "Earned", "Balance", "Paid",
     "Carried out", "Status", "Due date", "Lines", "Kind", "Service / source", "Product", "Basis",
     "Rate", "Amount", "Note", "Tier", "Integration credit (non-cash)", "DRAFT"},
    {"Estado de comisiones", "Período", "Acuerdo", "Saldo anterior", "Ganado", "Saldo", "Pagado",
     "Saldo trasladado", "Estado", "Fecha de pago", "Líneas", "Tipo", "Servicio / origen",
     "Producto", "Base", "Tasa", "Monto", "Nota", "Nivel", "Crédito de integración (no monetario)",
     "BORRADOR"},
};
static const char *const kind_es[LINE_KIND_COUNT] = {"residual", "incentivo", "reversión",
                                                     "ajuste", "crédito"};

static bool partner_active(const month_t *m, int32_t p)
{
    const master_t *ms = m->master;
    for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++) {
        int32_t a = ms->by_partner[k];
        if (m->payables[a].present || m->current[a].cash_lines || m->current[a].points ||
            m->current[a].by_kind[LINE_CREDIT])
            return true;
    }
    return false;
}

static void money_row(xu_book_t *b, lxw_worksheet *ws, lxw_row_t r, const char *label, money_t v)
{
    worksheet_write_string(ws, r, 0, label, NULL);
    xu_money(ws, r, 1, v, b->money);
}

static void agreement_sheet(xu_book_t *b, const month_t *m, int32_t a, lang_t lang, bool draft)
{
    const agreement_t *ag = &m->master->agreements.v[a];
    const payable_t *p = &m->payables[a];
    const char *const *l = L[lang];
    char name[32];
    snprintf(name, sizeof(name), "%.31s", ag->id);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_fit_to_pages(ws, 1, 0); /* all columns on one page width */
    worksheet_set_column(ws, 1, 6, 16, NULL);
    char pbuf[64], d[DATE_BUF];
    int month = period_month(m->period);
    snprintf(pbuf, sizeof(pbuf), "%s %d", month_name(lang, month), m->period / 12);
    worksheet_write_string(ws, 0, 0, l[L_TITLE], b->bold);
    if (draft)
        worksheet_write_string(ws, 0, 1, l[L_DRAFT], b->bold);
    xu_text(ws, 1, 0, m->master->partners.v[ag->partner].name, NULL);
    worksheet_write_string(ws, 2, 0, l[L_PERIOD], NULL);
    worksheet_write_string(ws, 2, 1, pbuf, NULL);
    worksheet_write_string(ws, 3, 0, l[L_AGREEMENT], NULL);
    xu_text(ws, 3, 1, ag->id, NULL);
    xu_text(ws, 3, 2, legacy_names[ag->legacy], NULL);
    worksheet_write_string(ws, 4, 0, l[L_TIER], NULL);
    xu_text(ws, 4, 1, m->tiers[a].tier, NULL);
    lxw_row_t r = 6;
    money_row(b, ws, r++, l[L_CARRIED_IN], p->carried_in);
    for (int k = 0; k < LINE_KIND_COUNT - 1; k++)
        money_row(b, ws, r++, lang == LANG_ES ? kind_es[k] : line_kind_names[k], p->by_kind[k]);
    money_row(b, ws, r++, l[L_EARNED], p->earned);
    money_row(b, ws, r++, l[L_BALANCE], p->balance);
    money_row(b, ws, r++, l[L_PAID], p->paid);
    money_row(b, ws, r++, l[L_CARRIED_OUT], p->carried_out);
    worksheet_write_string(ws, r, 0, l[L_STATUS], NULL);
    xu_text(ws, r++, 1, rule_explain(lang, p->status), NULL);
    if (p->due_date != DATE_NONE) {
        worksheet_write_string(ws, r, 0, l[L_DUE], NULL);
        xu_text(ws, r++, 1, date_format(p->due_date, d), NULL);
    }
    if (m->current[a].by_kind[LINE_CREDIT])
        money_row(b, ws, r++, l[L_CREDIT], m->current[a].by_kind[LINE_CREDIT]);
    r++;
    const char *h[] = {l[L_KIND], l[L_SOURCE], l[L_PRODUCT], l[L_BASIS], l[L_RATE], l[L_AMOUNT]};
    for (int i = 0; i < 6; i++)
        worksheet_write_string(ws, r, (lxw_col_t)i, h[i], b->header);
    r++;
    for (size_t i = 0; i < m->revenue.n; i++) {
        const revenue_t *rv = &m->revenue.v[i];
        if (rv->agreement != a || rv->status != STATUS_ASSIGNED)
            continue;
        char rate[MONEY_BUF];
        xu_text(ws, r, 0, lang == LANG_ES ? kind_es[LINE_RESIDUAL] : "residual", NULL);
        const char *service = revenue_service_id(m, rv);
        xu_text(ws, r, 1, service && *service ? service : revenue_account_id(m, rv), NULL);
        xu_text(ws, r, 2, m->master->products.v[rv->product].code, NULL);
        xu_money(ws, r, 3, rv->amount, b->money);
        xu_text(ws, r, 4, decimal_format(revenue_rate_pct(m->book, rv), RATE_SCALE, rate), NULL);
        xu_money(ws, r, 5, rv->commission, b->money);
        r++;
    }
    for (size_t i = 0; i < m->lines.n; i++) {
        const line_t *ln = &m->lines.v[i];
        if (ln->agreement != a)
            continue;
        xu_text(ws, r, 0, lang == LANG_ES ? kind_es[ln->kind] : line_kind_names[ln->kind], NULL);
        xu_text(ws, r, 1, ln->source_id, NULL);
        if (ln->product >= 0)
            xu_text(ws, r, 2, m->master->products.v[ln->product].code, NULL);
        if (ln->has_basis)
            xu_money(ws, r, 3, ln->basis, b->money);
        xu_money(ws, r, 5, ln->amount, b->money);
        r++;
    }
}

int st_write_statements(const month_t *m, const char *dir, bool draft, char *err, size_t errlen)
{
    const master_t *ms = m->master;
    for (size_t p = 0; p < ms->partners.n; p++) {
        if (!partner_active(m, (int32_t)p))
            continue;
        const partner_t *pt = &ms->partners.v[p];
        size_t len = strlen(dir) + strlen(pt->id) + 8;
        char *path = malloc(len);
        if (!path)
            abort();
        snprintf(path, len, "%s/%s.xlsx", dir, pt->id);
        xu_book_t b;
        bool ok = xu_open(&b, path, m->period, L[pt->lang][L_TITLE]);
        free(path);
        if (!ok) {
            snprintf(err, errlen, "%s: cannot create statement", pt->id);
            return -1;
        }
        for (int32_t k = ms->by_partner_first[p]; k < ms->by_partner_first[p + 1]; k++) {
            int32_t a = ms->by_partner[k];
            if (m->payables[a].present || m->current[a].by_kind[LINE_CREDIT])
                agreement_sheet(&b, m, a, pt->lang, draft);
        }
        if (xu_close(&b, err, errlen) != 0)
            return -1;
    }
    return 0;
}
