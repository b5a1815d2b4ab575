/*
 * deflate.c — the compression level of the workbooks the program writes.
 *
 * libxlsxwriter zips every sheet through minizip at zlib's default level (6)
 * and has no option to change it. Every program that writes workbooks (the
 * commissions binary and the test suites: the deflate_level target of
 * CMakeLists.txt) links this file and exports deflateInit2_, so that
 * minizip's call lands here; it asks zlib's own deflateInit2_ for level 1
 * (Z_BEST_SPEED) whatever level was asked. The same inputs give the same
 * bytes. The only other deflating in the program, the ledger's statement
 * documents (batch/ledger.c), asks for level 1 itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <zlib.h>

typedef int (*deflate_init2_fn)(z_streamp, int, int, int, int, int, const char *, int);

int deflateInit2_(z_streamp strm, int level, int method, int window_bits, int mem_level,
                  int strategy, const char *version, int stream_size)
{
    (void)level;
    deflate_init2_fn real;
    *(void **)&real = dlsym(RTLD_NEXT, "deflateInit2_"); /* zlib's, after this program */
    if (!real)
        return Z_VERSION_ERROR; /* the zip entry fails: the workbook reports an error */
    return real(strm, Z_BEST_SPEED, method, window_bits, mem_level, strategy, version,
                stream_size);
}
