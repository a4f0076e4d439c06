-- User groups (package groups): never two jobs writing one group's members at once. While a group's import, update
-- or evaluation is queued or running, the intake refuses another one (409) instead of queueing it behind: jobs are
-- keyed by job id on Kafka, so two jobs of one group could otherwise run at the same time on two partitions. The
-- intake checks first to name the unfinished job; this index is the guarantee when two requests race.
CREATE UNIQUE INDEX job_one_active_group_write_uq ON job (group_id)
    WHERE type IN ('group_import', 'group_update', 'group_evaluate') AND status IN ('queued', 'running');

-- Deleting a group fails its still-queued jobs; the job resource finds a group's jobs by this index.
CREATE INDEX job_group_idx ON job (group_id, created_at) WHERE group_id IS NOT NULL;

-- Categorised groups (row 13): the newest groups of each category.
CREATE INDEX user_group_category_idx ON user_group (company_id, application_id, category, created_at DESC, id);
