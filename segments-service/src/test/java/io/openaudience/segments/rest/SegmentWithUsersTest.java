package io.openaudience.segments.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.openaudience.segments.rest.Fixtures.addMembers;
import static io.openaudience.segments.rest.Fixtures.as;
import static io.openaudience.segments.rest.Fixtures.createSegment;
import static io.openaudience.segments.rest.Fixtures.longs;
import static io.openaudience.segments.rest.Fixtures.newSubscription;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** GET `/api/v2/segments/with-users[/{id}]`: the seed 002 shape, pagination and tenancy. */
@QuarkusTest
class SegmentWithUsersTest {

    private static final String ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @Test
    void segmentWithUsersHasTheSeedShapeAndListsAllSegmentsOfEachUser() throws Exception {
        long sub = newSubscription();
        long young = createSegment(sub, "DEE", "Young Innovators");
        long early = createSegment(sub, "DEE", "Early Adopters");
        List<Long> ids = addMembers(sub, "DEE", young, "aarav.patel@shorterloop.com", "isha.sharma@shorterloop.com");
        addMembers(sub, "DEE", early, "aarav.patel@shorterloop.com");
        // A membership in another initiative of the same subscription is not this initiative's business.
        long elsewhere = createSegment(sub, "OTHER", "Elsewhere");
        addMembers(sub, "OTHER", elsewhere, "aarav.patel@shorterloop.com");

        // Seed 002: the initiative's number (V21), not the key the header carries; another initiative has another.
        List<Long> numbers = longs("SELECT id FROM segments.initiative WHERE subscription_id = ? ORDER BY key", sub);
        assertEquals(2, numbers.size(), "DEE and OTHER are numbered");
        Long dee = longs("SELECT id FROM segments.initiative WHERE subscription_id = ? AND key = 'DEE'", sub).get(0);
        assertNotEquals(numbers.get(0), numbers.get(1));
        as(sub, "DEE").get("/api/v2/segments/with-users/" + young).then().statusCode(200)
                .body("success", equalTo(true))
                .body("data", aMapWithSize(5))
                .body("data.id", equalTo((int) young))
                .body("data.value", equalTo("Young Innovators"))
                .body("data.createdAt", matchesPattern(ISO))
                .body("data.userCount", equalTo(2))
                .body("data.users", hasSize(2))
                .body("data.users[0]", aMapWithSize(4))
                .body("data.users.id", contains(ids.get(0).intValue(), ids.get(1).intValue()))
                .body("data.users[0].email", equalTo("aarav.patel@shorterloop.com"))
                .body("data.users[0].user_subscriptions", hasSize(1))
                .body("data.users[0].user_subscriptions[0].firstName",
                        equalTo("Name of aarav.patel@shorterloop.com"))
                .body("data.users[0].user_subscriptions[0].userRole", equalTo("idm_member"))
                .body("data.users[0].user_subscriptions[0].status", equalTo("pending"))
                .body("data.users[0].segmentOptions.value", contains("Young Innovators", "Early Adopters"))
                .body("data.users[0].segmentOptions[0].user_segment", aMapWithSize(7))
                .body("data.users[0].segmentOptions[0].user_segment.userId", equalTo(ids.get(0).intValue()))
                .body("data.users[0].segmentOptions[0].user_segment.segmentOptionId", equalTo((int) young))
                .body("data.users[0].segmentOptions[0].user_segment.initiativeId", equalTo(dee.intValue()))
                .body("data.users[0].segmentOptions[0].user_segment.teamId", equalTo(0))
                .body("data.users[0].segmentOptions[0].user_segment.subscriptionId", equalTo((int) sub))
                .body("data.users[0].segmentOptions[0].user_segment.createdAt", matchesPattern(ISO))
                .body("data.users[0].segmentOptions[0].user_segment.updatedAt", matchesPattern(ISO))
                .body("data.users[1].segmentOptions.value", contains("Young Innovators"));
    }

