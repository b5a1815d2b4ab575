/*
 * fuzz_money.c — rules/money.c parsers and formatters over arbitrary bytes.
 *
 * Properties: money_parse accepts exactly `-?D+(.D{1,2})?` up to
 * MONEY_INPUT_MAX in magnitude (checked against an independent scanner);
 * money_format always writes `-?D+.DD` and parse(format(v)) == v;
 * decimal_parse/decimal_format round-trip at every scale 0..4 and the
 * format is the shortest exact form; money_muldiv rounds half-even (checked
 * against a floor-division reference); money_add agrees with 128-bit sums.
 * The input is also read as integers (little-endian) for the format and
 * arithmetic checks.
 */
#include <string.h>

#include "fuzz.h"
#include "money.h"

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* The grammar D+(.D{1,scale})? with value <= max, scaled by 10^scale, written
 * independently of money.c: split at the dot, then accumulate. */
static bool ref_unsigned(const char *s, size_t len, int scale, int64_t max, __int128 *out)
{
    size_t dot = len;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '.') {
            dot = i;
            break;
        }
    if (dot == 0)
        return false;
    for (size_t i = 0; i < dot; i++)
        if (!digit(s[i]))
            return false;
    size_t nfrac = 0;
    if (dot < len) {
        nfrac = len - dot - 1;
        if (nfrac < 1 || (int)nfrac > scale)
            return false;
        for (size_t i = dot + 1; i < len; i++)
            if (!digit(s[i]))
                return false;
    }
    /* Leading zeros cannot overflow; skip them, then more than 19 digits can. */
    size_t i = 0;
    while (i + 1 < dot && s[i] == '0')
        i++;
    if (dot - i > 19)
        return false;
    __int128 v = 0;
    for (; i < dot; i++)
        v = v * 10 + (s[i] - '0');
    for (size_t k = 0; k < (size_t)scale; k++)
        v = v * 10 + (k < nfrac ? s[dot + 1 + k] - '0' : 0);
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* `-?D+.DD`, nothing else, and no "-0.00". */
static bool money_shape(const char *s)
{
    size_t n = strlen(s), i = 0;
    if (n >= MONEY_BUF)
        return false;
    if (s[0] == '-')
        i++;
    if (n < i + 4 || s[n - 3] != '.' || !digit(s[n - 2]) || !digit(s[n - 1]))
        return false;
    for (size_t k = i; k < n - 3; k++)
        if (!digit(s[k]))
            return false;
    if (n - 3 - i > 1 && s[i] == '0')
        return false; /* no leading zeros */
    return !(i == 1 && strcmp(s + 1, "0.00") == 0);
}

static void check_money_text(const char *s, size_t len)
{
    money_t v = 12345;
    bool neg = len > 0 && s[0] == '-';
    __int128 ref;
    bool want = ref_unsigned(s + neg, len - neg, 2, MONEY_INPUT_MAX, &ref);
    bool got = money_parse(s, len, &v);
    FUZZ_CHECK(got == want);
    if (!got)
        return;
    FUZZ_CHECK(v == (neg ? -(int64_t)ref : (int64_t)ref));
    char buf[MONEY_BUF];
    money_format(v, buf);
    FUZZ_CHECK(money_shape(buf));
    money_t again;
    FUZZ_CHECK(money_parse(buf, strlen(buf), &again) && again == v);
}

static void check_decimal_text(const char *s, size_t len)
{
    static const int64_t maxes[] = {MONEY_INPUT_MAX, INT64_C(1000000), INT64_C(1000000000),
                                    INT64_MAX};
    for (int scale = 0; scale <= 4; scale++)
        for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
            decimal_t v = -1;
            __int128 ref;
            bool want = ref_unsigned(s, len, scale, maxes[m], &ref);
            bool got = decimal_parse(s, len, scale, maxes[m], &v);
            FUZZ_CHECK(got == want);
            if (!got)
                continue;
            FUZZ_CHECK(v >= 0 && v == (int64_t)ref);
            char buf[MONEY_BUF];
            decimal_format(v, scale, buf);
            size_t n = strlen(buf);
            FUZZ_CHECK(n > 0 && n < MONEY_BUF && buf[n - 1] != '.');
            if (strchr(buf, '.'))
                FUZZ_CHECK(buf[n - 1] != '0'); /* shortest form */
            decimal_t again;
            FUZZ_CHECK(decimal_parse(buf, n, scale, maxes[m], &again) && again == v);
        }
}

static int64_t take64(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | p[i];
    return (int64_t)u;
}

/* round_half_even(a * b / d) by floor division and the remainder. */
static __int128 ref_muldiv(int64_t a, int64_t b, int64_t d)
{
    __int128 num = (__int128)a * b;
    __int128 q = num / d, r = num % d;
    if (r < 0) { /* make it floor: 0 <= r < d */
        q -= 1;
        r += d;
    }
    if (2 * r > d || (2 * r == d && (q & 1)))
        q += 1;
    return q;
}

static void check_integers(const uint8_t *data, size_t size)
{
    if (size < 8)
        return;
    int64_t v = take64(data);
    char buf[MONEY_BUF];
    money_format(v, buf);
    FUZZ_CHECK(money_shape(buf));
    money_t back;
    bool in_range = v >= -MONEY_INPUT_MAX && v <= MONEY_INPUT_MAX;
    FUZZ_CHECK(money_parse(buf, strlen(buf), &back) == in_range);
    if (in_range)
        FUZZ_CHECK(back == v);
    if (v >= 0)
        for (int scale = 0; scale <= 4; scale++) {
            decimal_format(v, scale, buf);
            decimal_t d;
            FUZZ_CHECK(decimal_parse(buf, strlen(buf), scale, INT64_MAX, &d) && d == v);
        }
    if (size < 24)
        return;
    int64_t b = take64(data + 8), d = take64(data + 16);
    money_t sum;
    __int128 wide = (__int128)v + b;
    bool fits = wide >= INT64_MIN && wide <= INT64_MAX;
    FUZZ_CHECK(money_add(v, b, &sum) == fits);
    if (fits)
        FUZZ_CHECK(sum == (int64_t)wide);
    if (d <= 0)
        return;
    __int128 want = ref_muldiv(v, b, d);
    if (want < INT64_MIN || want > INT64_MAX)
        return; /* outside the contract: the result must fit money_t */
    FUZZ_CHECK(money_muldiv(v, b, d) == (int64_t)want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    check_money_text(s, size);
    check_decimal_text(s, size);
    check_integers(data, size);
    return 0;
}
