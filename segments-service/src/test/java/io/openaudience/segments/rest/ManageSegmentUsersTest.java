package io.openaudience.segments.rest;

import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.openaudience.segments.rest.Fixtures.addMembers;
import static io.openaudience.segments.rest.Fixtures.as;
import static io.openaudience.segments.rest.Fixtures.createSegment;
import static io.openaudience.segments.rest.Fixtures.longs;
import static io.openaudience.segments.rest.Fixtures.membersOf;
import static io.openaudience.segments.rest.Fixtures.newSubscription;
import static io.openaudience.segments.rest.Fixtures.userCountColumn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** PUT or POST `/api/v2/segments/{id}/segment-users[/{toSegmentId}]` (or `manage-users`): move, remove (seed 001). */
@QuarkusTest
class ManageSegmentUsersTest {

    @Test
    void moveTakesUsersOutOfTheSourceIntoTheTarget() throws Exception {
        long sub = newSubscription();
        long from = createSegment(sub, "DEE", "From");
        long to = createSegment(sub, "DEE", "To");
        List<Long> u = addMembers(sub, "DEE", from, "a@example.com", "b@example.com", "c@example.com");
        addMembers(sub, "DEE", to, "b@example.com");
        long stranger = addMembers(sub, "DEE", to, "d@example.com").get(0);

        // a moves, b is already in the target (just leaves the source), d is not in the source (ignored).
        as(sub, "DEE").body(Map.of("users", List.of(u.get(0), u.get(1), stranger)))
                .put("/api/v2/segments/" + from + "/segment-users/" + to).then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", equalTo("Users moved to segment successfully"))
                .body("data", aMapWithSize(1))
                .body("data.count", equalTo(2));

        assertEquals(List.of(u.get(2)), membersOf(from));
        assertEquals(List.of(u.get(0), u.get(1), stranger), membersOf(to));
        assertEquals(1, userCountColumn(from));
        assertEquals(3, userCountColumn(to));

        // Repeating the move changes nothing.
        as(sub, "DEE").body(Map.of("users", List.of(u.get(0), u.get(1))))
                .put("/api/v2/segments/" + from + "/manage-users/" + to).then().statusCode(200)
                .body("data.count", equalTo(0));
        as(sub, "DEE").body(Map.of("users", List.of(u.get(2))))
                .put("/api/v2/segments/" + from + "/manage-users/" + to).then().statusCode(200)
                .body("data.count", equalTo(1));
        assertEquals(List.of(), membersOf(from));

        // POST does the same on both path words (seed 001's prose calls POST …/manage-users/15).
        as(sub, "DEE").body(Map.of("users", List.of(u.get(2))))
                .post("/api/v2/segments/" + to + "/manage-users/" + from).then().statusCode(200)
                .body("message", equalTo("Users moved to segment successfully"))
                .body("data.count", equalTo(1));
        as(sub, "DEE").body(Map.of("users", List.of(u.get(0))))
                .post("/api/v2/segments/" + to + "/segment-users/" + from).then().statusCode(200)
                .body("data.count", equalTo(1));
        assertEquals(List.of(u.get(0), u.get(2)), membersOf(from));
    }

