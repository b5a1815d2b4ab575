/*
 * bare.c — the parsing floor: one libcsv pass with no-op callbacks over the
 * given files (issue 7's reference), default options, 1 MiB reads.
 */
#include <csv.h>
#include <stdio.h>

static void on_field(void *s, size_t len, void *ctx) { (void)s; (void)len; (void)ctx; }
static void on_record(int c, void *ctx) { (*(long *)ctx)++; (void)c; }

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    long records = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f)
            return 1;
        struct csv_parser p;
        csv_init(&p, 0);
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
            csv_parse(&p, buf, n, on_field, on_record, &records);
        csv_fini(&p, on_field, on_record, &records);
        csv_free(&p);
        fclose(f);
    }
    printf("%ld records\n", records);
    return 0;
}
