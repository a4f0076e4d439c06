package io.openaudience.worker.messaging;

import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.worker.ImportFixtures;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.openaudience.worker.ImportFixtures.awaitFinished;
import static io.openaudience.worker.ImportFixtures.count;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL stopped ({@code pg_ctl stop -m fast}) in the middle of a Kafka-delivered import, while a batch is inside
 * its COPY, and started again: readiness goes down and comes back on its own, the job is retried from its last
 * committed batch and ends with exact counts, and the consumer goes on to the next job of the same partition.
 */
@QuarkusTest
class DatabaseOutageTest {

    private static final String INITIATIVE = "init-outage";
    private static final int ROWS = 20_000;

    @Test
    void anImportSurvivesADatabaseRestartMidCopyAndThePartitionMovesOn() throws Exception {
        assumeTrue(blank(System.getenv("TEST_JDBC_URL")), "needs the embedded PostgreSQL, which tests may stop");
        long sub = ImportFixtures.newSubscription();
        long segment = ImportFixtures.createSegment(sub, INITIATIVE, "outage");
        // 200 batches of 100 (test profile): every 1000th row repeats the row 500 before it, row 777 is invalid.
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 1; i <= ROWS; i++) {
            String email = i == 777 ? "not-an-email" : i % 1000 == 0 ? "P" + (i - 500) + "@Example.com"
                    : "p" + i + "@example.com";
            csv.append(email).append(",Person ").append(i).append('\n');
        }
        UUID jobId = ImportFixtures.queueJob(sub, INITIATIVE, segment, "csv",
                csv.toString().getBytes(StandardCharsets.UTF_8), 64 * 1024);
        ImportFixtures.publish(jobId, sub, INITIATIVE);

        awaitProcessed(jobId, 300);
        try (Connection blocker = Infra.connect()) {
            // Every batch draws its member ids from member_id_seq in its COPY: holding the sequence's lock stops the
            // next batch inside the COPY, the moment at which a dying server left the driver's copy lock held.
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("ALTER SEQUENCE segments.member_id_seq INCREMENT BY 1");
            }
            ImportFixtures.awaitLockWait(CompletableFuture.completedFuture(jobId), "COPY import_stage");
            long before = (Long) ImportFixtures.job(jobId).get("processed");
            assertTrue(before >= 300 && before < ROWS, "stopped midway, at " + before);
            Infra.stopPostgres();
        }
        try {
            given().when().get("/q/health/ready").then().statusCode(503);
        } finally {
            Infra.startPostgresAgain();
        }
        awaitReady();

        Map<String, Object> row = awaitFinished(jobId);
        int duplicates = ROWS / 1000;
        long members = ROWS - duplicates - 1;
        assertEquals("completed_with_errors", row.get("status"), () -> row.toString());
        assertEquals((long) ROWS, row.get("total"));
        assertEquals((long) ROWS, row.get("processed"));
        assertEquals(members, row.get("succeeded"));
        assertEquals(duplicates + 1L, row.get("failed"));
        assertEquals(members, row.get("segment_count"));
        assertTrue((Integer) row.get("attempts") >= 2, "retried after the outage: " + row);
        assertNull(row.get("lease_owner"));
        assertEquals(members, count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        assertEquals(members, count("SELECT count(*) FROM segments.user_segment WHERE segment_id = ?", segment));
        assertEquals(members, count("SELECT user_count FROM segments.segment WHERE id = ?", segment));
        assertEquals(duplicates + 1L, count("SELECT count(*) FROM segments.import_job_error WHERE job_id = ?", jobId));

        // The next job on the same partition (same record key) is taken by the consumer, not left behind.
        long otherSub = ImportFixtures.newSubscription();
        UUID next = ImportFixtures.queueJob(otherSub, INITIATIVE, null, "csv",
                "email\nafter@example.com\nagain@example.com\n".getBytes(StandardCharsets.UTF_8), 1000);
        Infra.publish(Topics.IMPORT_JOBS, jobId.toString(), ImportFixtures.message(next, otherSub, INITIATIVE));
        Map<String, Object> nextRow = awaitFinished(next);
        assertEquals("completed", nextRow.get("status"));
        assertEquals(1, nextRow.get("attempts"), "delivered through Kafka, not swept");
        assertEquals(2L, count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", otherSub));
    }

    private static void awaitProcessed(UUID jobId, long rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((Long) ImportFixtures.job(jobId).get("processed") < rows) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " never reached row " + rows + ": "
                        + ImportFixtures.job(jobId));
            }
            Thread.sleep(10);
        }
    }

    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (given().when().get("/q/health/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("readiness did not come back: "
                        + given().when().get("/q/health/ready").asString());
            }
            Thread.sleep(200);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
