-- import-worker's rights in schema audience, table by table: the audience jobs of import-worker/README.md (group
-- imports and updates, attribute bulk updates, conditional group evaluations and refreshes; its repository classes
-- AudienceJobRepository, AudienceBatchWriter, GroupEvaluationRepository and audience-filter's FilterSql). Run by the
-- schema's owner, audience_service, after its migrations; running it again is harmless.
GRANT USAGE ON SCHEMA audience TO import_worker;
-- Claims, leases, progress and ends of jobs; a group's status and total_users.
GRANT SELECT, UPDATE ON audience.job, audience.user_group TO import_worker;
GRANT SELECT, INSERT ON audience.job_error TO import_worker;
-- What filters and imports read.
GRANT SELECT ON audience.attribute_definition, audience.person_event_stats TO import_worker;
-- Users created by a CSV (ids drawn from the sequence as rows are staged), attribute values (upserted), memberships
-- (added, confirmed, removed).
GRANT SELECT, INSERT ON audience.app_user TO import_worker;
GRANT USAGE ON SEQUENCE audience.app_user_id_seq TO import_worker;
GRANT SELECT, INSERT, UPDATE ON audience.user_attribute TO import_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON audience.user_group_member TO import_worker;
-- The audience-events of a job's end, in the job's transaction (WorkerEvents; published by the schema owner's relay).
GRANT INSERT ON audience.outbox TO import_worker;
GRANT USAGE ON SEQUENCE audience.outbox_id_seq TO import_worker;
-- Kafka records the worker could not read and jobs it gave up on (DeadLetters).
GRANT INSERT ON audience.dead_letter TO import_worker;
GRANT USAGE ON SEQUENCE audience.dead_letter_id_seq TO import_worker;
