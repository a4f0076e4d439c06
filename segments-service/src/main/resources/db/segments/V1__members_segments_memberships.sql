-- Idea Manager members, segments (segment options) and memberships (user_segment).
-- Every row carries its tenant keys; every index starts with them (DESIGN.md "Scale path").

CREATE TABLE member (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT       NOT NULL,
    email           VARCHAR(320) NOT NULL,
    first_name      VARCHAR(255),
    role            VARCHAR(32)  NOT NULL DEFAULT 'idm_member',
    status          VARCHAR(16)  NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active')),
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
-- Emails are unique per subscription, case-insensitively.
CREATE UNIQUE INDEX member_email_uq ON member (subscription_id, lower(email));

CREATE TABLE segment (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT       NOT NULL,
    initiative_id   VARCHAR(64)  NOT NULL,
    value           VARCHAR(255) NOT NULL,
    -- Kept exact by the statement triggers below, so listing segments never counts a million rows.
    user_count      BIGINT       NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX segment_value_uq ON segment (subscription_id, initiative_id, lower(value));

CREATE TABLE user_segment (
    segment_id      BIGINT      NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    user_id         BIGINT      NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    subscription_id BIGINT      NOT NULL,
    initiative_id   VARCHAR(64) NOT NULL,
    team_id         BIGINT      NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (segment_id, user_id)
);
CREATE INDEX user_segment_user_idx ON user_segment (user_id);

-- user_count follows memberships set-based: one UPDATE per statement, whatever the number of rows
-- (the bulk import inserts hundreds of thousands of memberships in one statement).
CREATE FUNCTION user_segment_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE segment s SET user_count = s.user_count + d.n
    FROM (SELECT segment_id, count(*) AS n FROM inserted GROUP BY segment_id) d
    WHERE s.id = d.segment_id;
    RETURN NULL;
END $$;

CREATE FUNCTION user_segment_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE segment s SET user_count = s.user_count - d.n
    FROM (SELECT segment_id, count(*) AS n FROM deleted GROUP BY segment_id) d
    WHERE s.id = d.segment_id;
    RETURN NULL;
END $$;

CREATE TRIGGER user_segment_counted_insert AFTER INSERT ON user_segment
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION user_segment_count_inserted();
CREATE TRIGGER user_segment_counted_delete AFTER DELETE ON user_segment
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION user_segment_count_deleted();
