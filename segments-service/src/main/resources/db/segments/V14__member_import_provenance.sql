-- The import job and data row that created a member; NULL for members created any other way. import-worker tells a
-- row repeating an email of an earlier row of the same file from a member that existed before the job by these two
-- columns, so it no longer writes a duplicate key per imported row into import_job_seen (which now only holds the
-- rows that name members existing before the job). Nullable without a default: adding them rewrites nothing.
ALTER TABLE member ADD COLUMN import_job_id UUID, ADD COLUMN import_row BIGINT;
