-- import-worker: the emails a running import job has already accepted, so a duplicate within the file is caught
-- even when its first occurrence was written by an earlier batch (or by a worker that has since died). Rows are
-- written in the same transaction as the batch they belong to, so they always match the job's checkpoint
-- (import_job.processed), and are deleted when the job finishes. No foreign key on purpose: it would fire a check
-- per imported row; the worker purges the rows of finished or deleted jobs itself.
CREATE TABLE import_job_seen (
    job_id    UUID   NOT NULL,
    email_key TEXT   NOT NULL,
    row_no    BIGINT NOT NULL,
    PRIMARY KEY (job_id, email_key)
);
