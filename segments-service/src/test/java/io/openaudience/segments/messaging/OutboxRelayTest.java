package io.openaudience.segments.messaging;

import io.openaudience.common.messaging.Topics;
import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.Infra;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox relay against the real broker: an outage delays messages but loses none, and any row's topic works. */
@QuarkusTest
class OutboxRelayTest {

    @Test
    void requestIsAcceptedWhileKafkaIsDownAndPublishedWhenItIsBack() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        byte[] csv = "name,email\nAna,ana@example.com\n".getBytes(StandardCharsets.UTF_8);
        // Warm-up while the broker is up, so the timing below measures the request, not the first request's JIT.
        UUID warm = ImportFixtures.jobId(as(sub, "DEE").multiPart("metrics", "a.csv", csv, "text/csv")
                .when().post("/api/v2/idea-manager/create-users").then().statusCode(202).extract().response());
        ImportFixtures.await(Duration.ofSeconds(30), "warm-up published", () -> state(warm).publishedAt() != null);
        Infra.stopKafka();
        UUID job;
        try {
            long started = System.nanoTime();
            job = ImportFixtures.jobId(as(sub, "DEE")
                    .multiPart("metrics", "a.csv", csv, "text/csv")
                    .when().post("/api/v2/idea-manager/create-users")
                    .then().statusCode(202).extract().response());
            // The request never waits for Kafka (a producer would block up to the 3 s send timeout of the tests).
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "answered without Kafka");
            assertNull(state(job).publishedAt());
            UUID id = job;
            ImportFixtures.await(Duration.ofSeconds(60), "a failed publish attempt", () -> attempts(id) >= 1);
            OutboxState state = state(job);
            assertNull(state.publishedAt(), "not published while the broker is down");
            assertNotNull(state.lastError());
            assertTrue(state.attempts() >= 1);
        } finally {
            Infra.startKafkaAgain();
        }
        UUID id = job;
        ImportFixtures.await(Duration.ofSeconds(90), "publication after the broker is back",
                () -> state(id).publishedAt() != null);
        ConsumerRecord<String, String> record = ImportFixtures.consume(Topics.IMPORT_JOBS, job.toString(),
                Duration.ofSeconds(60));
        assertTrue(record.value().contains(job.toString()));
        assertNull(state(job).lastError(), "the error of the outage is cleared once published");
    }

    @Test
    void anyRowIsPublishedToItsOwnTopicWithItsKeyInOrder() throws Exception {
        // A row as another writer (e.g. the email intake) would append it: the relay is generic.
        String key = UUID.randomUUID().toString();
        for (int chunk = 0; chunk < 5; chunk++) {
            ImportFixtures.execute("INSERT INTO segments.outbox (topic, message_key, payload) VALUES (?, ?, ?)",
                    Topics.EMAIL_REQUESTS, key, "{\"chunk\":" + chunk + "}");
        }
        ImportFixtures.await(Duration.ofSeconds(30), "all five rows published", () -> {
            try {
                return ImportFixtures.count("SELECT count(*) FROM segments.outbox WHERE message_key = ? "
                        + "AND published_at IS NOT NULL", key) == 5;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> values = new ArrayList<>();
        var props = new java.util.Properties();
        props.put("bootstrap.servers", Infra.kafkaBootstrap());
        props.put("group.id", "test-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(props)) {
            consumer.subscribe(List.of(Topics.EMAIL_REQUESTS));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < 5 && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        values.add(r.value());
                    }
                }
            }
        }
        assertEquals(List.of("{\"chunk\":0}", "{\"chunk\":1}", "{\"chunk\":2}", "{\"chunk\":3}", "{\"chunk\":4}"),
                values, "one key's rows arrive in outbox order");
    }

    record OutboxState(int attempts, String lastError, java.sql.Timestamp publishedAt) {
    }

    private static int attempts(UUID job) {
        return state(job).attempts();
    }

    private static OutboxState state(UUID job) {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT attempts, last_error, published_at FROM segments.outbox WHERE message_key = ?")) {
            ps.setString(1, job.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no outbox row for job " + job);
                }
                return new OutboxState(rs.getInt(1), rs.getString(2), rs.getTimestamp(3));
            }
        }
        catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
