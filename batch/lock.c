/*
 * lock.c — the single-writer lock (see lock.h).
 */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

cm_status lock_acquire(ledger_lock_t *lk, const char *db_path, cm_error_t *err)
{
    lk->fd = -1;
    lk->created = false;
    lk->path = NULL;
    /* the ledger's folder may not exist yet (--db build/demo/ledger.db) */
    char *dir = strdup(db_path);
    if (!dir)
        abort();
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir_p(dir);
    }
    free(dir);
    /* a lock on a file unlinked (an empty ledger removed by the process that
     * created it) between open and flock guards nothing: open again */
    for (int attempt = 0; attempt < 8; attempt++) {
        bool created = false;
        int fd = open(db_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            created = true;
        else if (errno == EEXIST)
            fd = open(db_path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return cm_fail(err, EXIT_INTERNAL, "ledger %s: %s", db_path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            return e == EWOULDBLOCK
                       ? cm_fail(err, EXIT_LEDGER_BUSY,
                                   "ledger busy: another run or close holds %s", db_path)
                       : cm_fail(err, EXIT_INTERNAL, "ledger %s: %s", db_path, strerror(e));
        }
        struct stat held, named;
        if (fstat(fd, &held) == 0 && stat(db_path, &named) == 0 && held.st_dev == named.st_dev &&
            held.st_ino == named.st_ino) {
            lk->fd = fd;
            lk->created = created;
            lk->path = strdup(db_path);
            if (!lk->path)
                abort();
            return EXIT_DONE;
        }
        close(fd);
    }
    return cm_fail(err, EXIT_LEDGER_BUSY, "ledger busy: %s keeps being replaced", db_path);
}

void lock_release(ledger_lock_t *lk)
{
    if (lk->fd >= 0) {
        struct stat st;
        if (lk->created && fstat(lk->fd, &st) == 0 && st.st_size == 0)
            unlink(lk->path);
        close(lk->fd); /* closing the descriptor drops the flock */
    }
    free(lk->path);
    lk->path = NULL;
    lk->fd = -1;
}
