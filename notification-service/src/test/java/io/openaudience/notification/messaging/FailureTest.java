package io.openaudience.notification.messaging;

import io.openaudience.notification.NotificationFixtures;
import io.openaudience.common.messaging.EmailRequestMessage.Recipient;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.openaudience.notification.NotificationFixtures.address;
import static io.openaudience.notification.NotificationFixtures.api;
import static io.openaudience.notification.NotificationFixtures.assertContains;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.ledgerValue;
import static io.openaudience.notification.NotificationFixtures.mailsTo;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.publishAll;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SMTP outages are retried until delivery, once; failures in a row pause a notification with its reason. */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class FailureTest {

    @Test
    void anSmtpOutageIsRetriedAndEveryoneGetsExactlyOneMailOnceItIsBack() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        Recipient[] recipients = new Recipient[5];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = recipient(i + 1, address("outage" + i), "R" + i);
        }
        Infra.stopSmtp();
        try {
            publishAll(chunks(id, sub, "segment", "Outage", "<p>Dear {firstName}</p>", 2, recipients));
            // The first attempts fail and are recorded as retries, not failures.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"t".equals(ledgerValue("SELECT bool_or(attempts > 0 AND status = 'queued' AND reason IS NOT "
                    + "NULL) FROM notification.recipient WHERE notification_id = ?", id))) {
                assertTrue(System.nanoTime() < deadline, "no retry was recorded while SMTP was down");
                Thread.sleep(100);
            }
            Thread.sleep(1500);
            JsonPath during = NotificationFixtures.notification(sub, id);
            assertEquals("sending", during.getString("status"));
            assertEquals(0L, during.getLong("sent"));
            assertEquals(0L, during.getLong("failed"));
        } finally {
            Infra.startSmtpAgain();
        }

        JsonPath done = awaitStatus(sub, id, "completed");
        assertEquals(5L, done.getLong("sent"));
        assertEquals(0L, done.getLong("failed"));
        for (Recipient r : recipients) {
            assertEquals(1, mailsTo(r.email(), id).size(), r.email());
        }
        assertTrue(Integer.parseInt(ledgerValue("SELECT max(attempts) FROM notification.recipient "
                + "WHERE notification_id = ?", id)) >= 2, "some recipient needed more than one attempt");
    }

    @Test
    void failuresInARowPauseTheNotificationWithAVisibleReasonUntilResumed() throws Exception {
        // The test profile pauses after 3 recipients failed in a row.
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        publishAll(chunks(id, sub, "segment", "Bad", "<p>x</p>", 500, recipient(1, "no-at-sign", "A"),
                recipient(2, "two@@example", "B"), recipient(3, "three@nowhere", "C"), recipient(4, "x y@z.org", "D")));

        JsonPath paused = awaitStatus(sub, id, "paused");
        assertContains(paused.getString("pausedReason"), "recipients failed in a row; last: invalid address");
        assertTrue(paused.getLong("failed") >= 3, paused.prettify());

        api(newSubscription())
                .post("/api/v2/notifications/" + id + "/resume").then().statusCode(404);
        api(sub)
                .post("/api/v2/notifications/" + id + "/resume")
                .then().statusCode(200).body("data.status", equalTo("sending"))
                .body("data.pausedReason", equalTo(null));
        JsonPath done = awaitStatus(sub, id, "completed");
        assertEquals(4L, done.getLong("failed"));
        api(sub)
                .post("/api/v2/notifications/" + id + "/resume")
                .then().statusCode(409).body("errors[0].field", equalTo("status"));
    }
}
