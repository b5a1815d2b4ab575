/*
 * status.h — the one error convention of every layer. A function that can
 * fail returns a cm_status (EXIT_DONE on success) and, on failure, fills the
 * caller's cm_error_t with one message for a person: the file, line and
 * column when input is concerned, and what is wrong. The status is the
 * process's exit code (SPEC §7), so main only prints the message and exits
 * with the code; cm_strerror names a code in words (logs, tests).
 *
 *   cm_error_t err = {0};
 *   if (cm_fail(&err, EXIT_INVALID_INPUT, "%s:%d:%d: bad date", path, line, col))
 *       ...   // cm_fail returns its code, so `return cm_fail(...)` reads well
 *
 * Limits input can reach are errors with this convention, never abort();
 * abort() is kept for out of memory, and assert() for invariants between
 * layers (a caller breaking a documented contract).
 */
#ifndef COMMISSIONS_STATUS_H
#define COMMISSIONS_STATUS_H

/* SPEC §7 exit codes. */
typedef enum cm_status {
    EXIT_DONE = 0,
    EXIT_INTERNAL = 1,
    EXIT_USAGE = 2,
    EXIT_INVALID_INPUT = 3,
    EXIT_STATE_CONFLICT = 4,
    EXIT_LEDGER_BUSY = 5,
    EXIT_VERIFY_DIFF = 6,
} cm_status;

/* An error travelling up to main: its status and one message. The message
 * holds 4 KiB (a path of PATH_MAX and a sentence); cm_fail marks a message
 * it had to shorten with "..." at its end rather than cutting it silently. */
typedef struct cm_error {
    cm_status code;
    char message[4352];
} cm_error_t;

/* Set err (printf-style) and return code. */
cm_status cm_fail(cm_error_t *err, cm_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The status in words: "done", "invalid input", ... (never NULL). */
const char *cm_strerror(cm_status code);

#endif
