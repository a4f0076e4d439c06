package io.openaudience.notification;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.EmailKind;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.EmailRequestMessage.Recipient;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.TestTokens;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;

/**
 * Publishes email requests to the real broker exactly as segments-service's outbox relay does (chunks of a frozen
 * recipient list keyed by notification id), and reads back the API, the ledger and the SMTP sink.
 */
public final class NotificationFixtures {

    public static final String INITIATIVE = "DEE";
    private static final AtomicLong SUBSCRIPTIONS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);
    private static final ObjectMapper JSON = new ObjectMapper();

    private NotificationFixtures() {
    }

    public static long newSubscription() {
        return SUBSCRIPTIONS.incrementAndGet();
    }

    public static String token(long subscription) {
        return TestTokens.shorterLoop(subscription, INITIATIVE);
    }

    /**
     * The request's recipients cut into chunks of {@code chunkSize}, as segments-service freezes them: chunk 0 carries
     * the subject and body.
     */
    public static List<EmailRequestMessage> chunks(UUID id, long subscription, String kind, String subject,
                                                   String body, int chunkSize, Recipient... recipients) {
        List<EmailRequestMessage> chunks = new ArrayList<>();
        int count = (recipients.length + chunkSize - 1) / chunkSize;
        for (int i = 0; i < count; i++) {
            List<Recipient> part = Arrays.asList(recipients).subList(i * chunkSize,
                    Math.min(recipients.length, (i + 1) * chunkSize));
            chunks.add(new EmailRequestMessage(id, subscription, INITIATIVE, EmailKind.ofWire(kind),
                    i == 0 ? subject : null, i == 0 ? body : null, i, count, recipients.length, part));
        }
        return chunks;
    }

    public static void publish(EmailRequestMessage message) throws Exception {
        Infra.publish(Topics.EMAIL_REQUESTS, message.notificationId().toString(), JSON.writeValueAsString(message));
    }

    public static void publishAll(List<EmailRequestMessage> chunks) throws Exception {
        for (EmailRequestMessage chunk : chunks) {
            publish(chunk);
        }
    }

    /** A request of the subscription's token with the initiative header, as every /api/v2 call needs. */
    public static RequestSpecification api(long subscription) {
        return given().auth().oauth2(token(subscription)).header("initiativeId", INITIATIVE);
    }

    /** The notification as the API shows it (its {@code data}), or null while it is unknown. */
    public static JsonPath notification(long subscription, UUID id) {
        var response = api(subscription).get("/api/v2/notifications/" + id);
        return response.statusCode() == 200 ? response.jsonPath().setRootPath("data") : null;
    }

    /** Polls the API until the notification satisfies {@code done}; fails after {@code timeout}. */
    public static JsonPath awaitNotification(long subscription, UUID id, Predicate<JsonPath> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            last = notification(subscription, id);
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("notification " + id + " did not get there in " + timeout + "; last: "
                + (last == null ? "unknown" : last.prettify()));
    }

    public static JsonPath awaitStatus(long subscription, UUID id, String status) throws InterruptedException {
        return awaitNotification(subscription, id, n -> status.equals(n.getString("status")), Duration.ofSeconds(60));
    }

    /** Mails of this notification the SMTP sink received for {@code address}. */
    public static List<MimeMessage> mailsTo(String address, UUID notification) throws MessagingException {
        List<MimeMessage> mails = new ArrayList<>();
        for (MimeMessage m : Infra.smtp().getReceivedMessages()) {
            String[] ids = m.getHeader("X-Notification-Id");
            if (ids != null && ids[0].equals(notification.toString())
                    && Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                    .anyMatch(a -> a.toString().equalsIgnoreCase(address))) {
                mails.add(m);
            }
        }
        return mails;
    }

    /** Every text part of a mail (HTML and plain text), decoded, concatenated. */
    public static String text(MimeMessage mail) throws MessagingException, IOException {
        return text(mail.getContent()).replace("\r\n", "\n");
    }

    private static String text(Object content) throws MessagingException, IOException {
        if (content instanceof Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                all.append(text(multipart.getBodyPart(i).getContent())).append('\n');
            }
            return all.toString();
        }
        return String.valueOf(content);
    }

    /** The content types of a mail's parts, e.g. [text/plain, text/html] for a multipart/alternative. */
    public static List<String> partTypes(MimeMessage mail) throws MessagingException, IOException {
        List<String> types = new ArrayList<>();
        collectTypes(mail.getContent(), types);
        return types;
    }

    private static void collectTypes(Object content, List<String> types) throws MessagingException, IOException {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.getContent() instanceof Multipart) {
                    collectTypes(part.getContent(), types);
                } else {
                    types.add(part.getContentType().split(";")[0].trim().toLowerCase());
                }
            }
        }
    }

    public static String ledgerValue(String sql, Object... params) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public static int execute(String sql, Object... params) throws SQLException {
        return executeTogether(new Sql(sql, params));
    }

    /**
     * Runs the statements in one transaction, so the sweeper (every 2 s) never sees half of what they write: a
     * notification inserted before its recipients would look finished to it and be completed.
     */
    public static int executeTogether(Sql... statements) throws SQLException {
        try (Connection c = Infra.connect()) {
            c.setAutoCommit(false);
            int rows = 0;
            for (Sql statement : statements) {
                try (PreparedStatement ps = c.prepareStatement(statement.text())) {
                    for (int i = 0; i < statement.params().length; i++) {
                        ps.setObject(i + 1, statement.params()[i]);
                    }
                    rows += ps.executeUpdate();
                }
            }
            c.commit();
            return rows;
        }
    }

    /** One statement of {@link #executeTogether}. */
    public record Sql(String text, Object... params) {
    }

    public static void assertContains(String actual, String expected) {
        if (actual == null || !actual.contains(expected)) {
            throw new AssertionError("expected to contain <" + expected + "> but was <" + actual + ">");
        }
    }

    public static Recipient recipient(long userId, String email, String firstName) {
        return new Recipient(userId, email, firstName);
    }

    /** A unique address per test run, so mails of earlier runs in the same sink never count. */
    public static String address(String local) {
        return local + "." + UUID.randomUUID().toString().substring(0, 8) + "@mail.example";
    }
}
