/*
 * test_stubs.c — batch/stubs.c: a period's orders packed into the ledger's
 * blobs load back as the same stubs (id, status, agreement, in order) and
 * tally the same opportunities; an agreement gone from master data holds
 * its orders; blobs that do not decode are refused, never half-read.
 */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stubs.h"

static void world(fake_t *f)
{
    fake_partner(f, "P1", LANG_EN);
    fake_agreement(f, "A1", "P1", LEGACY_CTL, "PLAN", "USD", "2017-01-01", NULL);
    fake_agreement(f, "A2", "P1", LEGACY_LVL3, "PLAN", "USD", "2017-01-01", NULL);
    fake_product(f, "VOICE", LEGACY_CTL, "voice", true);
    fake_product(f, "WAVE", LEGACY_LVL3, "wave", true);
    fake_finish(f);
}

/* The orders of the fake's month, decided by hand, packed in id order. */
static void pack_month(fake_t *f, stub_pack_t *p)
{
    month_t *m = fake_month(f, "2017-10");
    static const struct {
        const char *id, *agreement, *product, *opportunity;
        status_t status;
    } rows[] = {
        {"O-001", "A1", "VOICE", NULL, STATUS_ATTRIBUTED},
        {"O-002", "A2", "WAVE", "OPP-1", STATUS_ATTRIBUTED},
        {"O-003", NULL, "VOICE", "OPP-1", STATUS_HELD},
        {"O-0030", "A1", "VOICE", NULL, STATUS_REJECTED},
        {"Z", "A2", "WAVE", "OPP-2", STATUS_ATTRIBUTED},
    };
    stub_pack_init(p, f->master.agreements.n);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        order_t *o = fake_order(f, rows[i].id, "P1", rows[i].agreement, rows[i].product,
                                ORDER_NEW, "2017-10-02");
        o->status = rows[i].status;
        o->agreement = rows[i].agreement ? fake_ag(f, rows[i].agreement) : -1;
        if (rows[i].opportunity)
            o->opportunity_id = rows[i].opportunity;
        stub_pack_add(p, &f->master, o);
    }
    (void)m;
}

static stub_blobs_t blobs_of(const stub_pack_t *p)
{
    return (stub_blobs_t){.n = p->n, .ids = p->ids.bytes, .ids_len = p->ids.used,
                          .decisions = p->decisions.v, .decisions_len = p->decisions.n,
                          .agreements = p->agreements.v, .agreements_len = p->agreements.n,
                          .opportunities = p->opportunities.v,
                          .opportunities_len = p->opportunities.n};
}

static void test_round_trip(void **state)
{
    fake_t *f = *state;
    world(f);
    stub_pack_t p;
    pack_month(f, &p);
    assert_int_equal(p.n, 5);
    assert_int_equal(p.decisions.n, 5 * STUB_DECISION_BYTES);
    assert_int_equal(p.ndict, 2); /* each agreement named once */
    month_t m = {0};
    month_init(&m, &f->master, &f->book, fake_period("2017-11"));
    stub_blobs_t b = blobs_of(&p);
    assert_true(stub_pack_load(&m, &b));
    assert_int_equal(m.stubs.n, 5);
    const char *ids[] = {"O-001", "O-002", "O-003", "O-0030", "Z"};
    const status_t st[] = {STATUS_ATTRIBUTED, STATUS_ATTRIBUTED, STATUS_HELD, STATUS_REJECTED,
                           STATUS_ATTRIBUTED};
    const int32_t ag[] = {fake_ag(f, "A1"), fake_ag(f, "A2"), -1, fake_ag(f, "A1"),
                          fake_ag(f, "A2")};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(month_stub_id(&m, i), ids[i]);
        assert_int_equal(m.stubs.v[i].status, st[i]);
        assert_int_equal(m.stubs.v[i].agreement, ag[i]);
    }
    /* OPP-1 saw both portfolios (O-002 wave, O-003 voice), OPP-2 wave only */
    int32_t o1 = month_opportunity(&m, "OPP-1", false), o2 = month_opportunity(&m, "OPP-2", false);
    assert_true(o1 >= 0 && o2 >= 0);
    assert_true(m.opportunities.v[o1].has_ctl && m.opportunities.v[o1].has_lvl3);
    assert_true(!m.opportunities.v[o2].has_ctl && m.opportunities.v[o2].has_lvl3);
    month_release(&m);
    stub_pack_release(&p);
}

/* An agreement that left master data: its attributed orders load held. */
static void test_agreement_gone(void **state)
{
    fake_t *f = *state;
    world(f);
    stub_pack_t p;
    pack_month(f, &p);
    /* rename A2 in the stored dictionary: master data no longer has it */
    char *d = memchr(p.agreements.v, '2', p.agreements.n);
    assert_non_null(d);
    *d = '9';
    month_t m = {0};
    month_init(&m, &f->master, &f->book, fake_period("2017-11"));
    stub_blobs_t b = blobs_of(&p);
    assert_true(stub_pack_load(&m, &b));
    assert_int_equal(m.stubs.v[1].agreement, -1);
    assert_int_equal(m.stubs.v[1].status, STATUS_HELD);
    assert_int_equal(m.stubs.v[0].status, STATUS_ATTRIBUTED);
    month_release(&m);
    stub_pack_release(&p);
}

static void assert_refused(fake_t *f, const stub_blobs_t *b)
{
    month_t m = {0};
    month_init(&m, &f->master, &f->book, fake_period("2017-11"));
    assert_false(stub_pack_load(&m, b));
    month_release(&m);
}

static void test_damaged(void **state)
{
    fake_t *f = *state;
    world(f);
    stub_pack_t p;
    pack_month(f, &p);
    stub_blobs_t good = blobs_of(&p), b;

    b = good; /* more orders claimed than stored */
    b.n = 6;
    assert_refused(f, &b);
    b = good; /* fewer: the ids run on */
    b.n = 4;
    b.decisions_len = 4 * STUB_DECISION_BYTES;
    assert_refused(f, &b);
    b = good; /* ids cut short */
    b.ids_len -= 1;
    assert_refused(f, &b);
    b = good; /* an unterminated agreement id */
    b.agreements_len -= 1;
    assert_refused(f, &b);
    b = good; /* an opportunity without its product */
    b.opportunities_len -= strlen("WAVE") + 1;
    assert_refused(f, &b);

    unsigned char *dec = (unsigned char *)p.decisions.v;
    dec[0] = 200; /* no such status */
    b = good;
    assert_refused(f, &b);
    dec[0] = STATUS_ATTRIBUTED;
    dec[1] = 7; /* agreement index 7 of a two-entry dictionary */
    assert_refused(f, &b);
    dec[1] = 0;

    uint8_t *ids = p.ids.bytes;
    ids[2 + strlen("O-001")] = 200; /* the second id shares more than the first has */
    assert_refused(f, &b);
    stub_pack_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_round_trip),
        FAKE_TEST(test_agreement_gone),
        FAKE_TEST(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
