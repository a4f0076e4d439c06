package io.openaudience.notification.messaging;

import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.testsupport.MessageContracts;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.notification.NotificationFixtures.assertContains;
import static io.openaudience.notification.NotificationFixtures.awaitNotification;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.execute;
import static io.openaudience.notification.NotificationFixtures.ledgerValue;
import static io.openaudience.notification.NotificationFixtures.mailsTo;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * notification-service's side of the `email-requests` contract: the samples pinned in test-support
 * ({@link MessageContracts}), which segments-service's {@code EmailRequestContractTest} proves it writes, published as
 * they are to the real consumer, end in the ledger and the SMTP sink as the request meant.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class EmailRequestContractTest {

    @Test
    void selectedMembersMailIsSentAsItsTemplateSays() throws Exception {
        long sub = newSubscription();
        UUID id = publish(MessageContracts.EMAIL_SELECTED, sub, Map.of("adaId", 1, "boId", 2));

        JsonPath done = awaitStatus(sub, id, "completed");
        assertEquals(2, done.getLong("sent"));
        MimeMessage toAda = single("ada@contract.example", id);
        assertEquals("Hello Ada", toAda.getSubject());
        assertContains(text(toAda), "<p>Dear Ada, this is for ada@contract.example.</p>");
        MimeMessage toBo = single("bo@contract.example", id);
        assertEquals("Hello there", toBo.getSubject());
        assertContains(text(toBo), "<p>Hello, this is for bo@contract.example.</p>");
        assertEquals("1:Ada,2:", ledgerValue("SELECT string_agg(user_id || ':' || coalesce(first_name, ''), ','"
                + " ORDER BY user_id) FROM notification.recipient WHERE notification_id = ?", id));
    }

    @Test
    void aSegmentMailsLastChunkIsRecordedAndWaitsForTheContentChunk() throws Exception {
        long sub = newSubscription();
        UUID id = publish(MessageContracts.EMAIL_SEGMENT_CHUNK_1, sub, Map.of("zoeId", 501));
        try {
            JsonPath recorded = awaitNotification(sub, id, n -> n.getInt("chunksReceived") == 1,
                    Duration.ofSeconds(30));
            assertEquals("sending", recorded.getString("status"));
            assertEquals(501, recorded.getLong("recipients"));
            assertEquals(2, recorded.getInt("chunks"));
            assertEquals("zoe@contract.example Zoë queued", ledgerValue("SELECT email || ' ' || first_name || ' '"
                    + " || status FROM notification.recipient WHERE notification_id = ?", id));
            // Chunk 0 carries the subject and body: without it nobody is mailed.
            Thread.sleep(1500);
            assertTrue(mailsTo("zoe@contract.example", id).isEmpty());
        } finally {
            execute("DELETE FROM notification.notification WHERE id = ?", id); // its ledger rows go with it
        }
    }

    @Test
    void reInviteIsSentWithTheInvitationTemplate() throws Exception {
        long sub = newSubscription();
        UUID id = publish(MessageContracts.EMAIL_REINVITE, sub, Map.of("piaId", 7));

        awaitStatus(sub, id, "completed");
        MimeMessage invitation = single("pia@contract.example", id);
        assertEquals("You are invited to join", invitation.getSubject());
        assertContains(text(invitation), "Hello Pia,");
    }

    /** Publishes the sample, as its text, for a new notification of the subscription, keyed by its id. */
    private static UUID publish(String sample, long subscription, Map<String, Object> userIds) throws Exception {
        UUID id = UUID.randomUUID();
        Map<String, Object> values = new HashMap<>(userIds);
        values.put("notificationId", id);
        values.put("subscriptionId", subscription);
        Infra.publish(Topics.EMAIL_REQUESTS, id.toString(), MessageContracts.sample(sample, values));
        return id;
    }

    private static MimeMessage single(String address, UUID id) throws Exception {
        List<MimeMessage> mails = mailsTo(address, id);
        assertEquals(1, mails.size(), "mails to " + address);
        return mails.get(0);
    }
}
