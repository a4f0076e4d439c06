package io.openaudience.segments.service;

import io.openaudience.outbox.OutboxRetention;
import io.openaudience.segments.ImportFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static io.openaudience.segments.ImportFixtures.count;
import static io.openaudience.segments.ImportFixtures.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention on the real database, with the test profile's period of one hour: the uploads of jobs that ended before
 * it go with their chunks (the job and its error report stay), as do published outbox rows; queued jobs, recently
 * ended ones and unpublished rows are kept.
 */
@QuarkusTest
class RetentionTest {

    @Inject
    UploadRetention uploads;

    @Inject
    OutboxRetention outbox;

    private static UUID upload(long sub) {
        byte[] csv = ("email\n" + "someone@example.com\n".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
        return ImportFixtures.jobId(as(sub, "DEE").multiPart("metrics", "m.csv", csv, "text/csv")
                .when().post("/api/v2/idea-manager/create-users").then().statusCode(202).extract().response());
    }

    @Test
    void uploadsOfJobsEndedBeforeThePeriodAreDeletedWithTheirChunks() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        UUID old = upload(sub);
        UUID recent = upload(sub);
        UUID queued = upload(sub);
        execute("UPDATE segments.import_job SET status = 'completed_with_errors', finished_at = now() - interval '2 "
                + "hours' WHERE id = ?", old);
        execute("INSERT INTO segments.import_job_error (job_id, row_no, email, reason) VALUES (?, 1, 'x', 'bad')",
                old);
        execute("UPDATE segments.import_job SET status = 'completed', finished_at = now() - interval '5 minutes' "
                + "WHERE id = ?", recent);
        long chunks = count("SELECT count(*) FROM segments.upload_chunk ch JOIN segments.import_job j "
                + "ON j.upload_id = ch.upload_id WHERE j.id = ?", old);
        assertTrue(chunks > 1, "a multi-chunk upload");

        ImportFixtures.purgeUntil(uploads::purge, 1,
                "SELECT count(*) FROM segments.import_job WHERE id = ? AND upload_id IS NULL", old);

        assertEquals(1, count("SELECT count(*) FROM segments.import_job_error WHERE job_id = ?", old));
        assertEquals(0, count("SELECT count(*) FROM segments.upload u WHERE u.subscription_id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM segments.import_job j WHERE j.upload_id = u.id)", sub));
        assertEquals(2, count("SELECT count(*) FROM segments.upload WHERE subscription_id = ?", sub));
        for (UUID kept : new UUID[]{recent, queued}) {
            assertEquals(1, count("SELECT count(*) FROM segments.import_job j JOIN segments.upload u "
                    + "ON u.id = j.upload_id WHERE j.id = ?", kept));
            assertTrue(count("SELECT count(*) FROM segments.upload_chunk ch JOIN segments.import_job j "
                    + "ON j.upload_id = ch.upload_id WHERE j.id = ?", kept) > 1);
        }
        as(sub, "DEE").get("/api/v2/jobs/" + old).then().statusCode(200);
    }

    @Test
    void publishedOutboxRowsOlderThanThePeriodAreDeletedInBatches() throws Exception {
        String key = "retention-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            execute("INSERT INTO segments.outbox (topic, message_key, payload, published_at) "
                    + "VALUES ('retention-test', ?, '{}', now() - interval '2 hours')", key);
        }
        execute("INSERT INTO segments.outbox (topic, message_key, payload, published_at) "
                + "VALUES ('retention-test', ?, '{\"recent\":true}', now())", key);
        // Unpublished, however old: the relay has yet to send it (its next attempt far away, so it stays so).
        execute("INSERT INTO segments.outbox (topic, message_key, payload, created_at, next_attempt_at) "
                + "VALUES ('retention-test', ?, '{\"pending\":true}', now() - interval '2 days', "
                + "now() + interval '1 day')", key);

        ImportFixtures.purgeUntil(outbox::purge, 2, "SELECT count(*) FROM segments.outbox WHERE message_key = ?",
                key);
        assertEquals(1, count("SELECT count(*) FROM segments.outbox WHERE message_key = ? AND published_at IS NULL",
                key));
    }
}
