-- One row per accepted email request (segment, selected members or re-invite).
CREATE TABLE notification (
    id              UUID         PRIMARY KEY,
    subscription_id BIGINT       NOT NULL,
    initiative_id   VARCHAR(64)  NOT NULL,
    kind            VARCHAR(16)  NOT NULL CHECK (kind IN ('segment', 'selected', 'reinvite')),
    status          VARCHAR(16)  NOT NULL DEFAULT 'queued'
                                 CHECK (status IN ('queued', 'sending', 'completed', 'paused', 'failed')),
    recipients      INTEGER      NOT NULL DEFAULT 0,
    paused_reason   TEXT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ
);
CREATE INDEX notification_tenant_idx ON notification (subscription_id, initiative_id, created_at);
