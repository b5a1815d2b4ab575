/*
 * test_statements.c — partner statements from hostile ids and text:
 * agreement ids Excel forbids as sheet names, partner ids that look like
 * paths, characters XML 1.0 forbids; the build/render round trip (a
 * document renders alone, after its month is gone) and write errors that
 * name the file and the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "decide.h"
#include "fake.h"
#include "st_doc.h"
#include "statements.h"
#include "workbook.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Every part of an xlsx matching glob, concatenated (unzip -p), malloc'd;
 * *len its length (the text may hold any byte). */
static char *part(const char *xlsx, const char *glob, size_t *len)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s'", xlsx, glob);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = 0;
    assert_int_equal(pclose(p), 0);
    if (len)
        *len = n;
    return buf;
}

static char *tmp_dir(void)
{
    char tmpl[] = "/tmp/test-statements-XXXXXX";
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

static bool same_file(const char *a, const char *b)
{
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

/* Names of the entries of dir (sorted), NULL-terminated, malloc'd. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **v = calloc(256, sizeof(*v));
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && *n < 255)
            v[(*n)++] = strdup(e->d_name);
    closedir(d);
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool equal_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* A partner with one agreement, an account it owns and one revenue row. */
static void partner_with_revenue(fake_t *f, const char *partner, const char *agreement,
                                 const char *account)
{
    fake_partner(f, partner, LANG_EN);
    fake_agreement(f, agreement, partner, LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_account(f, account, agreement);
}

static month_t *decide(fake_t *f, size_t nrevenue, const char *const *accounts)
{
    month_t *m = fake_month(f, "2017-11");
    for (size_t i = 0; i < nrevenue; i++) {
        char id[32];
        snprintf(id, sizeof(id), "R%zu", i + 1);
        fake_revenue(f, id, accounts[i], NULL, "V", "100.00");
    }
    cm_error_t why;
    assert_int_equal(fake_decide(f, &why), EXIT_DONE);
    return m;
}

/* ---- sheet names ------------------------------------------------------------------ */

static const char *const hostile_agreements[] = {
    "A:NW/C",
    "L3/2017/001",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234-first",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234-second",
    "ab-case",
    "AB-CASE",
    "History",
};
#define NHOSTILE (sizeof(hostile_agreements) / sizeof(hostile_agreements[0]))

/* Agreement ids SPEC §2 allows but Excel forbids as sheet names: the
 * statement is written, every sheet name is valid and unique ignoring case,
 * and each sheet shows its full agreement id. */
static void test_hostile_sheet_names(void **state)
{
    fake_t *f = *state;
    fake_partner(f, "P1", LANG_EN);
    const char *accounts[NHOSTILE];
    char acc[NHOSTILE][16];
    for (size_t i = 0; i < NHOSTILE; i++) {
        snprintf(acc[i], sizeof(acc[i]), "AC%zu", i);
        accounts[i] = acc[i];
        fake_agreement(f, hostile_agreements[i], "P1", LEGACY_CTL, "PC", "USD", "2017-01-01",
                       NULL);
        fake_account(f, acc[i], hostile_agreements[i]);
    }
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_finish(f);
    month_t *m = decide(f, NHOSTILE, accounts);
    char *dir = tmp_dir(), path[600];
    cm_error_t e = {0};
    assert_int_equal(st_write_statements(m, dir, true, &e), 0);
    snprintf(path, sizeof(path), "%s/P1.xlsx", dir);
    char *wb = part(path, "xl/workbook.xml", NULL);
    char names[16][64];
    size_t n = 0;
    for (const char *p = strstr(wb, "<sheet "); p; p = strstr(p + 1, "<sheet ")) {
        const char *q = strstr(p, "name=\"");
        assert_non_null(q);
        q += 6;
        size_t len = strcspn(q, "\"");
        assert_true(n < 16 && len < 64);
        memcpy(names[n], q, len);
        names[n++][len] = 0;
    }
    free(wb);
    assert_int_equal(n, NHOSTILE);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        assert_true(len >= 1 && len <= 31);
        assert_null(strpbrk(names[i], ":\\/?*[]"));
        assert_true(names[i][0] != '\'' && names[i][len - 1] != '\'');
        assert_false(equal_ignoring_case(names[i], "History"));
        for (size_t j = 0; j < i; j++)
            assert_false(equal_ignoring_case(names[i], names[j]));
    }
    /* the documented mapping: forbidden characters become '_' */
    bool seen_colon = false, seen_slash = false;
    for (size_t i = 0; i < n; i++) {
        seen_colon |= strcmp(names[i], "A_NW_C") == 0;
        seen_slash |= strcmp(names[i], "L3_2017_001") == 0;
    }
    assert_true(seen_colon && seen_slash);
    /* each full id is shown in a cell */
    char *strings = part(path, "xl/sharedStrings.xml", NULL);
    for (size_t i = 0; i < NHOSTILE; i++) {
        char cell[96];
        snprintf(cell, sizeof(cell), "<t>%s</t>", hostile_agreements[i]);
        assert_non_null(strstr(strings, cell));
    }
    free(strings);
    rm_rf(dir);
}

/* ---- file names ------------------------------------------------------------------- */

static const char *const hostile_partners[] = {
    "../escaped", "../payouts", "a/b", "ABC", "abc", "-lead", ".hidden", "CON", "x:y", "P-OK",
};
#define NPARTNERS (sizeof(hostile_partners) / sizeof(hostile_partners[0]))

/* Partner ids that look like paths: nothing is written outside the folder,
 * file names are distinct ignoring case, none hidden or leading '-', and
 * index.csv maps every id to its file. */
static void test_hostile_file_names(void **state)
{
    fake_t *f = *state;
    const char *accounts[NPARTNERS];
    char acc[NPARTNERS][16], ag[NPARTNERS][16];
    for (size_t i = 0; i < NPARTNERS; i++) {
        snprintf(acc[i], sizeof(acc[i]), "AC%zu", i);
        snprintf(ag[i], sizeof(ag[i]), "A%zu", i);
        accounts[i] = acc[i];
        partner_with_revenue(f, hostile_partners[i], ag[i], acc[i]);
    }
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_finish(f);
    month_t *m = decide(f, NPARTNERS, accounts);
    char *root = tmp_dir(), dir[600];
    cm_error_t e = {0};
    snprintf(dir, sizeof(dir), "%s/out/statements", root);
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    int rc = st_write_statements(m, dir, true, &e);
    assert_int_equal(rc, 0);
    /* nothing beside the statements folder, nothing in the tree's root */
    size_t n;
    char out[640];
    snprintf(out, sizeof(out), "%s/out", root);
    char **v = list_dir(out, &n);
    assert_int_equal(n, 1);
    assert_string_equal(v[0], "statements");
    free_list(v, n);
    v = list_dir(root, &n);
    assert_int_equal(n, 1);
    free_list(v, n);
    /* one file per partner and the index; names safe and distinct ignoring case */
    v = list_dir(dir, &n);
    assert_int_equal(n, NPARTNERS + 1);
    for (size_t i = 0; i < n; i++) {
        assert_null(strchr(v[i], '/'));
        assert_true(v[i][0] != '.' && v[i][0] != '-');
        for (size_t j = 0; j < i; j++)
            assert_false(equal_ignoring_case(v[i], v[j]));
    }
    free_list(v, n);
    /* the index lists every id with an existing file */
    char index[700];
    snprintf(index, sizeof(index), "%s/index.csv", dir);
    FILE *ix = fopen(index, "r");
    assert_non_null(ix);
    char line[512];
    assert_non_null(fgets(line, sizeof(line), ix));
    assert_string_equal(line, "partner_id,file\n");
    size_t rows = 0;
    bool seen[NPARTNERS] = {0};
    while (fgets(line, sizeof(line), ix)) {
        line[strcspn(line, "\n")] = 0;
        char *comma = strrchr(line, ',');
        assert_non_null(comma);
        *comma = 0;
        for (size_t i = 0; i < NPARTNERS; i++)
            if (strcmp(line, hostile_partners[i]) == 0)
                seen[i] = true;
        char file[1300];
        snprintf(file, sizeof(file), "%s/%s", dir, comma + 1);
        assert_int_equal(access(file, F_OK), 0);
        if (strcmp(line, "../payouts") == 0)
            assert_string_equal(comma + 1, "~2E.~2Fpayouts.xlsx");
        if (strcmp(line, "a/b") == 0)
            assert_string_equal(comma + 1, "a~2Fb.xlsx");
        if (strcmp(line, "P-OK") == 0)
            assert_string_equal(comma + 1, "P-OK.xlsx"); /* a safe id stays as it is */
        if (strcmp(line, "abc") == 0)
            assert_string_equal(comma + 1, "abc~2.xlsx"); /* after ABC, ignoring case */
        rows++;
    }
    fclose(ix);
    assert_int_equal(rows, NPARTNERS);
    for (size_t i = 0; i < NPARTNERS; i++)
        assert_true(seen[i]);
    rm_rf(root);
}

/* ---- build / render --------------------------------------------------------------- */

/* A decided month: an en partner with CTL + LVL3 (revenue, an adjustment, a
 * commitment), an es partner, and an en partner with a carried balance only. */
static month_t *world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_partner(f, "P2", LANG_ES);
    fake_partner(f, "P3", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2", "P1", LEGACY_LVL3, "PL", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A3", "P2", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A4", "P3", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_product(f, "D", LEGACY_LVL3, "data", true);
    fake_account(f, "AC1", "A1");
    fake_account(f, "AC2", "A2");
    fake_account(f, "AC3", "A3");
    fake_commitment(f, "C1", "A1", BASIS_REVENUE, "5000.00", "2017-07", "2018-06");
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_rate(f, "PL", COMPONENT_RESIDUAL, "*", "*", "5.25", -1, "2016-01-01", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_revenue(f, "R1", "AC1", NULL, "V", "1000.00");
    fake_revenue(f, "R2", "AC2", NULL, "D", "2000.00");
    fake_revenue(f, "R3", "AC3", NULL, "V", "55.55");
    fake_revenue(f, "R5", "AC1", NULL, "V", "500.00");
    fake_adjustment(f, "ADJ1", "A1", "-25.00");
    m->carried_in[fake_ag(f, "A4")] = 1000; /* a balance only: the shortest agreement */
    cm_error_t why;
    assert_int_equal(fake_decide(f, &why), EXIT_DONE);
    return m;
}

/* Documents rendered after the month is released give the very bytes of
 * st_write_statements; so do documents copied through bytes (the ledger's
 * way: st_docs_push). */
static void test_round_trip(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    char *dir = tmp_dir(), direct[600], later[600];
    cm_error_t e = {0};
    snprintf(direct, sizeof(direct), "%s/direct", dir);
    snprintf(later, sizeof(later), "%s/later", dir);
    assert_int_equal(st_write_statements(m, direct, true, &e), 0);
    st_docs_t built;
    assert_int_equal(st_docs_build(m, NULL, &built, &e), 0);
    assert_int_equal(built.n, 3);
    assert_string_equal(built.v[0].partner_id, "P1");
    assert_string_equal(built.v[1].partner_id, "P2");
    assert_string_equal(built.v[2].partner_id, "P3");
    st_docs_t copy = {0};
    for (size_t i = 0; i < built.n; i++)
        st_docs_push(&copy, built.v[i].partner_id, built.v[i].bytes, built.v[i].len);
    st_docs_free(&built);
    fake_release(f); /* the month, master and book are gone */
    assert_int_equal(st_docs_render(&copy, later, true, &e), 0);
    const char *files[] = {"P1.xlsx", "P2.xlsx", "P3.xlsx", "index.csv"};
    for (size_t i = 0; i < 4; i++) {
        char a[700], b[700];
        snprintf(a, sizeof(a), "%s/%s", direct, files[i]);
        snprintf(b, sizeof(b), "%s/%s", later, files[i]);
        assert_true(same_file(a, b));
    }
    /* what the rendered statement shows came from the document */
    char p1[700];
    snprintf(p1, sizeof(p1), "%s/P1.xlsx", later);
    char *strings = part(p1, "xl/sharedStrings.xml", NULL);
    assert_non_null(strstr(strings, "<t>C1</t>"));   /* the commitment */
    assert_non_null(strstr(strings, "<t>ADJ1</t>")); /* the adjustment line */
    free(strings);
    strings = part(p1, "xl/worksheets/*.xml", NULL);
    assert_non_null(strstr(strings, "<v>5.25</v>")); /* the LVL3 rate, a number */
    free(strings);
    strings = part(p1, "xl/sharedStrings.xml", NULL);
    assert_non_null(strstr(strings, "<t>DRAFT — not final")); /* the banner row */
    free(strings);
    /* a malformed document is an error naming the partner, never a crash */
    st_docs_t bad = {0};
    st_docs_push(&bad, "P1", copy.v[0].bytes, copy.v[0].len / 2);
    char trunc[700];
    snprintf(trunc, sizeof(trunc), "%s/trunc", dir);
    assert_int_equal(st_docs_render(&bad, trunc, false, &e), EXIT_INTERNAL);
    assert_non_null(strstr(e.message, "P1"));
    assert_non_null(strstr(e.message, "unusable"));
    st_docs_free(&bad);
    unsigned char *v2 = malloc(copy.v[0].len);
    memcpy(v2, copy.v[0].bytes, copy.v[0].len);
    v2[4] = 99; /* another version */
    st_docs_push(&bad, "P1", v2, copy.v[0].len);
    free(v2);
    assert_int_equal(st_docs_render(&bad, trunc, false, &e), EXIT_INTERNAL);
    assert_non_null(strstr(e.message, "version"));
    st_docs_free(&bad);
    st_docs_free(&copy);
    rm_rf(dir);
}

/* Documents cut at every length and with bytes changed (a damaged or
 * tampered ledger): render fails with a message or writes a workbook, and
 * never reads outside the bytes (ASan) nor crashes. */
static void test_damaged_documents(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    st_docs_t built;
    cm_error_t e = {0};
    assert_int_equal(st_docs_build(m, NULL, &built, &e), 0);
    const st_doc_t *d = &built.v[0];
    char *dir = tmp_dir(), out[600];
    snprintf(out, sizeof(out), "%s/out", dir);
    for (size_t len = 0; len < d->len; len++) {
        st_docs_t one = {0};
        st_docs_push(&one, d->partner_id, d->bytes, len);
        assert_int_equal(st_docs_render(&one, out, false, &e), EXIT_INTERNAL);
        assert_non_null(strstr(e.message, "unusable"));
        st_docs_free(&one);
    }
    unsigned char *v = malloc(d->len);
    uint64_t seed = 7;
    for (int i = 0; i < 300; i++) {
        memcpy(v, d->bytes, d->len);
        for (int k = 0; k < 1 + i % 4; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            v[(seed >> 33) % d->len] ^= (unsigned char)(1u << ((seed >> 20) % 8));
        }
        st_docs_t one = {0};
        st_docs_push(&one, d->partner_id, v, d->len);
        e.message[0] = 0;
        if (st_docs_render(&one, out, false, &e) != 0)
            assert_true(e.message[0] != 0);
        st_docs_free(&one);
    }
    free(v);
    st_docs_free(&built);
    rm_rf(dir);
}

/* ---- characters XML forbids --------------------------------------------------------- */

/* No byte sequence XML 1.0 forbids in text (C0 but tab, LF, CR; U+FFFE,
 * U+FFFF as UTF-8). */
static void assert_xml_clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20)
            assert_true(c == '\t' || c == '\n' || c == '\r');
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF)
            assert_true((unsigned char)s[i + 2] != 0xBE && (unsigned char)s[i + 2] != 0xBF);
    }
}

