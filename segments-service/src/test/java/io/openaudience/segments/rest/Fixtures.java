package io.openaudience.segments.rest;

import io.openaudience.testsupport.Db;
import io.openaudience.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Tenants and rows for the segments tests: each test gets its own subscription, so tests never see each other. */
final class Fixtures {

    private Fixtures() {
    }

    static long newSubscription() {
        return Db.newTenantNumber();
    }

    /** A request as a user of {@code initiative} in {@code subscription} (the token also allows "OTHER"). */
    static RequestSpecification as(long subscription, String initiative) {
        return given().auth().oauth2(TestTokens.shorterLoop(subscription, initiative, "OTHER"))
                .header("initiativeId", initiative).contentType(ContentType.JSON);
    }

    static long createSegment(long subscription, String initiative, String value) {
        return ((Number) as(subscription, initiative).body(Map.of("value", value))
                .post("/api/v2/segments").then().statusCode(201).extract().path("data.id")).longValue();
    }

    /** Creates members through the API into a segment and returns their ids in input order. */
    static List<Long> addMembers(long subscription, String initiative, long segmentId, String... emails) {
        List<Map<String, String>> users = new ArrayList<>();
        for (String email : emails) {
            users.add(Map.of("name", "Name of " + email, "email", email));
        }
        List<Number> ids = as(subscription, initiative).body(Map.of("users", users))
                .post("/api/v2/segments/" + segmentId + "/users").then().statusCode(200)
                .extract().path("data.inviteResults.user.id");
        return ids.stream().map(Number::longValue).toList();
    }

    /** The ids of the members of a segment, read straight from user_segment. */
    static List<Long> membersOf(long segmentId) throws SQLException {
        return longs("SELECT user_id FROM segments.user_segment WHERE segment_id = ? ORDER BY user_id", segmentId);
    }

    static long userCountColumn(long segmentId) throws SQLException {
        List<Long> v = longs("SELECT user_count FROM segments.segment WHERE id = ?", segmentId);
        return v.isEmpty() ? -1 : v.get(0);
    }

    static List<Long> longs(String sql, Object... args) throws SQLException {
        return Db.longs(sql, args);
    }

    static void execute(String sql, Object... args) throws SQLException {
        Db.execute(sql, args);
    }
}
