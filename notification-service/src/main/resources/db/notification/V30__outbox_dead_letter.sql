-- Outbox rows that Kafka refuses for themselves (too large, an invalid topic name) after outbox.max-attempts: the
-- relay moves them here with the reason of their last attempt, so that the rows of their key behind them go on
-- (outbox/README.md, "Dead letters"; same shape as segments.outbox_dead_letter). `id` is the row's id in the outbox; nothing refers to it any more.
CREATE TABLE outbox_dead_letter (
    id           BIGINT       PRIMARY KEY,
    topic        VARCHAR(128) NOT NULL,
    message_key  VARCHAR(128) NOT NULL,
    payload      TEXT         NOT NULL,
    headers      TEXT,
    created_at   TIMESTAMPTZ  NOT NULL,
    attempts     INTEGER      NOT NULL,
    reason       TEXT         NOT NULL,
    dead_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
