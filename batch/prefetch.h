/*
 * prefetch.h — read one CSV file on a second thread, ahead of its consumer.
 *
 * The month's revenue file is most of its bytes. prefetch_start() parses it
 * (csv_read_file, raw) on its own thread while the main thread reads master
 * data, the ledger and the orders the revenue rows refer to;
 * prefetch_finish() then checks each chunk's values (csv_check_record: the
 * parser is the slower side, so the consumer's thread does it) and replays
 * every row and reject, in file order, through the consumer's callbacks on
 * the calling thread: the consumer sees exactly what csv_read_file would
 * have given it. At most a few hundred MB are in flight, less when the
 * process is near its memory budget: memory stays flat whatever the file's
 * size.
 *
 *   prefetch_t *p = prefetch_start(path, "periods/2017-11/revenue.csv", &schema_revenue);
 *   ... other work ...
 *   csv_status s = prefetch_finish(p, &callbacks, ctx, &stats, &err);   // frees p
 */
#ifndef COMMISSIONS_PREFETCH_H
#define COMMISSIONS_PREFETCH_H

#include "csvio.h"

typedef struct prefetch prefetch_t;

/* Start reading; NULL if no thread could be started (read it directly then).
 * path and display are copied; spec must outlive the prefetch. */
prefetch_t *prefetch_start(const char *path, const char *display, const file_spec_t *spec);

/* The read-ahead's memory limit (prefetch_start sets the defaults: 32 MB,
 * 880 MiB): past ahead_min bytes of parsed records the reader waits while
 * the whole process, plus what prefetch_expect announced, is over
 * rss_budget bytes (prefetch_over_budget). */
void prefetch_limit(prefetch_t *p, size_t ahead_min, size_t rss_budget);

/* The consumer will allocate about `bytes` more before it replays the file
 * (the ledger's state, the orders): until prefetch_finish the reader counts
 * them as resident already, so the rows it parses ahead leave room for
 * them. An estimate; the last call wins. */
void prefetch_expect(prefetch_t *p, size_t bytes);

/* The reader's rule past ahead_min: wait while the process's resident bytes
 * plus the bytes the consumer expects to allocate exceed rss_budget. */
bool prefetch_over_budget(size_t resident, size_t expected, size_t rss_budget);

/* Replay the file through cb in order, wait for the reader, return its status
 * (CSV_ABORTED if a callback returned false) and free p. */
csv_status prefetch_finish(prefetch_t *p, const csv_callbacks_t *cb, void *ctx, csv_stats_t *stats,
                           csv_error_t *err);

/* Stop the reader without replaying and free p (NULL is fine). */
void prefetch_cancel(prefetch_t *p);

#endif
