/*
 * lock.h — one writer per ledger file (SPEC §5). An exclusive, non-blocking
 * flock on the ledger file itself, so the lock belongs to the file's
 * identity (device and inode), not to the path that names it: a symlink, a
 * hard link or another spelling of the path (dir/../ledger.db) meets the
 * same lock, and a second run or close fails at once with exit 5. The
 * kernel drops the lock when the process dies, so kill -9 never leaves a
 * stale lock behind. (flock and SQLite's own POSIX record locks are
 * independent on Linux; the descriptor is closed only after the ledger.)
 */
#ifndef COMMISSIONS_LOCK_H
#define COMMISSIONS_LOCK_H

#include "util.h"

typedef struct ledger_lock {
    int fd;
    bool created; /* this process created the (empty) ledger file */
    char *path;
} ledger_lock_t;

/* Lock db_path, creating it (empty; the ledger's folder too) when missing. */
cm_status lock_acquire(ledger_lock_t *lk, const char *db_path, cm_error_t *err);
/* Drop the lock; a ledger file this process created and left empty (the
 * command failed before writing it) is removed first, under the lock. */
void lock_release(ledger_lock_t *lk);

#endif
