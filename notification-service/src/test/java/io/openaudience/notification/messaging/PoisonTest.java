package io.openaudience.notification.messaging;

import io.openaudience.notification.NotificationFixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.openaudience.notification.NotificationFixtures.address;
import static io.openaudience.notification.NotificationFixtures.assertContains;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.ledgerValue;
import static io.openaudience.notification.NotificationFixtures.mailsTo;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.notification;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Email requests that can never be recorded go to the dead-letter table with the reason after a bounded number of
 * attempts, show in /q/metrics and readiness (which stays UP), and the request behind them on the same partition is
 * sent.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class PoisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void poisonGoesToTheDeadLetterTableAndNeverBlocksTheRequestBehindIt() throws Exception {
        long sub = newSubscription();
        UUID good = UUID.randomUUID();
        UUID rejected = UUID.randomUUID();
        String key = good.toString();
        String ada = address("behind-poison");
        // One key, so one partition: the good request is queued behind all three.
        Infra.publish(Topics.EMAIL_REQUESTS, key, "{not json");
        Infra.publish(Topics.EMAIL_REQUESTS, key, "{\"notificationId\": \"" + rejected + "\", \"kind\": \"newsletter\","
                + " \"initiativeId\": \"DEE\", \"chunks\": 1}");
        // Readable, but the database refuses it every time (an initiative longer than the column).
        EmailRequestMessage tooLong = chunks(rejected, sub, "segment", "Hi", "<p>Hi</p>", 500,
                recipient(1, address("never"), "N")).get(0);
        tooLong = new EmailRequestMessage(tooLong.notificationId(), sub, "I".repeat(100), tooLong.kind(),
                tooLong.subject(), tooLong.body(), 0, 1, 1, tooLong.recipients());
        Infra.publish(Topics.EMAIL_REQUESTS, key, JSON.writeValueAsString(tooLong));
        Infra.publish(Topics.EMAIL_REQUESTS, key, JSON.writeValueAsString(
                chunks(good, sub, "segment", "After", "<p>After</p>", 500, recipient(1, ada, "Ada")).get(0)));

        assertEquals(1, awaitStatus(sub, good, "completed").getLong("sent"));
        assertEquals(1, mailsTo(ada, good).size());

        assertEquals("3", ledgerValue("SELECT count(*) FROM notification.dead_letter WHERE message_key = ?", key));
        assertContains(ledgerValue("SELECT reason FROM notification.dead_letter WHERE message_key = ? "
                + "AND payload = '{not json'", key), "unreadable");
        assertContains(ledgerValue("SELECT reason FROM notification.dead_letter WHERE message_key = ? "
                + "AND payload LIKE '%newsletter%'", key), "unknown email kind: newsletter");
        assertContains(ledgerValue("SELECT reason FROM notification.dead_letter WHERE notification_id = ?",
                rejected), "value too long");
        // Bounded: the test profile allows three attempts at a chunk the database refuses.
        assertEquals("3", ledgerValue("SELECT attempts FROM notification.dead_letter WHERE notification_id = ?",
                rejected));
        assertEquals(null, ledgerValue("SELECT id FROM notification.notification WHERE id = ?", rejected));

        long total = Long.parseLong(ledgerValue("SELECT count(*) FROM notification.dead_letter"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher gauge = Pattern.compile("(?m)^notification_dead_letters(\\{[^}]*})? ([0-9.E]+)$").matcher(metrics);
        assertTrue(gauge.find(), "no notification_dead_letters gauge in /q/metrics");
        assertTrue(Double.parseDouble(gauge.group(2)) >= 3, gauge.group());

        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'email dead letters' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'email dead letters' }.data.deadLetters",
                        org.hamcrest.Matchers.greaterThanOrEqualTo((int) Math.min(total, Integer.MAX_VALUE)))
                .body("checks.name", hasItem("email dead letters"));
    }

    @Test
    void aLostRecipientsChunkLetsTheNotificationCompleteAndALostContentChunkFailsIt() throws Exception {
        long sub = newSubscription();
        // Chunk 1 of two is refused by the database (an address that is null): the other chunk's mail still goes.
        UUID partly = UUID.randomUUID();
        String kept = address("kept");
        var parts = chunks(partly, sub, "segment", "Partly", "<p>Partly</p>", 1, recipient(1, kept, "K"),
                recipient(2, null, "Null"));
        NotificationFixtures.publishAll(parts);
        var done = awaitStatus(sub, partly, "completed");
        assertEquals(1, done.getLong("sent"));
        assertEquals(2, done.getInt("chunksReceived"));
        assertEquals(1, mailsTo(kept, partly).size());
        assertContains(ledgerValue("SELECT reason FROM notification.dead_letter WHERE notification_id = ? "
                + "AND chunk = 1", partly), "null value");

        // The content chunk (0) is refused after chunk 1 was recorded: no mail of it can be written, so it fails.
        UUID lost = UUID.randomUUID();
        String waiting = address("waiting");
        var lostParts = chunks(lost, sub, "segment", "Lost", "<p>Lost</p>", 1, recipient(1, null, "Null"),
                recipient(2, waiting, "W"));
        NotificationFixtures.publish(lostParts.get(1));
        NotificationFixtures.publish(lostParts.get(0));
        var failed = awaitStatus(sub, lost, "failed");
        assertContains(failed.getString("pausedReason"), "the chunk with the subject and body could not be recorded");
        // Exact counts: the recipient that was waiting for the content failed with it.
        assertEquals(0, failed.getLong("queued"));
        assertEquals(1, failed.getLong("failed"));
        Thread.sleep(1500);
        assertTrue(mailsTo(waiting, lost).isEmpty());
    }

    @Test
    void chunksLostBeforeTheirNotificationIsKnownStillEndIt() throws Exception {
        long sub = newSubscription();
        // The content chunk (0) arrives first and the database refuses it (a null address): no notification exists
        // yet when it is given up on. Its two recipients chunks come after it.
        UUID lost = UUID.randomUUID();
        String a = address("lost-a");
        String b = address("lost-b");
        var lostParts = chunks(lost, sub, "segment", "Lost", "<p>Lost</p>", 1, recipient(1, null, "Null"),
                recipient(2, a, "A"), recipient(3, b, "B"));
        NotificationFixtures.publish(lostParts.get(0));
        // Unreadable payloads keyed by their notification: one where a content chunk should be, one where a
        // recipients chunk should be; the readable chunks arrive after them.
        UUID garbledContent = UUID.randomUUID();
        String c = address("garbled-content");
        var contentParts = chunks(garbledContent, sub, "segment", "G", "<p>G</p>", 1, recipient(1, address("x"), "X"),
                recipient(2, c, "C"));
        Infra.publish(Topics.EMAIL_REQUESTS, garbledContent.toString(), "{\"notificationId\": \"" + garbledContent
                + "\", \"chunk\": 0, \"subject\": ");
        UUID garbledRecipients = UUID.randomUUID();
        String d = address("garbled-recipients");
        var recipientParts = chunks(garbledRecipients, sub, "segment", "Kept", "<p>Kept</p>", 1,
                recipient(1, d, "D"), recipient(2, address("y"), "Y"));
        Infra.publish(Topics.EMAIL_REQUESTS, garbledRecipients.toString(), "\u0001garbage");
        // A good request on the same partition as the poison content chunk, behind it.
        UUID good = UUID.randomUUID();
        String e = address("behind-lost");
        Infra.publish(Topics.EMAIL_REQUESTS, lost.toString(), JSON.writeValueAsString(
                chunks(good, sub, "segment", "Good", "<p>Good</p>", 500, recipient(1, e, "E")).get(0)));
        NotificationFixtures.publish(lostParts.get(1));
        NotificationFixtures.publish(lostParts.get(2));
        NotificationFixtures.publish(contentParts.get(1));
        NotificationFixtures.publish(recipientParts.get(0));

        assertEquals(1, awaitStatus(sub, good, "completed").getLong("sent"));
        assertEquals(1, mailsTo(e, good).size());

        var failed = awaitStatus(sub, lost, "failed");
        assertContains(failed.getString("pausedReason"), "the chunk with the subject and body could not be recorded");
        assertContains(failed.getString("pausedReason"), "null value");
        assertEquals(3, failed.getInt("chunksReceived"));
        assertEquals(0, failed.getLong("queued"));
        assertEquals(2, failed.getLong("failed"));
        assertEquals(0, failed.getLong("sent"));
        assertEquals("2", ledgerValue("SELECT count(*) FROM notification.recipient WHERE notification_id = ? "
                + "AND status = 'failed' AND reason LIKE 'not sent: the chunk with the subject and body%'", lost));

        var inferred = awaitStatus(sub, garbledContent, "failed");
        assertContains(inferred.getString("pausedReason"), "unreadable");
        assertEquals(0, inferred.getLong("queued"));
        assertEquals(1, inferred.getLong("failed"));

        var kept = awaitStatus(sub, garbledRecipients, "completed");
        assertEquals(1, kept.getLong("sent"));
        assertEquals(2, kept.getInt("chunksReceived"));
        assertEquals(1, mailsTo(d, garbledRecipients).size());

        // Still so a moment later: nothing of the failed notifications is sent.
        Thread.sleep(1500);
        assertTrue(mailsTo(a, lost).isEmpty());
        assertTrue(mailsTo(b, lost).isEmpty());
        assertTrue(mailsTo(c, garbledContent).isEmpty());
        assertEquals("failed", notification(sub, lost).getString("status"));
        assertEquals("1", ledgerValue("SELECT count(*) FROM notification.dead_letter WHERE notification_id = ? "
                + "AND chunk = 0", lost));
        assertEquals("1", ledgerValue("SELECT count(*) FROM notification.dead_letter WHERE notification_id = ? "
                + "AND chunk IS NULL", garbledContent));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'email dead letters' }.data.deadLetters",
                        org.hamcrest.Matchers.greaterThanOrEqualTo(3));
    }
}
