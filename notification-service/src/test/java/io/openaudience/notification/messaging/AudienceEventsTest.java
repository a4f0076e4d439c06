package io.openaudience.notification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.AudienceEvent;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.testsupport.KafkaRecords;
import io.openaudience.testsupport.Spans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.openaudience.testsupport.Metrics;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.openaudience.notification.NotificationFixtures.address;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * notification-service's part of a send's trace and of the outbound events: a chunk whose record carries a
 * traceparent is recorded in that trace, the finished notification's CloudEvent reaches {@code audience-events} on
 * the real broker (an example consumer of the contract in common/README.md), and the mail counters move.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class AudienceEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aTracedSendEndsWithOneNotificationFinishedEventAndCountedMails() throws Exception {
        double sentBefore = Metrics.value("notification_mails_total", 0, "outcome=\"sent\"");
        double failedBefore = Metrics.value("notification_mails_total", 0, "outcome=\"failed\"");
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        List<EmailRequestMessage> chunk = chunks(id, sub, "segment", "Events", "<p>Hi {firstName}</p>", 5,
                recipient(1, address("ev1"), "One"), recipient(2, address("ev2"), "Two"), recipient(3, "broken", null));
        String traceId = Spans.randomId(16);
        String publishSpan = Spans.randomId(8);
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.EMAIL_REQUESTS, null, id.toString(),
                JSON.writeValueAsString(chunk.get(0)));
        record.headers().add("traceparent", ("00-" + traceId + "-" + publishSpan + "-01")
                .getBytes(StandardCharsets.UTF_8));
        Infra.publish(record);

        awaitStatus(sub, id, "completed");

        SpanData received = Spans.await(spans, Duration.ofSeconds(20), "the record's consumer span",
                s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.CONSUMER);
        assertEquals(publishSpan, received.getParentSpanId(), "the consumer span continues the record's traceparent");
        Spans.await(spans, Duration.ofSeconds(20), "the chunk's processing span",
                Spans.in(traceId, SpanKind.INTERNAL, "email-requests process"));

        ConsumerRecord<String, String> published = KafkaRecords.first(Topics.AUDIENCE_EVENTS, "notifications/" + id,
                Duration.ofSeconds(60));
        JsonNode event = JSON.readTree(published.value());
        assertEquals("1.0", event.path("specversion").asText());
        assertEquals(AudienceEvent.NOTIFICATION_FINISHED, event.path("type").asText());
        assertEquals(AudienceEvent.SOURCE_NOTIFICATIONS, event.path("source").asText());
        assertEquals("notifications/" + id, event.path("subject").asText());
        assertEquals("application/json", event.path("datacontenttype").asText());
        UUID.fromString(event.path("id").asText());
        Instant.parse(event.path("time").asText());
        JsonNode data = event.path("data");
        assertEquals(id.toString(), data.path("notificationId").asText());
        assertEquals(sub, data.path("subscriptionId").asLong());
        assertEquals("completed", data.path("status").asText());
        assertEquals(3, data.path("recipients").asLong());
        assertEquals(2, data.path("sent").asLong());
        assertEquals(1, data.path("failed").asLong());
        assertEquals(0, data.path("skipped").asLong());
        assertNotNull(published.headers().lastHeader("traceparent"), "the event record carries a trace too");
        assertEquals(1, KafkaRecords.all(Topics.AUDIENCE_EVENTS, "notifications/" + id, Duration.ofSeconds(30))
                .size(), "one event per notification");

        assertEquals(sentBefore + 2, Metrics.value("notification_mails_total", 0, "outcome=\"sent\""));
        assertEquals(failedBefore + 1, Metrics.value("notification_mails_total", 0, "outcome=\"failed\""));
    }
}
