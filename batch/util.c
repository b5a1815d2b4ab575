/*
 * util.c — paths, directories, signals and stage logging for batch/.
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool log_quiet = false;

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

/* rm -rf of dir/name (dfd an open directory or AT_FDCWD), never following
 * a symlink: a link is removed, not its target. */
static bool remove_tree_at(int dfd, const char *name)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dfd, name, 0) == 0 || errno == ENOENT;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        ok = remove_tree_at(dirfd(d), e->d_name) && ok;
    }
    closedir(d);
    return (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT) && ok;
}

bool remove_tree_in(int dfd, const char *name)
{
    return remove_tree_at(dfd, name);
}

bool remove_tree(const char *p)
{
    return remove_tree_at(AT_FDCWD, p);
}

void fsync_dir(const char *p)
{
    int fd = open(p, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

char *path_canonical(const char *p)
{
    char *abs;
    if (p[0] == '/') {
        abs = strdup(p);
        if (!abs)
            abort();
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd)))
            return NULL;
        abs = path_join(cwd, p);
    }
    /* the longest prefix (whole components) that resolves */
    size_t cut = strlen(abs);
    char *real = NULL;
    for (;;) {
        char keep = abs[cut];
        abs[cut] = '\0';
        real = realpath(cut ? abs : "/", NULL);
        abs[cut] = keep;
        if (real || cut == 0)
            break;
        while (cut > 0 && abs[cut - 1] == '/')
            cut--;
        while (cut > 0 && abs[cut - 1] != '/')
            cut--;
    }
    if (!real) {
        free(abs);
        return NULL;
    }
    /* the rest, lexically */
    size_t cap = strlen(real) + strlen(abs + cut) + 2, n = strlen(real);
    char *out = malloc(cap);
    if (!out)
        abort();
    memcpy(out, real, n + 1);
    free(real);
    for (char *s = abs + cut; *s;) {
        while (*s == '/')
            s++;
        size_t len = strcspn(s, "/");
        if (len == 0 || (len == 1 && s[0] == '.')) {
            /* nothing */
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            while (n > 1 && out[n - 1] != '/')
                n--;
            if (n > 1)
                n--;
            out[n] = '\0';
        } else {
            if (n > 1 || out[0] != '/')
                out[n++] = '/';
            memcpy(out + n, s, len);
            n += len;
            out[n] = '\0';
        }
        s += len;
    }
    free(abs);
    return out;
}

bool path_within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);
    if (n == 1 && outer[0] == '/')
        return inner[0] == '/';
    return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/');
}

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m)                  ? "a directory"
           : S_ISFIFO(m)               ? "a FIFO"
           : S_ISSOCK(m)               ? "a socket"
           : S_ISCHR(m) || S_ISBLK(m) ? "a device"
                                        : "not a regular file";
}

int open_regular(const char *p, const char **what)
{
    struct stat st;
    if (what)
        *what = NULL;
    if (stat(p, &st) != 0)
        return -1;
    if (!S_ISREG(st.st_mode)) { /* never opened: a FIFO would block, a device act */
        if (what)
            *what = file_kind(st.st_mode);
        errno = EINVAL;
        return -1;
    }
    /* O_NONBLOCK: if p became a FIFO since, the open does not wait for a writer */
    int fd = open(p, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (what)
            *what = file_kind(st.st_mode);
        close(fd);
        errno = EINVAL;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

bool ensure_real_dir(const char *dir, const char *name, bool *replaced)
{
    if (replaced)
        *replaced = false;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return false;
    struct stat st;
    bool ok = true;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
        ok = unlinkat(dfd, name, 0) == 0;
        if (ok && replaced)
            *replaced = true;
    }
    if (ok && mkdirat(dfd, name, 0777) != 0 && errno != EEXIST)
        ok = false;
    ok = ok && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    int e = errno;
    close(dfd);
    errno = e;
    return ok;
}

static bool ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool same_person(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 0 && ascii_space(a[0]))
        a++, alen--;
    while (alen > 0 && ascii_space(a[alen - 1]))
        alen--;
    while (blen > 0 && ascii_space(b[0]))
        b++, blen--;
    while (blen > 0 && ascii_space(b[blen - 1]))
        blen--;
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

/* ---- interrupted runs ----------------------------------------------------------
 * SIGTERM, SIGINT and SIGHUP are blocked in every thread and taken by one
 * thread of their own with sigwait, so the cleanup runs in a normal thread
 * context (no async-signal-safety limits): it removes the registered
 * temporary folder, then restores the default action and re-raises, so the
 * process ends by the signal (its default action). The ledger needs nothing: its open
 * transaction is rolled back by SQLite as after a kill -9 (SPEC §5), so the
 * previous state stands. cleanup_mu is held from the signal to the end, so a
 * rename of the folder into place (cleanup_dir_rename) happens wholly before
 * the cleanup or never. A worker thread still writing may re-create part of
 * the folder in the instant before the process ends; sweep_stale_tmp removes
 * such remains on the next run. */
static pthread_mutex_t cleanup_mu = PTHREAD_MUTEX_INITIALIZER;
static char *cleanup_path;
static atomic_bool cleanup_started; /* a signal was taken: the process is ending */
static sigset_t cleanup_signals;

void cleanup_dir_set(const char *p)
{
    char *copy = p ? strdup(p) : NULL;
    if (p && !copy)
        abort();
    pthread_mutex_lock(&cleanup_mu);
    free(cleanup_path);
    cleanup_path = copy;
    pthread_mutex_unlock(&cleanup_mu);
}

int cleanup_dir_rename(const char *from, const char *to)
{
    pthread_mutex_lock(&cleanup_mu);
    int r = rename(from, to);
    int e = errno;
    if (r == 0 && cleanup_path && strcmp(cleanup_path, from) == 0) {
        free(cleanup_path);
        cleanup_path = NULL;
    }
    pthread_mutex_unlock(&cleanup_mu);
    errno = e;
    return r;
}

static pthread_t signal_thread;
static bool signal_thread_started;

static void *signal_main(void *arg)
{
    (void)arg;
    for (;;) {
        int sig;
        if (sigwait(&cleanup_signals, &sig) != 0) /* the cancellation point (signals_stop) */
            continue;
        atomic_store(&cleanup_started, true);
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL); /* the cleanup runs to its end */
        pthread_mutex_lock(&cleanup_mu); /* never released: the process ends */
        if (cleanup_path)
            remove_tree(cleanup_path);
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        sigemptyset(&dfl.sa_mask);
        sigaction(sig, &dfl, NULL);
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        pthread_sigmask(SIG_UNBLOCK, &one, NULL);
        raise(sig);
        _exit(128 + sig);
    }
    return NULL;
}

