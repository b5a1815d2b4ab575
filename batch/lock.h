/*
 * lock.h — one writer per ledger (SPEC §5). An exclusive, non-blocking
 * flock on "LEDGER.lock": a second run or close fails at once with exit 5.
 * The kernel drops the lock when the process dies, so kill -9 never leaves
 * a stale lock behind.
 */
#ifndef COMMISSIONS_LOCK_H
#define COMMISSIONS_LOCK_H

#include "util.h"

typedef struct ledger_lock {
    int fd;
} ledger_lock_t;

exit_code lock_acquire(ledger_lock_t *lk, const char *db_path, batch_error_t *err);
void lock_release(ledger_lock_t *lk);

#endif
