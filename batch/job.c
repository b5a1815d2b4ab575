/*
 * job.c — a command's job on period P: its paths, what it holds and its
 * release; the read-only start of status and audit, and the read-only
 * decision of explain and whatif (run_decide_readonly, through job_decide).
 */
#include "job.h"

#include <stdlib.h>
#include <string.h>

char *run_db_path(const run_options_t *o)
{
    char *p = o->db_path ? strdup(o->db_path) : path_join(o->data_dir, "ledger.db");
    if (!p)
        abort();
    return p;
}

char *run_out_dir(const run_options_t *o)
{
    char *p = o->out_dir ? strdup(o->out_dir) : path_join(o->data_dir, "out");
    if (!p)
        abort();
    return p;
}

void job_init(job_t *j, const run_options_t *o)
{
    memset(j, 0, sizeof(*j));
    j->o = o;
    j->lock.fd = -1;
    j->db_path = run_db_path(o);
    j->out_dir = run_out_dir(o);
    period_format(o->period, j->pbuf);
    log_quiet = o->quiet;
}

void job_release(job_t *j)
{
    if (j->tmp_dir) {
        remove_tree(j->tmp_dir);
        free(j->tmp_dir);
    }
    ledger_rollback(j->ledger);
    ledger_close(j->ledger);
    lock_release(&j->lock);
    st_docs_free(&j->docs);
    ledger_docs_free(&j->zdocs);
    st_history_free(&j->history);
    decided_release(&j->d);
    free(j->wb_inputs);
    free(j->wb_prior);
    free(j->wb_holds.v);
    free(j->wb_orders.v);
    free(j->wb_held_accounts);
    free(j->db_path);
    free(j->out_dir);
}

job_inputs_t job_inputs_of(const run_options_t *o)
{
    return (job_inputs_t){.data_dir = o->data_dir, .period = o->period, .book_dir = o->book_dir,
                          .every_account = o->every_account};
}

/* The read-only commands' start: the ledger (a missing one: no state yet),
 * checked to belong to this dataset. */
cm_status job_open_readonly(job_t *j, cm_error_t *err)
{
    cm_status rc = ledger_open(j->db_path, true, &j->ledger, err);
    return rc == EXIT_DONE ? check_dataset(j, false, err) : rc;
}

cm_status run_decide_readonly(const run_options_t *o, job_t **out, cm_error_t *err)
{
    job_t *j = malloc(sizeof(*j));
    if (!j)
        abort();
    job_init(j, o);
    *out = j;
    cm_status rc = job_open_readonly(j, err);
    if (rc == EXIT_DONE && ledger_period_state(j->ledger, o->period) == PERIOD_UNRUN)
        rc = cm_fail(err, EXIT_STATE_CONFLICT, "%s has not been run", j->pbuf);
    if (rc == EXIT_DONE)
    if (rc == EXIT_DONE) {
        job_inputs_t in = job_inputs_of(o);
        rc = job_decide(&in, j->ledger, &j->d, err);
    }
    if (rc == EXIT_DONE && o->book_dir) { /* whatif: the book is the one replaced */
        input_list_t kept = {0};
        for (size_t i = 0; i < j->d.inputs.n; i++)
            if (strncmp(j->d.inputs.v[i].path, "master/", 7) == 0 ||
                strncmp(j->d.inputs.v[i].path, "periods/", 8) == 0)
                VEC_PUSH(kept, j->d.inputs.v[i]);
        rc = ledger_check_inputs(j->ledger, o->period, &kept, err);
        free(kept.v);
    } else if (rc == EXIT_DONE)
        rc = ledger_check_inputs(j->ledger, o->period, &j->d.inputs, err);
    return rc;
}

const month_t *run_job_month(const job_t *j) { return &j->d.month; }
ledger_t *run_job_ledger(job_t *j) { return j->ledger; }

void run_job_free(job_t *j)
{
    if (!j)
        return;
    job_release(j);
    free(j);
}
