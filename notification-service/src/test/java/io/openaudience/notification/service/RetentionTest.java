package io.openaudience.notification.service;

import io.openaudience.notification.NotificationFixtures.Sql;
import io.openaudience.testsupport.InfraTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.openaudience.notification.NotificationFixtures.address;
import static io.openaudience.notification.NotificationFixtures.api;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.execute;
import static io.openaudience.notification.NotificationFixtures.executeTogether;
import static io.openaudience.notification.NotificationFixtures.ledgerValue;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.publishAll;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With a retention of seconds, the scheduled job deletes a finished notification's ledger rows (two per batch
 * here), then the notification with its subject and body, and old dead letters; a notification still sending and
 * the suppression list stay.
 */
@QuarkusTest
@TestProfile(RetentionTest.TinyRetention.class)
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class RetentionTest {

    public static class TinyRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("notification-service.retention", "3s", "notification-service.retention-interval", "1s",
                    "notification-service.retention-batch-size", "2");
        }
    }

    @Test
    void finishedNotificationsAndOldDeadLettersAreDeletedInBatches() throws Exception {
        long sub = newSubscription();
        UUID done = UUID.randomUUID();
        publishAll(chunks(done, sub, "segment", "Old", "<p>Old news</p>", 500, recipient(1, address("r1"), "A"),
                recipient(2, address("r2"), "B"), recipient(3, address("r3"), "C"), recipient(4, address("r4"), "D"),
                recipient(5, address("r5"), "E")));
        awaitStatus(sub, done, "completed");

        UUID sending = UUID.randomUUID();
        executeTogether(new Sql("INSERT INTO notification.notification (id, subscription_id, initiative_id, kind,"
                + " status, recipients, subject, body, chunks, chunks_received, updated_at) VALUES (?, ?, 'DEE',"
                + " 'segment', 'sending', 1, 'S', '<p>S</p>', 1, 1, now() - interval '1 day')", sending, sub),
                new Sql("INSERT INTO notification.recipient (notification_id, user_id, email, status, next_attempt_at)"
                        + " VALUES (?, 1, 'later@mail.example', 'queued', now() + interval '1 day')", sending));
        execute("INSERT INTO notification.suppression (subscription_id, initiative_id, email) VALUES (?, 'DEE', ?)",
                sub, "kept@mail.example");
        String letter = UUID.randomUUID().toString();
        execute("INSERT INTO notification.dead_letter (topic, message_key, attempts, reason, payload, created_at) "
                + "VALUES ('email-requests', ?, 1, 'old', '{}', now() - interval '1 day')", letter);

        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((ledgerValue("SELECT id FROM notification.notification WHERE id = ?", done) != null
                || !"0".equals(ledgerValue("SELECT count(*) FROM notification.dead_letter WHERE message_key = ?",
                letter))) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(null, ledgerValue("SELECT id FROM notification.notification WHERE id = ?", done));
        assertEquals("0", ledgerValue("SELECT count(*) FROM notification.recipient WHERE notification_id = ?", done));
        assertEquals("0", ledgerValue("SELECT count(*) FROM notification.notification_chunk "
                + "WHERE notification_id = ?", done));
        api(sub).get("/api/v2/notifications/" + done).then().statusCode(404);
        assertEquals("0", ledgerValue("SELECT count(*) FROM notification.dead_letter WHERE message_key = ?", letter));

        assertEquals("sending", ledgerValue("SELECT status FROM notification.notification WHERE id = ?", sending));
        assertEquals("1", ledgerValue("SELECT count(*) FROM notification.recipient WHERE notification_id = ?",
                sending));
        assertEquals("1", ledgerValue("SELECT count(*) FROM notification.suppression WHERE subscription_id = ?", sub));
        execute("DELETE FROM notification.notification WHERE id = ?", sending);
    }
}
