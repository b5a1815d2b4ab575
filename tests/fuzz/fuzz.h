/*
 * fuzz.h — shared by the libFuzzer harnesses of tests/fuzz/.
 *
 * Each harness defines LLVMFuzzerTestOneInput and nothing else global; it is
 * linked either with -fsanitize=fuzzer (COMMISSIONS_FUZZ, clang) or with
 * replay.c (every build: ctest replays the seed corpus under ASan + UBSan).
 * FUZZ_CHECK is an invariant of the code under test: a failure prints the
 * condition and aborts, which libFuzzer reports as a crash with its input.
 */
#ifndef COMMISSIONS_FUZZ_H
#define COMMISSIONS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);   \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#endif
