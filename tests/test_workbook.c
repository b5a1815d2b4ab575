/*
 * test_workbook.c — payouts.xlsx and partner statements read back: sheets
 * present, paid total equal to the payables to the cent, Spanish labels for
 * an `es` partner, no formula cells from injected text, identical bytes on a
 * second write, and en/es texts for every rule code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decide.h"
#include "fake.h"
#include "labels.h"
#include "statements.h"
#include "workbook.h"

/* A decided month: an en partner with CTL + LVL3, an es partner whose name
 * is an injected formula. */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_ES);
    f->master.partners.v[1].name = "=HYPERLINK(\"http://x\",\"y\")";
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2", "P1", LEGACY_LVL3, "PL", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A3", "P2", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_product(f, "D", LEGACY_LVL3, "data", true);
    fake_account(f, "AC1", "A1");
    fake_account(f, "AC2", "A2");
    fake_account(f, "AC3", "A3");
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_rate(f, "PL", COMPONENT_RESIDUAL, "*", "*", "5", -1, "2016-01-01", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_revenue(f, "R1", "AC1", NULL, "V", "1000.00");
    fake_revenue(f, "R2", "AC2", NULL, "D", "2000.00");
    fake_revenue(f, "R3", "AC3", NULL, "V", "55.55");
    fake_revenue(f, "R4", "NOPE", NULL, "V", "-12.34");
    fake_revenue(f, "R5", "AC1", NULL, "V", "500.00");
    m->control.revenue_read = 5;
    m->control.revenue_amount_in = 100000 + 200000 + 5555 - 1234 + 50000;
    cm_error_t why;
    assert_int_equal(fake_decide(f, &why), EXIT_DONE);
    return m;
}

/* The text of one part of an xlsx (unzip -p), malloc'd. */
static char *part(const char *xlsx, const char *name)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s'", xlsx, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = 0;
    pclose(p);
    return buf;
}

static char *tmp_dir(void)
{
    char tmpl[] = "/tmp/test-workbook-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

/* Every sheet is present and the Summary's paid total equals the payables. */
static void test_sheets_and_totals(void **state)
{
    month_t *m = world(*state);
    char *dir = tmp_dir(), path[512];
    cm_error_t err;
    snprintf(path, sizeof(path), "%s/payouts.xlsx", dir);
    assert_int_equal(wb_write_payouts(m, path, &err), EXIT_DONE);
    char *wb = part(path, "xl/workbook.xml");
    const char *sheets[] = {"Overview", "Summary", "Lines", "Exceptions", "Commitments", "Tiers",
                            "Points", "Control"};
    for (size_t i = 0; i < 8; i++)
        assert_non_null(strstr(wb, sheets[i]));
    free(wb);
    money_t paid = 0;
    for (size_t a = 0; a < m->master->agreements.n; a++)
        paid += m->payables[a].paid;
    /* 10% of 1000 + 500, 5% of 2000, 10% of 55.55 */
    assert_int_equal(paid, 15000 + 10000 + 556);
    char *summary = part(path, "xl/worksheets/sheet2.xml");
    assert_non_null(strstr(summary, "<v>255.56</v>")); /* the totals row */
    assert_non_null(strstr(summary, "<autoFilter ref=\"A1:R4\"/>")); /* 3 agreements, no total */
    assert_non_null(strstr(summary, "<pane ySplit=\"1\""));          /* frozen header */
    free(summary);
    char *overview = part(path, "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(overview, "How much we pay"));
    assert_non_null(strstr(overview, "<v>255.56</v>")); /* total paid, USD */
    assert_non_null(strstr(overview, "<drawing "));     /* the payout by program chart */
    free(overview);
    char *chart = part(path, "xl/charts/chart1.xml");
    assert_non_null(strstr(chart, "Overview!$D$"));    /* plots the paid column */
    free(chart);
    char *styles = part(path, "xl/styles.xml");
    assert_non_null(strstr(styles, "#,##0.00"));       /* money: 2 decimals */
    assert_non_null(strstr(styles, "yyyy-mm-dd"));     /* dates are dates */
    free(styles);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* Injected text stays text: no <f> element anywhere; same bytes twice. */
static void test_no_formulas_and_deterministic(void **state)
{
    month_t *m = world(*state);
    char *dir = tmp_dir(), p1[512], p2[512], cmd[1200];
    cm_error_t e = {0};
    snprintf(p1, sizeof(p1), "%s/a", dir);
    snprintf(p2, sizeof(p2), "%s/b", dir);
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s' '%s'", p1, p2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(st_write_statements(m, p1, false, &e), EXIT_DONE);
    assert_int_equal(st_write_statements(m, p2, false, &e), EXIT_DONE);
    snprintf(cmd, sizeof(cmd), "cmp -s '%s/P2.xlsx' '%s/P2.xlsx'", p1, p2);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "%s/P2.xlsx", p1);
    /* a small statement is built in memory: its strings are shared strings */
    char *sheet = part(cmd, "xl/worksheets/*.xml");
    assert_null(strstr(sheet, "<f>")); /* no formula anywhere ... */
    free(sheet);
    sheet = part(cmd, "xl/sharedStrings.xml");
    assert_non_null(strstr(sheet, "<t>=HYPERLINK")); /* ... the name is a string */
    assert_non_null(strstr(sheet, "Estado de comisiones")); /* Spanish for an es partner */
    assert_non_null(strstr(sheet, "noviembre"));
    assert_non_null(strstr(sheet, "Saldo del período anterior"));
    assert_non_null(strstr(sheet, "Comisiones recurrentes"));
    assert_null(strstr(sheet, "Carried in"));
    free(sheet);
    /* P1's CTL sheet: R1 and R5 (same account, same product) are one row of 2 */
    snprintf(cmd, sizeof(cmd), "%s/P1.xlsx", p1);
    sheet = part(cmd, "xl/sharedStrings.xml");
    assert_non_null(strstr(sheet, "Commission statement"));
    free(sheet);
    sheet = part(cmd, "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(sheet, "<v>2</v>"));        /* rows summed */
    assert_non_null(strstr(sheet, "<v>1500</v>"));     /* basis 1000.00 + 500.00 */
    assert_non_null(strstr(sheet, "<v>150</v>"));      /* amount 100.00 + 50.00 */
    free(sheet);
    snprintf(cmd, sizeof(cmd), "%s/P1.xlsx", p1);
    char *wb = part(cmd, "xl/workbook.xml");
    assert_non_null(strstr(wb, "A1")); /* CTL and LVL3 side by side, one sheet each */
    assert_non_null(strstr(wb, "A2"));
    free(wb);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* Every rule code has an explanation and a resolution in en and es. */
static void test_every_code_has_texts(void **state)
{
    (void)state;
    for (int c = 1; c < RULE_COUNT; c++)
        for (int l = 0; l < LANG_COUNT; l++) {
            assert_true(rule_explain((lang_t)l, (rule_code)c)[0] != '\0');
            assert_true(rule_resolve((lang_t)l, (rule_code)c)[0] != '\0');
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_sheets_and_totals),
        FAKE_TEST(test_no_formulas_and_deterministic),
        cmocka_unit_test(test_every_code_has_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
