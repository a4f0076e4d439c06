package io.openaudience.notification.messaging;

import io.openaudience.notification.RejectingSmtpServer;
import io.openaudience.testsupport.InfraTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.openaudience.notification.NotificationFixtures.address;
import static io.openaudience.notification.NotificationFixtures.api;
import static io.openaudience.notification.NotificationFixtures.assertContains;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.publishAll;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An SMTP server answering 550 for some recipients: those fail at once with the server's reason, never retried. */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, initArgs = @ResourceArg(name = "smtp", value = "false"),
        scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = RejectingSmtpServer.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class PermanentFailureTest {

    @Test
    void aPermanentRejectionIsFinalWithTheServersReasonAndTheOthersAreSent() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String bounced = "bounce." + address("x");
        String fine = address("fine");
        publishAll(chunks(id, sub, "selected", "Hello", "<p>Hello {firstName}</p>", 500,
                recipient(1, bounced, "B"), recipient(2, fine, "F")));

        JsonPath done = awaitStatus(sub, id, "completed");
        assertEquals(1L, done.getLong("sent"));
        assertEquals(1L, done.getLong("failed"));
        assertTrue(RejectingSmtpServer.ACCEPTED.contains(fine));
        assertTrue(!RejectingSmtpServer.ACCEPTED.contains(bounced));

        JsonPath failed = api(sub).queryParam("status", "failed").get("/api/v2/notifications/" + id + "/recipients")
                .then().statusCode(200).body("data.total", equalTo(1)).extract().jsonPath();
        assertEquals(1, failed.getInt("data.recipients[0].userId"));
        assertEquals(1, failed.getInt("data.recipients[0].attempts"));
        assertContains(failed.getString("data.recipients[0].reason"), "SMTP 550");
        assertContains(failed.getString("data.recipients[0].reason"), "mailbox unavailable");
    }

    @Test
    void aServerThatStallsIsCutOffByTheReadTimeoutAndTheMailGoesOutOnTheRetry() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String stalled = "stall." + address("x");
        publishAll(chunks(id, sub, "selected", "Hello", "<p>Hello</p>", 500, recipient(1, stalled, "S")));

        JsonPath done = awaitStatus(sub, id, "completed");
        assertEquals(1L, done.getLong("sent"));
        // The client closed the silent connection itself (the read timeout), then sent again on a new one.
        assertTrue(RejectingSmtpServer.CLOSED_WHILE_STALLED.contains(stalled));
        assertTrue(RejectingSmtpServer.ACCEPTED.contains(stalled));
        JsonPath sent = api(sub).get("/api/v2/notifications/" + id + "/recipients").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(2, sent.getInt("data.recipients[0].attempts"));
    }
}
