package io.openaudience.outbox;

import io.openaudience.common.messaging.TraceHeaders;
import io.openaudience.outbox.OutboxRepository.OutboxRow;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Continues, at publish time, the trace an outbox row was written in: a PRODUCER span per published row, child of
 * the row's stored trace context, whose context goes into the record's headers for the consumer to continue.
 */
@ApplicationScoped
public class OutboxTracing {

    private final Tracer tracer;

    public OutboxTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Starts the publish span of a row (a new trace when the row was written outside any). */
    public Span start(OutboxRow row) {
        return tracer.spanBuilder(row.topic() + " publish")
                .setParent(TraceHeaders.extract(Context.root(), row.headers()))
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation", "publish")
                .setAttribute("messaging.destination.name", row.topic())
                .setAttribute("messaging.kafka.message.key", row.key())
                .setAttribute("outbox.id", row.id())
                .startSpan();
    }

    /**
     * The row's record with the row's headers, its trace context replaced by the publish span's (when tracing is off
     * the span is invalid and the stored context goes out as it is).
     */
    public ProducerRecord<String, String> record(OutboxRow row, Span span) {
        Map<String, String> values = new LinkedHashMap<>(row.headers());
        values.putAll(TraceHeaders.of(TraceHeaders.extract(Context.root(), row.headers()).with(span)));
        List<Header> headers = new ArrayList<>();
        values.forEach((name, value) -> headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
        return new ProducerRecord<>(row.topic(), null, row.key(), row.payload(), headers);
    }

    /** Ends the publish span, failed with the error if there was one. */
    public void end(Span span, Throwable error) {
        if (error != null) {
            span.recordException(error);
            span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        }
        span.end();
    }
}
