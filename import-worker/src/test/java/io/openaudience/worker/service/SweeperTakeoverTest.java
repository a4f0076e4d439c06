package io.openaudience.worker.service;

import io.openaudience.testsupport.Infra;
import io.openaudience.worker.ImportFixtures;
import io.openaudience.worker.repository.ClaimedJob;
import io.openaudience.worker.repository.ImportJobRepository;
import io.openaudience.worker.service.ImportJobRunner;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.openaudience.worker.ImportFixtures.awaitFinished;
import static io.openaudience.worker.ImportFixtures.count;
import static io.openaudience.worker.ImportFixtures.errors;
import static io.openaudience.worker.ImportFixtures.newSubscription;
import static io.openaudience.worker.ImportFixtures.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker that dies midway: it really processes the first batches of a job under its own lease, then stops as if
 * killed (no more writes, no heartbeat). The sweeper must take the job over once the lease expires and finish it from
 * the checkpoint with every row counted once, duplicates across the batch boundary included.
 */
@QuarkusTest
class SweeperTakeoverTest {

    private static final String INITIATIVE = "init-sweep";

    @Inject
    ImportJobRepository jobs;

    @Inject
    ImportJobRunner runner;

    @Test
    void expiredLeaseIsTakenOverAndFinishedExactlyOnce() throws Exception {
        long sub = newSubscription();
        long segment = ImportFixtures.createSegment(sub, INITIATIVE, "resumed");
        long old = ImportFixtures.createMember(sub, "Old@example.com", "Member before the job");
        // 350 rows in batches of 100 (test profile): row 250 repeats row 5 (written by the dead worker),
        // row 320 repeats row 260 (both after the takeover), row 150 is invalid; rows 30 and 330 name a member that
        // existed before the job (the first links it, the second is a duplicate across the takeover).
        List<String> lines = new ArrayList<>(List.of("email,name"));
        for (int i = 1; i <= 350; i++) {
            String email = switch (i) {
                case 30 -> "OLD@example.com";
                case 330 -> "old@EXAMPLE.com";
                case 150 -> "broken-at-150";
                case 250 -> "P5@EXAMPLE.com";
                case 320 -> "p260@example.com";
                default -> "p" + i + "@example.com";
            };
            lines.add(email + ",Person " + i);
        }
        byte[] file = (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8);
        UUID jobId = ImportFixtures.queueJob(sub, INITIATIVE, segment, "csv", file, 1000);

        // The doomed worker: claims the job (no Kafka message is ever sent for it) and commits two batches.
        ClaimedJob claimed = jobs.claim(jobId, "doomed-worker#1", Duration.ofMinutes(5), 10).orElseThrow();
        assertFalse(runner.run(claimed, 2));
        Map<String, Object> midway = ImportFixtures.job(jobId);
        assertEquals("running", midway.get("status"));
        assertEquals(200L, midway.get("processed"));
        assertEquals(199L, midway.get("succeeded"));
        assertEquals(1L, midway.get("failed"));
        assertEquals(199L, count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));

        // It dies: its lease runs out. The sweeper (every second in tests) takes over.
        query("UPDATE segments.import_job SET lease_expires_at = now() - interval '1 second' WHERE id = ? "
                + "RETURNING id", jobId);

        Map<String, Object> row = awaitFinished(jobId);
        assertEquals("completed_with_errors", row.get("status"));
        assertEquals(350L, row.get("total"));
        assertEquals(350L, row.get("processed"));
        assertEquals(346L, row.get("succeeded"));
        assertEquals(4L, row.get("failed"));
        assertEquals(346L, row.get("segment_count"));
        assertEquals(2, row.get("attempts"));
        assertNull(row.get("lease_owner"));
        assertEquals(List.of("150: invalid email", "250: duplicate email in file (first at row 5)",
                "320: duplicate email in file (first at row 260)", "330: duplicate email in file (first at row 30)"),
                errors(jobId));
        assertEquals(346L, count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        assertEquals(345L, count("SELECT count(*) FROM segments.member WHERE subscription_id = ? "
                + "AND import_job_id = ?", sub, jobId), "every member the job created names it");
        assertEquals(5L, count("SELECT import_row FROM segments.member WHERE subscription_id = ? "
                + "AND email = 'p5@example.com'", sub));
        assertEquals(1L, count("SELECT count(*) FROM segments.member WHERE id = ? AND import_job_id IS NULL", old));
        assertEquals(346L, count("SELECT count(*) FROM segments.user_segment WHERE segment_id = ?", segment));
        assertEquals(1L, count("SELECT count(*) FROM segments.user_segment WHERE segment_id = ? AND user_id = ?",
                segment, old));
        assertEquals(346L, count("SELECT user_count FROM segments.segment WHERE id = ?", segment));
        assertEquals(350L, count("SELECT count(*) FROM segments.import_job_result WHERE job_id = ?", jobId));
        assertEquals(350L, count("SELECT count(DISTINCT row_no) FROM segments.import_job_result WHERE job_id = ? "
                + "AND row_no BETWEEN 1 AND 350", jobId));
    }

