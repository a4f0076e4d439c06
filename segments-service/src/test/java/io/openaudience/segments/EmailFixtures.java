package io.openaudience.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.EmailRequestMessage.Recipient;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.TestTokens;
import io.restassured.specification.RequestSpecification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeds members, segments and memberships with plain SQL and reads email requests and their chunks back. */
public final class EmailFixtures {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SUBSCRIPTIONS = new AtomicLong(
            ThreadLocalRandom.current().nextLong(1_000_000_000L, 8_000_000_000L));

    private EmailFixtures() {
    }

    /** A subscription no other test uses, so counts and emails never collide. */
    public static long freshSubscription() {
        return SUBSCRIPTIONS.incrementAndGet();
    }

    public static RequestSpecification as(long subscription, String initiative, String... allowed) {
        String[] initiatives = allowed.length == 0 ? new String[]{initiative} : allowed;
        return given().auth().oauth2(TestTokens.shorterLoop(subscription, initiatives))
                .header("initiativeId", initiative).contentType("application/json");
    }

    public static long segment(long sub, String initiative, String value) throws SQLException {
        return insertReturningId("INSERT INTO segments.segment (subscription_id, initiative_id, value) VALUES (?, ?, ?)"
                + " RETURNING id", sub, initiative, value);
    }

    public static long member(long sub, String email, String name, String status) throws SQLException {
        return insertReturningId("INSERT INTO segments.member (subscription_id, email, first_name, status)"
                + " VALUES (?, ?, ?, ?) RETURNING id", sub, email, name, status);
    }

    public static void link(long segment, long sub, String initiative, long... users) throws SQLException {
        for (long user : users) {
            execute("INSERT INTO segments.user_segment (segment_id, user_id, subscription_id, initiative_id)"
                    + " VALUES (?, ?, ?, ?)", segment, user, sub, initiative);
        }
    }

    /** {@code n} members linked to the segment in one statement; their ids in ascending order. */
    public static List<Long> bulkMembers(long sub, String initiative, long segment, int n) throws SQLException {
        execute("WITH m AS (INSERT INTO segments.member (subscription_id, email, first_name)"
                + " SELECT ?, 'bulk' || g || '@example.com', 'Bulk ' || g FROM generate_series(1, ?) g RETURNING id)"
                + " INSERT INTO segments.user_segment (segment_id, user_id, subscription_id, initiative_id)"
                + " SELECT ?, id, ?, ? FROM m", sub, n, segment, sub, initiative);
        List<Long> ids = new ArrayList<>();
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT id FROM segments.member WHERE subscription_id = ?"
                     + " ORDER BY id")) {
            s.setLong(1, sub);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        assertEquals(n, ids.size());
        return ids;
    }

    /**
     * The outbox chunks of a request in publishing order. Each payload must deserialize into the record and
     * serialize back to the same JSON, so its field names are exactly the record's.
     */
    public static List<EmailRequestMessage> chunks(UUID id) throws Exception {
        List<EmailRequestMessage> chunks = new ArrayList<>();
        for (String payload : payloads(id)) {
            EmailRequestMessage message = JSON.readValue(payload, EmailRequestMessage.class);
            JsonNode roundTrip = JSON.readTree(JSON.writeValueAsString(message));
            assertEquals(roundTrip, JSON.readTree(payload), "payload fields differ from EmailRequestMessage");
            chunks.add(message);
        }
        return chunks;
    }

    /** The payloads of a request's outbox rows, in publishing order, as written; each row is for `email-requests`. */
    public static List<String> payloads(UUID id) throws SQLException {
        List<String> payloads = new ArrayList<>();
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT topic, payload FROM segments.outbox"
                     + " WHERE message_key = ? ORDER BY id")) {
            s.setString(1, id.toString());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    assertEquals(Topics.EMAIL_REQUESTS, rs.getString("topic"));
                    payloads.add(rs.getString("payload"));
                }
            }
        }
        return payloads;
    }

    public static List<Long> userIds(List<EmailRequestMessage> chunks) {
        return chunks.stream().flatMap(c -> c.recipients().stream()).map(Recipient::userId)
                .collect(Collectors.toList());
    }

    public static Map<String, Object> requestRow(UUID id) throws SQLException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT * FROM segments.email_request WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "no email_request row " + id);
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return row;
            }
        }
    }

    public static long count(String sql) {
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long insertReturningId(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static void execute(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            s.execute();
        }
    }

    /** V1's membership-count triggers name `segment` unqualified, so the connection works inside the schema. */
    public static Connection connect() throws SQLException {
        Connection c = Infra.connect();
        c.createStatement().execute("SET search_path TO segments");
        return c;
    }

    public static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }
}
