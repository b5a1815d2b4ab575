/*
 * originals.h — the earlier orders orders.csv names as originals, made
 * whole on a helper thread while the main thread goes on reading the file.
 *
 * An incremental or a disconnect order needs its original whole (P4 and the
 * chargebacks read it); an earlier order is only a stub until then, and its
 * row comes from the ledger (~5 µs each; a 10M-row month names ~190k). The
 * helper reads them on a connection of its own (ledger_reader_t) into an
 * arena of its own, reading only the month's stubs and master data, which
 * nothing changes while orders.csv is read. originals_finish then adds them
 * to the month in stub order (the ledger's key order), exactly as making
 * them whole after the file would.
 *
 *   originals_t *o = originals_start(ledger, m);   // NULL: do it afterwards
 *   ... originals_add(o, ref) for each stub named ...
 *   rc = originals_finish(o, m, read_ok, err);
 */
#ifndef COMMISSIONS_ORIGINALS_H
#define COMMISSIONS_ORIGINALS_H

#include <stdbool.h>

#include "ledger.h"

typedef struct originals originals_t;

/* A helper for month m's earlier orders; NULL when there are none or no
 * helper could be started (the caller makes them whole afterwards). */
originals_t *originals_start(ledger_t *l, const month_t *m);
/* Have stub reference ref (>= ORDER_STUB) made whole; each once. */
void originals_add(originals_t *o, int32_t ref);
/* Wait for the helper and free it. keep: add the orders it made whole to m
 * (those not made whole meanwhile by a re-delivery); else only stop it. */
exit_code originals_finish(originals_t *o, month_t *m, bool keep, batch_error_t *err);

#endif
