-- The transactional outbox of notification-service (the same shape as segments.outbox, relayed by module `outbox`):
-- the audience-events a ledger change reports are written in that change's transaction.
CREATE TABLE outbox (
    id              BIGSERIAL    PRIMARY KEY,
    topic           VARCHAR(128) NOT NULL,
    message_key     VARCHAR(128) NOT NULL,
    payload         TEXT         NOT NULL,
    headers         TEXT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    published_at    TIMESTAMPTZ,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_pending_key_idx ON outbox (topic, message_key, id) WHERE published_at IS NULL;
