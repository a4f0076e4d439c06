-- The outbox relay's retry schedule and claim lease: a row is due when next_attempt_at has passed. A relay that
-- claims rows pushes it forward (a lease, so a crashed replica's rows come back), a failed publish pushes it by
-- the backoff. The second index lets the relay see, per key, whether an earlier row is still pending.
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX outbox_pending_key_idx ON outbox (topic, message_key, id) WHERE published_at IS NULL;
