package io.openaudience.worker.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.AudienceEvent;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.testsupport.Spans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.openaudience.testsupport.Metrics;
import io.openaudience.worker.AudienceFixtures;
import io.openaudience.worker.ImportFixtures;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.worker.ImportFixtures.awaitFinished;
import static io.openaudience.worker.ImportFixtures.message;
import static io.openaudience.worker.ImportFixtures.newSubscription;
import static io.openaudience.worker.ImportFixtures.query;
import static io.openaudience.worker.ImportFixtures.queueJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's part of a trace and of the outbound events: a job whose record carries a traceparent (as the outbox
 * relay publishes it) runs in that trace, and its end writes the CloudEvents (import finished, the segment's
 * membership change) to segments.outbox in the job's last transaction, with the same trace as their headers.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class TraceAndEventsTest {

    private static final String INITIATIVE = "init-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aDeliveredJobContinuesTheRecordsTraceAndItsEndWritesItsEvents() throws Exception {
        long sub = newSubscription();
        long segment = ImportFixtures.createSegment(sub, INITIATIVE, "traced");
        UUID job = queueJob(sub, INITIATIVE, segment, "csv",
                "email,name\nana@example.com,Ana\nnot-an-email,Bo\n".getBytes(StandardCharsets.UTF_8), 37);
        String traceId = Spans.randomId(16);
        String publishSpan = Spans.randomId(8);
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.IMPORT_JOBS, null, job.toString(),
                message(job, sub, INITIATIVE));
        record.headers().add("traceparent", ("00-" + traceId + "-" + publishSpan + "-01")
                .getBytes(StandardCharsets.UTF_8));
        Infra.publish(record);

        assertEquals("completed_with_errors", awaitFinished(job).get("status"));

        SpanData received = Spans.await(spans, Duration.ofSeconds(20), "the record's consumer span",
                s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.CONSUMER);
        assertEquals(publishSpan, received.getParentSpanId(), "the consumer span continues the record's traceparent");
        SpanData process = Spans.await(spans, Duration.ofSeconds(20), "the job's processing span",
                Spans.in(traceId, SpanKind.INTERNAL, "import-jobs process"));
        List<String> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId))
                .map(SpanData::getSpanId).toList();
        assertTrue(trace.contains(process.getParentSpanId()), "the processing span hangs in the record's trace");

        List<Map<String, Object>> finished = query("SELECT payload, headers FROM segments.outbox WHERE topic = ? "
                + "AND message_key = ?", Topics.AUDIENCE_EVENTS, "jobs/" + job);
        assertEquals(1, finished.size(), "one import.finished event");
        assertTrue(((String) finished.get(0).get("headers")).contains(traceId), "the event continues the trace");
        JsonNode event = JSON.readTree((String) finished.get(0).get("payload"));
        assertEquals("1.0", event.path("specversion").asText());
        assertEquals(AudienceEvent.IMPORT_FINISHED, event.path("type").asText());
        assertEquals(AudienceEvent.SOURCE_SEGMENTS, event.path("source").asText());
        assertEquals("jobs/" + job, event.path("subject").asText());
        Instant.parse(event.path("time").asText());
        JsonNode data = event.path("data");
        assertEquals(job.toString(), data.path("jobId").asText());
        assertEquals("completed_with_errors", data.path("status").asText());
        assertEquals(2, data.path("processed").asLong());
        assertEquals(1, data.path("succeeded").asLong());
        assertEquals(1, data.path("failed").asLong());
        assertEquals(segment, data.path("segmentId").asLong());
        assertEquals(sub, data.path("subscriptionId").asLong());

        List<Map<String, Object>> changed = query("SELECT payload FROM segments.outbox WHERE topic = ? "
                + "AND message_key = ?", Topics.AUDIENCE_EVENTS, "segments/" + segment);
        assertEquals(1, changed.size(), "one membership change for the whole import");
        JsonNode membership = JSON.readTree((String) changed.get(0).get("payload")).path("data");
        assertEquals("import", membership.path("cause").asText());
        assertEquals(1, membership.path("added").asLong());
        assertEquals(1, membership.path("userCount").asLong());
    }

    @Test
    void aRecountWritesOneGroupRefreshedEventToTheAudienceOutbox() throws Exception {
        AudienceFixtures.Tenant t = AudienceFixtures.newTenant();
        String group = AudienceFixtures.createGroup(t, "counted for consumers");
        for (int i = 0; i < 2; i++) {
            AudienceFixtures.addMember(t, group, AudienceFixtures.createPerson(t, "ev" + i, null, null));
        }
        String refresh = AudienceFixtures.run(t, "group_refresh", group, null, "{}");
        assertEquals("completed", AudienceFixtures.awaitFinished(refresh).get("status"));

        List<Map<String, Object>> rows = query("SELECT payload FROM audience.outbox WHERE topic = ? "
                + "AND message_key = ?", Topics.AUDIENCE_EVENTS, "groups/" + group);
        assertEquals(1, rows.size(), "one group.refreshed event");
        JsonNode event = JSON.readTree((String) rows.get(0).get("payload"));
        assertEquals(AudienceEvent.GROUP_REFRESHED, event.path("type").asText());
        assertEquals(AudienceEvent.SOURCE_AUDIENCE, event.path("source").asText());
        JsonNode data = event.path("data");
        assertEquals(group, data.path("groupId").asText());
        assertEquals(t.company(), data.path("companyId").asText());
        assertEquals(2, data.path("totalUsers").asLong());
        assertEquals(refresh, data.path("jobId").asText());
        Instant.parse(data.path("refreshedAt").asText());
        assertEquals(0, query("SELECT 1 FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.AUDIENCE_EVENTS, "jobs/" + refresh).size(), "a recount is not an import");
    }

    @Test
    void metricsShowTheQueueAndTheRowsAsTheyMove() throws Exception {
        double rejectedBefore = Metrics.value("worker_rows_total", 0, "kind=\"segments\"", "outcome=\"rejected\"");
        double acceptedBefore = Metrics.value("worker_rows_total", 0, "kind=\"segments\"", "outcome=\"accepted\"");
        long sub = newSubscription();
        // Queued but never published: it waits (the sweeper's grace is 10 minutes in the tests), so the queue shows it.
        UUID waiting = queueJob(sub, INITIATIVE, null, "csv", "email\nw@example.com\n".getBytes(StandardCharsets.UTF_8),
                37);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Metrics.value("worker_jobs_queued", 0, "kind=\"segments\"") < 1
                    || Metrics.value("worker_queue_lag_seconds", 0, "kind=\"segments\"") <= 0) {
                assertTrue(System.nanoTime() < deadline, "the queued job shows in worker_jobs_queued and its lag");
                Thread.sleep(200);
            }
            UUID job = ImportFixtures.importFile(sub, INITIATIVE, null, "csv",
                    "email\na@example.com\nb@example.com\nnope\n".getBytes(StandardCharsets.UTF_8));
            awaitFinished(job);
            assertEquals(acceptedBefore + 2,
                    Metrics.value("worker_rows_total", 0, "kind=\"segments\"", "outcome=\"accepted\""));
            assertEquals(rejectedBefore + 1,
                    Metrics.value("worker_rows_total", 0, "kind=\"segments\"", "outcome=\"rejected\""));
        } finally {
            ImportFixtures.execute("DELETE FROM segments.import_job WHERE id = ?", waiting);
        }
    }
}
