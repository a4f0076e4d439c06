package io.openaudience.notification.messaging;

import com.icegreen.greenmail.util.GreenMail;
import io.openaudience.common.messaging.EmailRequestMessage.Recipient;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.openaudience.notification.NotificationFixtures.awaitNotification;
import static io.openaudience.notification.NotificationFixtures.chunks;
import static io.openaudience.notification.NotificationFixtures.newSubscription;
import static io.openaudience.notification.NotificationFixtures.notification;
import static io.openaudience.notification.NotificationFixtures.publishAll;
import static io.openaudience.notification.NotificationFixtures.recipient;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 20,000-recipient send through a PostgreSQL restart and an SMTP server refusing connections for a minute: the
 * send finishes, every recipient has one mail (at
 * most the mails in flight at a fault sent twice), and readiness goes down with the database and comes back.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class FaultTest {

    private static final int RECIPIENTS = 20_000;
    /** Mails in flight at once (the concurrency); each fault may repeat at most these. */
    private static final int IN_FLIGHT = 16;

    @Test
    void aSendFinishesOnceThroughADatabaseRestartAndAnSmtpOutage() throws Exception {
        long sub = newSubscription();
        UUID id = UUID.randomUUID();
        String run = id.toString().substring(0, 8);
        Recipient[] recipients = new Recipient[RECIPIENTS];
        for (int i = 0; i < RECIPIENTS; i++) {
            recipients[i] = recipient(i + 1, "fault" + i + "." + run + "@mail.example", "F" + i);
        }
        publishAll(chunks(id, sub, "segment", "Faults", "<p>Dear {firstName}</p>", 500, recipients));

        // PostgreSQL restarted while the send is under way.
        awaitSent(sub, id, 2_000);
        Infra.stopPostgres();
        try {
            await(() -> given().get("/q/health/ready").statusCode() == 503, Duration.ofSeconds(30),
                    "readiness did not go down with the database");
            Thread.sleep(2_000);
        } finally {
            Infra.startPostgresAgain();
        }
        await(() -> given().get("/q/health/ready").statusCode() == 200, Duration.ofSeconds(60),
                "readiness did not come back with the database");

        // Then the SMTP server refuses connections for a minute.
        awaitSent(sub, id, 8_000);
        // The sink comes back as a new, empty server: what the old one received is counted once it refuses connections
        // (so a mail completed just before the stop is counted too).
        Map<String, Integer> mails = new HashMap<>();
        GreenMail before = Infra.stopSmtp();
        count(before, id, mails);
        try {
            Thread.sleep(60_000);
        } finally {
            Infra.startSmtpAgain();
        }

        JsonPath done = awaitNotification(sub, id, n -> "completed".equals(n.getString("status")),
                Duration.ofMinutes(5));
        assertEquals(RECIPIENTS, done.getLong("sent"));
        assertEquals(0L, done.getLong("failed"));

        count(Infra.smtp(), id, mails);
        assertTrue(mails.size() >= RECIPIENTS - IN_FLIGHT, mails.size() + " recipients with a mail");
        long repeated = mails.values().stream().mapToInt(n -> n - 1).sum();
        assertTrue(repeated <= 2 * IN_FLIGHT, repeated + " mails repeated, more than were in flight at the faults");
    }

    /** Adds the mails of the notification the sink received, per recipient. */
    private static void count(GreenMail sink, UUID id, Map<String, Integer> mails) throws MessagingException {
        for (MimeMessage m : sink.getReceivedMessages()) {
            String[] ids = m.getHeader("X-Notification-Id");
            if (ids != null && ids[0].equals(id.toString())) {
                mails.merge(m.getRecipients(Message.RecipientType.TO)[0].toString(), 1, Integer::sum);
            }
        }
    }

    private static void awaitSent(long sub, UUID id, long sent) throws InterruptedException {
        awaitNotification(sub, id, n -> n.getLong("sent") >= sent, Duration.ofMinutes(3));
    }

    private static void await(BooleanSupplier condition, Duration timeout, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(200);
        }
    }
}