#define REPLACED "\xEF\xBF\xBD" /* U+FFFD */
#define CLEANED "Bad" REPLACED " " REPLACED " and " REPLACED REPLACED " end" REPLACED "<"

/* A partner name with C0 controls, U+FFFE, U+FFFF and a byte that is not
 * UTF-8: the statement's and payouts.xlsx's XML never hold them. */
static void test_forbidden_xml_characters(void **state)
{
    fake_t *f = *state;
    const char *accounts[] = {"AC1"};
    partner_with_revenue(f, "P1", "A1", "AC1");
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_finish(f);
    f->master.partners.v[0].name = "Bad\x01 \xEF\xBF\xBE and \xEF\xBF\xBF\x1F end\xFF";
    month_t *m = decide(f, 1, accounts);
    char *dir = tmp_dir(), path[700];
    cm_error_t e = {0};
    assert_int_equal(st_write_statements(m, dir, false, &e), 0);
    snprintf(path, sizeof(path), "%s/P1.xlsx", dir);
    size_t n;
    char *xml = part(path, "*.xml", &n);
    assert_xml_clean(xml, n);
    /* each forbidden character (and the stray byte) is one U+FFFD */
    assert_non_null(strstr(xml, CLEANED));
    free(xml);
    snprintf(path, sizeof(path), "%s/payouts.xlsx", dir);
    cm_error_t wb_err;
    assert_int_equal(wb_write_payouts(m, path, &wb_err), EXIT_DONE);
    xml = part(path, "*.xml", &n);
    assert_xml_clean(xml, n);
    assert_non_null(strstr(xml, CLEANED));
    free(xml);
    rm_rf(dir);
}

