/*
 * util.h — what every batch/ file needs besides the status (status.h):
 * paths and directory helpers, signals, logging.
 */
#ifndef COMMISSIONS_UTIL_H
#define COMMISSIONS_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "status.h"

/* malloc'd "a/b"; never NULL (aborts on OOM). */
char *path_join(const char *a, const char *b);
bool path_exists(const char *p);
bool path_is_dir(const char *p);
/* Size in bytes, or -1 when p cannot be stat'ed. */
int64_t file_size(const char *p);
/* mkdir -p; false with errno on failure. */
bool mkdir_p(const char *p);
/* rm -rf; false on failure. A symlink is removed, never followed. */
bool remove_tree(const char *p);
/* The same for name in the directory open as dfd (or AT_FDCWD). */
bool remove_tree_in(int dfd, const char *name);
/* fsync a directory so a rename in it is durable. */
void fsync_dir(const char *p);

/* The canonical absolute form of p, which need not exist: realpath of its
 * longest existing prefix, then the remaining components with "." dropped
 * and ".." taken lexically. malloc'd; NULL when the cwd is unreadable. */
char *path_canonical(const char *p);
/* Canonical path inner is outer or lies under it. */
bool path_within(const char *inner, const char *outer);

/* Open p for reading only if it is a regular file (after following
 * symlinks): a FIFO, device, socket or directory is refused without
 * blocking. The fd (O_CLOEXEC, blocking) or -1 with errno set; *what, if not
 * NULL, says what p is when it is not a regular file ("a directory", "a
 * FIFO", ...) and is NULL otherwise. */
int open_regular(const char *p, const char **what);

/* Make dir/name a real directory, never following a symlink there: a link
 * (or any non-directory) at that name is removed first, its target left
 * untouched. true when dir/name is a directory that is not a link; *replaced
 * (if not NULL) tells whether something was removed. */
bool ensure_real_dir(const char *dir, const char *name, bool *replaced);

/* Names compared as people mean them (SPEC §3 four eyes): equal after
 * trimming ASCII white space at both ends and folding ASCII A-Z to a-z;
 * other bytes compare exactly. */
bool same_person(const char *a, size_t alen, const char *b, size_t blen);

/* The temporary folder of the running command (output.c's out/.tmp-*), removed
 * if SIGTERM, SIGINT or SIGHUP ends the process (signals_install): set it
 * once it exists, clear it (NULL) once it is renamed away or removed. */
void cleanup_dir_set(const char *p);
/* rename(from, to), atomically with respect to that cleanup: when from is
 * the registered folder, the registration ends with the rename. */
int cleanup_dir_rename(const char *from, const char *to);
/* Put the folder tmp (the registered cleanup folder) at final, in the
 * folder parent: whatever is at final (a folder, or a symlink whose target
 * is left untouched) is renamed to old first and removed once tmp is in
 * place, so final is the previous version, absent for an instant, or
 * complete. parent is fsync'ed. On failure tmp is left where it was. */
cm_status dir_swap(const char *tmp, const char *final, const char *old, const char *parent,
                   cm_error_t *err);
/* Block SIGTERM, SIGINT and SIGHUP in every thread (call before any thread
 * starts) and wait for them on one thread of their own: it removes the
 * folder cleanup_dir_set named, then ends the process by the same signal
 * (default action). A signal ignored when the process started stays ignored. */
void signals_install(void);
/* End that thread before the process exits normally (the signals stay
 * blocked: the process is done). */
void signals_stop(void);
/* Remove out_dir's temporary folders (".tmp-TAG-P-PID", ".old-P-PID") whose
 * process PID no longer exists: what runs killed before their cleanup left.
 * Called with the ledger lock held, so no live run of the same ledger owns
 * one; a PID of another PID namespace (a container sharing out/ with another
 * ledger) would look dead: out/ is not to be shared that way. */
void sweep_stale_tmp(const char *out_dir);

/* Test hook: when COMMISSIONS_FAILPOINT names this point, the process kills
 * itself (SIGKILL) here, as a power cut would (tests/e2e_crash.sh); with
 * NAME:stop it stops itself (SIGSTOP) until continued, holding what it holds
 * (tests/e2e_lifecycle.sh: a real second writer meets a real first one). */
void failpoint(const char *name);

/* Progress and stage logging to stderr: one line per stage unless quiet. */
extern bool log_quiet;
void log_stage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* On a terminal (stderr a TTY, not quiet), a progress line for a long read,
 * redrawn in place at most four times a second: percent of the file's bytes,
 * rows so far and rows per second. Elsewhere (logs, CI) nothing: the stage
 * lines say it all. Safe from several threads; the next stage line replaces
 * it. */
void log_progress(const char *what, int64_t bytes_done, int64_t bytes_total, int64_t rows,
                  double seconds);
/* Seconds on the monotonic clock (for log_progress's elapsed time). */
double clock_seconds(void);

#endif
