/*
 * inputs.h — the input files a run read, as ingest lists them and the
 * ledger records them (SPEC §5: a period's inputs are identified by their
 * SHA-256). Shared by ingest.h and ledger.h so neither includes the other.
 */
#ifndef COMMISSIONS_INPUTS_H
#define COMMISSIONS_INPUTS_H

#include <stdint.h>

#include "arena.h"

/* One input file read by the run: its dataset path and content hash (§5). */
typedef struct input_file {
    const char *path;
    char sha256[65];
    int64_t records, bytes;
} input_file_t;
typedef VEC(input_file_t) input_list_t;

#endif
