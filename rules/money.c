/*
 * money.c — parsing, formatting and half-even rounding of cents and decimals.
 * See money.h for the contract. No floating point anywhere in this file.
 */
#include "money.h"

#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Shared scanner for D+(.D{1,scale})?: returns the value scaled by 10^scale. */
static bool parse_unsigned(const char *s, size_t len, int scale, int64_t max,
                           int64_t *out)
{
    size_t i = 0;
    __int128 v = 0;
    if (len == 0 || !is_digit(s[0]))
        return false;
    while (i < len && is_digit(s[i])) {
        v = v * 10 + (s[i] - '0');
        if (v > (__int128)max)
            return false;
        i++;
    }
    int frac = 0;
    if (i < len) {
        if (s[i] != '.' || scale == 0)
            return false;
        i++;
        if (i == len)
            return false;
        while (i < len && is_digit(s[i])) {
            if (frac == scale)
                return false;
            v = v * 10 + (s[i] - '0');
            frac++;
            i++;
        }
        if (i != len)
            return false;
    }
    for (; frac < scale; frac++)
        v *= 10;
    if (v > (__int128)max)
        return false;
    *out = (int64_t)v;
    return true;
}

bool money_parse(const char *s, size_t len, money_t *out)
{
    bool neg = len > 0 && s[0] == '-';
    int64_t v;
    if (!parse_unsigned(s + neg, len - neg, 2, MONEY_INPUT_MAX, &v))
        return false;
    *out = neg ? -v : v;
    return true;
}

bool decimal_parse(const char *s, size_t len, int scale, int64_t max_scaled,
                   decimal_t *out)
{
    return parse_unsigned(s, len, scale, max_scaled, out);
}

char *money_put(money_t v, char *p)
{
    char tmp[MONEY_BUF];
    int n = 0;
    /* Work on the magnitude as unsigned so INT64_MIN cannot overflow. */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
        if (n == 2)
            tmp[n++] = '.';
    } while (m > 0 || n < 4);
    if (v < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

char *money_format(money_t v, char *buf)
{
    *money_put(v, buf) = '\0';
    return buf;
}

char *decimal_format(decimal_t v, int scale, char *buf)
{
    char tmp[MONEY_BUF];
    int n = 0;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int frac = scale;
    /* Drop trailing fractional zeros: the shortest exact decimal. */
    while (frac > 0 && m % 10 == 0) {
        m /= 10;
        frac--;
    }
    for (int i = 0; i < frac; i++) {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    }
    if (frac > 0)
        tmp[n++] = '.';
    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m > 0);
    char *p = buf;
    if (v < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = tmp[--n];
    *p = '\0';
    return buf;
}

/* num / d rounded half to even (d > 0). C truncates toward zero and r has
 * the sign of num. */
static __int128 div_half_even(__int128 num, int64_t d)
{
    __int128 q = num / d, r = num % d;
    __int128 twice = (r < 0 ? -r : r) * 2;
    if (twice > d || (twice == d && (q % 2 != 0)))
        q += num < 0 ? -1 : 1;
    return q;
}

money_t money_muldiv(int64_t a, int64_t b, int64_t d)
{
    int64_t p;
    if (d > 0 && !__builtin_mul_overflow(a, b, &p)) { /* the usual case, in 64 bits */
        int64_t q = p / d, r = p % d;
        uint64_t twice = (uint64_t)(r < 0 ? -r : r) * 2;
        if (twice > (uint64_t)d || (twice == (uint64_t)d && (q % 2 != 0)))
            q += p < 0 ? -1 : 1;
        return q;
    }
    return (money_t)div_half_even((__int128)a * b, d);
}

bool money_add(money_t a, money_t b, money_t *out)
{
    money_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_sub(money_t a, money_t b, money_t *out)
{
    money_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_mul(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_abs(money_t v, money_t *out)
{
    if (v == INT64_MIN)
        return false;
    *out = v < 0 ? -v : v;
    return true;
}

bool money_muldiv_checked(int64_t a, int64_t b, int64_t d, money_t *out)
{
    if (d <= 0)
        return false;
    /* |a * b| < 2^126 fits __int128; so does the rounded quotient. */
    __int128 q = div_half_even((__int128)a * b, d);
    if (q < INT64_MIN || q > INT64_MAX)
        return false;
    *out = (money_t)q;
    return true;
}