void signals_install(void)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    sigemptyset(&cleanup_signals);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaddset(&cleanup_signals, sigs[i]);
    }
    pthread_sigmask(SIG_BLOCK, &cleanup_signals, NULL);
    signal_thread_started = pthread_create(&signal_thread, NULL, signal_main, NULL) == 0;
    if (!signal_thread_started) /* then the default actions */
        pthread_sigmask(SIG_UNBLOCK, &cleanup_signals, NULL);
}

void signals_stop(void)
{
    if (!signal_thread_started)
        return;
    pthread_cancel(signal_thread); /* waits for a cleanup under way: it ends the process */
    pthread_join(signal_thread, NULL);
    signal_thread_started = false;
}

cm_status dir_swap(const char *tmp, const char *final, const char *old, const char *parent,
                   cm_error_t *err)
{
    struct stat st;
    bool had = lstat(final, &st) == 0;
    if (had && rename(final, old) != 0)
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", final, strerror(errno));
    if (cleanup_dir_rename(tmp, final) != 0)
        return cm_fail(err, EXIT_INTERNAL, "%s: %s", final, strerror(errno));
    fsync_dir(parent);
    if (had)
        remove_tree(old);
    return EXIT_DONE;
}

/* The PID that ends a ".tmp-TAG-P-PID" or ".old-P-PID" name, or 0. */
static long tmp_owner(const char *name)
{
    if (strncmp(name, ".tmp-", 5) != 0 && strncmp(name, ".old-", 5) != 0)
        return 0;
    const char *dash = strrchr(name, '-');
    if (dash == name + 4 || !dash[1])
        return 0;
    char *end;
    long pid = strtol(dash + 1, &end, 10);
    return *end == '\0' && dash[1] >= '0' && dash[1] <= '9' ? pid : 0;
}

void sweep_stale_tmp(const char *out_dir)
{
    DIR *d = opendir(out_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid = tmp_owner(e->d_name);
        if (pid <= 0 || pid == (long)getpid() || pid > INT_MAX)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours to signal: maybe alive */
        remove_tree_at(dirfd(d), e->d_name);
    }
    closedir(d);
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
    else if (strcmp(want + n, ":stop") == 0) {
        raise(SIGSTOP); /* holds the lock and the transaction until SIGCONT */
        /* A termination signal sent while stopped is taken by the signal
         * thread once continued: give it the lead, so a test that stops a
         * run and sends SIGTERM always sees the run end at this point. */
        for (int i = 0; i < 20; i++) {
            sigset_t pending;
            bool ending = atomic_load(&cleanup_started) ||
                          (sigpending(&pending) == 0 && (sigismember(&pending, SIGTERM) == 1 ||
                                                         sigismember(&pending, SIGINT) == 1 ||
                                                         sigismember(&pending, SIGHUP) == 1));
            if (ending)
                i = 0; /* wait for the end */
            nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
        }
    }
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
