/*
 * st_names.c — statement file names and sheet names (statements.h: the name
 * mappings).
 */
#include "st_sheet.h"

#include <stdio.h>
#include <string.h>

/* ---- names (statements.h: the name mappings) -------------------------------------- */

/* Lower-cased copy of s in the arena, length len. */
static const char *lower_key(arena_t *a, const char *s, size_t len)
{
    char *k = arena_strndup(a, s, len);
    for (size_t i = 0; i < len; i++)
        if (k[i] >= 'A' && k[i] <= 'Z')
            k[i] = (char)(k[i] - 'A' + 'a');
    return k;
}

static bool name_used(const strmap_t *used, arena_t *a, const char *s)
{
    size_t len = strlen(s);
    return strmap_get(used, lower_key(a, s, len), len) >= 0;
}

static void name_take(strmap_t *used, arena_t *a, const char *s)
{
    size_t len = strlen(s);
    strmap_put(used, lower_key(a, s, len), len, 0);
}

static bool device_name(const char *s)
{
    static const char *const dev[] = {"con", "prn", "aux", "nul"};
    size_t n = strcspn(s, ".");
    char k[5];
    if (n < 3 || n > 4)
        return false;
    for (size_t i = 0; i < n; i++)
        k[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    k[n] = 0;
    if (n == 3) {
        for (size_t i = 0; i < 4; i++)
            if (memcmp(k, dev[i], 3) == 0)
                return true;
        return false;
    }
    return (memcmp(k, "com", 3) == 0 || memcmp(k, "lpt", 3) == 0) && k[3] >= '1' && k[3] <= '9';
}

/* The statement file name of partner_id (without ".xlsx"): see statements.h.
 * out holds 4 * FILE_ID_MAX bytes; false when the id is empty or too long. */
bool file_name(const char *id, strmap_t *used, arena_t *a, char *out)
{
    size_t len = strlen(id);
    if (len == 0 || len > FILE_ID_MAX)
        return false;
    bool dev = device_name(id);
    char *o = out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || ((c == '.' || c == '-') && i > 0);
        if (keep && !(i == 0 && dev))
            *o++ = (char)c;
        else
            o += sprintf(o, "~%02X", c);
    }
    *o = 0;
    if (name_used(used, a, out)) {
        char *end = o;
        for (unsigned n = 2;; n++) {
            sprintf(end, "~%u", n);
            if (!name_used(used, a, out))
                break;
        }
    }
    name_take(used, a, out);
    return true;
}

/* The sheet name of an agreement id: see statements.h. out holds 32 bytes. */
void sheet_name(const char *id, strmap_t *used, arena_t *a, char *out)
{
    size_t n = 0;
    for (const char *p = id; *p && n < SHEET_NAME_MAX; p++) {
        unsigned char c = (unsigned char)*p;
        out[n++] = c < 0x20 || c > 0x7E || strchr(":\\/?*[]", c) ? '_' : (char)c;
    }
    if (n == 0)
        out[n++] = '_';
    out[n] = 0;
    if (out[0] == '\'')
        out[0] = '_';
    if (out[n - 1] == '\'')
        out[n - 1] = '_';
    if (name_used(used, a, out) || strcmp(lower_key(a, out, n), "history") == 0) {
        char base[SHEET_NAME_MAX + 1], suffix[16];
        memcpy(base, out, n + 1);
        for (unsigned k = 2;; k++) {
            int sl = snprintf(suffix, sizeof(suffix), "~%u", k);
            size_t keep = n + (size_t)sl <= SHEET_NAME_MAX ? n : SHEET_NAME_MAX - (size_t)sl;
            memcpy(out, base, keep);
            memcpy(out + keep, suffix, (size_t)sl + 1);
            if (!name_used(used, a, out))
                break;
        }
    }
    name_take(used, a, out);
}
