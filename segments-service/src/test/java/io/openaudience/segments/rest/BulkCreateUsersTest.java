package io.openaudience.segments.rest;

import io.openaudience.testsupport.MemberRowCorpus;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.openaudience.segments.rest.Fixtures.as;
import static io.openaudience.segments.rest.Fixtures.createSegment;
import static io.openaudience.segments.rest.Fixtures.longs;
import static io.openaudience.segments.rest.Fixtures.membersOf;
import static io.openaudience.segments.rest.Fixtures.newSubscription;
import static io.openaudience.segments.rest.Fixtures.userCountColumn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POST `/api/v2/segments/{id}/users` and `/api/v2/idea-manager/bulk-create-user[/{segmentId}]` (seed 000). */
@QuarkusTest
class BulkCreateUsersTest {

    private static final String ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    private static Map<String, Object> row(String name, String email) {
        Map<String, Object> row = new HashMap<>();
        row.put("name", name);
        row.put("email", email);
        return row;
    }

    /** The same rows, outcomes and reasons as import-worker's CSV import ({@link MemberRowCorpus}). */
    @Test
    void acceptsAndRejectsExactlyTheRowsTheImportDoes() throws Exception {
        long sub = newSubscription();
        List<Map<String, Object>> users = MemberRowCorpus.ROWS.stream()
                .map(r -> row(r.name(), r.email().isEmpty() ? null : r.email())).toList();
        List<Map<String, Object>> results = given().auth().oauth2(TestTokens.shorterLoop(sub, "DEE"))
                .header("initiativeId", "DEE").contentType("application/json").body(users)
                .post("/api/v2/idea-manager/bulk-create-user").then().statusCode(200)
                .extract().path("data.inviteResults");
        List<String> refusals = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> result = results.get(i);
            if (Boolean.TRUE.equals(result.get("success"))) {
                accepted.add(((Map<?, ?>) result.get("user")).get("email").toString());
            } else {
                refusals.add((i + 1) + ": " + result.get("error"));
            }
        }
        assertEquals(MemberRowCorpus.refusals(), refusals);
        assertEquals(MemberRowCorpus.ROWS.stream().filter(r -> r.reason() == null).map(r -> r.email().strip())
                .toList(), accepted);
    }

    @Test
    void createsMembersInInputOrderWithPerRowFailures() throws Exception {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Bulk");
        List<Map<String, Object>> users = List.of(
                row("Aarav Kapoor", "aarav.kapoor@shorterloop.com"),
                row("No Email", null),
                row("Bad", "not-an-email"),
                row("Meera Singh", " Meera.Singh@shorterloop.com "));
        var body = as(sub, "DEE").body(Map.of("users", users)).post("/api/v2/segments/" + id + "/users")
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", equalTo("Users copied to segment successfully"))
                .body("data", aMapWithSize(2))
                .body("data.segmentCount", equalTo(2))
                .body("data.inviteResults", hasSize(4))
                .body("data.inviteResults[0].success", equalTo(true))
                .body("data.inviteResults[0]", aMapWithSize(2))
                .body("data.inviteResults[0].user", aMapWithSize(6))
                .body("data.inviteResults[0].user.email", equalTo("aarav.kapoor@shorterloop.com"))
                .body("data.inviteResults[0].user.role", equalTo("idm_member"))
                .body("data.inviteResults[0].user.firstName", equalTo("Aarav Kapoor"))
                .body("data.inviteResults[0].user.createdAt", matchesPattern(ISO))
                .body("data.inviteResults[0].user.updatedAt", matchesPattern(ISO))
                .body("data.inviteResults[1].success", equalTo(false))
                .body("data.inviteResults[1].row", equalTo(2))
                .body("data.inviteResults[1].error", equalTo("missing email"))
                .body("data.inviteResults[1]", not(hasKey("email")))
                .body("data.inviteResults[2].success", equalTo(false))
                .body("data.inviteResults[2].email", equalTo("not-an-email"))
                .body("data.inviteResults[2].row", equalTo(3))
                .body("data.inviteResults[2].error", equalTo("invalid email"))
                .body("data.inviteResults[3].user.email", equalTo("Meera.Singh@shorterloop.com"))
                .extract();
        long aarav = ((Number) body.path("data.inviteResults[0].user.id")).longValue();
        long meera = ((Number) body.path("data.inviteResults[3].user.id")).longValue();
        assertEquals(List.of(Math.min(aarav, meera), Math.max(aarav, meera)), membersOf(id));
        assertEquals(2, userCountColumn(id));
        assertEquals(List.of(2L), longs("SELECT count(*) FROM segments.member WHERE subscription_id = ?"
                + " AND role = 'idm_member' AND status = 'pending'", sub));
    }

    @Test
    void existingEmailIsLinkedNotDuplicatedAndSegmentCountCountsNewLinksOnly() throws Exception {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Linked");
        long first = ((Number) as(sub, "DEE").body(Map.of("users", List.of(row("Ann", "ann@example.com"))))
                .post("/api/v2/segments/" + id + "/users").then().statusCode(200)
                .body("data.segmentCount", equalTo(1))
                .extract().path("data.inviteResults[0].user.id")).longValue();

        as(sub, "DEE").body(Map.of("users", List.of(row("Ann Again", "ANN@example.com"), row("Bob", "bob@example.com"),
                        row("Bob twice", "bob@EXAMPLE.com"))))
                .post("/api/v2/segments/" + id + "/users").then().statusCode(200)
                .body("data.segmentCount", equalTo(1))
                .body("data.inviteResults.success", org.hamcrest.Matchers.contains(true, true, true))
                .body("data.inviteResults[0].user.id", equalTo((int) first))
                .body("data.inviteResults[0].user.email", equalTo("ann@example.com"))
                .body("data.inviteResults[0].user.firstName", equalTo("Ann"));

        assertEquals(List.of(2L), longs("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        assertEquals(2, membersOf(id).size());
        // The same email in another subscription is another member.
        long otherSub = newSubscription();
        long otherSegment = createSegment(otherSub, "DEE", "Linked");
        as(otherSub, "DEE").body(Map.of("users", List.of(row("Ann", "ann@example.com"))))
                .post("/api/v2/segments/" + otherSegment + "/users").then().statusCode(200)
                .body("data.inviteResults[0].user.id", not(equalTo((int) first)));
    }

    @Test
    void ideaManagerBulkCreateWithoutSegmentCreatesMembersOnly() throws Exception {
        long sub = newSubscription();
        given().auth().oauth2(TestTokens.shorterLoop(sub, "DEE")).header("initiativeId", "DEE")
                .contentType("application/json")
                .body(List.of(row("Tara Khanna", "tara@example.com"), row("x", "x@")))
                .post("/api/v2/idea-manager/bulk-create-user").then().statusCode(200)
                .body("success", equalTo(true))
                .body("data.segmentCount", equalTo(0))
                .body("data.inviteResults", hasSize(2))
                .body("data.inviteResults[0].user.firstName", equalTo("Tara Khanna"))
                .body("data.inviteResults[1].error", equalTo("invalid email"));
        assertEquals(List.of(1L), longs("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        assertEquals(List.of(0L), longs("SELECT count(*) FROM segments.user_segment WHERE subscription_id = ?", sub));
    }

    @Test
    void ideaManagerBulkCreateIntoSegmentLinksMembers() throws Exception {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "IDM");
        as(sub, "DEE").body(List.of(row("A", "a@example.com"), row("B", "b@example.com")))
                .post("/api/v2/idea-manager/bulk-create-user/" + id).then().statusCode(200)
                .body("data.segmentCount", equalTo(2))
                .body("data.inviteResults.user.email", org.hamcrest.Matchers.contains("a@example.com",
                        "b@example.com"));
        assertEquals(2, membersOf(id).size());
        as(sub, "OTHER").body(List.of(row("C", "c@example.com")))
                .post("/api/v2/idea-manager/bulk-create-user/" + id).then().statusCode(404);
        as(newSubscription(), "DEE").body(List.of(row("C", "c@example.com")))
                .post("/api/v2/idea-manager/bulk-create-user/" + id).then().statusCode(404);
        assertEquals(List.of(0L), longs("SELECT count(*) FROM segments.member WHERE lower(email) = 'c@example.com'"
                + " AND subscription_id = ?", sub));
    }

    @Test
    void moreThan1000RowsIs413PointingToTheImport() {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Big");
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            users.add(row("U" + i, "u" + i + "@example.com"));
        }
        as(sub, "DEE").body(Map.of("users", users)).post("/api/v2/segments/" + id + "/users").then().statusCode(413)
                .body("success", equalTo(false))
                .body("message", containsString("/api/v2/segments/" + id + "/create-users"));
        as(sub, "DEE").body(users).post("/api/v2/idea-manager/bulk-create-user").then().statusCode(413)
                .body("message", containsString("/api/v2/idea-manager/create-users"));
        // Exactly 1000 is accepted, set-based, in one request.
        as(sub, "DEE").body(Map.of("users", users.subList(0, 1000))).post("/api/v2/segments/" + id + "/users")
                .then().statusCode(200).body("data.segmentCount", equalTo(1000))
                .body("data.inviteResults", hasSize(1000));
    }

    @Test
    void missingOrWronglyTypedUsersIs400NamingTheField() {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Invalid");
        as(sub, "DEE").body(Map.of()).post("/api/v2/segments/" + id + "/users").then().statusCode(400)
                .body("success", equalTo(false)).body("errors.field", hasItem("users"));
        as(sub, "DEE").body(Map.of("users", "nope")).post("/api/v2/segments/" + id + "/users").then().statusCode(400)
                .body("errors.field", hasItem("users"));
        as(sub, "DEE").body("[{\"name\": ").post("/api/v2/idea-manager/bulk-create-user").then().statusCode(400)
                .body("success", equalTo(false));
        as(sub, "DEE").body(Map.of("users", List.of(row("A", "a@example.com"))))
                .post("/api/v2/segments/999999999/users").then().statusCode(404);
    }

    @Test
    void crossTenantSegmentIs404AndNothingIsWritten() throws Exception {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Guarded");
        long intruder = newSubscription();
        as(intruder, "DEE").body(Map.of("users", List.of(row("Eve", "eve@example.com"))))
                .post("/api/v2/segments/" + id + "/users").then().statusCode(404);
        as(sub, "OTHER").body(Map.of("users", List.of(row("Eve", "eve@example.com"))))
                .post("/api/v2/segments/" + id + "/users").then().statusCode(404);
        assertEquals(List.of(), membersOf(id));
        assertEquals(List.of(0L), longs("SELECT count(*) FROM segments.member WHERE subscription_id IN (?, ?)",
                sub, intruder));
    }

    @Test
    void unauthenticatedAndForbiddenAreRejected() {
        given().contentType("application/json").header("initiativeId", "DEE").body(List.of())
                .post("/api/v2/idea-manager/bulk-create-user").then().statusCode(401);
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE")).header("initiativeId", "MGMT")
                .contentType("application/json").body(Map.of("users", List.of()))
                .post("/api/v2/segments/1/users").then().statusCode(403);
    }
}
