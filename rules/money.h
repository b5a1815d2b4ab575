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
 * Keeps every sum of up to 10^3 such values far from int64 overflow and
 * every product with a rate inside 128 bits. */
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
 * The single rounding function of the product (SPEC §2). */
money_t money_muldiv(int64_t a, int64_t b, int64_t d);

/* a + b, false on int64 overflow (checked before the arithmetic). */
bool money_add(money_t a, money_t b, money_t *out);

#endif
