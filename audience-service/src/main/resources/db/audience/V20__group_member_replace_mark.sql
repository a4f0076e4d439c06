-- import-worker (CONTRACT §2, PUT user_group with file_url): a replace marks every member its file names with the
-- job's id, batch by batch, and removes the members without its mark only once the whole file was read, in the
-- transaction that completes the job. A mark from an older replace is simply not this job's. NULL for members added
-- any other way. No index: the sweep reads the group's members through the primary key once per replace.
ALTER TABLE user_group_member ADD COLUMN confirmed_by_job CHAR(24);
