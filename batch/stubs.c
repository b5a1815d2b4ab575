/*
 * stubs.c — packing a period's order stubs into blobs and back (stubs.h).
 */
#include "stubs.h"

#include <stdlib.h>
#include <string.h>

#include "attribution.h"

void stub_pack_init(stub_pack_t *p, size_t agreements)
{
    memset(p, 0, sizeof(*p));
    p->dict = malloc((agreements ? agreements : 1) * sizeof(*p->dict));
    if (!p->dict)
        abort();
    for (size_t a = 0; a < agreements; a++)
        p->dict[a] = -1;
}

static void append(char **v, size_t *n, size_t *cap, const char *s, size_t len)
{
    if (*n + len > *cap)
        *v = vec_reserve(*v, cap, *n + len > 2 * *cap ? *n + len + 4096 : 2 * *cap, 1);
    memcpy(*v + *n, s, len);
    *n += len;
}
#define APPEND(vec, s, len) append(&(vec).v, &(vec).n, &(vec).cap, (s), (len))

void stub_pack_add(stub_pack_t *p, const master_t *ms, const order_t *o)
{
    idseq_push(&p->ids, o->id, strlen(o->id));
    uint32_t ag = UINT32_MAX;
    if (o->agreement >= 0) {
        if (p->dict[o->agreement] < 0) {
            const char *id = ms->agreements.v[o->agreement].id;
            APPEND(p->agreements, id, strlen(id) + 1);
            p->dict[o->agreement] = (int32_t)p->ndict++;
        }
        ag = (uint32_t)p->dict[o->agreement];
    }
    uint8_t d[STUB_DECISION_BYTES] = {(uint8_t)o->status, (uint8_t)ag, (uint8_t)(ag >> 8),
                                      (uint8_t)(ag >> 16), (uint8_t)(ag >> 24)};
    APPEND(p->decisions, (const char *)d, sizeof(d));
    if (o->opportunity_id) {
        APPEND(p->opportunities, o->opportunity_id, strlen(o->opportunity_id) + 1);
        APPEND(p->opportunities, o->product_code, strlen(o->product_code) + 1);
    }
    p->n++;
}

void stub_pack_release(stub_pack_t *p)
{
    idseq_release(&p->ids);
    free(p->decisions.v);
    free(p->agreements.v);
    free(p->opportunities.v);
    free(p->dict);
    memset(p, 0, sizeof(*p));
}

/* The next NUL-terminated string of blob [*at, len), or NULL when none is complete. */
static const char *next_string(const char *blob, size_t len, size_t *at)
{
    if (*at >= len)
        return NULL;
    const char *s = blob + *at, *nul = memchr(s, '\0', len - *at);
    if (!nul)
        return NULL;
    *at += (size_t)(nul - s) + 1;
    return s;
}

bool stub_pack_load(month_t *m, const stub_blobs_t *b)
{
    const master_t *ms = m->master;
    if (b->decisions_len % STUB_DECISION_BYTES != 0 ||
        b->decisions_len / STUB_DECISION_BYTES != b->n)
        return false;
    /* the agreements named, resolved once against master data */
    VEC(int32_t) agreement = {0};
    size_t at = 0;
    for (const char *id; (id = next_string(b->agreements, b->agreements_len, &at)) != NULL;)
        VEC_PUSH(agreement, strmap_get(&ms->agreement_ix, id, strlen(id)));
    bool ok = at == b->agreements_len;
    const uint8_t *d = b->decisions;
    idseq_reader_t r;
    idseq_reader(&r, b->ids, b->ids_len);
    VEC_RESERVE(m->stubs, m->stubs.n + b->n);
    for (size_t k = 0; ok && k < b->n; k++, d += STUB_DECISION_BYTES) {
        uint32_t ag = (uint32_t)d[1] | (uint32_t)d[2] << 8 | (uint32_t)d[3] << 16 |
                      (uint32_t)d[4] << 24;
        ok = idseq_read(&r) && d[0] <= STATUS_AWARDED && (ag == UINT32_MAX || ag < agreement.n);
        if (!ok)
            break;
        month_add_stub(m, r.id, r.len, ag == UINT32_MAX ? -1 : agreement.v[ag], (status_t)d[0]);
    }
    free(agreement.v);
    ok = ok && r.p == r.end;
    at = 0;
    while (ok && at < b->opportunities_len) {
        const char *opp = next_string(b->opportunities, b->opportunities_len, &at);
        const char *product = opp ? next_string(b->opportunities, b->opportunities_len, &at) : NULL;
        ok = product != NULL;
        if (ok)
            attr_tally_opportunity(m, opp, strmap_get(&ms->product_ix, product, strlen(product)));
    }
    return ok;
}
