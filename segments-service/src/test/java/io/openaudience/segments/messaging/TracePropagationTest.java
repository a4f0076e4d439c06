package io.openaudience.segments.messaging;

import io.openaudience.common.messaging.Topics;
import io.openaudience.segments.EmailFixtures;
import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.KafkaRecords;
import io.openaudience.testsupport.Spans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One trace from the HTTP request (an import, a send) through the outbox into the Kafka record: the request's server
 * span continues the caller's traceparent, the outbox row stores that trace, the relay's publish span is its child,
 * and the record's traceparent names the publish span, which the consumers continue (import-worker's
 * TraceAndEventsTest, notification-service's AudienceEventsTest).
 */
@QuarkusTest
class TracePropagationTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void importRequestOutboxRowAndKafkaRecordShareOneTrace() throws Exception {
        String traceId = Spans.randomId(16);
        String callerSpan = Spans.randomId(8);
        long sub = ImportFixtures.freshSubscription();
        byte[] csv = "name,email\nAna,ana@example.com\n".getBytes(StandardCharsets.UTF_8);
        UUID job = ImportFixtures.jobId(as(sub, "DEE").header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .multiPart("metrics", "a.csv", csv, "text/csv")
                .when().post("/api/v2/idea-manager/create-users")
                .then().statusCode(202).extract().response());

        SpanData server = Spans.await(spans, Duration.ofSeconds(20), "the request's server span",
                Spans.in(traceId, SpanKind.SERVER, "create-users"));
        assertEquals(callerSpan, server.getParentSpanId(), "the server span continues the caller's traceparent");
        assertEquals(1, ImportFixtures.count("SELECT count(*) FROM segments.outbox WHERE message_key = ? "
                + "AND headers LIKE ?", job.toString(), "%00-" + traceId + "-%"), "the outbox row stores the trace");

        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, job.toString(),
                Duration.ofSeconds(60));
        Header header = record.headers().lastHeader("traceparent");
        assertNotNull(header, "the record carries a traceparent");
        String[] parts = new String(header.value(), StandardCharsets.UTF_8).split("-");
        assertEquals(traceId, parts[1], "the record continues the request's trace");

        SpanData publish = Spans.await(spans, Duration.ofSeconds(20), "the relay's publish span",
                Spans.in(traceId, SpanKind.PRODUCER, Topics.IMPORT_JOBS + " publish"));
        assertEquals(parts[2], publish.getSpanId(), "the record's parent is the publish span");
        List<String> spanIdsOfTrace = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).map(SpanData::getSpanId).toList();
        assertTrue(spanIdsOfTrace.contains(publish.getParentSpanId()),
                "the publish span's parent is a span of the request: " + publish.getParentSpanId());
    }

    @Test
    void sendRequestsChunksCarryTheRequestsTrace() throws Exception {
        String traceId = Spans.randomId(16);
        long sub = EmailFixtures.freshSubscription();
        long segment = EmailFixtures.segment(sub, "DEE", "Traced");
        EmailFixtures.link(segment, sub, "DEE", EmailFixtures.member(sub, "t@example.com", "T", "active"));
        UUID id = UUID.fromString(EmailFixtures.as(sub, "DEE")
                .header("traceparent", "00-" + traceId + "-" + Spans.randomId(8) + "-01")
                .body(Map.of("subject", "Traced", "body", "<p>Hi</p>"))
                .post("/api/v2/segments/{id}/send-email", segment)
                .then().statusCode(202).extract().path("data.notificationId"));

        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.EMAIL_REQUESTS, id.toString(),
                Duration.ofSeconds(60));
        Header header = record.headers().lastHeader("traceparent");
        assertNotNull(header, "the chunk carries a traceparent");
        String[] parts = new String(header.value(), StandardCharsets.UTF_8).split("-");
        assertEquals(traceId, parts[1], "notification-service continues the send request's trace");
        SpanData publish = Spans.await(spans, Duration.ofSeconds(20), "the chunk's publish span",
                Spans.in(traceId, SpanKind.PRODUCER, Topics.EMAIL_REQUESTS + " publish"));
        assertEquals(parts[2], publish.getSpanId());
    }
}
