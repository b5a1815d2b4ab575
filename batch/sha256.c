/*
 * sha256.c — SHA-256 per FIPS 180-4: a portable block function, plus the
 * x86 SHA extensions (SHA-NI) when the CPU has them, chosen once at run time.
 *
 * Both block functions compute the same thing; tests/test_csv.c checks the
 * published vectors and that the two agree. Not for: anything but hashing
 * (see sha256.h). No allocation, no I/O.
 */
#include "sha256.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define SHA256_HAVE_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* FIPS 180-4 §6.2.2 over `blocks` consecutive 64-byte blocks. The schedule
 * is kept as a rolling window of 16 words. */
static void compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    while (blocks--) {
        uint32_t w[16];
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t wt;
            if (t < 16) {
                wt = load_be32(data + 4 * t);
            } else {
                uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
                uint32_t s0 = ror(w15, 7) ^ ror(w15, 18) ^ (w15 >> 3);
                uint32_t s1 = ror(w2, 17) ^ ror(w2, 19) ^ (w2 >> 10);
                wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
            }
            w[t & 15] = wt;
            uint32_t ch = (e & f) ^ (~e & g), maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ch + K[t] + wt;
            uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
        data += 64;
    }
}

#ifdef SHA256_HAVE_NI
/* The same compression with the SHA-NI instructions. The state lives in two
 * registers as ABEF / CDGH, the layout sha256rnds2 expects; each group of
 * four rounds extends the schedule by four words (msg1, alignr, msg2). */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_ni(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);
    __m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8); /* ABEF */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);      /* CDGH */

    while (blocks--) {
        __m128i abef = st0, cdgh = st1, w[4];
        for (int i = 0; i < 16; i++) {
            __m128i m;
            if (i < 4) {
                m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), bswap);
            } else {
                __m128i w1 = w[(i + 3) & 3], w2 = w[(i + 2) & 3];
                m = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
                m = _mm_add_epi32(m, _mm_alignr_epi8(w1, w2, 4));
                m = _mm_sha256msg2_epu32(m, w1);
            }
            w[i & 3] = m;
            __m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * i]));
            st1 = _mm_sha256rnds2_epu32(st1, st0, k);
            st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(k, 0x0E));
        }
        st0 = _mm_add_epi32(st0, abef);
        st1 = _mm_add_epi32(st1, cdgh);
        data += 64;
    }

    tmp = _mm_shuffle_epi32(st0, 0x1B);    /* FEBA */
    st1 = _mm_shuffle_epi32(st1, 0xB1);    /* DCHG */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* DCBA */
    st1 = _mm_alignr_epi8(st1, tmp, 8);    /* HGFE */
    _mm_storeu_si128((__m128i *)&state[0], st0);
    _mm_storeu_si128((__m128i *)&state[4], st1);
}

/* CPUID leaf 7 EBX bit 29 (SHA), leaf 1 ECX bits 9 (SSSE3) and 19 (SSE4.1). */
static int cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19)))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b & (1u << 29)) != 0;
}
#endif

typedef void (*compress_fn)(uint32_t state[8], const uint8_t *data, size_t blocks);

/* The block function for this CPU, probed on first use. Two threads may
 * probe at once (the revenue reader and the main thread both hash files):
 * both store the same pointer, through atomic loads and stores. */
static compress_fn chosen;

static compress_fn pick_compress(void)
{
    compress_fn f = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
    if (!f) {
        f = compress_portable;
#ifdef SHA256_HAVE_NI
        if (cpu_has_sha_ni())
            f = compress_ni;
#endif
        __atomic_store_n(&chosen, f, __ATOMIC_RELEASE);
    }
    return f;
}

void sha256_force_portable(bool on)
{
    __atomic_store_n(&chosen, on ? compress_portable : NULL, __ATOMIC_RELEASE);
}

void sha256_init(sha256_ctx_t *h)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(h->state, iv, sizeof(iv));
    h->bytes = 0;
    h->block_len = 0;
}

void sha256_update(sha256_ctx_t *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    compress_fn compress = pick_compress();
    h->bytes += len;
    if (h->block_len > 0) {
        size_t take = 64 - h->block_len;
        if (take > len)
            take = len;
        memcpy(h->block + h->block_len, p, take);
        h->block_len += take;
        p += take;
        len -= take;
        if (h->block_len < 64)
            return;
        compress(h->state, h->block, 1);
        h->block_len = 0;
    }
    if (len >= 64) {
        compress(h->state, p, len / 64);
        p += len - len % 64;
        len %= 64;
    }
    memcpy(h->block, p, len);
    h->block_len = len;
}

/* Padding (§5.1.1): 0x80, zeros to 56 mod 64, then the bit length big-endian. */
void sha256_final(sha256_ctx_t *h, uint8_t out[SHA256_DIGEST_LEN])
{
    uint64_t bits = h->bytes * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (h->block_len < 56 ? 56 : 120) - h->block_len;
    for (size_t i = 0; i < 8; i++)
        pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(h, pad, padlen + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h->state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h->state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h->state[i] >> 8);
        out[4 * i + 3] = (uint8_t)h->state[i];
    }
}

void sha256_final_hex(sha256_ctx_t *h, char out[SHA256_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_LEN];
    sha256_final(h, d);
    for (int i = 0; i < SHA256_DIGEST_LEN; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[SHA256_HEX_LEN] = '\0';
}
