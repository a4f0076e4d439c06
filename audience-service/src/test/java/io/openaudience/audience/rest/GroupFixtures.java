package io.openaudience.audience.rest;

import io.openaudience.testsupport.Db;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;

/**
 * What the user group tests share: a fresh tenant per test, requests as that tenant, rows seeded and read back over
 * JDBC (the worker is not running in these tests), and a plain Kafka consumer for the published records.
 */
public final class GroupFixtures {

    public static final String APP = "app1";

    private GroupFixtures() {
    }

    /** A company no other test uses, so counts per tenant are exact. */
    public static String freshCompany() {
        return "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static String prefix(String company) {
        return "/service/platform/user/v1.0/company/" + company + "/application/" + APP;
    }

    /** A JSON request as a token of {@code company} allowed to use {@link #APP}. */
    public static RequestSpecification as(String company) {
        return given().auth().oauth2(TestTokens.fynd(company, APP)).contentType(ContentType.JSON);
    }

    /** Creates a bulk group through the API and returns its {@code _id}. */
    public static String createGroup(String company, String name) {
        return as(company).body(Map.of("name", name, "description", "About " + name,
                        "file_url", "http://127.0.0.1:1/" + name.replace(' ', '-') + ".csv"))
                .post(prefix(company) + "/user_group").then().statusCode(201).extract().path("_id");
    }

    /** Creates an attribute definition through the API ({@code extra}: more JSON members, or null); returns its id. */
    public static String definition(String company, String slug, String type, String extra) {
        return as(company).body("{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"description\":\"\","
                        + "\"type\":\"" + type + "\"" + (extra == null ? "" : "," + extra) + "}")
                .post(prefix(company) + "/user_attribute/definition").then().statusCode(201).extract().path("_id");
    }

    /** Sets a person's value of a definition (JSON text), as the attribute writes store it. */
    public static void value(String company, String definitionId, long userPk, String json) throws SQLException {
        execute("INSERT INTO audience.user_attribute (company_id, application_id, definition_id, user_pk, value) "
                + "VALUES (?, ?, ?, ?, ?::jsonb) ON CONFLICT (definition_id, user_pk) DO UPDATE SET value = "
                + "excluded.value", company, APP, definitionId, userPk, json);
    }

    /** Marks every job of the group finished, as the worker would, so another member change may be queued. */
    public static void finishJobsOf(String groupId) throws SQLException {
        execute("UPDATE audience.job SET status = 'completed', finished_at = now() WHERE group_id = ? "
                + "AND status IN ('queued', 'running')", groupId);
        execute("UPDATE audience.user_group SET status = 'completed' WHERE id = ?", groupId);
    }

    /** Inserts a person; returns its internal key ({@code app_user.id}). */
    public static long person(String company, String userId, String email, String phone) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audience.app_user (company_id, application_id, user_id, email_key, phone_key, emails, "
                        + "phone_numbers) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb) RETURNING id")) {
            ps.setString(1, company);
            ps.setString(2, APP);
            ps.setString(3, userId);
            ps.setString(4, email == null ? null : email.toLowerCase());
            ps.setString(5, phone);
            ps.setString(6, email == null ? "[]" : "[{\"email\":\"" + email
                    + "\",\"primary\":true,\"verified\":true,\"active\":true}]");
            ps.setString(7, phone == null ? "[]" : "[{\"phone\":\"" + phone.substring(2)
                    + "\",\"country_code\":91,\"primary\":true,\"verified\":false,\"active\":true}]");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Makes the people members of the group, as the worker would. */
    public static void addMembers(String company, String groupId, List<Long> people) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audience.user_group_member (group_id, user_pk, company_id, application_id) "
                        + "VALUES (?, ?, ?, ?)")) {
            for (long pk : people) {
                ps.setString(1, groupId);
                ps.setLong(2, pk);
                ps.setString(3, company);
                ps.setString(4, APP);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public static long count(String sql, Object... args) throws SQLException {
        return Db.count(sql, args);
    }

    /** The rows of a query, each column by its label. */
    public static List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        return Db.rows(sql, args);
    }

    public static Map<String, Object> row(String sql, Object... args) throws SQLException {
        List<Map<String, Object>> rows = rows(sql, args);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + ": " + sql);
        }
        return rows.get(0);
    }

    public static void execute(String sql, Object... args) throws SQLException {
        Db.execute(sql, args);
    }

    /** Waits until the condition holds or fails the test after the timeout. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        Db.await(timeout, what, condition);
    }

    /** Whether the outbox rows with this key have all been published. */
    public static boolean published(String key) {
        try {
            return count("SELECT count(*) FROM audience.outbox WHERE message_key = ? AND published_at IS NULL",
                    key) == 0 && count("SELECT count(*) FROM audience.outbox WHERE message_key = ?", key) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
