-- The Kafka record headers an outbox row is published with: the W3C trace context (traceparent, tracestate,
-- baggage) of the transaction that wrote it, as a JSON object of strings (io.openaudience.common.messaging.
-- TraceHeaders), so the consumer's span joins the trace of the request or job that caused the message. NULL: none.
ALTER TABLE outbox ADD COLUMN headers TEXT;
