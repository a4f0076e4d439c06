-- ensure_event_partition, safe when two sessions create the same month at once: the second one's re-check after the
-- lock can read a stale catalog cache, so its CREATE may still find the table there ("already exists", or a unique
-- violation in pg_type): the month exists either way, which is all the caller asked for.
CREATE OR REPLACE FUNCTION ensure_event_partition(ts TIMESTAMPTZ) RETURNS VOID LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
DECLARE
    month_start TIMESTAMPTZ := date_trunc('month', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    part        TEXT := 'event_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
    IF to_regclass(quote_ident(current_schema()) || '.' || part) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('audience.event.' || part));
    BEGIN
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF event FOR VALUES FROM (%L) TO (%L)', part,
                       month_start, month_start + interval '1 month');
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
        NULL;
    END;
END
$$;
