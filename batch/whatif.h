/*
 * whatif.h — `commissions whatif` (SPEC §7): decide a period already run
 * with another rule book and compare it with what its run recorded.
 */
#ifndef COMMISSIONS_WHATIF_H
#define COMMISSIONS_WHATIF_H

#include "run.h"

/* Decide o->period (run already, open or closed) from the ledger's state
 * before it, read-only, with the tables of o->book_dir replacing the
 * dataset's book tables of the same name; the master and period files must
 * be those P's run recorded (exit 4 naming the first that differs). Writes
 * o->out_dir (NULL: DATA/out/whatif-P), replacing an earlier what-if there:
 *   results/       the alternative results CSVs, as a run of P with that book
 *                   would write them
 *   comparison.csv  per agreement, actual (the ledger's rows of P) against
 *                   what-if (whatif_book.h)
 *   whatif.xlsx     the same with totals per currency, a chart per currency
 *                   and the partners whose tier or pay changes
 * Never writes the ledger or out/P. */
cm_status cmd_whatif(const run_options_t *o, cm_error_t *err);

#endif
