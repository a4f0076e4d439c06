package io.openaudience.segments.messaging;

import io.openaudience.common.messaging.Topics;
import io.openaudience.outbox.OutboxRepository;
import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.KafkaRecords;
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
        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, job.toString(),
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
        List<String> values = readKey(Topics.EMAIL_REQUESTS, key, 5);
        assertEquals(List.of("{\"chunk\":0}", "{\"chunk\":1}", "{\"chunk\":2}", "{\"chunk\":3}", "{\"chunk\":4}"),
                values, "one key's rows arrive in outbox order");
    }

    @Test
    void aKeyWaitsWhileAnEarlierRowIsHeldElsewhereOtherKeysDoNot() throws Exception {
        String held = UUID.randomUUID().toString();
        String free = UUID.randomUUID().toString();
        long first;
        try (Connection c = Infra.connect()) {
            c.setAutoCommit(false);
            // Row 1 of `held` is leased by "another replica" for an hour; its row 2 and the other key are due.
            first = insert(c, held, "held-1", "now() + interval '1 hour'");
            insert(c, held, "held-2", "now()");
            insert(c, free, "free-1", "now()");
            c.commit();
        }
        ImportFixtures.await(Duration.ofSeconds(30), "the other key published", () -> publishedCount(free) == 1);
        Thread.sleep(1500);
        assertEquals(0, publishedCount(held), "row 2 must not overtake row 1 of the same key");

        // The other replica's lease runs out (it died): both rows go out, in order.
        ImportFixtures.execute("UPDATE segments.outbox SET next_attempt_at = now() WHERE id = ?", first);
        ImportFixtures.await(Duration.ofSeconds(30), "both rows of the held key published",
                () -> publishedCount(held) == 2);
        assertEquals(List.of("held-1", "held-2"), readKey(Topics.EMAIL_REQUESTS, held, 2));
    }

    @Test
    void concurrentClaimsNeverHandOutTheSameRow() throws Exception {
        String topic = "test-claims-" + UUID.randomUUID();
        ImportFixtures.execute("INSERT INTO segments.outbox (topic, message_key, payload, next_attempt_at) "
                + "SELECT ?, 'k' || g, 'p', now() + interval '1 hour' FROM generate_series(1, 300) g", topic);
        ImportFixtures.execute("UPDATE segments.outbox SET next_attempt_at = now() - interval '1 second' "
                + "WHERE topic = ?", topic);
        // Four claimers at once (plus the live relay): every row goes to at most one of them.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<List<OutboxRepository.OutboxRow>>> claims = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                claims.add(pool.submit(() -> outbox.claim(100, Duration.ofHours(1)).await().atMost(
                        Duration.ofSeconds(30))));
            }
            java.util.Set<Long> seen = new java.util.HashSet<>();
            int total = 0;
            for (var claim : claims) {
                for (OutboxRepository.OutboxRow row : claim.get()) {
                    total++;
                    assertTrue(seen.add(row.id()), "row " + row.id() + " claimed twice");
                }
            }
            assertTrue(total > 0, "the claimers got rows");
        } finally {
            pool.shutdown();
            ImportFixtures.execute("DELETE FROM segments.outbox WHERE topic = ?", topic);
        }
    }

    @jakarta.inject.Inject
    OutboxRepository outbox;

    private static long insert(Connection c, String key, String payload, String nextAttempt) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO segments.outbox (topic, message_key, payload, "
                + "next_attempt_at) VALUES (?, ?, ?, " + nextAttempt + ") RETURNING id")) {
            ps.setString(1, Topics.EMAIL_REQUESTS);
            ps.setString(2, key);
            ps.setString(3, payload);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long publishedCount(String key) {
        try {
            return ImportFixtures.count("SELECT count(*) FROM segments.outbox WHERE message_key = ? "
                    + "AND published_at IS NOT NULL", key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readKey(String topic, String key, int expected) {
        List<String> values = new ArrayList<>();
        var props = new java.util.Properties();
        props.put("bootstrap.servers", Infra.kafkaBootstrap());
        props.put("group.id", "test-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(props)) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        values.add(r.value());
                    }
                }
            }
        }
        return values;
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