/* ---- write errors ------------------------------------------------------------------- */

/* A write that fails names the file and the system's reason. */
static void test_errors_name_the_reason(void **state)
{
    fake_t *f = *state;
    month_t *m = world(f);
    char *dir = tmp_dir(), path[700];
    cm_error_t e = {0};
    /* a folder where a file is */
    snprintf(path, sizeof(path), "%s/file", dir);
    FILE *x = fopen(path, "w");
    assert_non_null(x);
    fclose(x);
    snprintf(path, sizeof(path), "%s/file/statements", dir);
    e.message[0] = 0;
    assert_int_equal(st_write_statements(m, path, true, &e), EXIT_INTERNAL);
    assert_non_null(strstr(e.message, path));
    assert_non_null(strstr(e.message, "Not a directory"));
    snprintf(path, sizeof(path), "%s/file/payouts.xlsx", dir);
    e.message[0] = 0;
    assert_int_equal(wb_write_payouts(m, path, &e), EXIT_INTERNAL);
    assert_non_null(strstr(e.message, path));
    assert_non_null(strstr(e.message, "Not a directory"));
    /* no file descriptor left (EMFILE): the file and the reason */
    snprintf(path, sizeof(path), "%s/st", dir);
    struct rlimit old, low;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    int probe = dup(0); /* the lowest free descriptor: none above it is free after this */
    assert_true(probe >= 0);
    close(probe);
    low = old;
    low.rlim_cur = (rlim_t)probe;
    e.message[0] = 0;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    int rc = st_write_statements(m, path, true, &e);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    assert_int_equal(rc, EXIT_INTERNAL);
    assert_non_null(strstr(e.message, "P1.xlsx"));
    assert_non_null(strstr(e.message, "Too many open files"));
    rm_rf(dir);
}

