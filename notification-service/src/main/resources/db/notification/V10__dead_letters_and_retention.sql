-- Email requests that could not be recorded: unreadable, or rejected by the database `request-max-attempts` times
-- (EmailRequestConsumer). They are kept with the reason instead of blocking the partition behind them.
CREATE TABLE dead_letter (
    id              BIGSERIAL    PRIMARY KEY,
    topic           TEXT         NOT NULL,
    message_key     TEXT,
    notification_id UUID,
    chunk           INTEGER,
    attempts        INTEGER      NOT NULL,
    reason          TEXT         NOT NULL,
    payload         TEXT         NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
-- Retention deletes the oldest first.
CREATE INDEX dead_letter_created_idx ON dead_letter (created_at);

-- Retention: notifications no longer sending, by age (their bodies and ledger rows go after `retention`).
CREATE INDEX notification_retention_idx ON notification (updated_at) WHERE status <> 'sending';
