/*
 * sha256.h — SHA-256 (FIPS 180-4), self-contained, streaming.
 *
 * Used to fingerprint input files (csvio.c hashes while it parses) so a run
 * records exactly which bytes it read. Not for: HMAC, passwords or anything
 * needing constant-time guarantees; this is a checksum of public data.
 *
 *   sha256_ctx_t h;
 *   char hex[SHA256_HEX_LEN + 1];
 *   sha256_init(&h);
 *   sha256_update(&h, "abc", 3);
 *   sha256_final_hex(&h, hex);   // "ba7816bf...f20015ad"
 */
#ifndef COMMISSIONS_SHA256_H
#define COMMISSIONS_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

/* State of one digest in progress; plain data, no cleanup needed. */
typedef struct sha256_ctx {
    uint32_t state[8];
    uint64_t bytes;        /* total message length so far */
    uint8_t block[64];     /* pending partial block */
    size_t block_len;      /* bytes used in block, 0..63 */
} sha256_ctx_t;

void sha256_init(sha256_ctx_t *h);

/* Absorb len bytes; any number of calls, any sizes. */
void sha256_update(sha256_ctx_t *h, const void *data, size_t len);

/* Finish and write the 32-byte digest; h must be re-initialised to reuse. */
void sha256_final(sha256_ctx_t *h, uint8_t out[SHA256_DIGEST_LEN]);

/* Finish and write 64 lowercase hex chars plus a NUL. */
void sha256_final_hex(sha256_ctx_t *h, char out[SHA256_HEX_LEN + 1]);

/* Tests only: use the portable block function even where SHA-NI exists
 * (true), or go back to probing the CPU (false). Not thread-safe. */
void sha256_force_portable(bool on);

#endif
