/*
 * dataset_id.c — which dataset a ledger belongs to (DATA/.commissions-id).
 */
#include "job.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* DATA/.commissions-id: the dataset's identity, 32 hex digits written by
 * the first run of a new ledger (adopted when the file exists already, e.g.
 * a copied dataset), and recorded in the ledger (meta dataset_id). A ledger
 * used with a dataset whose file is missing or holds another id is refused:
 * it was started for another dataset. The file is small, plain and moves
 * with the dataset, where a path or a hash of master data would change
 * under a rename or a master edit. A dataset folder that cannot be written
 * (read-only inputs) is identified by its canonical path instead
 * ("path:/abs/dir", dataset_path_id). */
#define DATASET_ID_FILE ".commissions-id"

static bool read_dataset_id(const char *data_dir, char *out, size_t len)
{
    out[0] = '\0';
    char *path = path_join(data_dir, DATASET_ID_FILE);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return false;
    char buf[PATH_MAX + 8] = "";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    snprintf(out, len, "%s", buf);
    return true;
}

static cm_status write_dataset_id(const char *data_dir, char *out, size_t len,
                                  cm_error_t *err)
{
    unsigned char r[16];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return cm_fail(err, EXIT_INTERNAL, "dataset id: %s", strerror(errno));
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", r[i]);
    char *path = path_join(data_dir, DATASET_ID_FILE);
    char *tmp = path_join(data_dir, DATASET_ID_FILE ".tmp");
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL;
    if (f) {
        ok = fprintf(f, "%s\n", hex) > 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
        ok = fclose(f) == 0 && ok;
    }
    ok = ok && rename(tmp, path) == 0;
    int e = errno;
    cm_status rc = ok ? EXIT_DONE : cm_fail(err, EXIT_INTERNAL, "%s: %s", path, strerror(e));
    if (ok)
        fsync_dir(data_dir);
    else
        unlink(tmp);
    errno = e;
    free(path);
    free(tmp);
    snprintf(out, len, "%s", hex);
    return rc;
}

/* "path:" and the dataset folder's canonical path: the identity of a
 * dataset whose folder cannot be written (a read-only input mount). */
static bool dataset_path_id(const char *data_dir, char *out, size_t len)
{
    char *real = realpath(data_dir, NULL);
    if (!real)
        return false;
    snprintf(out, len, "path:%s", real);
    free(real);
    return true;
}

/* The ledger belongs to this dataset; record (a run's first) binds it. */
cm_status check_dataset(job_t *j, bool record, cm_error_t *err)
{
    if (!j->o->bind_dataset || !j->ledger)
        return EXIT_DONE;
    char lid[PATH_MAX + 8], fid[PATH_MAX + 8];
    cm_status rc = ledger_dataset_id(j->ledger, lid, sizeof(lid), err);
    if (rc != EXIT_DONE)
        return rc;
    bool has = read_dataset_id(j->o->data_dir, fid, sizeof(fid));
    if (strncmp(lid, "path:", 5) == 0)
        has = dataset_path_id(j->o->data_dir, fid, sizeof(fid));
    if (lid[0] && !has)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "ledger %s was started for another dataset (id %s), and %s has no %s: "
                         "give each dataset its own ledger (if it is that dataset, restore the "
                         "file with that id)", j->db_path, lid, j->o->data_dir, DATASET_ID_FILE);
    if (lid[0] && strcmp(lid, fid) != 0)
        return cm_fail(err, EXIT_STATE_CONFLICT,
                         "ledger %s was started for another dataset (id %s); %s is dataset %s: "
                         "give each dataset its own ledger", j->db_path, lid, j->o->data_dir, fid);
    if (lid[0] || !record)
        return EXIT_DONE;
    if (!has || !fid[0]) {
        rc = write_dataset_id(j->o->data_dir, fid, sizeof(fid), err);
        if (rc != EXIT_DONE && (errno == EROFS || errno == EACCES || errno == EPERM) &&
            dataset_path_id(j->o->data_dir, fid, sizeof(fid)))
            rc = EXIT_DONE;
    }
    return rc == EXIT_DONE ? ledger_set_dataset_id(j->ledger, fid, err) : rc;
}
