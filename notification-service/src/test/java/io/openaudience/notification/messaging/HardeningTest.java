package io.openaudience.notification.messaging;

import io.openaudience.testsupport.InfraTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static io.openaudience.notification.NotificationFixtures.address;
import static io.openaudience.notification.NotificationFixtures.assertContains;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.execute;
import static io.openaudience.notification.NotificationFixtures.ledgerValue;
import static io.openaudience.notification.NotificationFixtures.mailsTo;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.publishAll;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static io.openaudience.notification.NotificationFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a mail must survive, on the real database and SMTP sink: a ledger write failing right after the send,
 * CR/LF in header values, Qute sections in the tenant's template, and a template that cannot be rendered.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class HardeningTest {

    @Test
    void aSentMarkThatFailsOnceIsRetriedSoTheRecipientGetsOneMail() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String once = address("fail-once");
        // The first write of "sent" for this address fails (a sequence is not rolled back with the failed update).
        execute("CREATE SEQUENCE IF NOT EXISTS notification.test_fail_once");
        execute("CREATE OR REPLACE FUNCTION notification.test_fail_sent_once() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN IF NEW.status = 'sent' AND NEW.email = '" + once + "'"
                + " AND nextval('notification.test_fail_once') = 1 THEN"
                + " RAISE EXCEPTION 'injected: ledger write failed'; END IF; RETURN NEW; END $$");
        execute("CREATE TRIGGER test_fail_sent_once BEFORE UPDATE ON notification.recipient FOR EACH ROW "
                + "EXECUTE FUNCTION notification.test_fail_sent_once()");
        try {
            publishAll(chunks(id, sub, "segment", "Once", "<p>Once {firstName}</p>", 500, recipient(1, once, "O")));
            JsonPath done = awaitStatus(sub, id, "completed");
            assertEquals(1, done.getLong("sent"));
            assertEquals("2", ledgerValue("SELECT last_value FROM notification.test_fail_once"));
            // Well past the (test) lease: the recipient was not handed out again.
            Thread.sleep(12_000);
            assertEquals(1, mailsTo(once, id).size());
            assertEquals("sent", ledgerValue("SELECT status FROM notification.recipient WHERE notification_id = ?",
                    id));
        } finally {
            execute("DROP TRIGGER test_fail_sent_once ON notification.recipient");
            execute("DROP FUNCTION notification.test_fail_sent_once()");
            execute("DROP SEQUENCE notification.test_fail_once");
        }
    }

    @Test
    void noCrOrLfReachesAHeader() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String eve = address("eve");
        // Straight from the topic (segments-service would refuse a two-line subject): the subject itself and the
        // first name it uses both try to start headers of their own.
        publishAll(chunks(id, sub, "segment", "Hi {firstName}\r\nX-Injected: subject", "<p>Hi {firstName}</p>", 500,
                recipient(1, eve, "Eve\r\nBcc: spy@evil.example\nX-Injected: name")));
        awaitStatus(sub, id, "completed");

        List<MimeMessage> mails = mailsTo(eve, id);
        assertEquals(1, mails.size());
        MimeMessage mail = mails.get(0);
        assertEquals("Hi Eve Bcc: spy@evil.example X-Injected: name X-Injected: subject", mail.getSubject());
        assertNull(mail.getHeader("X-Injected"));
        assertNull(mail.getHeader("Bcc"));
        for (String name : Collections.list(mail.getAllHeaderLines())) {
            assertFalse(name.startsWith("Bcc") || name.startsWith("X-Injected"), name);
        }
        assertTrue(mailsTo("spy@evil.example", id).isEmpty());
    }

    @Test
    void quteSectionsRenderAsQuteRendersThem() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String named = address("named");
        String nameless = address("nameless");
        publishAll(chunks(id, sub, "segment", "{#if firstName}For {firstName}{#else}For you{/if}",
                "<p>{#if firstName}Dear {firstName}{#else}Hello friend{/if}, ({email})</p>", 500,
                recipient(1, named, "Ada"), recipient(2, nameless, null)));
        awaitStatus(sub, id, "completed");

        MimeMessage toAda = mailsTo(named, id).get(0);
        assertEquals("For Ada", toAda.getSubject());
        assertContains(text(toAda), "<p>Dear Ada, (" + named + ")</p>");
        assertFalse(text(toAda).contains("{#if"));
        MimeMessage toNobody = mailsTo(nameless, id).get(0);
        assertEquals("For you", toNobody.getSubject());
        assertContains(text(toNobody), "<p>Hello friend, (" + nameless + ")</p>");
    }

    @Test
    void aTemplateThatCannotRenderFailsItsRecipientsWithTheReasonOnce() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String a = address("unrenderable");
        publishAll(chunks(id, sub, "segment", "Hi", "<p>{firstName.nope}</p>", 500, recipient(1, a, "A")));
        JsonPath done = awaitStatus(sub, id, "completed");
        assertEquals(1, done.getLong("failed"));
        assertTrue(mailsTo(a, id).isEmpty());
        assertContains(ledgerValue("SELECT reason FROM notification.recipient WHERE notification_id = ?", id),
                "template cannot be rendered");
        assertEquals("1", ledgerValue("SELECT attempts FROM notification.recipient WHERE notification_id = ?", id));
    }
}
