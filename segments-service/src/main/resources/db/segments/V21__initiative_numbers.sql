-- Seed 002 answers `user_segment.initiativeId` as a number (1117 there), while the `initiativeId` header carries the
-- initiative's key (e.g. DEE). Each initiative of a subscription gets its number here when its first segment is
-- created (a trigger, so every writer of segments gives it), the existing ones by the backfill below. Rows keep the
-- key: it is the lookup of every request; the number is only answered.
CREATE TABLE initiative (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id BIGINT      NOT NULL,
    key             VARCHAR(64) NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (subscription_id, key)
);

INSERT INTO initiative (subscription_id, key)
SELECT DISTINCT subscription_id, initiative_id FROM segment ORDER BY 1, 2;

CREATE FUNCTION initiative_numbered() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO initiative (subscription_id, key) VALUES (NEW.subscription_id, NEW.initiative_id)
    ON CONFLICT (subscription_id, key) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER segment_initiative_numbered AFTER INSERT ON segment
    FOR EACH ROW EXECUTE FUNCTION initiative_numbered();
