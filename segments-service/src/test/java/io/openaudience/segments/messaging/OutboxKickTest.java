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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.openaudience.segments.ImportFixtures.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accepted request's message leaves right after its transaction commits, not at the relay's next tick: with the
 * tick once an hour, the job's message is still on Kafka within seconds, and twenty imports in a row are each
 * published within a fraction of a second of their 202 (issue 12: a job runs within 250 ms of its 202 at the median;
 * import-worker's {@code ImportJobFlowTest} measures the other half, from the record to {@code running}).
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

    @Test
    void twentyImportsInARowArePublishedWithinAFractionOfASecondOfTheir202() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        Thread.sleep(2_500);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] csv = ("name,email\nAna,ana" + i + "@example.com\n").getBytes(StandardCharsets.UTF_8);
            UUID job = ImportFixtures.jobId(as(sub, "DEE").multiPart("metrics", "a.csv", csv, "text/csv")
                    .when().post("/api/v2/idea-manager/create-users").then().statusCode(202).extract().response());
            long accepted = System.nanoTime();
            while (!ImportFixtures.published(job)) {
                assertTrue(System.nanoTime() - accepted < Duration.ofSeconds(30).toNanos(), "job " + job
                        + " published within 30 s");
                Thread.sleep(2);
            }
            millis.add((System.nanoTime() - accepted) / 1_000_000);
            // Imports land at every phase of whatever timer might be serving them instead of the kick.
            Thread.sleep(ThreadLocalRandom.current().nextInt(200));
        }
        Collections.sort(millis);
        long p50 = millis.get(9);
        long max = millis.get(19);
        System.out.printf("202 -> published over 20 imports: p50 %d ms, p90 %d ms, max %d ms%n", p50, millis.get(17),
                max);
        // The target is 250 ms to running; these bounds leave room for a loaded machine and still fail by far if a
        // message waited for the hourly tick (or for any poll of a second or more at the median).
        assertTrue(p50 < 1_000, "median 202 -> published " + p50 + " ms: " + millis);
        assertTrue(max < 5_000, "slowest 202 -> published " + max + " ms: " + millis);
    }
}
