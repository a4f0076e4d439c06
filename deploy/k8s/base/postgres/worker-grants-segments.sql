-- import-worker's rights in schema segments, table by table: the segments' import path of import-worker/README.md
-- (its repository classes ImportJobRepository, JobTable, BatchWriter, UploadChunkInputStream). Run by the schema's
-- owner, segments_service, after its migrations; running it again is harmless. A migration that gives the worker
-- another table adds it here.
GRANT USAGE ON SCHEMA segments TO import_worker;
-- Claims, leases, progress and the end of a job; the upload it reads.
GRANT SELECT, UPDATE ON segments.import_job TO import_worker;
GRANT SELECT ON segments.upload, segments.upload_chunk TO import_worker;
-- A batch locks its segment (SELECT ... FOR KEY SHARE needs UPDATE on some column), and the membership trigger
-- (user_segment_count_inserted, running as the inserting role) moves user_count: that column only.
GRANT SELECT, UPDATE (user_count) ON segments.segment TO import_worker;
-- New members (ids drawn from the member sequence as rows are staged) and memberships.
GRANT SELECT, INSERT ON segments.member, segments.user_segment TO import_worker;
GRANT USAGE ON SEQUENCE segments.member_id_seq TO import_worker;
-- The job's per-row results and errors, and the first row of each e-mail seen by a job (deleted when it ends).
GRANT INSERT ON segments.import_job_result, segments.import_job_error TO import_worker;
GRANT SELECT, INSERT, DELETE ON segments.import_job_seen TO import_worker;
-- The audience-events of a job's end, in the job's transaction (WorkerEvents; published by the schema owner's relay).
GRANT INSERT ON segments.outbox TO import_worker;
GRANT USAGE ON SEQUENCE segments.outbox_id_seq TO import_worker;
-- Kafka records the worker could not read and jobs it gave up on (DeadLetters).
GRANT INSERT ON segments.dead_letter TO import_worker;
GRANT USAGE ON SEQUENCE segments.dead_letter_id_seq TO import_worker;
