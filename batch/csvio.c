/*
 * csvio.c — the schema-driven CSV reader of SPEC §2, streaming, over libcsv.
 *
 * One pass over the bytes does everything: it hashes them (SHA-256), checks
 * UTF-8 strictly and rejects NUL, counts physical lines (LF, CRLF, lone CR)
 * and hands libcsv one line segment at a time, so the line where each record
 * starts is known exactly even when quoted fields hold newlines. libcsv
 * returns fields; this file matches the header against the file_spec_t,
 * has every value typed and validated in spec order (csv_check_record,
 * csvvalue.c), and calls back per record.
 * Not for: cross-file references or duplicate ids (ingest.c), writing CSV.
 *
 * libcsv is run in strict mode with no space trimming: RFC 4180 quoting
 * only, a quote inside an unquoted field or text after a closing quote is a
 * file error, and " 12" stays " 12". It skips blank lines itself; this file
 * skips them too before feeding, which keeps the two views of "is a record
 * open" identical (in_record below).
 *
 * Memory: one read buffer, one field buffer and small per-column arrays, all
 * reused for every record; nothing is allocated per row.
 */
#include "csvio.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvutf8.h"
#include "date.h"
#include "money.h"
#include "sha256.h"
#include "util.h"

#define CSV_CHUNK ((size_t)1 << 20) /* read size */
#define PROGRESS_MIN_BYTES ((int64_t)16 << 20) /* files worth a progress line */
#define CSV_BLOCK 16384             /* libcsv field-buffer growth step */

/* Where a stored field sits in the reader's field buffer. */
typedef struct field_ref {
    size_t off;
    size_t len;
} field_ref_t;

typedef struct csv_reader {
    const char *display;
    const file_spec_t *spec;
    const csv_callbacks_t *cb;
    void *ctx;
    csv_error_t *err;
    csv_status status; /* first failure; once set, nothing else happens */

    struct csv_parser parser;
    bool parser_ready;

    /* Position. */
    int64_t base;    /* file offset of the chunk being scanned */
    int32_t line;    /* physical line of the next byte */
    int64_t cr_end;  /* offset just past the last CR: an LF there ends no line */
    bool in_record;  /* a record's first byte was fed and its end not yet seen */
    int32_t rec_line;
    int64_t rec_start; /* file offset of the record's first byte */
    utf8_state_t u8;
    int64_t u8_lead; /* file offset of the sequence being checked */

    /* Header: file column k holds spec column map[k], or -1 (x_ column);
     * spec column c is file column spec_pos[c], or -1 (absent). */
    bool have_header;
    size_t nhdr;
    int *map;
    int *spec_pos;

    /* Current record: fields counted, stored text (NUL-terminated each).
     * fields[] is indexed by file column for the header, by spec column after. */
    size_t nfields;
    char *buf;
    size_t buf_len, buf_cap;
    field_ref_t *fields;
    size_t fields_cap;
    csv_value_t *values;

    int64_t records;
} csv_reader_t;

/* ---- errors --------------------------------------------------------------- */

/* Record the first failure as "display:line: problem" (no line when line is 0).
 * Always returns false, so callers can `return fail(...)`. */
