package io.openaudience.worker.service;

import io.openaudience.testsupport.Infra;
import io.openaudience.worker.AudienceFixtures;
import io.openaudience.worker.AudienceFixtures.Tenant;
import io.openaudience.worker.ImportFixtures;
import io.openaudience.worker.repository.AudienceJobRepository;
import io.openaudience.worker.repository.ClaimedAudienceJob;
import io.openaudience.worker.service.AudienceJobRunner;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.openaudience.worker.AudienceFixtures.addMember;
import static io.openaudience.worker.AudienceFixtures.awaitFinished;
import static io.openaudience.worker.AudienceFixtures.createGroup;
import static io.openaudience.worker.AudienceFixtures.createPerson;
import static io.openaudience.worker.AudienceFixtures.group;
import static io.openaudience.worker.AudienceFixtures.members;
import static io.openaudience.worker.AudienceFixtures.newTenant;
import static io.openaudience.worker.AudienceFixtures.people;
import static io.openaudience.worker.AudienceFixtures.queueJob;
import static io.openaudience.worker.AudienceFixtures.serve;
import static io.openaudience.worker.ImportFixtures.count;
import static io.openaudience.worker.ImportFixtures.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audience jobs under failure and contention, run for real: a worker that dies after a few batches (the sweeper
 * resumes the job from its checkpoint), a group deleted while its import runs, and refresh jobs coalescing into one
 * recount, also for a group of a million members.
 */
@QuarkusTest
class AudienceTakeoverTest {

    @Inject
    AudienceJobRepository jobs;

    @Inject
    AudienceJobRunner runner;

    /** 350 rows in batches of 100 (test profile); row 250 names row 5's person again, by email this time. */
    private static String csv350(String prefix) {
        StringBuilder csv = new StringBuilder("user_id,email\n");
        for (int i = 1; i <= 350; i++) {
            if (i == 250) {
                csv.append(",").append(prefix).append("5@EXAMPLE.com\n");
            } else {
                csv.append(prefix).append(i).append(',').append(prefix).append(i).append("@example.com\n");
            }
        }
        return csv.toString();
    }

    private static void expireLease(String jobId) throws Exception {
        query("UPDATE audience.job SET lease_expires_at = now() - interval '1 second' WHERE id = ? RETURNING id",
                jobId);
    }

