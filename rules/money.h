/*
 * money.h — money as int64 cents, exact decimal rates, one rounding function.
 *
 * This module is the only place where amounts are parsed, formatted or
 * rounded. It never uses a float. Products are taken in 128-bit integers and
 * rounded half-even exactly once (money_muldiv). Not for: currencies (all are
 * treated as 2-decimal, SPEC §2) or totals policy (callers sum rounded lines).
 */
#ifndef COMMISSIONS_MONEY_H
#define COMMISSIONS_MONEY_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t money_t; /* signed cents */

/* A decimal with a fixed number of fractional digits, held as an integer:
 * rate_pct 12.5 is 125000 with scale 4; mrc_multiple 2.5 is 250 with scale 2. */
typedef int64_t decimal_t;
#define RATE_SCALE 4     /* rate_pct: D+(.D{1,4})? */
#define MULTIPLE_SCALE 2 /* mrc_multiple: D+(.D{1,2})? */

/* Largest absolute amount accepted from input: 10^15 cents (10 trillion).
 * One value times the largest mrc_multiple (CSV_MULTIPLE_MAX, 1000.00)
 * still fits int64 (10^18 < 2^63), so every single line fits; what many
 * values add up to is checked where it is summed (money_add and kin below),
 * and an overflow there is an input error, never a wrapped value. */
#define MONEY_INPUT_MAX INT64_C(1000000000000000)

/* Parse `-?D+(.D{1,2})?` of length len into cents. Returns false on any other
 * form (thousands separators, symbols, exponent, blanks) or out of range. */
bool money_parse(const char *s, size_t len, money_t *out);

/* Parse an unsigned decimal `D+(.D{1,scale})?` into an integer scaled by
 * 10^scale; false on bad form or a value above max_scaled. */
bool decimal_parse(const char *s, size_t len, int scale, int64_t max_scaled,
                   decimal_t *out);

/* Format cents as `-?D+.DD` into buf (at least MONEY_BUF bytes); returns buf. */
#define MONEY_BUF 32
char *money_format(money_t v, char *buf);
/* The same text written at p (room for MONEY_BUF - 1 bytes), not
 * terminated; returns the end. */
char *money_put(money_t v, char *p);

/* Format a scaled decimal as its shortest exact form: 125000/4 -> "12.5",
 * 100000/4 -> "10", 0 -> "0". buf needs MONEY_BUF bytes; returns buf. */
char *decimal_format(decimal_t v, int scale, char *buf);

/* round_half_even(a * b / d) with a 128-bit intermediate; d > 0.
 * The single rounding function of the product (SPEC §2). Precondition: the
 * result fits int64 (|b| <= d, or the caller's bounds say so); where it may
 * not, use money_muldiv_checked. */
money_t money_muldiv(int64_t a, int64_t b, int64_t d);

/* Checked arithmetic: each returns false, leaving *out untouched, when the
 * exact result does not fit int64 (checked before anything is stored; the
 * result is never wrapped). Every money sum and product of the rules goes
 * through one of these (SPEC §2: "every sum/product overflow-checked").
 *
 *   money_t total = 0;
 *   for (...)
 *       if (!money_add(total, v[i], &total))
 *           return overflow_at(i);   // the caller names the row
 */
bool money_add(money_t a, money_t b, money_t *out);
bool money_sub(money_t a, money_t b, money_t *out);
bool money_mul(int64_t a, int64_t b, int64_t *out);
/* *acc += v, false (acc unchanged) on overflow. */
static inline bool money_accumulate(money_t *acc, money_t v)
{
    return money_add(*acc, v, acc);
}
/* a + b where the caller's bounds prove it fits int64 (month.h: the sums
 * of magnitudes a decided month guarantees, which bound every report
 * total): asserted; never wrapped (a is returned should it not fit). */
static inline money_t money_add_bounded(money_t a, money_t b)
{
    money_t r;
    bool fits = money_add(a, b, &r);
    assert(fits);
    return fits ? r : a;
}
/* round_half_even(a * b / d) as money_muldiv, false when the rounded result
 * does not fit int64 (or d <= 0). */
bool money_muldiv_checked(int64_t a, int64_t b, int64_t d, money_t *out);
/* |v| as an int64, false for INT64_MIN (no positive counterpart). */
bool money_abs(money_t v, money_t *out);

#endif
