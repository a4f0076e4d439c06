-- Uploads are deleted (with their chunks) some time after their job ended (UploadRetention); the job row, its
-- results and its error report stay, with no upload. Only ended jobs lose theirs: a queued or running job keeps it.
ALTER TABLE import_job ALTER COLUMN upload_id DROP NOT NULL;
ALTER TABLE import_job DROP CONSTRAINT import_job_upload_id_fkey;
ALTER TABLE import_job ADD CONSTRAINT import_job_upload_id_fkey
    FOREIGN KEY (upload_id) REFERENCES upload (id) ON DELETE SET NULL;
CREATE INDEX import_job_ended_upload_idx ON import_job (finished_at) WHERE upload_id IS NOT NULL;
