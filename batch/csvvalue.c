/*
 * csvvalue.c — the field validators of SPEC §2 (csvio.h): UTF-8, ids,
 * currencies, text, and the typed check of a record's values in spec order
 * (csv_check_record), shared by the CSV reader, the ledger and the tests.
 */
#include "csvio.h"

#include <stdlib.h>
#include <string.h>

#include "csvutf8.h"
#include "date.h"
#include "money.h"

bool csv_valid_utf8(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    utf8_state_t u = {0, 0x80, 0xBF};
    size_t lead = 0;
    for (size_t i = 0; i < len; i++) {
        if (u.need > 0) {
            if (!utf8_next(&u, p[i]))
                break;
        } else if (p[i] >= 0x80) {
            lead = i;
            if (!utf8_start(&u, p[i])) {
                u.need = -1;
                break;
            }
        }
    }
    if (u.need == 0)
        return true;
    if (bad_offset)
        *bad_offset = lead;
    return false;
}

bool csv_valid_id(const char *s, size_t len)
{
    if (len < 1 || len > CSV_ID_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* ISO 4217 list one, the codes of money (SPEC §2), sorted: the iso-codes
 * 4.15 table plus ZWG (2024) and XCG (2025), less HRK (withdrawn 2023-01).
 * Left out on purpose, as nothing a partner is paid in: the fund codes (BOV
 * CHE CHW CLF COU MXV USN UYI UYW), precious metals (XAG XAU XPD XPT), units
 * of account (XBA XBB XBC XBD XDR XSU XUA), XTS (testing) and XXX (none).
 * A code ISO adds or withdraws is a change here. */
static const char iso4217[][4] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP",
    "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF",
    "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP",
    "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB",
    "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD",
    "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD",
    "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER",
    "ZAR", "ZMW", "ZWG", "ZWL",
};

bool csv_valid_currency(const char *s, size_t len)
{
    if (len != 3)
        return false;
    size_t lo = 0, hi = sizeof(iso4217) / sizeof(iso4217[0]);
    while (lo < hi) { /* binary search: one of the hottest checks (every revenue row) */
        size_t mid = (lo + hi) / 2;
        int c = memcmp(iso4217[mid], s, 3);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool csv_valid_text(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        if (c < 0x80) { /* C0 controls but tab, LF, CR; and DEL */
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                return false;
            i++;
            continue;
        }
        /* valid UTF-8 (checked for the whole file): decode one character */
        uint32_t cp;
        size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + n > len)
            return false;
        cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < n; k++)
            cp = (cp << 6) | (p[i + k] & 0x3F);
        if ((cp >= 0x80 && cp <= 0x9F) ||      /* C1 controls */
            (cp >= 0xFDD0 && cp <= 0xFDEF) ||  /* noncharacters */
            (cp & 0xFFFE) == 0xFFFE)           /* U+FFFE, U+FFFF and their kin in every plane */
            return false;
        i += n;
    }
    return true;
}

/* D+ with no sign, at most max <= INT32_MAX (leading zeros allowed). */
static bool parse_int(const char *s, size_t len, int64_t max, int64_t *out)
{
    int64_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

/* Index of the exact match in a NULL-terminated list, or -1. */
static int enum_index(const char *const *values, const char *s, size_t len)
{
    for (int k = 0; values && values[k]; k++)
        if (strncmp(values[k], s, len) == 0 && values[k][len] == '\0')
            return k;
    return -1;
}

/* Type a non-blank value per its column; RULE_NONE or the §8.1 reason. */
static rule_code check_typed(const column_spec_t *col, csv_value_t *v)
{
    switch (col->type) {
    case COL_ID:
        return csv_valid_id(v->s, v->len) ? RULE_NONE : RULE_BAD_ID;
    case COL_TEXT: /* UTF-8 was checked for the whole file */
        return v->len <= CSV_TEXT_MAX && csv_valid_text(v->s, v->len) ? RULE_NONE : RULE_BAD_TEXT;
    case COL_DATE: {
        date_t d;
        if (!date_parse(v->s, v->len, &d))
            return RULE_BAD_DATE;
        v->i = d;
        return RULE_NONE;
    }
    case COL_PERIOD: {
        period_t p;
        if (!period_parse(v->s, v->len, &p))
            return RULE_BAD_PERIOD;
        v->i = p;
        return RULE_NONE;
    }
    case COL_MONEY:
        return money_parse(v->s, v->len, &v->i) ? RULE_NONE : RULE_BAD_MONEY;
    case COL_ENUM: {
        int k = enum_index(col->enum_values, v->s, v->len);
        v->i = k < 0 ? 0 : k;
        return k < 0 ? RULE_BAD_ENUM : RULE_NONE;
    }
    case COL_CURRENCY:
        return csv_valid_currency(v->s, v->len) ? RULE_NONE : RULE_BAD_CURRENCY;
    case COL_INT:
        return parse_int(v->s, v->len, INT32_MAX, &v->i) ? RULE_NONE : RULE_BAD_INT;
    case COL_DAYS:
        return parse_int(v->s, v->len, CSV_DAYS_MAX, &v->i) ? RULE_NONE : RULE_BAD_INT;
    case COL_MONTHS:
        return parse_int(v->s, v->len, CSV_MONTHS_MAX, &v->i) ? RULE_NONE : RULE_BAD_INT;
    case COL_POINTS:
        return parse_int(v->s, v->len, CSV_POINTS_MAX, &v->i) ? RULE_NONE : RULE_BAD_INT;
    case COL_RATE:
        return decimal_parse(v->s, v->len, RATE_SCALE, CSV_RATE_MAX, &v->i) ? RULE_NONE
                                                                             : RULE_BAD_MONEY;
    case COL_MULTIPLE:
        return decimal_parse(v->s, v->len, MULTIPLE_SCALE, CSV_MULTIPLE_MAX, &v->i)
                   ? RULE_NONE
                   : RULE_BAD_MONEY;
    }
    return RULE_NONE;
}

/* Blank handling, then typing. */
static rule_code check_value(const column_spec_t *col, csv_value_t *v)
{
    v->i = 0;
    if (v->len == 0)
        return col->presence == COL_REQUIRED ? RULE_MISSING_VALUE : RULE_NONE;
    return check_typed(col, v);
}

bool csv_check_record(const file_spec_t *spec, csv_value_t *values, const char **column,
                      rule_code *why)
{
    for (size_t c = 0; c < spec->ncols; c++) {
        *why = check_value(&spec->cols[c], &values[c]);
        if (*why != RULE_NONE) {
            *column = spec->cols[c].name;
            return false;
        }
    }
    return true;
}
