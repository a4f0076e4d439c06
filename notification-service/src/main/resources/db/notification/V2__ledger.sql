-- The delivery ledger (DESIGN.md "Email path"): one row per (notification, recipient), written before anything
-- is sent, so that a restart, a redelivered chunk or a replayed topic never sends to a recipient twice.

ALTER TABLE notification
    ALTER COLUMN recipients TYPE BIGINT,
    ADD COLUMN subject              TEXT,
    ADD COLUMN body                 TEXT,
    -- Chunks announced by the request and chunks recorded so far: complete only when every chunk is in.
    ADD COLUMN chunks               INTEGER      NOT NULL DEFAULT 1,
    ADD COLUMN chunks_received      INTEGER      NOT NULL DEFAULT 0,
    -- Recipients finally failed in a row; at the configured limit the notification pauses.
    ADD COLUMN consecutive_failures INTEGER      NOT NULL DEFAULT 0,
    ADD COLUMN started_at           TIMESTAMPTZ,
    ADD COLUMN updated_at           TIMESTAMPTZ  NOT NULL DEFAULT now();

-- Chunks already recorded: a redelivered chunk finds its row and changes nothing.
CREATE TABLE notification_chunk (
    notification_id UUID         NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
    chunk           INTEGER      NOT NULL,
    received_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, chunk)
);

CREATE TABLE recipient (
    notification_id UUID         NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
    user_id         BIGINT       NOT NULL,
    email           TEXT         NOT NULL,
    first_name      TEXT,
    -- queued → sending (claimed under a lease) → sent | failed | skipped; an expired lease goes back to queued.
    status          VARCHAR(16)  NOT NULL DEFAULT 'queued'
                                 CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
    reason          TEXT,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    lease_until     TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    sent_at         TIMESTAMPTZ,
    PRIMARY KEY (notification_id, user_id)
);
-- What the dispatcher claims next, per notification.
CREATE INDEX recipient_due_idx ON recipient (notification_id, next_attempt_at, user_id) WHERE status = 'queued';
-- Leases of dead instances.
CREATE INDEX recipient_lease_idx ON recipient (lease_until) WHERE status = 'sending';
-- Recipients listed by status.
CREATE INDEX recipient_status_idx ON recipient (notification_id, status, user_id);

-- Addresses that unsubscribed from a tenant's mail (lower-cased).
CREATE TABLE suppression (
    subscription_id BIGINT       NOT NULL,
    initiative_id   VARCHAR(64)  NOT NULL,
    email           TEXT         NOT NULL,
    reason          TEXT         NOT NULL DEFAULT 'unsubscribed',
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription_id, initiative_id, email)
);