/* ---- what a statement explains (issue 22) ---------------------------------------- */

/* A service with a spiff paid, installed on `install` for `term` months, and
 * its disconnect in P (2017-11-20). */
static void spiff_then_disconnect(fake_t *f, const char *service, const char *disconnect,
                                  const char *partner, const char *agreement, const char *currency,
                                  const char *install, int32_t term, const char *spiff)
{
    order_t *o = fake_earlier_order(f, "2017-01", service, partner, agreement, "V", ORDER_NEW,
                                    "2017-01-02", STATUS_ATTRIBUTED);
    o->install_date = fake_date(install);
    o->installed_period = period_of_date(o->install_date);
    o->term_months = term;
    o->mrc = 10000;
    o->has_spiff = true;
    o->spiff = fake_money(spiff);
    o->currency = fake_currency(currency);
    order_t *d = fake_order(f, disconnect, partner, NULL, "V", ORDER_DISCONNECT, "2017-11-20");
    d->original_id = service;
    d->currency = fake_currency(currency);
}

/* A Spanish partner in EUR and an English one in USD: every money block
 * names the agreement's currency (and no other); the chargeback note is
 * whole, names the order whose spiff is reversed, the spiff and the months
 * served, with plurals right in both languages; the adjustment shows its
 * reason, who entered and who approved it; the partner's rejected order is
 * listed with its rule; the period reads "noviembre de 2017". */
