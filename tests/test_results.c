/*
 * test_results.c — the result CSVs of a fake month, byte for byte: each
 * file's rows (attribution, lines with residuals rounded half-even,
 * commitments, tiers, payables, control.csv's per-currency names), the
 * order of lines.csv (agreement, kind, source id, bytewise), a cell that
 * needs CSV quoting, and a write that fails naming its file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "fake.h"
#include "results.h"

/* Two partners, agreements whose index order is not their id order (B1
 * before A1), two currencies (A1 USD, B1 EUR), residual rates 10 % (A1)
 * and 12.5 % (B1), a tier program for B1 (LVL3), a commitment, two orders of P, three adjustments,
 * revenue whose ids are not in id order and a house row. Decided. */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_EN);
    fake_agreement(f, "B1", "P2", LEGACY_LVL3, "PL", "EUR", "2017-01-01", NULL);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_product(f, "D", LEGACY_LVL3, "data", true);
    fake_account(f, "AC1", "A1");
    fake_account(f, "AC2", "B1");
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_rate(f, "PL", COMPONENT_RESIDUAL, "*", "*", "12.5", -1, "2016-01-01", NULL);
    fake_commitment(f, "C1", "A1", BASIS_REVENUE, "1000.00", "2017-07", "2017-12");
    fake_program(f, "L3-CH", LEGACY_LVL3, BASIS_REVENUE, REVIEW_MONTHLY, 1, "Registered", NULL,
                 NULL, "2017-01", NULL);
    fake_tier(f, "L3-CH", "Registered", 1, fake_money("100.00"));
    fake_tier(f, "L3-CH", "Preferred", 2, fake_money("150.00"));
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_order(f, "O2", "P1", "A1", "V", ORDER_NEW, "2017-11-03");
    fake_order(f, "O1", "P1", "A1", "V", ORDER_NEW, "2017-11-02");
    fake_revenue(f, "R2", "AC1", NULL, "V", "100.00");
    fake_revenue(f, "R10", "AC1", NULL, "V", "0.25"); /* 0.025: half-even 0.02 */
    fake_revenue(f, "R1", "AC1", NULL, "V", "0.35");  /* 0.035: half-even 0.04 */
    revenue_t *r = fake_revenue(f, "R3", "AC2", NULL, "D", "200.00");
    r->currency = currency_pack(fake_currency("EUR"));
    fake_revenue(f, "R4", "NOPE", NULL, "V", "7.00"); /* house */
    fake_adjustment(f, "ADJ2", "A1", "1.00");
    fake_adjustment(f, "ADJ1", "A1", "5.00");
    fake_adjustment(f, "ADJ10", "A1", "-2.00");
    cm_error_t why = {0};
    if (fake_decide(f, &why) != EXIT_DONE)
        fail_msg("month_decide: %s", why.message);
    return m;
}