__attribute__((format(printf, 4, 5))) static bool fail(csv_reader_t *r, csv_status st,
                                                        int32_t line, const char *fmt, ...)
{
    if (r->status != CSV_OK)
        return false;
    csv_error_t *e = r->err;
    r->status = st;
    e->status = st;
    e->line = line;
    int n = line > 0 ? snprintf(e->message, sizeof(e->message), "%s:%d: ", r->display, (int)line)
                     : snprintf(e->message, sizeof(e->message), "%s: ", r->display);
    if (n < 0 || (size_t)n >= sizeof(e->message))
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message + n, sizeof(e->message) - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static bool fail_nomem(csv_reader_t *r)
{
    return fail(r, CSV_IO_ERROR, r->line, "out of memory");
}

/* Whether a header name may be quoted in a message: only what has the form
 * of a column name (1-64 of A-Z a-z 0-9 _), so a file that is no CSV at all
 * (a link to /etc/passwd, a binary) never has its text printed. */
static bool quotable_name(const char *s, size_t len)
{
    if (len < 1 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

/* ---- records (libcsv callbacks) ----------------------------------------------- */

/* Make room for `need` elements of `size` bytes in *p (doubling). */
static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* Copy a field's text into the field buffer, NUL-terminated. */
static bool store_field(csv_reader_t *r, field_ref_t *ref, const void *data, size_t len)
{
    if (r->buf_len + len + 1 > r->buf_cap &&
        !grow((void **)&r->buf, &r->buf_cap, r->buf_len + len + 1, 1))
        return false;
    if (len > 0)
        memcpy(r->buf + r->buf_len, data, len);
    r->buf[r->buf_len + len] = '\0';
    ref->off = r->buf_len;
    ref->len = len;
    r->buf_len += len + 1;
    return true;
}

/* libcsv field callback: keep header names and the spec columns' values;
 * x_ columns and surplus fields are only counted. */
static void on_field(void *data, size_t len, void *vr)
{
    csv_reader_t *r = vr;
    size_t k = r->nfields++;
    if (r->status != CSV_OK)
        return;
    if (!r->have_header) {
        if (!grow((void **)&r->fields, &r->fields_cap, k + 1, sizeof(field_ref_t)) ||
            !store_field(r, &r->fields[k], data, len))
            fail_nomem(r);
        return;
    }
    if (k < r->nhdr && r->map[k] >= 0 && !store_field(r, &r->fields[r->map[k]], data, len))
        fail_nomem(r);
}

/* The spec column named exactly name[0..len), or -1. */
static int spec_column(const file_spec_t *spec, const char *name, size_t len)
{
    for (size_t c = 0; c < spec->ncols; c++)
        if (strncmp(spec->cols[c].name, name, len) == 0 && spec->cols[c].name[len] == '\0')
            return (int)c;
    return -1;
}

/* Map header column k: duplicate, x_ note, spec column or unknown. */
static bool map_header_column(csv_reader_t *r, size_t k)
{
    const char *name = r->buf + r->fields[k].off;
    size_t len = r->fields[k].len;
    bool quote = quotable_name(name, len);
    for (size_t j = 0; j < k; j++)
        if (r->fields[j].len == len && memcmp(r->buf + r->fields[j].off, name, len) == 0)
            return quote ? fail(r, CSV_BAD_HEADER, r->rec_line,
                                "duplicate column \"%.*s\" (column %zu)", (int)len, name, k + 1)
                         : fail(r, CSV_BAD_HEADER, r->rec_line,
                                "duplicate column (column %zu)", k + 1);
    r->map[k] = -1;
    if (len >= 2 && name[0] == 'x' && name[1] == '_')
        return true;
    int c = spec_column(r->spec, name, len);
    if (c < 0)
        return quote ? fail(r, CSV_BAD_HEADER, r->rec_line, "unknown column \"%.*s\" (column %zu)",
                            (int)len, name, k + 1)
                     : fail(r, CSV_BAD_HEADER, r->rec_line,
                            "column %zu of the header is not a column name (not a CSV header "
                            "of %s?)", k + 1, r->spec->name);
    r->map[k] = c;
    r->spec_pos[c] = (int)k;
    return true;
}

/* The first record is the header: map it, then check every required or
 * optional spec column is there; size the per-record arrays. */
static void take_header(csv_reader_t *r)
{
    const file_spec_t *spec = r->spec;
    r->have_header = true;
    r->nhdr = r->nfields;
    r->map = malloc((r->nhdr ? r->nhdr : 1) * sizeof(int));
    r->spec_pos = malloc((spec->ncols ? spec->ncols : 1) * sizeof(int));
    r->values = calloc(spec->ncols ? spec->ncols : 1, sizeof(csv_value_t));
    if (!r->map || !r->spec_pos || !r->values ||
        !grow((void **)&r->fields, &r->fields_cap, spec->ncols, sizeof(field_ref_t))) {
        fail_nomem(r);
        return;
    }
    for (size_t c = 0; c < spec->ncols; c++)
        r->spec_pos[c] = -1;
    for (size_t k = 0; k < r->nhdr; k++)
        if (!map_header_column(r, k))
            return;
    for (size_t c = 0; c < spec->ncols; c++)
        if (r->spec_pos[c] < 0 && spec->cols[c].presence != COL_ABSENT_OK) {
            fail(r, CSV_BAD_HEADER, r->rec_line, "missing column \"%s\"", spec->cols[c].name);
            return;
        }
}

static void reject(csv_reader_t *r, const char *column, rule_code why)
{
    if (r->cb->on_reject && !r->cb->on_reject(r->ctx, r->rec_line, column, why))
        fail(r, CSV_ABORTED, r->rec_line, "reading stopped by the caller");
}

/* A data record: field count, then each spec column in spec order; the
 * first failure rejects the record, otherwise on_row gets typed values. */
static void take_record(csv_reader_t *r)
{
    const file_spec_t *spec = r->spec;
    r->records++;
    if (r->nfields != r->nhdr) {
        reject(r, "", RULE_WRONG_FIELD_COUNT);
        return;
    }
    for (size_t c = 0; c < spec->ncols; c++) {
        csv_value_t *v = &r->values[c];
        if (r->spec_pos[c] >= 0) {
            v->s = r->buf + r->fields[c].off;
            v->len = r->fields[c].len;
        } else {
            v->s = "";
            v->len = 0;
        }
        v->i = 0;
    }
    const char *column;
    rule_code why;
    if (!r->cb->raw && !csv_check_record(spec, r->values, &column, &why)) {
        reject(r, column, why);
        return;
    }
    if (r->cb->on_row && !r->cb->on_row(r->ctx, r->values, r->rec_line))
        fail(r, CSV_ABORTED, r->rec_line, "reading stopped by the caller");
}

/* libcsv record callback (c is the terminator, or -1 from csv_fini). */
static void on_record(int c, void *vr)
{
    csv_reader_t *r = vr;
    (void)c;
    if (r->status == CSV_OK) {
        if (r->have_header)
            take_record(r);
        else
            take_header(r);
    }
    r->nfields = 0;
    r->buf_len = 0;
    r->in_record = false;
}

/* ---- scanning ----------------------------------------------------------------- */

/* A strict-mode parse error at chunk index at: say what libcsv refused. */
static bool fail_parse(csv_reader_t *r, const unsigned char *p, size_t at)
{
    int64_t off = r->base + (int64_t)at;
    int col = (int)r->nfields + 1;
    if (csv_error(&r->parser) != CSV_EPARSE)
        return fail_nomem(r);
    /* With no space trimming libcsv refuses exactly two things. */
    const char *what =
        p[at] == '"' ? "quote inside an unquoted field" : "text after a closing quote";
    return fail(r, CSV_BAD_SYNTAX, r->line, "%s at byte %lld (column %d)", what,
                (long long)off, col);
}

/* Hand chunk bytes [from, to) of the open record to libcsv. */
static bool feed(csv_reader_t *r, const unsigned char *p, size_t from, size_t to)
{
    if (to <= from)
        return r->status == CSV_OK;
    if (r->base + (int64_t)to - r->rec_start > CSV_RECORD_MAX)
        return fail(r, CSV_BAD_SYNTAX, r->rec_line,
                    "record longer than %d bytes (unterminated quote?)", CSV_RECORD_MAX);
    size_t done = csv_parse(&r->parser, p + from, to - from, on_field, on_record, r);
    if (r->status != CSV_OK)
        return false;
    if (done < to - from)
        return fail_parse(r, p, from + done);
    return true;
}

/* A byte error at file offset off: feed the record's bytes before it (chunk
 * [seg, upto)) so the field count names the right column, then report. */
static bool fail_at_byte(csv_reader_t *r, const unsigned char *p, size_t seg, size_t upto,
                         csv_status st, const char *what, int64_t off)
{
    if (!feed(r, p, seg, upto))
        return false;
    return fail(r, st, r->line, "%s at byte %lld (column %d)", what, (long long)off,
                (int)r->nfields + 1);
}

/* Count the line a terminator at chunk index j ends (CRLF ends one line). */
static void end_line(csv_reader_t *r, unsigned char c, size_t j)
{
    int64_t off = r->base + (int64_t)j;
    if (c == '\n' && off == r->cr_end)
        return;
    if (c == '\r')
        r->cr_end = off + 1;
    if (r->line < INT32_MAX)
        r->line++;
}

/* Outside a record: skip blank lines (libcsv would ignore them too). If a
 * byte remains, a record starts there; false if the chunk ran out first. */
static bool begin_record(csv_reader_t *r, const unsigned char *p, size_t n, size_t *j)
{
    while (*j < n && (p[*j] == '\n' || p[*j] == '\r')) {
        end_line(r, p[*j], *j);
        (*j)++;
    }
    if (*j == n)
        return false;
    r->in_record = true;
    r->rec_line = r->line;
    r->rec_start = r->base + (int64_t)*j;
    return true;
}

/* Finish a UTF-8 sequence begun at *j's lead (already accepted) or carried
 * over from the previous chunk; stops at the chunk end if still incomplete. */
static bool continue_utf8(csv_reader_t *r, const unsigned char *p, size_t n, size_t seg,
                          size_t *j)
{
    while (r->u8.need > 0 && *j < n) {
        if (!utf8_next(&r->u8, p[*j])) {
            int64_t lead = r->u8_lead - r->base; /* negative: lead in an earlier chunk */
            return fail_at_byte(r, p, seg, lead > (int64_t)seg ? (size_t)lead : seg,
                                CSV_BAD_UTF8, "invalid UTF-8", r->u8_lead);
        }
        (*j)++;
    }
    return true;
}

/* The index of the first byte at or after j that is not printable ASCII
 * (0x20..0x7F), or n: eight bytes at a time, since most bytes are plain.
 * A word has such a byte iff ((w - 0x20..) | w) & 0x80.. is non-zero
 * (a borrow only propagates above a byte that is itself below 0x20). */
static size_t skip_plain(const unsigned char *p, size_t j, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    while (j + 8 <= n) {
        uint64_t w;
        memcpy(&w, p + j, 8);
        if (((w - 0x20 * ones) | w) & high)
            break;
        j += 8;
    }
    while (j < n && p[j] >= 0x20 && p[j] < 0x80)
        j++;
    return j;
}

/* Scan one chunk (file offset r->base): check bytes, count lines, and feed
 * libcsv record bytes in segments that end at line terminators, so that
 * records (which only end at a terminator) always end a segment. */
static bool scan_chunk(csv_reader_t *r, const unsigned char *p, size_t n)
{
    size_t j = 0, seg = 0; /* seg: first byte of the open record not yet fed */
    if (!continue_utf8(r, p, n, 0, &j))
        return false;
    if (!r->in_record) {
        if (!begin_record(r, p, n, &j))
            return true;
        seg = j;
    }
    while (j < n) {
        unsigned char c = p[j];
        if (c >= 0x20 && c < 0x80) {
            j = skip_plain(p, j + 1, n);
        } else if (c == '\n' || c == '\r') {
            if (!feed(r, p, seg, j + 1))
                return false;
            end_line(r, c, j);
            j++;
            if (!r->in_record && !begin_record(r, p, n, &j))
                return true;
            seg = j;
        } else if (c == 0) {
            return fail_at_byte(r, p, seg, j, CSV_BAD_SYNTAX, "NUL byte", r->base + (int64_t)j);
        } else if (c < 0x80) {
            j++; /* tab and other controls are valid UTF-8 text */
        } else {
            r->u8_lead = r->base + (int64_t)j;
            if (!utf8_start(&r->u8, c))
                return fail_at_byte(r, p, seg, j, CSV_BAD_UTF8, "invalid UTF-8", r->u8_lead);
            j++;
            if (!continue_utf8(r, p, n, seg, &j))
                return false;
        }
    }
    return feed(r, p, seg, n);
}

/* End of input: a sequence or a quoted field left open is a file error;
 * otherwise libcsv delivers a last record that had no terminator. */
static bool finish(csv_reader_t *r)
{
    if (r->status != CSV_OK)
        return false;
    if (r->u8.need > 0)
        return fail(r, CSV_BAD_UTF8, r->line, "invalid UTF-8 at byte %lld (column %d)",
                    (long long)r->u8_lead, (int)r->nfields + 1);
    if (csv_fini(&r->parser, on_field, on_record, r) != 0)
        return fail(r, CSV_BAD_SYNTAX, r->rec_line, "unterminated quoted field (column %d)",
                    (int)r->nfields + 1);
    if (r->status != CSV_OK)
        return false;
    if (!r->have_header)
        return fail(r, CSV_BAD_HEADER, 1, "empty file (no header)");
    return true;
}

/* ---- entry points -------------------------------------------------------------- */

static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static bool reader_init(csv_reader_t *r, const char *display, const file_spec_t *spec,
                        const csv_callbacks_t *cb, void *ctx, csv_error_t *err)
{
    memset(r, 0, sizeof(*r));
    r->display = display ? display : spec->name;
    r->spec = spec;
    r->cb = cb;
    r->ctx = ctx;
    r->err = err;
    r->line = 1;
    r->cr_end = -1;
    err->status = CSV_OK;
    err->line = 0;
    err->message[0] = '\0';
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return fail_nomem(r);
    r->parser_ready = true;
    csv_set_space_func(&r->parser, no_space); /* never trim */
    csv_set_blk_size(&r->parser, CSV_BLOCK);
    return true;
}

static void reader_free(csv_reader_t *r)
{
    if (r->parser_ready)
        csv_free(&r->parser);
    free(r->map);
    free(r->spec_pos);
    free(r->buf);
    free(r->fields);
    free(r->values);
}

/* One chunk read from the input: hash it, drop a BOM at offset 0, scan. */
static bool reader_chunk(csv_reader_t *r, sha256_ctx_t *h, const unsigned char *p, size_t n)
{
    sha256_update(h, p, n);
    size_t skip = 0;
    if (r->base == 0 && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        skip = 3;
    r->base += (int64_t)skip;
    bool ok = scan_chunk(r, p + skip, n - skip);
    r->base += (int64_t)(n - skip);
    return ok;
}

/* Fill stats (the hash only on success) and return the outcome. */
static csv_status reader_done(csv_reader_t *r, sha256_ctx_t *h, csv_stats_t *stats)
{
    stats->records = r->records;
    stats->bytes = r->base;
    stats->sha256[0] = '\0';
    if (r->status == CSV_OK)
        sha256_final_hex(h, stats->sha256);
    csv_status st = r->status;
    reader_free(r);
    return st;
}

csv_status csv_read_buffer(const char *data, size_t len, const char *display,
                           const file_spec_t *spec, const csv_callbacks_t *cb, void *ctx,
                           csv_stats_t *stats, csv_error_t *err)
{
    csv_reader_t r;
    sha256_ctx_t h;
    csv_stats_t st_local;
    csv_error_t err_local;
    stats = stats ? stats : &st_local;
    sha256_init(&h);
    if (reader_init(&r, display, spec, cb, ctx, err ? err : &err_local)) {
        /* The same chunking as a file, so both paths meet the same boundaries. */
        const unsigned char *p = (const unsigned char *)data;
        bool ok = true;
        for (size_t off = 0; ok && off < len; off += CSV_CHUNK)
            ok = reader_chunk(&r, &h, p + off, len - off < CSV_CHUNK ? len - off : CSV_CHUNK);
        if (ok)
            finish(&r);
    }
    return reader_done(&r, &h, stats);
}

/* fread the whole file through reader_chunk. */
static void read_stream(csv_reader_t *r, sha256_ctx_t *h, FILE *f)
{
    unsigned char *buf = malloc(CSV_CHUNK);
    if (!buf) {
        fail_nomem(r);
        return;
    }
    size_t n;
    bool ok = true;
    struct stat st;
    int64_t total = fstat(fileno(f), &st) == 0 ? (int64_t)st.st_size : 0;
    double started = clock_seconds();
    while (ok && (n = fread(buf, 1, CSV_CHUNK, f)) > 0) {
        ok = reader_chunk(r, h, buf, n);
        if (total >= PROGRESS_MIN_BYTES)
            log_progress(r->display, r->base, total, r->records, clock_seconds() - started);
    }
    if (ok && ferror(f))
        fail(r, CSV_IO_ERROR, 0, "read error: %s", strerror(errno));
    else if (ok)
        finish(r);
    free(buf);
}

csv_status csv_read_file(const char *path, const char *display, const file_spec_t *spec,
                         const csv_callbacks_t *cb, void *ctx, csv_stats_t *stats,
                         csv_error_t *err)
{
    csv_reader_t r;
    sha256_ctx_t h;
    csv_stats_t st_local;
    csv_error_t err_local;
    stats = stats ? stats : &st_local;
    sha256_init(&h);
    if (reader_init(&r, display, spec, cb, ctx, err ? err : &err_local)) {
        const char *what;
        int fd = open_regular(path, &what);
        FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
        if (fd >= 0 && !f)
            close(fd);
        if (!f && what) {
            fail(&r, CSV_MISSING_FILE, 0, "not a regular file (%s)", what);
        } else if (!f) {
            fail(&r, CSV_MISSING_FILE, 0, "cannot open: %s", strerror(errno));
        } else {
            read_stream(&r, &h, f);
            fclose(f);
        }
    }
    return reader_done(&r, &h, stats);
}

bool csv_sha256_file(const char *path, char out[65])
{
    int fd = open_regular(path, NULL);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    unsigned char *buf = malloc(CSV_CHUNK);
    sha256_ctx_t h;
    size_t n;
    sha256_init(&h);
    while (buf && (n = fread(buf, 1, CSV_CHUNK, f)) > 0)
        sha256_update(&h, buf, n);
    bool ok = buf && !ferror(f);
    free(buf);
    fclose(f);
    if (ok)
        sha256_final_hex(&h, out);
    return ok;
}
