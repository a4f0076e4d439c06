package io.openaudience.worker.messaging;

import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.worker.ImportFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.worker.ImportFixtures.count;
import static io.openaudience.worker.ImportFixtures.newSubscription;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-tenant fairness on the real database and Kafka: tenant A queues several large imports, then tenant B a small
 * one. A holds one slot at a time (its running-job cap), so B's import takes the other slot and finishes while A's
 * backlog is still waiting; A's queued jobs are then run by the sweeper, one after the other, all of them.
 */
@QuarkusTest
@TestProfile(TenantFairnessTest.QuickSweeper.class)
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class TenantFairnessTest {

    private static final String INITIATIVE = "init-1";

    /** The sweeper takes a queued job after 1 s (10 min in the other tests, which wait for Kafka deliveries). */
    public static class QuickSweeper implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("import-worker.queued-grace", "1s", "import-worker.concurrency", "2",
                    "import-worker.max-running-per-tenant", "1");
        }
    }

    @Test
    void aSmallImportIsNotStarvedByAnotherTenantsLargeOnes() throws Exception {
        long a = newSubscription();
        long b = newSubscription();
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 0; i < 20_000; i++) {
            csv.append("member").append(i).append("@example.com,Member ").append(i).append('\n');
        }
        byte[] large = csv.toString().getBytes(StandardCharsets.UTF_8);
        List<UUID> backlog = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID job = ImportFixtures.queueJob(a, INITIATIVE, null, "csv", large, 1 << 20);
            ImportFixtures.publish(job, a, INITIATIVE);
            backlog.add(job);
        }
        UUID small = ImportFixtures.importFile(b, INITIATIVE, null, "csv",
                "email\nb1@example.com\nb2@example.com\n".getBytes(StandardCharsets.UTF_8));

        long deadline = System.currentTimeMillis() + 180_000;
        long aRunningAtOnce = 0;
        long aFinishedWhenBFinished = -1;
        while (System.currentTimeMillis() < deadline) {
            aRunningAtOnce = Math.max(aRunningAtOnce, count("SELECT count(*) FROM segments.import_job "
                    + "WHERE subscription_id = ? AND status = 'running'", a));
            if (aFinishedWhenBFinished < 0 && count("SELECT count(*) FROM segments.import_job WHERE id = ? "
                    + "AND status = 'completed'", small) == 1) {
                aFinishedWhenBFinished = count("SELECT count(*) FROM segments.import_job WHERE subscription_id = ? "
                        + "AND status = 'completed'", a);
            }
            if (count("SELECT count(*) FROM segments.import_job WHERE subscription_id = ? AND status = 'completed'",
                    a) == backlog.size()) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(aFinishedWhenBFinished >= 0, "tenant B's import finished");
        assertTrue(aFinishedWhenBFinished <= 1, "B finished before A's backlog: A had " + aFinishedWhenBFinished
                + " of 3 done");
        assertEquals(1, aRunningAtOnce, "tenant A never held both slots");
        for (UUID job : backlog) {
            assertEquals("completed", ImportFixtures.job(job).get("status"), "A's backlog finished too");
        }
        assertEquals(20_002, count("SELECT count(*) FROM segments.member WHERE subscription_id IN (?, ?)", a, b));
    }
}