static char *tmp_dir(void)
{
    char tmpl[] = "/tmp/test-results-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void rm_rf(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* The bytes of dir/name, malloc'd (NUL-terminated). */
static char *slurp(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: cannot open", path);
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = fread(buf, 1, cap - 1, f);
    assert_true(n < cap - 1);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Write every result file of m into a new folder; its path. */
static char *written(const month_t *m)
{
    char *dir = tmp_dir();
    cm_error_t err = {0};
    cm_status rc = results_write_part(m, dir, RESULTS_ALL, &err);
    if (rc != EXIT_DONE)
        fail_msg("results_write_part: %s", err.message);
    return dir;
}

static void assert_file(const char *dir, const char *name, const char *expected)
{
    char *got = slurp(dir, name);
    if (strcmp(got, expected) != 0)
        fail_msg("%s:\n--- got\n%s--- expected\n%s", name, got, expected);
    free(got);
}

/* Proves attribution.csv and revenue.csv: a row per order / revenue row of
 * P, sorted by id bytewise (O1 before O2, R10 between R1 and R2), with the
 * agreement and the rule that decided it. */
static void test_decision_rows(void **state)
{
    char *dir = written(world(*state));
    assert_file(dir, "attribution.csv",
                "order_id,status,agreement_id,rule\n"
                "O1,attributed,A1,named_agreement\n"
                "O2,attributed,A1,named_agreement\n");
    assert_file(dir, "revenue.csv",
                "revenue_id,status,agreement_id,rule\n"
                "R1,assigned,A1,account_owner\n"
                "R10,assigned,A1,account_owner\n"
                "R2,assigned,A1,account_owner\n"
                "R3,assigned,B1,account_owner\n"
                "R4,unassigned,,no_owner\n");
    rm_rf(dir);
}

/* Proves lines.csv's bytes and order: by agreement id (A1 before B1 though
 * B1 is the first agreement), then kind (adjustment before residual), then
 * source id bytewise (ADJ1 < ADJ10 < ADJ2, R1 < R10 < R2) whatever the
 * order they were made in; a residual's amount rounded half-even (0.025 ->
 * 0.02, 0.035 -> 0.04); rates as the shortest decimal; no line for house
 * revenue. */
static void test_lines_rows_and_order(void **state)
{
    char *dir = written(world(*state));
    assert_file(dir, "lines.csv",
                "agreement_id,kind,source_id,basis,rate,amount,note\n"
                "A1,adjustment,ADJ1,,,5.00,\n"
                "A1,adjustment,ADJ10,,,-2.00,\n"
                "A1,adjustment,ADJ2,,,1.00,\n"
                "A1,residual,R1,0.35,10,0.04,\n"
                "A1,residual,R10,0.25,10,0.02,\n"
                "A1,residual,R2,100.00,10,10.00,\n"
                "B1,residual,R3,200.00,12.5,25.00,\n");
    rm_rf(dir);
}

/* Proves commitments.csv, tiers.csv (a row per active agreement, the
 * program's tier, basis and the review's next tier; blanks without a
 * program) and payables.csv (each agreement in its own currency: A1 earns
 * 10.06 residual + 4.00 adjustments). */
static void test_agreement_rows(void **state)
{
    char *dir = written(world(*state));
    assert_file(dir, "commitments.csv",
                "commitment_id,agreement_id,retired_period,retired_to_date,remaining,percent,"
                "status\n"
                "C1,A1,100.60,100.60,899.40,10.06,at_risk\n");
    assert_file(dir, "tiers.csv",
                "agreement_id,program,tier,basis_value,next_tier,rule\n"
                "A1,,,,,\n"
                "B1,L3-CH,Registered,200.00,Preferred,entry\n");
    assert_file(dir, "payables.csv",
                "agreement_id,carried_in,earned,balance,paid,carried_out,status,due_date\n"
                "A1,0.00,14.06,14.06,14.06,0.00,paid,2017-11-30\n"
                "B1,0.00,25.00,25.00,25.00,0.00,paid,2017-11-30\n");
    assert_file(dir, "points.csv", "activity_id,agreement_id,status,points,points_to_date,rule\n");
    assert_file(dir, "rejects.csv", "file,line,column,reason\n");
    rm_rf(dir);
}

/* Proves control.csv names money per currency (NAME_CUR, never a sum
 * across currencies), counts without one, rows sorted bytewise by name. */
static void test_control_per_currency(void **state)
{
    char *dir = written(world(*state));
    char *got = slurp(dir, "control.csv");
    static const char *const lines[] = {
        "name,value\n",
        "\nlines_adjustment_amount_USD,4.00\n",
        "\nlines_adjustment_amount_EUR,0.00\n",
        "\nlines_residual_amount_EUR,25.00\n",
        "\nlines_residual_amount_USD,10.06\n",
        "\norders_attributed,2\n",
        "\npayables_paid_EUR,25.00\n",
        "\npayables_paid_USD,14.06\n",
        "\npayables_agreements_paid_USD,1\n",
        "\nrevenue_amount_in_EUR,200.00\n",
        "\nrevenue_amount_in_USD,107.60\n",
        "\nrevenue_amount_unassigned_USD,7.00\n",
        "\nrevenue_read,5\n",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        if (!strstr(got, lines[i]))
            fail_msg("control.csv lacks %s", lines[i]);
    assert_null(strstr(got, "\npayables_paid,"));
    assert_null(strstr(got, "restatement")); /* no corrected files: no such rows */
    /* sorted by name, each name once */
    char *prev = NULL;
    for (char *line = strchr(got, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        *strchr(line, ',') = '\0';
        if (prev)
            assert_true(strcmp(prev, line) < 0);
        prev = line;
        line += strlen(line) + 1;
    }
    free(got);
    rm_rf(dir);
}

/* Proves a cell holding a comma or a quote is quoted, its quotes doubled. */
static void test_quoted_cell(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    f->master.commitments.v[0].id = "C,\"1\"";
    char *dir = written(m);
    assert_file(dir, "commitments.csv",
                "commitment_id,agreement_id,retired_period,retired_to_date,remaining,percent,"
                "status\n"
                "\"C,\"\"1\"\"\",A1,100.60,100.60,899.40,10.06,at_risk\n");
    rm_rf(dir);
}

/* Proves a file that cannot be created fails the write with EXIT_INTERNAL
 * and a message naming it and the system's reason, for each part (the first
 * file of the part). */
static void test_write_error_names_the_file(void **state)
{
    month_t *m = world(*state);
    char *dir = tmp_dir(), path[600];
    snprintf(path, sizeof(path), "%s/file", dir);
    FILE *x = fopen(path, "w");
    assert_non_null(x);
    fclose(x);
    static const struct {
        results_part_t part;
        const char *first;
    } parts[] = {{RESULTS_ALL, "attribution.csv"},
                 {RESULTS_LINES, "lines.csv"},
                 {RESULTS_REVENUE, "revenue.csv"},
                 {RESULTS_OTHERS, "attribution.csv"}};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        cm_error_t err = {0};
        assert_int_equal(results_write_part(m, path, parts[i].part, &err), EXIT_INTERNAL);
        assert_int_equal(err.code, EXIT_INTERNAL);
        char want[700];
        snprintf(want, sizeof(want), "%s/%s: Not a directory", path, parts[i].first);
        if (strcmp(err.message, want) != 0)
            fail_msg("got \"%s\", expected \"%s\"", err.message, want);
    }
    rm_rf(dir);
}

/* A stand-in for the SHA-256 of a file: a fixed digest. */
static bool fixed_hash(const char *path, char hex[65])
{
    (void)path;
    memset(hex, 'a', 64);
    hex[64] = '\0';
    return true;
}

/* Proves payments.csv (rows sorted, an id starting with = neutralised by
 * an apostrophe) and payments.control (count, a total per currency in code
 * order, the chain link, the hash). */
static void test_payments(void **state)
{
    (void)state;
    const payment_t v[] = {
        {"PAY-2", "P2", "B1", "EUR", 2500, 17500},
        {"=PAY-1", "P1", "A1", "USD", 1406, 17500},
        {"PAY-3", "P1", "A1", "USD", 100, 17501},
    };
    char *dir = tmp_dir();
    cm_error_t err = {0};
    cm_status rc = results_write_payments(v, 3, "LINK", dir, fixed_hash, &err);
    if (rc != EXIT_DONE)
        fail_msg("results_write_payments: %s", err.message);
    char due[2][DATE_BUF];
    date_format(17500, due[0]);
    date_format(17501, due[1]);
    char want[600];
    snprintf(want, sizeof(want),
             "payment_id,partner_id,agreement_id,currency,amount,due_date\n"
             "'=PAY-1,P1,A1,USD,14.06,%s\n"
             "PAY-2,P2,B1,EUR,25.00,%s\n"
             "PAY-3,P1,A1,USD,1.00,%s\n",
             due[0], due[0], due[1]);
    assert_file(dir, "payments.csv", want);
    assert_file(dir, "payments.control",
                "name,value\ncount,3\ntotal_EUR,25.00\ntotal_USD,15.06\nchain_link,LINK\n"
                "sha256,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_decision_rows),
        FAKE_TEST(test_lines_rows_and_order),
        FAKE_TEST(test_agreement_rows),
        FAKE_TEST(test_control_per_currency),
        FAKE_TEST(test_quoted_cell),
        FAKE_TEST(test_write_error_names_the_file),
        FAKE_TEST(test_payments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