    @Test
    void removeDeletesMembershipsButKeepsMembers() throws Exception {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Trim");
        List<Long> u = addMembers(sub, "DEE", id, "a@example.com", "b@example.com", "c@example.com");
        as(sub, "DEE").body(Map.of("users", List.of(u.get(0), u.get(2), 123456789L)))
                .put("/api/v2/segments/" + id + "/segment-users").then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", equalTo("Users removed from segment successfully"))
                .body("data.count", equalTo(2));
        assertEquals(List.of(u.get(1)), membersOf(id));
        assertEquals(1, userCountColumn(id));
        assertEquals(List.of(3L), longs("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        as(sub, "DEE").body(Map.of("users", List.of(u.get(1))))
                .post("/api/v2/segments/" + id + "/manage-users").then().statusCode(200).body("data.count", equalTo(1));
        assertEquals(List.of(), membersOf(id));
        as(sub, "DEE").body(Map.of("users", List.of(u.get(1))))
                .post("/api/v2/segments/" + id + "/segment-users").then().statusCode(200)
                .body("data.count", equalTo(0));
        // Any other path word is not a route.
        as(sub, "DEE").body(Map.of("users", List.of(u.get(1))))
                .put("/api/v2/segments/" + id + "/other-users").then().statusCode(404);
    }

    @Test
    void validationErrorsName400Fields() {
        long sub = newSubscription();
        long a = createSegment(sub, "DEE", "A");
        long b = createSegment(sub, "DEE", "B");
        as(sub, "DEE").body(Map.of("users", List.of(1))).put("/api/v2/segments/" + a + "/segment-users/" + a)
                .then().statusCode(400).body("success", equalTo(false)).body("errors.field", hasItem("toSegmentId"));
        as(sub, "DEE").body(Map.of()).put("/api/v2/segments/" + a + "/segment-users/" + b)
                .then().statusCode(400).body("errors.field", hasItem("users"));
        as(sub, "DEE").body(Map.of("users", List.of())).put("/api/v2/segments/" + a + "/segment-users")
                .then().statusCode(400).body("errors.field", hasItem("users"));
        as(sub, "DEE").body(Map.of("users", List.of("abc"))).put("/api/v2/segments/" + a + "/segment-users")
                .then().statusCode(400).body("errors.field", hasItem("users[0]"));
        as(sub, "DEE").body("{\"users\": [1,").put("/api/v2/segments/" + a + "/segment-users/" + b)
                .then().statusCode(400).body("success", equalTo(false));
    }

    @Test
    void unknownOrForeignSegmentsAre404AndNothingMoves() throws Exception {
        long sub = newSubscription();
        long from = createSegment(sub, "DEE", "Mine");
        List<Long> u = addMembers(sub, "DEE", from, "a@example.com");
        long otherInitiative = createSegment(sub, "OTHER", "Theirs");
        long otherSub = newSubscription();
        long otherSubscription = createSegment(otherSub, "DEE", "Foreign");

        Map<String, Object> body = Map.of("users", u);
        as(sub, "DEE").body(body).put("/api/v2/segments/" + from + "/segment-users/" + otherInitiative)
                .then().statusCode(404).body("message", equalTo("segment not found"));
        as(sub, "DEE").body(body).put("/api/v2/segments/" + from + "/segment-users/" + otherSubscription)
                .then().statusCode(404);
        as(sub, "DEE").body(body).put("/api/v2/segments/" + from + "/segment-users/999999999")
                .then().statusCode(404);
        as(otherSub, "DEE").body(body).put("/api/v2/segments/" + from + "/segment-users/" + otherSubscription)
                .then().statusCode(404);
        as(otherSub, "DEE").body(body).put("/api/v2/segments/" + from + "/segment-users").then().statusCode(404);
        as(sub, "OTHER").body(body).put("/api/v2/segments/" + from + "/manage-users").then().statusCode(404);
        assertEquals(u, membersOf(from));
        assertEquals(List.of(), membersOf(otherInitiative));
        assertEquals(List.of(), membersOf(otherSubscription));
    }

    @Test
    void unauthenticatedAndForbiddenAreRejected() {
        given().contentType("application/json").header("initiativeId", "DEE").body(Map.of("users", List.of(1)))
                .put("/api/v2/segments/1/segment-users/2").then().statusCode(401);
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE")).header("initiativeId", "MGMT")
                .contentType("application/json").body(Map.of("users", List.of(1)))
                .put("/api/v2/segments/1/segment-users").then().statusCode(403);
    }

    @Test
    void concurrentOppositeMovesLeaveEveryUserInExactlyOneSegment() throws Exception {
        long sub = newSubscription();
        long a = createSegment(sub, "DEE", "A");
        long b = createSegment(sub, "DEE", "B");
        String[] emails = new String[40];
        for (int i = 0; i < emails.length; i++) {
            emails[i] = "m" + i + "@example.com";
        }
        List<Long> users = addMembers(sub, "DEE", a, emails);
        // Half already in B as well would break the invariant; put the second half in B only.
        as(sub, "DEE").body(Map.of("users", users.subList(20, 40)))
                .put("/api/v2/segments/" + a + "/segment-users/" + b).then().statusCode(200)
                .body("data.count", equalTo(20));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String path = i % 2 == 0 ? "/api/v2/segments/" + a + "/segment-users/" + b
                        : "/api/v2/segments/" + b + "/manage-users/" + a;
                calls.add(() -> as(sub, "DEE").body(Map.of("users", users)).put(path).then().extract().statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> inA = membersOf(a);
        List<Long> inB = membersOf(b);
        for (Long user : users) {
            int places = (inA.contains(user) ? 1 : 0) + (inB.contains(user) ? 1 : 0);
            assertEquals(1, places, "user " + user + " is in " + places + " segments");
        }
        assertEquals(users.size(), inA.size() + inB.size());
        assertEquals(inA.size(), userCountColumn(a));
        assertEquals(inB.size(), userCountColumn(b));
    }
}
