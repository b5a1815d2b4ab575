/*
 * util.h — what every batch/ file needs: exit codes (SPEC §7), the error
 * value carried up to main, paths and directory helpers, logging.
 */
#ifndef COMMISSIONS_UTIL_H
#define COMMISSIONS_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* SPEC §7 exit codes. */
typedef enum exit_code {
    EXIT_DONE = 0,
    EXIT_INTERNAL = 1,
    EXIT_USAGE = 2,
    EXIT_INVALID_INPUT = 3,
    EXIT_STATE_CONFLICT = 4,
    EXIT_LEDGER_BUSY = 5,
    EXIT_VERIFY_DIFF = 6,
} exit_code;

/* An error travelling up to main: the exit code and one message naming
 * file, line and problem. */
typedef struct batch_error {
    exit_code code;
    char message[1024];
} batch_error_t;

/* Set err (printf-style) and return its code. */
exit_code fail_with(batch_error_t *err, exit_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* malloc'd "a/b"; never NULL (aborts on OOM). */
char *path_join(const char *a, const char *b);
bool path_exists(const char *p);
bool path_is_dir(const char *p);
/* Size in bytes, or -1 when p cannot be stat'ed. */
int64_t file_size(const char *p);
/* mkdir -p; false with errno on failure. */
bool mkdir_p(const char *p);
/* rm -rf; false on failure. */
bool remove_tree(const char *p);
/* fsync a directory so a rename in it is durable. */
void fsync_dir(const char *p);

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
