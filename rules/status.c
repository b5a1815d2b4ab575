/*
 * status.c — cm_fail and cm_strerror (status.h).
 */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

cm_status cm_fail(cm_error_t *err, cm_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(err->message))
        memcpy(err->message + sizeof(err->message) - 4, "...", 4);
    err->code = code;
    return code;
}

const char *cm_strerror(cm_status code)
{
    switch (code) {
    case EXIT_DONE: return "done";
    case EXIT_INTERNAL: return "internal error";
    case EXIT_USAGE: return "usage error";
    case EXIT_INVALID_INPUT: return "invalid input";
    case EXIT_STATE_CONFLICT: return "state conflict";
    case EXIT_LEDGER_BUSY: return "ledger busy";
    case EXIT_VERIFY_DIFF: return "results differ";
    }
    return "unknown status";
}
