/*
 * csvutf8.h — the incremental strict UTF-8 check shared by the CSV reader's
 * byte scan (csvio.c) and the field validators (csvvalue.c).
 */
#ifndef COMMISSIONS_CSVUTF8_H
#define COMMISSIONS_CSVUTF8_H

#include <stdbool.h>

/* Incremental strict UTF-8 check: continuation bytes still expected and the
 * allowed range of the next one (narrower after E0, ED, F0, F4). */
typedef struct utf8_state {
    int need;
    unsigned char lo, hi;
} utf8_state_t;

/* Start a multi-byte sequence at lead byte c (>= 0x80); false if c cannot lead
 * (continuation byte, C0/C1 overlong leads, F5..FF beyond U+10FFFF). */
static inline bool utf8_start(utf8_state_t *u, unsigned char c)
{
    u->lo = 0x80;
    u->hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        u->need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        u->need = 2;
        if (c == 0xE0)
            u->lo = 0xA0; /* overlong below U+0800 */
        if (c == 0xED)
            u->hi = 0x9F; /* surrogates D800..DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        u->need = 3;
        if (c == 0xF0)
            u->lo = 0x90; /* overlong below U+10000 */
        if (c == 0xF4)
            u->hi = 0x8F; /* above U+10FFFF */
    } else {
        return false;
    }
    return true;
}

/* Take one continuation byte; false if it is out of range. */
static inline bool utf8_next(utf8_state_t *u, unsigned char c)
{
    if (c < u->lo || c > u->hi)
        return false;
    u->lo = 0x80;
    u->hi = 0xBF;
    u->need--;
    return true;
}

#endif
