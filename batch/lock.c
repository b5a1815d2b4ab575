/*
 * lock.c — the single-writer lock (see lock.h).
 */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

exit_code lock_acquire(ledger_lock_t *lk, const char *db_path, batch_error_t *err)
{
    size_t n = strlen(db_path) + 6;
    char *path = malloc(n);
    if (!path)
        abort();
    memcpy(path, db_path, n - 6);
    memcpy(path + n - 6, ".lock", 6);
    /* the ledger's folder may not exist yet (--db build/demo/ledger.db) */
    char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        *slash = '\0';
        mkdir_p(path);
        *slash = '/';
    }
    lk->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lk->fd < 0) {
        exit_code rc = fail_with(err, EXIT_INTERNAL, "%s: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    if (flock(lk->fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(lk->fd);
        lk->fd = -1;
        exit_code rc = e == EWOULDBLOCK
                           ? fail_with(err, EXIT_LEDGER_BUSY,
                                       "ledger busy: another run or close holds %s", path)
                           : fail_with(err, EXIT_INTERNAL, "%s: %s", path, strerror(e));
        free(path);
        return rc;
    }
    free(path);
    return EXIT_DONE;
}

void lock_release(ledger_lock_t *lk)
{
    if (lk->fd >= 0)
        close(lk->fd); /* closing the descriptor drops the flock */
    lk->fd = -1;
}