    @Test
    void aWorkerThatLostItsLeaseCannotWrite() throws Exception {
        long sub = newSubscription();
        byte[] file = "email\na@example.net\nb@example.net\n".getBytes(StandardCharsets.UTF_8);
        UUID jobId = ImportFixtures.queueJob(sub, INITIATIVE, null, "csv", file, 1000);
        ClaimedJob stale = jobs.claim(jobId, "stale#1", Duration.ofMinutes(5), 10).orElseThrow();
        // Someone else holds the job now (as after a takeover): the stale claim's batch is refused.
        query("UPDATE segments.import_job SET lease_owner = 'other#1' WHERE id = ? RETURNING id", jobId);
        assertFalse(runner.run(stale, Long.MAX_VALUE));
        assertEquals(0L, count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        assertEquals(0L, ImportFixtures.job(jobId).get("processed"));
        query("UPDATE segments.import_job SET status = 'failed' WHERE id = ? RETURNING id", jobId);
    }

    /**
     * A segment deleted while its import runs, the way segments-service deletes one: the segment row first (which
     * waits for the batch holding it), then its memberships. The batch waiting on the lock sees the segment gone, rolls
     * back and fails the job; no membership of the deleted segment is left behind (user_segment has no foreign keys).
     */
    @Test
    void aSegmentDeletedMidJobFailsTheJobAndLeavesNoMemberships() throws Exception {
        long sub = newSubscription();
        long segment = ImportFixtures.createSegment(sub, INITIATIVE, "deleted midway");
        StringBuilder csv = new StringBuilder("email\n");
        for (int i = 1; i <= 250; i++) {
            csv.append("gone").append(i).append("@example.com\n");
        }
        UUID jobId = ImportFixtures.queueJob(sub, INITIATIVE, segment, "csv",
                csv.toString().getBytes(StandardCharsets.UTF_8), 1000);
        ClaimedJob claimed = jobs.claim(jobId, "racing-worker#1", Duration.ofMinutes(5), 10).orElseThrow();
        assertFalse(runner.run(claimed, 1));
        assertEquals(100L, count("SELECT count(*) FROM segments.user_segment WHERE segment_id = ?", segment));

        try (Connection deleting = Infra.connect()) {
            deleting.setAutoCommit(false);
            try (Statement st = deleting.createStatement()) {
                assertEquals(1, st.executeUpdate("DELETE FROM segments.segment WHERE id = " + segment));
                // The worker goes on: its start check still sees the segment, its next batch waits for this deletion.
                ClaimedJob resumed = new ClaimedJob(claimed.id(), sub, INITIATIVE, claimed.type(), segment,
                        claimed.uploadId(), claimed.format(), 100, claimed.attempts(), claimed.owner());
                CompletableFuture<Boolean> rest = CompletableFuture.supplyAsync(() -> runner.run(resumed, 1));
                // (On the job row, which the segment's deletion updated through import_job's foreign key, or on the
                // segment row itself: either way after the worker's start check, inside the batch.)
                ImportFixtures.awaitLockWait(rest, "SELECT processed FROM import_job", "SELECT id FROM segments.segment");
                st.executeUpdate("DELETE FROM segments.user_segment WHERE segment_id = " + segment);
                deleting.commit();
                assertTrue(rest.get(20, TimeUnit.SECONDS));
            }
        }
        Map<String, Object> row = ImportFixtures.job(jobId);
        assertEquals("failed", row.get("status"));
        assertEquals("the segment no longer exists", row.get("failure_reason"));
        assertEquals(100L, row.get("processed"));
        assertEquals(0L, count("SELECT count(*) FROM segments.user_segment WHERE segment_id = ?", segment));
        assertEquals(100L, count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
    }
}
