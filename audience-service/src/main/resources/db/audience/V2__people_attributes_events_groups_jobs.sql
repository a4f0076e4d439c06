-- The audience of an application: people (Fynd users = GoSquared people), typed attribute values, events,
-- user groups and their members, the jobs that fill them, and the outbox that hands those jobs to Kafka.
-- audience-service owns and migrates this schema; import-worker writes people, attribute values, group members and
-- job progress through its documented bulk path (import-worker/README.md).

-- A 24-hex id like Fynd's `_id` (MongoDB ObjectId layout: 4 bytes of seconds, 8 random bytes), for ids made in SQL.
CREATE FUNCTION new_object_id() RETURNS CHAR(24) LANGUAGE sql VOLATILE SET search_path FROM CURRENT AS $$
    SELECT lpad(to_hex(extract(epoch FROM clock_timestamp())::bigint), 8, '0')
        || substr(md5(random()::text || clock_timestamp()::text), 1, 16)
$$;

-- People. `user_id` is the client's id (Fynd `user_id`, GoSquared `person_id`); `id` is the internal key every other
-- table refers to. A person is matched by user_id, then by the primary email, then by the primary phone, so both
-- keys are unique per application. Reserved GoSquared properties have columns; every other property is in
-- `properties` (GoSquared's `custom`).
CREATE TABLE app_user (
    id              BIGSERIAL    PRIMARY KEY,
    company_id      VARCHAR(64)  NOT NULL,
    application_id  VARCHAR(64)  NOT NULL,
    user_id         VARCHAR(128) NOT NULL,
    -- lower(trim(primary email)); digits of the primary phone with its country code ("91" || "9999999999").
    email_key       VARCHAR(320),
    phone_key       VARCHAR(32),
    emails          JSONB        NOT NULL DEFAULT '[]',
    phone_numbers   JSONB        NOT NULL DEFAULT '[]',
    name            VARCHAR(255),
    first_name      VARCHAR(255),
    last_name       VARCHAR(255),
    -- Other reserved GoSquared properties shown at the top level of a Person (username, avatar, company_name …).
    profile         JSONB        NOT NULL DEFAULT '{}',
    properties      JSONB        NOT NULL DEFAULT '{}',
    -- GoSquared `created_at`: when the person signed up, as the client says; else the row's created_at is shown.
    signed_up_at    TIMESTAMPTZ,
    first_seen_at   TIMESTAMPTZ,
    last_seen_at    TIMESTAMPTZ,
    total_events    BIGINT       NOT NULL DEFAULT 0,
    total_visits    BIGINT       NOT NULL DEFAULT 0,
    -- Provenance of people created by a bulk job (which job and row), as segments' member rows have.
    import_job_id   CHAR(24),
    import_row      BIGINT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_user_id_uq ON app_user (company_id, application_id, user_id);
CREATE UNIQUE INDEX app_user_email_uq ON app_user (company_id, application_id, email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX app_user_phone_uq ON app_user (company_id, application_id, phone_key) WHERE phone_key IS NOT NULL;

-- A person's value of an attribute definition: JSON for plain types, AES-GCM ciphertext for encrypted_* types
-- (`key_id` names the key of the configured key ring it was sealed with, so keys can rotate).
CREATE TABLE user_attribute (
    id                  CHAR(24)     PRIMARY KEY DEFAULT new_object_id(),
    company_id          VARCHAR(64)  NOT NULL,
    application_id      VARCHAR(64)  NOT NULL,
    definition_id       CHAR(24)     NOT NULL REFERENCES attribute_definition (id) ON DELETE CASCADE,
    user_pk             BIGINT       NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    value               JSONB,
    ciphertext          BYTEA,
    key_id              VARCHAR(32),
    customer_overridden BOOLEAN      NOT NULL DEFAULT false,
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK ((value IS NULL) <> (ciphertext IS NULL)),
    CHECK ((ciphertext IS NULL) = (key_id IS NULL))
);
CREATE UNIQUE INDEX user_attribute_definition_user_uq ON user_attribute (definition_id, user_pk);
CREATE INDEX user_attribute_user_idx ON user_attribute (user_pk, definition_id);

-- Events, partitioned by month of occurred_at (the event's timestamp, else when it was received). Partitions are
-- created on demand by ensure_event_partition() before a write; there is no default partition, so a write into a
-- month without a partition fails loudly instead of landing somewhere a later partition could not be created.
CREATE TABLE event (
    company_id      VARCHAR(64)  NOT NULL,
    application_id  VARCHAR(64)  NOT NULL,
    user_pk         BIGINT,
    name            VARCHAR(255) NOT NULL,
    occurred_at     TIMESTAMPTZ  NOT NULL,
    received_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    href            TEXT,
    properties      JSONB        NOT NULL DEFAULT '{}'
) PARTITION BY RANGE (occurred_at);
CREATE INDEX event_user_idx ON event (user_pk, name, occurred_at);
CREATE INDEX event_tenant_name_idx ON event (company_id, application_id, name, occurred_at);

-- Creates the month's partition of `event` holding `ts` if it does not exist yet; safe to call concurrently. Runs
-- with the search_path of this migration (the audience schema), whoever calls it.
CREATE FUNCTION ensure_event_partition(ts TIMESTAMPTZ) RETURNS VOID LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
DECLARE
    month_start TIMESTAMPTZ := date_trunc('month', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    part        TEXT := 'event_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
    IF to_regclass(quote_ident(current_schema()) || '.' || part) IS NOT NULL THEN
        RETURN;
    END IF;
    -- Two sessions creating the same month: the second waits on the lock, then sees the table.
    PERFORM pg_advisory_xact_lock(hashtext('audience.event.' || part));
    IF to_regclass(quote_ident(current_schema()) || '.' || part) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF event FOR VALUES FROM (%L) TO (%L)', part, month_start,
                       month_start + interval '1 month');
    END IF;
END
$$;

-- Per person and event name: how many, first and last (kept by the event intake, in the same transaction as the
-- events), so event filters on count/first/last never scan the events themselves. No foreign key: people are never
-- deleted, and the intake should not pay a check per row.
CREATE TABLE person_event_stats (
    user_pk         BIGINT       NOT NULL,
    name            VARCHAR(255) NOT NULL,
    company_id      VARCHAR(64)  NOT NULL,
    application_id  VARCHAR(64)  NOT NULL,
    count           BIGINT       NOT NULL,
    first_at        TIMESTAMPTZ  NOT NULL,
    last_at         TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (user_pk, name)
);
CREATE INDEX person_event_stats_tenant_idx ON person_event_stats (company_id, application_id, name);

-- Fynd user groups: bulk (members from CSV files and user_data) or conditional (members from conditions).
CREATE SEQUENCE user_group_uid_seq;
CREATE TABLE user_group (
    id                       CHAR(24)     PRIMARY KEY DEFAULT new_object_id(),
    uid                      BIGINT       NOT NULL UNIQUE DEFAULT nextval('user_group_uid_seq'),
    company_id               VARCHAR(64)  NOT NULL,
    application_id           VARCHAR(64)  NOT NULL,
    name                     VARCHAR(255) NOT NULL,
    description              TEXT         NOT NULL DEFAULT '',
    type                     VARCHAR(16)  NOT NULL CHECK (type IN ('bulk', 'conditional')),
    status                   VARCHAR(16)  NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
    category                 VARCHAR(64)  NOT NULL,
    tags                     TEXT[]       NOT NULL DEFAULT '{}',
    file_url                 TEXT,
    -- Conditional groups: the conditions and how they combine ('and' | 'or').
    conditions               JSONB,
    conditions_type          VARCHAR(8),
    total_users              BIGINT       NOT NULL DEFAULT 0,
    total_users_refreshed_at TIMESTAMPTZ,
    -- The last job that changed the group: its rejected rows are the group's `error`.
    last_job_id              CHAR(24),
    error_count              BIGINT       NOT NULL DEFAULT 0,
    is_active                BOOLEAN      NOT NULL DEFAULT true,
    created_at               TIMESTAMPTZ  NOT NULL DEFAULT now(),
    modified_at              TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_group_name_uq ON user_group (company_id, application_id, lower(name));
CREATE INDEX user_group_list_idx ON user_group (company_id, application_id, created_at DESC, id);
CREATE INDEX user_group_tags_idx ON user_group USING gin (tags);

-- Members of a group. The primary key is also the order of the members cursor (row 19): a member added while a
-- client pages lands on a later or an earlier page, never moves one already seen, and never repeats.
CREATE TABLE user_group_member (
    group_id        CHAR(24)     NOT NULL,
    user_pk         BIGINT       NOT NULL,
    company_id      VARCHAR(64)  NOT NULL,
    application_id  VARCHAR(64)  NOT NULL,
    added_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_pk)
);

-- Async work of the audience API: a group's CSV import or update, an attribute bulk update, a recount or an
-- evaluation. Same life cycle as segments' import_job (queued → running → completed | completed_with_errors |
-- failed), with a lease so a dead worker's job is taken over, and `processed` as the resume checkpoint.
CREATE TABLE job (
    id               CHAR(24)     PRIMARY KEY,
    company_id       VARCHAR(64)  NOT NULL,
    application_id   VARCHAR(64)  NOT NULL,
    type             VARCHAR(32)  NOT NULL CHECK (type IN ('group_import', 'group_update', 'attribute_bulk_update',
                                                           'group_refresh', 'group_evaluate')),
    group_id         CHAR(24),
    -- The file to read (http(s), fetched by the worker) and what else the job needs (e.g. the attributes of a bulk
    -- update, or `user_data` rows of a group PATCH).
    file_url         TEXT,
    params           JSONB        NOT NULL DEFAULT '{}',
    -- Who asked (the token's subject), shown as Fynd's created_by.
    created_by       VARCHAR(255) NOT NULL DEFAULT '',
    status           VARCHAR(32)  NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'completed', 'completed_with_errors', 'failed')),
    total            BIGINT,
    processed        BIGINT       NOT NULL DEFAULT 0,
    succeeded        BIGINT       NOT NULL DEFAULT 0,
    failed           BIGINT       NOT NULL DEFAULT 0,
    failure_reason   TEXT,
    lease_owner      VARCHAR(128),
    lease_expires_at TIMESTAMPTZ,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX job_tenant_idx ON job (company_id, application_id, created_at);
CREATE INDEX job_unfinished_idx ON job (lease_expires_at) WHERE status IN ('queued', 'running');
-- Refresh requests coalesce: while a group's recount is still queued, another request joins it.
CREATE UNIQUE INDEX job_one_queued_refresh_uq ON job (group_id) WHERE type = 'group_refresh' AND status = 'queued';

-- Every rejected row of a job (the error CSV): the row number in the file, what identified the person, the column at
-- fault when there is one, and why.
CREATE TABLE job_error (
    job_id     CHAR(24) NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    row_no     BIGINT   NOT NULL,
    identifier TEXT,
    field      TEXT,
    reason     TEXT     NOT NULL,
    PRIMARY KEY (job_id, row_no)
);

-- The transactional outbox of audience-service (same shape as segments.outbox; relayed by module `outbox`).
CREATE TABLE outbox (
    id              BIGSERIAL    PRIMARY KEY,
    topic           VARCHAR(128) NOT NULL,
    message_key     VARCHAR(128) NOT NULL,
    payload         TEXT         NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    published_at    TIMESTAMPTZ,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_pending_key_idx ON outbox (topic, message_key, id) WHERE published_at IS NULL;
