/*
 * replay.c — runs a fuzz harness over saved inputs without libFuzzer, so any
 * compiler (CI: gcc with ASan + UBSan) can replay the seed corpus.
 *
 *   replay_fuzz_csv tests/fuzz/corpus/fuzz_csv [more dirs or files...]
 *
 * Every regular file of each directory (sorted by name) and every file given
 * is passed to LLVMFuzzerTestOneInput once. Exit 0 when all ran, 1 when an
 * argument cannot be read or holds no input (an empty corpus is a mistake);
 * a failed invariant or sanitizer finding aborts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Read a whole file; NULL on failure. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *q = realloc(buf, cap * 2);
            if (!q) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = q;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int run_file(const char *path)
{
    size_t len = 0;
    uint8_t *data = slurp(path, &len);
    if (!data) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 1;
}

static int only_files(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(int argc, char **argv)
{
    long ran = 0;
    for (int a = 1; a < argc; a++) {
        struct stat st;
        if (stat(argv[a], &st) != 0) {
            fprintf(stderr, "replay: no such file or directory: %s\n", argv[a]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[a]) < 0)
                return 1;
            ran++;
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[a], &names, only_files, alphasort);
        if (n < 0) {
            fprintf(stderr, "replay: cannot list %s\n", argv[a]);
            return 1;
        }
        int bad = 0;
        for (int i = 0; i < n; i++) {
            size_t need = strlen(argv[a]) + strlen(names[i]->d_name) + 2;
            char *path = malloc(need);
            if (path) {
                snprintf(path, need, "%s/%s", argv[a], names[i]->d_name);
                if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                    if (run_file(path) < 0)
                        bad = 1;
                    else
                        ran++;
                }
            }
            free(path);
            free(names[i]);
        }
        free(names);
        if (bad)
            return 1;
    }
    if (ran == 0) {
        fprintf(stderr, "replay: no inputs\n");
        return 1;
    }
    printf("replay: %ld inputs ran\n", ran);
    return 0;
}
