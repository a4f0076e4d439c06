-- The async import path (DESIGN.md "Request → job → worker") and the transactional outbox.
-- segments-service writes upload, import_job and outbox in one transaction; the outbox relay publishes;
-- import-worker (the documented bulk path) reads the upload and writes members, memberships, progress,
-- results and errors.

CREATE TABLE outbox (
    id           BIGSERIAL    PRIMARY KEY,
    topic        VARCHAR(128) NOT NULL,
    message_key  VARCHAR(128) NOT NULL,
    payload      TEXT         NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ,
    attempts     INTEGER      NOT NULL DEFAULT 0,
    last_error   TEXT
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL;

-- An uploaded file, stored in chunks so neither side ever holds it whole in memory.
CREATE TABLE upload (
    id              UUID         PRIMARY KEY,
    subscription_id BIGINT       NOT NULL,
    initiative_id   VARCHAR(64)  NOT NULL,
    filename        VARCHAR(512),
    content_type    VARCHAR(255),
    format          VARCHAR(8)   NOT NULL CHECK (format IN ('csv', 'json')),
    size_bytes      BIGINT       NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE upload_chunk (
    upload_id UUID    NOT NULL REFERENCES upload (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BYTEA   NOT NULL,
    PRIMARY KEY (upload_id, seq)
);

CREATE TABLE import_job (
    id               UUID         PRIMARY KEY,
    subscription_id  BIGINT       NOT NULL,
    initiative_id    VARCHAR(64)  NOT NULL,
    -- segment_users: members linked to segment_id; idm_users: members only.
    type             VARCHAR(32)  NOT NULL CHECK (type IN ('segment_users', 'idm_users')),
    segment_id       BIGINT       REFERENCES segment (id) ON DELETE SET NULL,
    upload_id        UUID         NOT NULL REFERENCES upload (id),
    status           VARCHAR(32)  NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'completed', 'completed_with_errors', 'failed')),
    total            BIGINT,
    processed        BIGINT       NOT NULL DEFAULT 0,
    succeeded        BIGINT       NOT NULL DEFAULT 0,
    failed           BIGINT       NOT NULL DEFAULT 0,
    segment_count    BIGINT       NOT NULL DEFAULT 0,
    failure_reason   TEXT,
    -- The worker holding the job and until when; an expired lease lets another worker take it over.
    lease_owner      VARCHAR(128),
    lease_expires_at TIMESTAMPTZ,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX import_job_tenant_idx ON import_job (subscription_id, initiative_id, created_at);
CREATE INDEX import_job_unfinished_idx ON import_job (lease_expires_at) WHERE status IN ('queued', 'running');

-- One row per input row the job accepted, for the first 1000 rows (inviteResults of the job resource).
CREATE TABLE import_job_result (
    job_id  UUID         NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    row_no  BIGINT       NOT NULL,
    user_id BIGINT,
    email   VARCHAR(320),
    error   TEXT,
    PRIMARY KEY (job_id, row_no)
);

-- Every rejected row: the job's error report (GET /api/v2/jobs/{id}/errors).
CREATE TABLE import_job_error (
    job_id UUID   NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    row_no BIGINT NOT NULL,
    email  TEXT,
    name   TEXT,
    reason TEXT   NOT NULL,
    PRIMARY KEY (job_id, row_no)
);
