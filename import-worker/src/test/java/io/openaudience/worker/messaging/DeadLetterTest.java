package io.openaudience.worker.messaging;

import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.worker.ImportFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.worker.ImportFixtures.awaitFinished;
import static io.openaudience.worker.ImportFixtures.execute;
import static io.openaudience.worker.ImportFixtures.newSubscription;
import static io.openaudience.worker.ImportFixtures.query;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Poison records on the worker's topics (real Kafka): an unreadable record goes to the dead_letter table of its
 * schema at once, with its coordinates and the reason, and the record behind it on the same partition still runs; a
 * job that keeps failing stops after max-attempts and is recorded there too; both show in the metric and the
 * readiness check, which stays UP.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class DeadLetterTest {

    private static final String INITIATIVE = "init-1";

    @Test
    void anUnreadableRecordIsDeadLetteredAndTheNextOneOnItsPartitionRuns() throws Exception {
        long sub = newSubscription();
        UUID job = ImportFixtures.queueJob(sub, INITIATIVE, null, "csv",
                "email\nafter.poison@example.com\n".getBytes(StandardCharsets.UTF_8), 1 << 20);
        // Same key, so the same partition, ahead of the job's own message.
        RecordMetadata poison = Infra.publish(Topics.IMPORT_JOBS, job.toString(), "{not json " + job);
        ImportFixtures.publish(job, sub, INITIATIVE);

        assertEquals("completed", awaitFinished(job).get("status"));
        List<Map<String, Object>> rows = awaitDeadLetters("segments", "payload = '{not json " + job + "'");
        Map<String, Object> row = rows.get(0);
        assertEquals(Topics.IMPORT_JOBS, row.get("topic"));
        assertEquals(poison.partition(), row.get("kafka_partition"));
        assertEquals(poison.offset(), row.get("kafka_offset"));
        assertEquals(job.toString(), row.get("message_key"));
        assertEquals("not a JSON object", row.get("reason"));

        RecordMetadata refresh = Infra.publish(Topics.REFRESH_TOTAL_USERS, "k-" + job, "[\"" + job + "\"]");
        Map<String, Object> audience = awaitDeadLetters("audience", "message_key = 'k-" + job + "'").get(0);
        assertEquals(Topics.REFRESH_TOTAL_USERS, audience.get("topic"));
        assertEquals(refresh.offset(), audience.get("kafka_offset"));

        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("import_worker_dead_letters_total{cause=\"unreadable\",schema=\"segments\"}"))
                .body(containsString("import_worker_dead_letters_total{cause=\"unreadable\",schema=\"audience\"}"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("dead letters"));
    }

    @Test
    void aJobThatKeepsFailingStopsAfterMaxAttemptsAndIsDeadLettered() throws Exception {
        long sub = newSubscription();
        UUID job = ImportFixtures.queueJob(sub, INITIATIVE, null, "csv",
                "email\nnever@example.com\n".getBytes(StandardCharsets.UTF_8), 1 << 20);
        // As if five earlier claims had each stopped on an unexpected error (max-attempts is 5).
        execute("UPDATE segments.import_job SET attempts = 5 WHERE id = ?", job);
        ImportFixtures.publish(job, sub, INITIATIVE);

        Map<String, Object> finished = awaitFinished(job);
        assertEquals("failed", finished.get("status"));
        assertEquals("gave up after 5 attempts", finished.get("failure_reason"));
        Map<String, Object> row = awaitDeadLetters("segments", "job_id = '" + job + "'").get(0);
        assertEquals(5, row.get("attempts"));
        assertTrue(((String) row.get("reason")).contains("gave up after 5 attempts"), String.valueOf(row));
        assertEquals(null, row.get("topic"));
        assertEquals(0L, ImportFixtures.count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("import_worker_dead_letters_total{cause=\"gave_up\",schema=\"segments\"}"));
    }

    private static List<Map<String, Object>> awaitDeadLetters(String schema, String where) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            List<Map<String, Object>> rows = query("SELECT * FROM " + schema + ".dead_letter WHERE " + where);
            if (!rows.isEmpty() || System.currentTimeMillis() > deadline) {
                assertTrue(!rows.isEmpty(), "no dead letter in " + schema + " where " + where);
                return rows;
            }
            Thread.sleep(200);
        }
    }
}
