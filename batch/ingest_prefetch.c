/*
 * ingest_prefetch.c — every use of read-ahead by the readers, in one place:
 * the starting of revenue.csv and of the first corrected file on a second
 * thread (prefetch.h). The readers consume what is started here in
 * reader_read_file (prefetch_finish) or drop it (prefetch_cancel).
 */
#include "ingest_read.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* Start parsing the first corrected file (the smallest period folder of
 * periods/Q/restate/ holding a revenue.csv) on a thread of its own, so that
 * it overlaps reading the period's own files; NULL when there is none (or
 * no thread). ingest_restatements checks the folder and consumes it. */
prefetch_t *ingest_prefetch_restate(const dataset_t *ds, period_t q)
{
    char qbuf[PERIOD_BUF], rel[96], first[8] = "";
    snprintf(rel, sizeof(rel), "periods/%s/restate", period_format(q, qbuf));
    char *dir = path_join(ds->dir, rel);
    DIR *d = opendir(dir);
    free(dir);
    if (!d)
        return NULL;
    struct dirent *e;
    period_t p;
    while ((e = readdir(d)))
        if (strlen(e->d_name) == 7 && period_parse(e->d_name, 7, &p) &&
            (!first[0] || strcmp(e->d_name, first) < 0))
            memcpy(first, e->d_name, 8);
    closedir(d);
    if (!first[0])
        return NULL;
    char file[128];
    snprintf(file, sizeof(file), "%s/%s/revenue.csv", rel, first);
    char *path = path_join(ds->dir, file);
    prefetch_t *ahead = path_exists(path) ? prefetch_start(path, file, &schema_revenue) : NULL;
    free(path);
    return ahead;
}

prefetch_t *ingest_prefetch_revenue(const char *dir, period_t period)
{
    char pbuf[PERIOD_BUF], rel[96];
    period_format(period, pbuf);
    snprintf(rel, sizeof(rel), "periods/%s/revenue.csv", pbuf);
    char *path = path_join(dir, rel);
    prefetch_t *p = path_exists(path) ? prefetch_start(path, rel, &schema_revenue) : NULL;
    free(path);
    return p;
}
