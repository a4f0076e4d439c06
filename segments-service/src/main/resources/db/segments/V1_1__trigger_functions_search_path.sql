-- The user_count trigger functions name their tables unqualified; pin their search_path to the schema they were
-- created in, so they work from any session (the reactive pool and the worker's JDBC connections do not set
-- search_path to "segments" the way Hibernate's default schema suggests).
ALTER FUNCTION user_segment_count_inserted() SET search_path FROM CURRENT;
ALTER FUNCTION user_segment_count_deleted() SET search_path FROM CURRENT;