    @Test
    void pagesAreStableByUserIdAndUserCountIsTheTotal() {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Paged");
        String[] emails = new String[7];
        for (int i = 0; i < emails.length; i++) {
            emails[i] = "user" + i + "@example.com";
        }
        List<Long> ids = addMembers(sub, "DEE", id, emails);
        String path = "/api/v2/segments/with-users/" + id;
        as(sub, "DEE").queryParam("size", 3).get(path).then().statusCode(200)
                .body("data.userCount", equalTo(7))
                .body("data.users.id", contains(ids.get(0).intValue(), ids.get(1).intValue(), ids.get(2).intValue()));
        as(sub, "DEE").queryParam("size", 3).queryParam("page", 2).get(path).then().statusCode(200)
                .body("data.userCount", equalTo(7))
                .body("data.users.id", contains(ids.get(6).intValue()));
        as(sub, "DEE").queryParam("page", 5).get(path).then().statusCode(200)
                .body("data.users", hasSize(0)).body("data.userCount", equalTo(7));
        as(sub, "DEE").get(path).then().statusCode(200).body("data.users", hasSize(7));
    }

    @Test
    void pageAndSizeAreValidated() {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Checked");
        for (String path : List.of("/api/v2/segments/with-users/" + id, "/api/v2/segments/with-users")) {
            as(sub, "DEE").queryParam("size", 501).get(path).then().statusCode(400)
                    .body("success", equalTo(false)).body("errors.field", hasItem("size"));
            as(sub, "DEE").queryParam("size", 0).get(path).then().statusCode(400).body("errors.field", hasItem("size"));
            as(sub, "DEE").queryParam("page", -1).get(path).then().statusCode(400)
                    .body("errors.field", hasItem("page"));
            as(sub, "DEE").queryParam("size", 500).get(path).then().statusCode(200);
        }
    }

    @Test
    void allSegmentsWithUsersPagesEachSegment() {
        long sub = newSubscription();
        long a = createSegment(sub, "DEE", "A");
        long b = createSegment(sub, "DEE", "B");
        createSegment(sub, "DEE", "Empty");
        List<Long> inA = addMembers(sub, "DEE", a, "a1@example.com", "a2@example.com", "a3@example.com");
        addMembers(sub, "DEE", b, "b1@example.com");
        createSegment(newSubscription(), "DEE", "Foreign");

        as(sub, "DEE").queryParam("size", 2).get("/api/v2/segments/with-users").then().statusCode(200)
                .body("success", equalTo(true))
                .body("data", hasSize(3))
                .body("data.value", contains("A", "B", "Empty"))
                .body("data.userCount", contains(3, 1, 0))
                .body("data[0].users.id", contains(inA.get(0).intValue(), inA.get(1).intValue()))
                .body("data[1].users[0].email", equalTo("b1@example.com"))
                .body("data[2].users", hasSize(0));
        as(newSubscription(), "DEE").get("/api/v2/segments/with-users").then().statusCode(200)
                .body("data", hasSize(0));
    }

    @Test
    void anotherTenantsSegmentIs404() {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Private");
        addMembers(sub, "DEE", id, "secret@example.com");
        as(sub, "OTHER").get("/api/v2/segments/with-users/" + id).then().statusCode(404)
                .body("success", equalTo(false)).body("data", nullValue());
        as(newSubscription(), "DEE").get("/api/v2/segments/with-users/" + id).then().statusCode(404);
        as(sub, "DEE").get("/api/v2/segments/with-users/987654321").then().statusCode(404);
    }

    @Test
    void unauthenticatedIs401() {
        io.restassured.RestAssured.given().header("initiativeId", "DEE").get("/api/v2/segments/with-users/1")
                .then().statusCode(401).body("success", equalTo(false));
        io.restassured.RestAssured.given().auth().oauth2(io.openaudience.testsupport.TestTokens.shorterLoop(1, "DEE"))
                .header("initiativeId", "MGMT").get("/api/v2/segments/with-users").then().statusCode(403);
    }
}
