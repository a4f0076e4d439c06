package io.openaudience.segments.messaging;

import io.openaudience.segments.ImportFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.openaudience.testsupport.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

/** The outbox gauges on /q/metrics follow the table: a row that cannot leave yet shows as backlog and age. */
@QuarkusTest
class OutboxMetricsTest {

    @Test
    void aWaitingRowRaisesBacklogAndAgeAndTheyFallBackOnceItIsGone() throws Exception {
        String key = UUID.randomUUID().toString();
        // Written a minute ago and not due for an hour (as after failed attempts): it stays unpublished.
        ImportFixtures.execute("INSERT INTO segments.outbox (topic, message_key, payload, created_at, next_attempt_at) "
                + "VALUES ('metrics-probe', ?, '{}', now() - interval '1 minute', now() + interval '1 hour')", key);
        try {
            ImportFixtures.await(Duration.ofSeconds(20), "backlog and age on /q/metrics",
                    () -> outbox("outbox_backlog_rows") >= 1 && outbox("outbox_oldest_age_seconds") >= 60);
        } finally {
            ImportFixtures.execute("DELETE FROM segments.outbox WHERE message_key = ?", key);
        }
        ImportFixtures.await(Duration.ofSeconds(20), "the age falls once the row is gone",
                () -> outbox("outbox_oldest_age_seconds") < 60);
    }

    /** The sample of {@code name} for segments.outbox (-1 when absent). */
    private static double outbox(String name) {
        return Metrics.value(name, -1, "table=\"segments.outbox\"");
    }
}
