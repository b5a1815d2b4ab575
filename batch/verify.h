/*
 * verify.h — `commissions verify FIXTURE...` (SPEC §7): re-run every period
 * of a fixture in a fresh temporary ledger, close it, and diff every file
 * under expected/P/ against what the run produced.
 */
#ifndef COMMISSIONS_VERIFY_H
#define COMMISSIONS_VERIFY_H

#include "util.h"

/* Returns EXIT_DONE when every fixture matches, EXIT_VERIFY_DIFF when any
 * differs (each differing row printed), or another code on failure. A
 * directory holding fixtures (no periods/ of its own) is expanded. */
cm_status cmd_verify(int nfixtures, char **fixtures, cm_error_t *err);

#endif
