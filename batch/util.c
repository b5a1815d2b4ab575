/*
 * util.c — errors, paths, directories and stage logging for batch/.
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool log_quiet = false;

exit_code fail_with(batch_error_t *err, exit_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p)
        abort();
    memcpy(p, a, la);
    size_t n = la;
    if (n > 0 && p[n - 1] != '/')
        p[n++] = '/';
    memcpy(p + n, b, lb + 1);
    return p;
}

bool path_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

bool path_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int64_t file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (int64_t)st.st_size : -1;
}

bool mkdir_p(const char *p)
{
    char *buf = strdup(p);
    if (!buf)
        abort();
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            free(buf);
            return false;
        }
        *s = '/';
    }
    bool ok = mkdir(buf, 0777) == 0 || errno == EEXIST;
    free(buf);
    return ok && path_is_dir(p);
}

bool remove_tree(const char *p)
{
    struct stat st;
    if (lstat(p, &st) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return unlink(p) == 0;
    DIR *d = opendir(p);
    if (!d)
        return false;
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = path_join(p, e->d_name);
        ok = remove_tree(child) && ok;
        free(child);
    }
    closedir(d);
    return rmdir(p) == 0 && ok;
}

void fsync_dir(const char *p)
{
    int fd = open(p, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static bool progress_shown; /* a progress line is on screen (under flockfile) */

double clock_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

void log_progress(const char *what, int64_t bytes_done, int64_t bytes_total, int64_t rows,
                  double seconds)
{
    static int tty = -1;
    static double last;
    if (log_quiet)
        return;
    double t = clock_seconds();
    flockfile(stderr);
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (tty && t - last >= 0.25) {
        last = t;
        double pct = bytes_total > 0 ? 100.0 * (double)bytes_done / (double)bytes_total : 100.0;
        double rate = seconds > 0 ? (double)rows / seconds : 0;
        fprintf(stderr, "\r\033[K  reading %s: %3.0f%% of %.1f MB, %" PRId64 " rows, %.2fM rows/s", what,
                pct, (double)bytes_total / 1e6, rows, rate / 1e6);
        progress_shown = true;
    }
    funlockfile(stderr);
}

void failpoint(const char *name)
{
    const char *want = getenv("COMMISSIONS_FAILPOINT");
    size_t n = strlen(name);
    if (!want || strncmp(want, name, n) != 0)
        return;
    fflush(NULL);
    if (want[n] == '\0')
        raise(SIGKILL);
    else if (strcmp(want + n, ":stop") == 0)
        raise(SIGSTOP); /* holds the lock and the transaction until SIGCONT */
}

/* Stage times count from the start of the process. */
static struct timespec start;
__attribute__((constructor)) static void log_clock_start(void) { clock_gettime(CLOCK_MONOTONIC, &start); }

void log_stage(const char *fmt, ...)
{
    struct timespec now;
    if (log_quiet)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr); /* stages log from several threads: one line at a time */
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = false;
    }
    struct rusage ru;
    long peak_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024 : 0;
    fprintf(stderr, "commissions [%5ld.%03lds %5ld MB]: ", ms / 1000, ms % 1000, peak_mb);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}
