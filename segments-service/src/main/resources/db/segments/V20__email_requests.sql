-- Accepted email requests (DESIGN.md "Email path"). The frozen recipient list itself lives in the outbox rows
-- of the request (topic email-requests, message_key = id, ≤ 500 recipients each), written in the same
-- transaction as this row; this row is the request's header: who asked, what, how many.

CREATE TABLE email_request (
    id              UUID         PRIMARY KEY,
    subscription_id BIGINT       NOT NULL,
    initiative_id   VARCHAR(64)  NOT NULL,
    kind            VARCHAR(16)  NOT NULL CHECK (kind IN ('segment', 'selected', 'reinvite')),
    -- Both null for a re-invite: notification-service uses its own invitation template.
    subject         TEXT,
    body            TEXT,
    segment_id      BIGINT       REFERENCES segment (id) ON DELETE SET NULL,
    recipients      BIGINT       NOT NULL CHECK (recipients > 0),
    -- Re-invite: selected members that were not pending and got no invitation.
    skipped         BIGINT       NOT NULL DEFAULT 0,
    chunks          INTEGER      NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX email_request_tenant_idx ON email_request (subscription_id, initiative_id, created_at);