    @Test
    void aWorkerKilledMidImportIsTakenOverAndTheGroupEndsExact() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "resumed");
        String jobId = queueJob(t, "group_import", group, serve("resumed-" + group + ".csv", csv350("k")), "{}");

        // The doomed worker claims the job (its message is never sent) and commits two batches, then dies.
        ClaimedAudienceJob claimed = jobs.claim(jobId, "doomed-worker#1", Duration.ofMinutes(5), 10).orElseThrow();
        assertEquals("in_progress", group(group).get("status"));
        assertFalse(runner.run(claimed, 2));
        Map<String, Object> midway = AudienceFixtures.job(jobId);
        assertEquals("running", midway.get("status"));
        assertEquals(200L, midway.get("processed"));
        assertEquals(200L, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", group));

        expireLease(jobId);

        Map<String, Object> row = awaitFinished(jobId);
        assertEquals("completed", row.get("status"), () -> "job " + row);
        assertEquals(350L, row.get("total"));
        assertEquals(350L, row.get("succeeded"));
        assertEquals(2, row.get("attempts"));
        assertNull(row.get("lease_owner"));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 350; i++) {
            if (i != 250) {
                expected.add("k" + i);
            }
        }
        assertEquals(expected.stream().sorted().toList(), members(group));
        assertEquals(349L, people(t), "row 250 matched row 5's person across the takeover");
        assertEquals("completed", group(group).get("status"));
        assertEquals(349L, group(group).get("total_users"));
    }

    @Test
    void aReplaceKilledMidwayRemovesTheOthersOnlyOnceTheWholeFileWasRead() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "replaced after a takeover");
        for (int i = 1; i <= 5; i++) {
            addMember(t, group, createPerson(t, "old" + i, null, null));
        }
        long kept = createPerson(t, "r300", null, null);
        addMember(t, group, kept);
        String jobId = queueJob(t, "group_update", group, serve("replace-resumed-" + group + ".csv", csv350("r")),
                "{\"mode\":\"replace\"}");

        ClaimedAudienceJob claimed = jobs.claim(jobId, "doomed-worker#2", Duration.ofMinutes(5), 10).orElseThrow();
        assertFalse(runner.run(claimed, 2));
        // Midway nobody was removed yet: the file's end decides who is not in it.
        assertEquals(206L, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", group));

        expireLease(jobId);

        assertEquals("completed", awaitFinished(jobId).get("status"));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 350; i++) {
            if (i != 250) {
                expected.add("r" + i);
            }
        }
        assertEquals(expected.stream().sorted().toList(), members(group));
        assertEquals(349L, group(group).get("total_users"));
    }

    /**
     * A group deleted while its import runs, the way audience-service must delete one: the group row first (which
     * waits for the batch holding it), then its members, in one transaction. The batch waiting on the lock sees the
     * group gone, rolls back and fails the job; no member of the deleted group is left behind.
     */
    @Test
    void aGroupDeletedMidJobFailsTheJobAndLeavesNoMembers() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "deleted midway");
        StringBuilder csv = new StringBuilder("email\n");
        for (int i = 1; i <= 250; i++) {
            csv.append("gone").append(i).append("@example.com\n");
        }
        String jobId = queueJob(t, "group_import", group, serve("deleted-" + group + ".csv", csv.toString()), "{}");
        ClaimedAudienceJob claimed = jobs.claim(jobId, "racing-worker#1", Duration.ofMinutes(5), 10).orElseThrow();
        assertFalse(runner.run(claimed, 1));
        assertEquals(100L, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", group));

        try (Connection deleting = Infra.connect()) {
            deleting.setAutoCommit(false);
            try (Statement st = deleting.createStatement()) {
                assertEquals(1, st.executeUpdate("DELETE FROM audience.user_group WHERE id = '" + group + "'"));
                // The worker goes on: its start check still sees the group, its next batch waits for this deletion.
                ClaimedAudienceJob resumed = new ClaimedAudienceJob(claimed.id(), t.company(), t.application(),
                        claimed.type(), group, claimed.fileUrl(), claimed.params(), 100, claimed.attempts(),
                        claimed.owner());
                CompletableFuture<Boolean> rest = CompletableFuture.supplyAsync(() -> runner.run(resumed, 1));
                ImportFixtures.awaitLockWait(rest, "SELECT 1 FROM audience.user_group");
                st.executeUpdate("DELETE FROM audience.user_group_member WHERE group_id = '" + group + "'");
                deleting.commit();
                assertTrue(rest.get(20, TimeUnit.SECONDS));
            }
        }
        Map<String, Object> row = AudienceFixtures.job(jobId);
        assertEquals("failed", row.get("status"));
        assertEquals("the group no longer exists", row.get("failure_reason"));
        assertEquals(100L, row.get("processed"));
        assertEquals(0L, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", group));
    }

    @Test
    void everyRefreshQueuedBeforeTheRecountCompletesWithIt() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "coalesced");
        for (int i = 0; i < 4; i++) {
            addMember(t, group, createPerson(t, "m" + i, null, null));
        }
        // One refresh is claimed; meanwhile another request queues the next one (one queued per group at a time).
        String first = queueJob(t, "group_refresh", group, null, "{}");
        ClaimedAudienceJob claimed = jobs.claim(first, "refresher#1", Duration.ofMinutes(5), 0).orElseThrow();
        String second = queueJob(t, "group_refresh", group, null, "{}");
        addMember(t, group, createPerson(t, "m4", null, null));

        assertTrue(runner.run(claimed, Long.MAX_VALUE));

        Map<String, Object> a = AudienceFixtures.job(first);
        Map<String, Object> b = AudienceFixtures.job(second);
        assertEquals("completed", a.get("status"));
        assertEquals("completed", b.get("status"));
        assertEquals(5L, a.get("total"));
        assertEquals(5L, b.get("total"));
        assertEquals(0, b.get("attempts"), "the second was never claimed: the first recount served it");
        assertEquals(a.get("finished_at"), b.get("finished_at"));
        assertEquals(5L, group(group).get("total_users"));

        // Their messages arrive afterwards: nothing is counted again.
        Object stamped = group(group).get("total_users_refreshed_at");
        AudienceFixtures.publish(first);
        ImportFixtures.awaitCommitted(AudienceFixtures.publish(second));
        assertEquals(stamped, group(group).get("total_users_refreshed_at"));
        assertEquals(0, AudienceFixtures.job(second).get("attempts"));
    }

    @Test
    void aRecountOfAMillionMembersTakesUnderASecond() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "a million");
        ImportFixtures.execute("INSERT INTO audience.user_group_member (group_id, user_pk, company_id, "
                + "application_id) SELECT ?, i, ?, ? FROM generate_series(1, 1000000) i", group, t.company(),
                t.application());
        String refresh = queueJob(t, "group_refresh", group, null, "{}");
        ClaimedAudienceJob claimed = jobs.claim(refresh, "refresher#2", Duration.ofMinutes(5), 0).orElseThrow();

        long t0 = System.nanoTime();
        assertTrue(runner.run(claimed, Long.MAX_VALUE));
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(1_000_000L, group(group).get("total_users"));
        assertEquals("completed", AudienceFixtures.job(refresh).get("status"));
        assertTrue(millis < 1000, "recount took " + millis + " ms");
    }
}