static void test_statement_explains_itself(void **state)
{
    fake_t *f = *state;
    fake_partner(f, "P1", LANG_ES);
    fake_partner(f, "P2", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PC", "EUR", "2017-01-01", NULL);
    fake_agreement(f, "A2", "P2", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_account(f, "AC1", "A1");
    fake_account(f, "AC2", "A2");
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    spiff_then_disconnect(f, "S1", "D1", "P1", "A1", "EUR", "2017-06-15", 24, "750.00");
    spiff_then_disconnect(f, "S2", "D2", "P2", "A2", "USD", "2017-10-15", 2, "100.00");
    order_t *wrong = fake_order(f, "O-X1", "P1", "A1", "V", ORDER_NEW, "2017-11-10");
    wrong->currency = fake_currency("USD"); /* A1 is in EUR: rejected */
    fake_adjustment(f, "ADJ-1", "A1", "-292.29");
    m->adjustments.v[m->adjustments.n - 1].reason = "rate correction, see ticket 4411";
    revenue_t *r = fake_revenue(f, "R1", "AC1", NULL, "V", "100.00");
    r->currency = currency_pack(fake_currency("EUR"));
    fake_revenue(f, "R2", "AC2", NULL, "V", "100.00");
    cm_error_t why;
    assert_int_equal(fake_decide(f, &why), EXIT_DONE);
    char *dir = tmp_dir(), path[600];
    cm_error_t e = {0};
    assert_int_equal(st_write_statements(m, dir, true, &e), 0);

    snprintf(path, sizeof(path), "%s/P1.xlsx", dir);
    char *es = part(path, "xl/sharedStrings.xml", NULL);
    assert_non_null(strstr(es, "<t>A pagar (EUR)</t>"));
    assert_non_null(strstr(es, "<t>Reversiones (EUR)</t>"));
    assert_non_null(strstr(es, "<t>Total (EUR)</t>"));
    assert_null(strstr(es, "(USD)"));
    assert_non_null(strstr(es, "<t>Bono de 750.00 EUR de la orden S1 revertido por los 19 meses "
                               "no cumplidos de su plazo de 24 meses (5 meses cumplidos)</t>"));
    assert_non_null(strstr(es, "<t>5 de 24</t>"));
    assert_non_null(strstr(es, "<t>rate correction, see ticket 4411</t>"));
    assert_non_null(strstr(es, "<t>clerk</t>"));
    assert_non_null(strstr(es, "<t>manager</t>"));
    assert_non_null(strstr(es, "<t>Orden O-X1</t>"));
    assert_non_null(strstr(es, "<t>rechazada</t>"));
    assert_non_null(strstr(es, "<t>La moneda difiere de la del acuerdo</t>"));
    assert_non_null(strstr(es, "<t>noviembre de 2017</t>"));
    free(es);
    char *es_sheet = part(path, "xl/worksheets/sheet1.xml", NULL);
    assert_non_null(strstr(es_sheet, "<oddHeader>"));
    assert_non_null(strstr(es_sheet, "BORRADOR"));
    assert_non_null(strstr(es_sheet, "Página &amp;P de &amp;N"));
    assert_non_null(strstr(es_sheet, "<pageSetup fitToHeight=\"0\" orientation=\"landscape\"/>"));
    assert_non_null(strstr(es_sheet, "<pageSetUpPr fitToPage=\"1\"/>"));
    free(es_sheet);

    snprintf(path, sizeof(path), "%s/P2.xlsx", dir);
    char *en = part(path, "xl/sharedStrings.xml", NULL);
    assert_non_null(strstr(en, "<t>Payable (USD)</t>"));
    assert_null(strstr(en, "(EUR)"));
    assert_non_null(strstr(en, "<t>Spiff of 100.00 USD on order S2 reversed for the month not "
                               "served of its 2-month term (1 month served)</t>"));
    assert_non_null(strstr(en, "<t>Nothing held this period</t>"));
    free(en);
    rm_rf(dir);
}

/* The history a statement shows is the ledger's rows handed to build plus
 * P: periods outside the last 12 are left out, the rows keep their figures. */
static void test_history_from_ledger_rows(void **state)
{
    fake_t *f = *state;
    partner_with_revenue(f, "P1", "A1", "AC1");
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_finish(f);
    const char *accounts[] = {"AC1"};
    month_t *m = decide(f, 1, accounts);
    st_history_t h = {0};
    st_history_row_t old = {.agreement_id = "A1", .period = fake_period("2016-11"),
                            .has_payable = true, .earned = 99999, .paid = 99999};
    st_history_row_t prev = {.agreement_id = "A1", .period = fake_period("2017-10"),
                             .by_kind = {123456}, .has_payable = true, .earned = 123456,
                             .paid = 100000, .carried_out = 23456, .tier = "Gold"};
    st_history_row_t other = {.agreement_id = "A9", .period = fake_period("2017-10"),
                              .has_payable = true, .earned = 777777};
    st_history_push(&h, &old);
    st_history_push(&h, &prev);
    st_history_push(&h, &other);
    st_docs_t docs;
    cm_error_t e = {0};
    assert_int_equal(st_docs_build(m, &h, &docs, &e), 0);
    st_history_free(&h);
    char *dir = tmp_dir(), path[600];
    assert_int_equal(st_docs_render(&docs, dir, false, &e), 0);
    st_docs_free(&docs);
    snprintf(path, sizeof(path), "%s/P1.xlsx", dir);
    char *strings = part(path, "xl/sharedStrings.xml", NULL);
    assert_non_null(strstr(strings, "<t>October 2017</t>"));
    assert_non_null(strstr(strings, "<t>November 2017</t>"));
    assert_null(strstr(strings, "<t>November 2016</t>"));
    free(strings);
    char *sheet = part(path, "xl/worksheets/sheet1.xml", NULL);
    assert_non_null(strstr(sheet, "<v>1234.56</v>"));
    assert_non_null(strstr(sheet, "<v>1000</v>"));
    assert_non_null(strstr(sheet, "<v>234.56</v>"));
    assert_null(strstr(sheet, "<v>999.99</v>"));
    assert_null(strstr(sheet, "<v>7777.77</v>"));
    /* two periods: data bars chart earned and paid (columns F and G) */
    assert_non_null(strstr(sheet, "<dataBar>"));
    assert_non_null(strstr(sheet, "sqref=\"F"));
    free(sheet);
    rm_rf(dir);
}

/* ---- residuals grouped per agreement ---------------------------------------------- */

/* Proves each agreement's residuals are summed per service (here the
 * account: no order) and product within that agreement only, ordered by
 * service id then product code, whatever the rows' order in the month. */
static void test_residuals_grouped_per_agreement(void **state)
{
    fake_t *f = *state;
    fake_partner(f, "P1", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2", "P1", LEGACY_CTL, "PC", "USD", "2017-01-01", NULL);
    fake_account(f, "AC3", "A1");
    fake_account(f, "AC1", "A1");
    fake_account(f, "AC2", "A2");
    fake_product(f, "V", LEGACY_CTL, "voice", true);
    fake_product(f, "W", LEGACY_CTL, "voice", true);
    fake_rate(f, "PC", COMPONENT_RESIDUAL, "*", "*", "10", -1, "2016-01-01", NULL);
    fake_finish(f);
    month_t *m = fake_month(f, "2017-11");
    fake_revenue(f, "R1", "AC3", NULL, "V", "50.00");
    fake_revenue(f, "R2", "AC1", NULL, "W", "10.00");
    fake_revenue(f, "R3", "AC2", NULL, "V", "30.00");
    fake_revenue(f, "R4", "AC1", NULL, "V", "100.00");
    fake_revenue(f, "R5", "AC1", NULL, "V", "20.00");
    cm_error_t why;
    assert_int_equal(fake_decide(f, &why), EXIT_DONE);
    st_docs_t docs;
    cm_error_t e = {0};
    assert_int_equal(st_docs_build(m, NULL, &docs, &e), EXIT_DONE);
    assert_int_equal(docs.n, 1);
    d_doc_t d;
    assert_null(decode_doc(&docs.v[0], &d));
    assert_int_equal(d.nagreements, 2);
    const d_agreement_t *a1 = &d.agreements[0], *a2 = &d.agreements[1];
    assert_string_equal(a1->id, "A1");
    assert_int_equal(a1->ngroups, 3);
    static const struct {
        const char *service, *product;
        int64_t rows, basis, amount;
    } want[] = {{"AC1", "V", 2, 12000, 1200}, {"AC1", "W", 1, 1000, 100}, {"AC3", "V", 1, 5000, 500}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(a1->groups[i].service, want[i].service);
        assert_string_equal(a1->groups[i].product, want[i].product);
        assert_int_equal(a1->groups[i].rows, want[i].rows);
        assert_int_equal(a1->groups[i].basis, want[i].basis);
        assert_int_equal(a1->groups[i].amount, want[i].amount);
    }
    assert_string_equal(a2->id, "A2");
    assert_int_equal(a2->ngroups, 1);
    assert_string_equal(a2->groups[0].service, "AC2");
    assert_int_equal(a2->groups[0].rows, 1);
    assert_int_equal(a2->groups[0].amount, 300);
    arena_release(&d.arena);
    st_docs_free(&docs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_hostile_sheet_names),     FAKE_TEST(test_hostile_file_names),
        FAKE_TEST(test_round_trip),              FAKE_TEST(test_damaged_documents),
        FAKE_TEST(test_forbidden_xml_characters),
        FAKE_TEST(test_errors_name_the_reason),
        FAKE_TEST(test_statement_explains_itself), FAKE_TEST(test_history_from_ledger_rows),
        FAKE_TEST(test_residuals_grouped_per_agreement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
