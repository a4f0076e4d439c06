package io.openaudience.segments.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.openaudience.common.messaging.Topics;
import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.Infra;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A row Kafka refuses for itself (here: larger than the producer's 1 MiB request limit) is tried a bounded number of
 * times, then moved to the dead-letter table with the reason and counted, and it never holds up the other keys nor,
 * once moved, the rows of its own key behind it.
 */
@QuarkusTest
@TestProfile(OutboxDeadLetterTest.ThreeQuickAttempts.class)
class OutboxDeadLetterTest {

    public static class ThreeQuickAttempts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("outbox.max-attempts", "3", "outbox.backoff-base", "200ms", "outbox.backoff-max", "400ms");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void aPoisonRowIsDeadLetteredAfterItsAttemptsAndBlocksNothing() throws Exception {
        double deadBefore = registry.counter("outbox.relay.dead").count();
        String poisoned = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        long poison;
        try (Connection c = Infra.connect()) {
            c.setAutoCommit(false);
            poison = insert(c, poisoned, "x".repeat(1_200_000));
            insert(c, poisoned, "behind the poison");
            insert(c, other, "another key");
            c.commit();
        }

        ImportFixtures.await(Duration.ofSeconds(30), "the other key published", () -> published(other) == 1);
        ImportFixtures.await(Duration.ofSeconds(60), "the poison row dead-lettered", () -> deadLetters(poisoned) == 1);
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, topic, attempts, reason, length(payload) FROM segments.outbox_dead_letter "
                        + "WHERE message_key = ?")) {
            ps.setString(1, poisoned);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(poison, rs.getLong(1), "the outbox id is kept");
                assertEquals(Topics.EMAIL_REQUESTS, rs.getString(2));
                assertEquals(3, rs.getInt(3), "moved at the third failed attempt");
                assertTrue(rs.getString(4).startsWith("RecordTooLargeException"), rs.getString(4));
                assertEquals(1_200_000, rs.getInt(5), "the payload is kept whole");
            }
        }
        assertEquals(0, ImportFixtures.count("SELECT count(*) FROM segments.outbox WHERE id = ?", poison),
                "the row left the outbox");
        assertEquals(deadBefore + 1, registry.counter("outbox.relay.dead").count(), "outbox_relay_dead_total");
        // Readiness names it and stays UP: the rows behind it are published.
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'outbox dead letters' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'outbox dead letters' }.data.deadLetters",
                        greaterThanOrEqualTo((int) deadBefore + 1))
                .body("checks.find { it.name == 'outbox dead letters' }.data.latestReason",
                        startsWith("RecordTooLargeException"));

        // The row behind it on the same key goes out now, and it is the only record of that key on the topic.
        ImportFixtures.await(Duration.ofSeconds(30), "the row behind the poison published",
                () -> published(poisoned) == 1);
        List<ConsumerRecord<String, String>> records = io.openaudience.testsupport.KafkaRecords.all(
                Topics.EMAIL_REQUESTS, poisoned, Duration.ofSeconds(30));
        assertEquals(List.of("behind the poison"), records.stream().map(ConsumerRecord::value).toList());
    }

    @Test
    void anUnreachableBrokerNeverDeadLettersAnything() throws Exception {
        String key = UUID.randomUUID().toString();
        Infra.stopKafka();
        try {
            try (Connection c = Infra.connect()) {
                insert(c, key, "waits for the broker");
            }
            // Far more failed attempts than max-attempts: the row stays in the outbox, waiting.
            ImportFixtures.await(Duration.ofSeconds(120), "five failed attempts", () -> attempts(key) >= 5);
            assertEquals(0, deadLetters(key));
        } finally {
            Infra.startKafkaAgain();
        }
        ImportFixtures.await(Duration.ofSeconds(90), "published once the broker is back", () -> published(key) == 1);
        assertEquals(0, deadLetters(key));
    }

    private static long insert(Connection c, String key, String payload) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO segments.outbox (topic, message_key, payload) "
                + "VALUES (?, ?, ?) RETURNING id")) {
            ps.setString(1, Topics.EMAIL_REQUESTS);
            ps.setString(2, key);
            ps.setString(3, payload);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long published(String key) {
        return count("SELECT count(*) FROM segments.outbox WHERE message_key = ? AND published_at IS NOT NULL", key);
    }

    private static long deadLetters(String key) {
        return count("SELECT count(*) FROM segments.outbox_dead_letter WHERE message_key = ?", key);
    }

    private static long attempts(String key) {
        return count("SELECT coalesce(max(attempts), 0) FROM segments.outbox WHERE message_key = ?", key);
    }

    private static long count(String sql, String key) {
        try {
            return ImportFixtures.count(sql, key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
