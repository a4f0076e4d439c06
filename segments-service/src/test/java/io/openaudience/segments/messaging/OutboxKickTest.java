package io.openaudience.segments.messaging;

import io.openaudience.common.messaging.Topics;
import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.KafkaRecords;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accepted request's message leaves right after its transaction commits, not at the relay's next tick: with the
 * tick once an hour, the job's message is still on Kafka within seconds.
 */
@QuarkusTest
@TestProfile(OutboxKickTest.HourlyTick.class)
class OutboxKickTest {

    public static class HourlyTick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("outbox.poll-interval", "1h");
        }
    }

    @Test
    void anAcceptedImportIsPublishedWithoutWaitingForTheTick() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        byte[] csv = "name,email\nAna,ana@example.com\n".getBytes(StandardCharsets.UTF_8);
        // The relay's first scheduled run comes 2 s after start; past it, the next one is an hour away.
        Thread.sleep(2_500);
        UUID job = ImportFixtures.jobId(as(sub, "DEE").multiPart("metrics", "a.csv", csv, "text/csv")
                .when().post("/api/v2/idea-manager/create-users").then().statusCode(202).extract().response());
        ImportFixtures.await(Duration.ofSeconds(10), "published by the kick", () -> ImportFixtures.published(job));
        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, job.toString(),
                Duration.ofSeconds(30));
        assertTrue(record.value().contains(job.toString()));
    }
}
