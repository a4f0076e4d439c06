-- The Kafka record headers an outbox row is published with (the trace context of the transaction that wrote it);
-- the same column as segments.outbox's (segments-service V70).
ALTER TABLE outbox ADD COLUMN headers TEXT;
