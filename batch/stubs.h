/*
 * stubs.h — a period's orders as the next periods need them (their stubs:
 * rules/month.h order_stub_t), packed into the four blobs of one ledger row
 * (table order_stubs, written by the run of that period).
 *
 * Every run loads a stub for every earlier order (any may be billed), so
 * this load grows with the ledger: row by row from the orders table it cost
 * ~0.9 µs an order; a period's pack is read in one step and decoded in a
 * tight loop. The pack holds, in order_id order:
 *   ids            the order ids, front-coded (store/idseq.h)
 *   decisions      5 bytes an order: status, then the agreement as a
 *                  little-endian uint32 index into `agreements` (UINT32_MAX: none)
 *   agreements     the agreement ids the decisions name, each NUL-terminated
 *                  (resolved against master data when loaded, as agreement_id is)
 *   opportunities  for each order with an opportunity: opportunity_id NUL
 *                  product_code NUL (tallied on the opportunity, P4)
 *
 *   stub_pack_t p;  stub_pack_init(&p, master->agreements.n);
 *   stub_pack_add(&p, master, order);  ... (in order_id order)
 *   ... bind p.ids.bytes, p.decisions.v, p.agreements.v, p.opportunities.v ...
 *   stub_pack_release(&p);
 */
#ifndef COMMISSIONS_STUBS_H
#define COMMISSIONS_STUBS_H

#include "month.h"

typedef struct stub_pack {
    size_t n;
    idseq_t ids;
    VEC(char) decisions; /* bytes */
    VEC(char) agreements;
    VEC(char) opportunities;
    int32_t *dict; /* per master agreement: its index in `agreements`, or -1 */
    uint32_t ndict;
} stub_pack_t;

#define STUB_DECISION_BYTES 5

void stub_pack_init(stub_pack_t *p, size_t agreements);
/* Append order o (orders must come in strictly ascending order_id). */
void stub_pack_add(stub_pack_t *p, const master_t *ms, const order_t *o);
void stub_pack_release(stub_pack_t *p);

/* The blobs of one stored pack. */
typedef struct stub_blobs {
    size_t n;
    const void *ids, *decisions, *agreements, *opportunities;
    size_t ids_len, decisions_len, agreements_len, opportunities_len;
} stub_blobs_t;

/* Append the pack's stubs to m->stubs (their ids copied into m->stub_ids, not
 * yet in the order map) and tally their opportunities. false when the blobs
 * do not decode into b->n stubs: the ledger is damaged, the run must stop. */
bool stub_pack_load(month_t *m, const stub_blobs_t *b);

#endif
