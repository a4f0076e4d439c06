package io.openaudience.notification.messaging;

import io.openaudience.notification.NotificationFixtures;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import static io.openaudience.notification.NotificationFixtures.address;
import static io.openaudience.notification.NotificationFixtures.api;
import static io.openaudience.notification.NotificationFixtures.assertContains;
import static io.openaudience.notification.NotificationFixtures.awaitStatus;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.ledgerValue;
import static io.openaudience.notification.NotificationFixtures.mailsTo;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.publish;
import static io.openaudience.notification.NotificationFixtures.publishAll;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static io.openaudience.notification.NotificationFixtures.text;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * email-requests chunks → ledger → SMTP, on the real broker and the real SMTP sink: personalised mails, one per
 * recipient, whatever the broker redelivers; the notification's account of it; tenancy.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class DeliveryTest {

    @Test
    void everyRecipientGetsOnePersonalisedMailEvenWhenChunksComeTwiceAndOutOfOrder() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String ada = address("ada");
        String grace = address("grace");
        String alan = address("alan");
        List<EmailRequestMessage> chunks = chunks(id, sub, "segment", "Launch news",
                "<p>Hello {firstName ?: 'there'}, this goes to {email}.</p><p>Bye &amp; thanks</p>", 2,
                recipient(11, ada, "Ada"), recipient(12, grace, "Grace <G>"), recipient(13, alan, null));
        publish(chunks.get(1));
        publish(chunks.get(0));
        publish(chunks.get(0));

        JsonPath done = awaitStatus(sub, id, "completed");
        assertEquals(3, done.getLong("recipients"));
        assertEquals(3, done.getLong("sent"));
        assertEquals(0L, done.getLong("queued"));
        assertEquals(0L, done.getLong("failed"));
        assertEquals(2, done.getInt("chunksReceived"));
        assertNotNull(done.getString("finishedAt"));

        List<MimeMessage> toAda = mailsTo(ada, id);
        assertEquals(1, toAda.size());
        MimeMessage mail = toAda.get(0);
        assertEquals("Launch news", mail.getSubject());
        String body = text(mail);
        assertContains(body, "<p>Hello Ada, this goes to " + ada + ".</p>");
        assertContains(body, "Hello Ada, this goes to " + ada + ".\n\nBye & thanks");
        assertContains(text(mailsTo(grace, id).get(0)), "Hello Grace <G>, this goes to");
        assertEquals(java.util.Set.of("text/plain", "text/html"),
                java.util.Set.copyOf(NotificationFixtures.partTypes(mail)));
        String unsubscribe = mail.getHeader("List-Unsubscribe")[0];
        assertTrue(unsubscribe.startsWith("<http://"), unsubscribe);
        assertContains(unsubscribe, "/api/v2/notifications/unsubscribe?token=");
        assertContains(body, unsubscribe.substring(1, unsubscribe.length() - 1));
        assertEquals("List-Unsubscribe=One-Click", mail.getHeader("List-Unsubscribe-Post")[0]);

        assertContains(text(mailsTo(grace, id).get(0)), "Hello Grace &lt;G&gt;");
        assertContains(text(mailsTo(alan, id).get(0)), "Hello there");

        // The whole topic replayed after the fact: nothing is sent again.
        publishAll(chunks);
        Thread.sleep(1500);
        for (String address : List.of(ada, grace, alan)) {
            assertEquals(1, mailsTo(address, id).size(), address);
        }
        assertEquals("3", ledgerValue("SELECT count(*) FROM notification.recipient WHERE notification_id = ?", id));
        assertEquals(3, NotificationFixtures.notification(sub, id).getLong("sent"));
    }

    @Test
    void recipientsArePagedAndFilteredByStatus() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        publishAll(chunks(id, sub, "selected", "Hi", "<p>Hi {firstName}</p>", 500,
                recipient(3, address("c"), "C"), recipient(1, address("a"), "A"), recipient(2, "not-an-address", "B")));
        awaitStatus(sub, id, "completed");

        api(sub)
                .queryParam("size", 2).get("/api/v2/notifications/" + id + "/recipients")
                .then().statusCode(200)
                .body("data.total", equalTo(3)).body("data.page", equalTo(0)).body("data.size", equalTo(2))
                .body("data.recipients.userId", contains(1, 2));
        api(sub)
                .queryParam("size", 2).queryParam("page", 1).get("/api/v2/notifications/" + id + "/recipients")
                .then().statusCode(200).body("data.recipients.userId", contains(3));
        api(sub)
                .queryParam("status", "failed").get("/api/v2/notifications/" + id + "/recipients")
                .then().statusCode(200)
                .body("data.total", equalTo(1))
                .body("data.recipients[0].userId", equalTo(2))
                .body("data.recipients[0].reason", equalTo("invalid address"));
        api(sub)
                .queryParam("page", 7).get("/api/v2/notifications/" + id + "/recipients")
                .then().statusCode(200).body("data.total", equalTo(3)).body("data.recipients", hasSize(0));

        for (String[] bad : new String[][] {{"status", "delivered"}, {"size", "0"}, {"size", "501"}, {"page", "-1"}}) {
            api(sub).queryParam(bad[0], bad[1])
                    .get("/api/v2/notifications/" + id + "/recipients")
                    .then().statusCode(400)
                    .body("success", equalTo(false))
                    .body("errors[0].field", equalTo(bad[0]));
        }
    }

    @Test
    void anotherTenantsNotificationIsNotFound() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        publishAll(chunks(id, sub, "segment", "Hi", "<p>Hi</p>", 500, recipient(1, address("t"), "T")));
        awaitStatus(sub, id, "completed");

        api(newSubscription())
                .get("/api/v2/notifications/" + id).then().statusCode(404).body("success", equalTo(false));
        given().auth().oauth2(TestTokens.shorterLoop(sub, "OTHER")).header("initiativeId", "OTHER")
                .get("/api/v2/notifications/" + id).then().statusCode(404);
        given().auth().oauth2(TestTokens.shorterLoop(sub, "OTHER")).header("initiativeId", "OTHER")
                .get("/api/v2/notifications/" + id + "/recipients").then().statusCode(404);
        given().auth().oauth2(TestTokens.shorterLoop(sub, "OTHER")).header("initiativeId", "DEE")
                .get("/api/v2/notifications/" + id).then().statusCode(403);
        given().header("initiativeId", "DEE").get("/api/v2/notifications/" + id).then().statusCode(401);
        given().auth().oauth2(TestTokens.expired(sub, "DEE")).header("initiativeId", "DEE")
                .get("/api/v2/notifications/" + id).then().statusCode(401);
        api(sub)
                .get("/api/v2/notifications/not-a-uuid").then().statusCode(404);
    }

    @Test
    void reInvitesUseTheInvitationTemplate() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String pending = address("pending");
        publishAll(chunks(id, sub, "reinvite", null, null, 500, recipient(5, pending, "Pia")));
        awaitStatus(sub, id, "completed");

        List<MimeMessage> mails = mailsTo(pending, id);
        assertEquals(1, mails.size());
        assertEquals("You are invited to join", mails.get(0).getSubject());
        assertContains(text(mails.get(0)), "Hello Pia,");
        assertContains(text(mails.get(0)), "Sign in with " + pending);
    }

    @Test
    void anExpiredLeaseOfADeadInstanceIsTakenBackAndSentOnce() throws Exception {
        // What a killed instance leaves behind: a recorded notification whose recipients it had claimed.
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String a = address("lease-a");
        String b = address("lease-b");
        NotificationFixtures.executeTogether(new NotificationFixtures.Sql("INSERT INTO notification.notification "
                + "(id, subscription_id, initiative_id, kind, status, recipients, subject, body, chunks, "
                + "chunks_received, started_at) VALUES (?, ?, 'DEE', 'segment', 'sending', 3, 'Lease', "
                + "'<p>Lease {firstName}</p>', 1, 1, now())", id, sub),
                new NotificationFixtures.Sql("INSERT INTO notification.recipient (notification_id, user_id, email, "
                        + "first_name, status, lease_until) VALUES (?, 1, ?, 'A', 'sending', now() - interval "
                        + "'1 second'), (?, 2, ?, 'B', 'sending', now() + interval '1 hour'), "
                        + "(?, 3, 'gone@mail.example', 'C', 'sent', null)", id, a, id, b, id),
                new NotificationFixtures.Sql("INSERT INTO notification.notification_chunk (notification_id, chunk) "
                        + "VALUES (?, 0)", id));

        NotificationFixtures.awaitNotification(sub, id, n -> n.getLong("sent") == 2, java.time.Duration.ofSeconds(30));
        assertEquals(1, mailsTo(a, id).size());
        assertContains(text(mailsTo(a, id).get(0)), "Lease A");
        // A live lease is left alone: that recipient is still some instance's to send.
        assertTrue(mailsTo(b, id).isEmpty());
        assertEquals("sending", ledgerValue("SELECT status FROM notification.recipient WHERE notification_id = ? "
                + "AND user_id = 2", id));
        assertEquals("sending", ledgerValue("SELECT status FROM notification.notification WHERE id = ?", id));
    }

    @Test
    void unsubscribeLinkSuppressesTheAddressForTheTenant() throws Exception {
        long sub = newSubscription();
        UUID first = UUID.randomUUID();
        String leaving = address("leaving");
        String staying = address("staying");
        publishAll(chunks(first, sub, "segment", "One", "<p>One</p>", 500, recipient(1, leaving, "L")));
        awaitStatus(sub, first, "completed");
        String header = mailsTo(leaving, first).get(0).getHeader("List-Unsubscribe")[0];
        URI link = URI.create(header.substring(1, header.length() - 1));
        String token = link.getQuery().substring("token=".length());

        // Following the link (a person, or a mail scanner) only shows a page asking to confirm: nothing changes.
        String page = given().queryParam("token", token).get("/api/v2/notifications/unsubscribe")
                .then().statusCode(200).contentType(containsString("text/html")).extract().asString();
        assertContains(page, leaving);
        assertContains(page, "<form method=\"post\" action=\"unsubscribe?token=");
        assertEquals("0", ledgerValue("SELECT count(*) FROM notification.suppression WHERE subscription_id = ? "
                + "AND initiative_id = 'DEE'", sub));
        // One-click (RFC 8058): a mail client POSTs the List-Unsubscribe link with List-Unsubscribe=One-Click.
        given().queryParam("token", token).accept("application/json")
                .contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                .post("/api/v2/notifications/unsubscribe")
                .then().statusCode(200).body("data.email", equalTo(leaving)).body("data.unsubscribed", equalTo(true));
        // The page's button: a browser gets a page back; doing it again changes nothing.
        String donePage = given().queryParam("token", token).accept("text/html")
                .contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                .post("/api/v2/notifications/unsubscribe")
                .then().statusCode(200).contentType(containsString("text/html")).extract().asString();
        assertContains(donePage, "Unsubscribed");
        given().queryParam("token", token).post("/api/v2/notifications/unsubscribe").then().statusCode(200);
        assertEquals("1", ledgerValue("SELECT count(*) FROM notification.suppression WHERE subscription_id = ? "
                + "AND initiative_id = 'DEE' AND email = ?", sub, leaving));

        given().queryParam("token", token.substring(0, token.length() - 2) + "xx")
                .get("/api/v2/notifications/unsubscribe")
                .then().statusCode(400).body("errors[0].field", equalTo("token"));
        given().get("/api/v2/notifications/unsubscribe").then().statusCode(400).body("errors[0].field",
                equalTo("token"));
        given().queryParam("token", "garbage").post("/api/v2/notifications/unsubscribe")
                .then().statusCode(400).body("errors[0].field", equalTo("token"));

        UUID second = UUID.randomUUID();
        publishAll(chunks(second, sub, "segment", "Two", "<p>Two</p>", 500, recipient(1, leaving.toUpperCase(), "L"),
                recipient(2, staying, "S")));
        JsonPath done = awaitStatus(sub, second, "completed");
        assertEquals(1, done.getLong("sent"));
        assertEquals(1, done.getLong("skipped"));
        assertTrue(mailsTo(leaving, second).isEmpty());
        assertEquals(1, mailsTo(staying, second).size());
        assertEquals("unsubscribed", ledgerValue("SELECT reason FROM notification.recipient "
                + "WHERE notification_id = ? AND user_id = 1",
                second));

        // Suppression is per tenant: another subscription still mails the address.
        long other = newSubscription();
        UUID third = UUID.randomUUID();
        publishAll(chunks(third, other, "segment", "Three", "<p>Three</p>", 500, recipient(1, leaving, "L")));
        assertEquals(1, awaitStatus(other, third, "completed").getLong("sent"));
        assertEquals(1, mailsTo(leaving, third).size());
    }
}
