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
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET/POST/PUT/DELETE `/api/v2/segments`: shapes, validation, uniqueness, tenancy and row effects. */
@QuarkusTest
class SegmentCrudTest {

    private static final String ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @Test
    void createAnswers201WithLocationAndSeedShape() {
        long sub = newSubscription();
        var response = as(sub, "DEE").body(Map.of("value", "  Young Innovators  "))
                .post("/api/v2/segments").then().statusCode(201)
                .body("success", equalTo(true))
                .body("message", equalTo("Segment created successfully"))
                .body("data", aMapWithSize(3))
                .body("data.value", equalTo("Young Innovators"))
                .body("data.createdAt", matchesPattern(ISO))
                .extract();
        int id = response.path("data.id");
        assertTrue(response.header("Location").endsWith("/api/v2/segments/" + id));
    }

    @Test
    void listShowsOnlyTheTenantsSegmentsWithUserCount() {
        long sub = newSubscription();
        long a = createSegment(sub, "DEE", "Alpha");
        long b = createSegment(sub, "DEE", "Beta");
        addMembers(sub, "DEE", a, "one@example.com", "two@example.com");
        createSegment(sub, "OTHER", "Gamma");
        createSegment(newSubscription(), "DEE", "Delta");

        as(sub, "DEE").get("/api/v2/segments").then().statusCode(200)
                .body("success", equalTo(true))
                .body("data", hasSize(2))
                .body("data.id", contains((int) a, (int) b))
                .body("data.value", contains("Alpha", "Beta"))
                .body("data.userCount", contains(2, 0))
                .body("data[0].createdAt", matchesPattern(ISO))
                .body("data[0]", aMapWithSize(4));
    }

    @Test
    void valueIsRequiredTrimmedAndAtMost255() {
        long sub = newSubscription();
        for (Object body : new Object[]{Map.of(), Map.of("value", "   "), Map.of("value", "x".repeat(256))}) {
            as(sub, "DEE").body(body).post("/api/v2/segments").then().statusCode(400)
                    .body("success", equalTo(false))
                    .body("errors.field", hasItem("value"));
        }
        as(sub, "DEE").post("/api/v2/segments").then().statusCode(400).body("errors.field", hasItem("value"));
        as(sub, "DEE").body(Map.of("value", "x".repeat(255))).post("/api/v2/segments").then().statusCode(201);
    }

    @Test
    void malformedJsonIs400Envelope() {
        long sub = newSubscription();
        as(sub, "DEE").body("{\"value\": ").post("/api/v2/segments").then().statusCode(400)
                .body("success", equalTo(false)).body("message", notNullValue());
        long id = createSegment(sub, "DEE", "Json");
        as(sub, "DEE").body("{users: [1,").put("/api/v2/segments/" + id + "/segment-users").then().statusCode(400)
                .body("success", equalTo(false));
    }

    @Test
    void duplicateValueIs409CaseInsensitivelyPerInitiative() {
        long sub = newSubscription();
        createSegment(sub, "DEE", "Early Adopters");
        as(sub, "DEE").body(Map.of("value", " early ADOPTERS")).post("/api/v2/segments").then().statusCode(409)
                .body("success", equalTo(false)).body("errors.field", hasItem("value"));
        // Other initiatives and subscriptions may use the same value.
        createSegment(sub, "OTHER", "Early Adopters");
        createSegment(newSubscription(), "DEE", "Early Adopters");
    }

    @Test
    void concurrentCreatesOfTheSameValueGiveOne201AndThe409s() throws Exception {
        long sub = newSubscription();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String value = i % 2 == 0 ? "Race" : "RACE";
                calls.add(() -> as(sub, "DEE").body(Map.of("value", value)).post("/api/v2/segments")
                        .then().extract().statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(1L), longs("SELECT count(*) FROM segments.segment WHERE subscription_id = ?", sub));
    }

    @Test
    void renameAnswersTheSegmentAndChecksValue() {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Old");
        createSegment(sub, "DEE", "Taken");
        as(sub, "DEE").body(Map.of("value", " New ")).put("/api/v2/segments/" + id).then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", equalTo("Segment updated successfully"))
                .body("data.id", equalTo((int) id))
                .body("data.value", equalTo("New"))
                .body("data.createdAt", matchesPattern(ISO))
                .body("data.updatedAt", matchesPattern(ISO));
        as(sub, "DEE").body(Map.of("value", "new")).put("/api/v2/segments/" + id).then().statusCode(200);
        as(sub, "DEE").body(Map.of("value", "TAKEN")).put("/api/v2/segments/" + id).then().statusCode(409)
                .body("errors.field", hasItem("value"));
        as(sub, "DEE").body(Map.of("value", "")).put("/api/v2/segments/" + id).then().statusCode(400)
                .body("errors.field", hasItem("value"));
        as(sub, "DEE").body(Map.of("value", "x")).put("/api/v2/segments/999999999").then().statusCode(404)
                .body("success", equalTo(false));
    }

    @Test
    void deleteRemovesMembershipsButNeverMembers() throws Exception {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Doomed");
        long kept = createSegment(sub, "DEE", "Kept");
        List<Long> users = addMembers(sub, "DEE", id, "a@example.com", "b@example.com");
        addMembers(sub, "DEE", kept, "a@example.com");

        as(sub, "DEE").delete("/api/v2/segments/" + id).then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", equalTo("Segment deleted successfully"))
                .body("$", not(org.hamcrest.Matchers.hasKey("data")));

        assertEquals(List.of(), membersOf(id));
        assertEquals(List.of(users.get(0)), membersOf(kept));
        assertEquals(List.of(2L), longs("SELECT count(*) FROM segments.member WHERE subscription_id = ?", sub));
        assertEquals(List.of(0L), longs("SELECT count(*) FROM segments.segment WHERE id = ?", id));
        as(sub, "DEE").delete("/api/v2/segments/" + id).then().statusCode(404);
    }

    @Test
    void anotherTenantsSegmentAnswersLikeAMissingOne() throws Exception {
        long sub = newSubscription();
        long id = createSegment(sub, "DEE", "Mine");
        long otherSub = newSubscription();
        for (var spec : List.of(as(sub, "OTHER"), as(otherSub, "DEE"))) {
            spec.body(Map.of("value", "Hijacked")).put("/api/v2/segments/" + id).then().statusCode(404)
                    .body("message", equalTo("segment not found"));
        }
        as(sub, "OTHER").delete("/api/v2/segments/" + id).then().statusCode(404);
        as(otherSub, "DEE").delete("/api/v2/segments/" + id).then().statusCode(404);
        as(otherSub, "DEE").get("/api/v2/segments").then().statusCode(200).body("data", hasSize(0));
        assertEquals(List.of(1L), longs("SELECT count(*) FROM segments.segment WHERE id = ? AND value = 'Mine'", id));
    }

    @Test
    void unauthenticatedAndForbiddenRequestsAreRejected() {
        given().header("initiativeId", "DEE").contentType("application/json").body(Map.of("value", "x"))
                .post("/api/v2/segments").then().statusCode(401).body("success", equalTo(false));
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE")).header("initiativeId", "MGMT")
                .contentType("application/json").body(Map.of("value", "x"))
                .post("/api/v2/segments").then().statusCode(403).body("success", equalTo(false));
        given().header("initiativeId", "DEE").delete("/api/v2/segments/1").then().statusCode(401);
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE")).header("initiativeId", "MGMT")
                .delete("/api/v2/segments/1").then().statusCode(403);
        given().auth().oauth2(TestTokens.expired(1, "DEE")).header("initiativeId", "DEE")
                .contentType("application/json").body(Map.of("value", "x"))
                .put("/api/v2/segments/1").then().statusCode(401).body("message", containsString("token"));
    }

    @Test
    void openApiDocumentsEveryEndpointWithExamples() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v2/segments'.post.responses.'201'.content.'application/json'.examples",
                        notNullValue())
                .body("paths.'/api/v2/segments/{id}'.put.responses.'409'", notNullValue())
                .body("paths.'/api/v2/segments/{id}'.delete.responses.'200'", notNullValue())
                .body("paths.'/api/v2/segments/with-users'.get", notNullValue())
                .body("paths.'/api/v2/segments/with-users/{id}'.get.responses.'200'", notNullValue())
                .body("paths.'/api/v2/segments/{id}/users'.post.responses.'413'", notNullValue())
                .body("paths.'/api/v2/segments/{id}/segment-users/{toSegmentId}'.put", notNullValue())
                .body("paths.'/api/v2/segments/{id}/manage-users/{toSegmentId}'.put", notNullValue())
                .body("paths.'/api/v2/segments/{id}/segment-users'.put", notNullValue())
                .body("paths.'/api/v2/segments/{id}/manage-users'.put", notNullValue())
                .body("paths.'/api/v2/segments/{id}/manage-users/{toSegmentId}'.post", notNullValue())
                .body("paths.'/api/v2/segments/{id}/segment-users'.post", notNullValue())
                .body("paths.'/api/v2/idea-manager/bulk-create-user'.post", notNullValue())
                .body("paths.'/api/v2/idea-manager/bulk-create-user/{segmentId}'.post.responses.'404'",
                        notNullValue())
                .body("paths.'/api/v2/segments'.get.responses.'401'", notNullValue())
                .body("paths.'/api/v2/segments'.get.summary", equalTo("Retrieves a list of segments without users"))
                // Shared responses are declared once (rest/package-info.java) and referenced.
                .body("paths.'/api/v2/segments'.get.responses.'401'.'$ref'",
                        equalTo("#/components/responses/Unauthorized"))
                .body("paths.'/api/v2/idea-manager/bulk-create-user'.post.responses.'403'.'$ref'",
                        equalTo("#/components/responses/Forbidden"))
                .body("components.responses.Unauthorized.content.'application/json'.examples", notNullValue())
                .body("paths.'/api/v2/segments/{id}/create-users'.post.responses.'202'.'$ref'",
                        equalTo("#/components/responses/ImportAccepted"))
                .body("paths.'/api/v2/idea-manager/create-users'.post.responses.'413'.'$ref'",
                        equalTo("#/components/responses/ImportTooLarge"))
                .body("paths.'/api/v2/idea-manager/bulk-create-user/{segmentId}'.post.responses.'200'.'$ref'",
                        equalTo("#/components/responses/BulkCreated"))
                .body("paths.'/api/v2/segments/{id}'.put.responses.'409'.'$ref'",
                        equalTo("#/components/responses/SegmentValueTaken"))
                .body("components.responses.BulkCreated.content.'application/json'.examples", notNullValue())
                .body("components.responses.ImportAccepted.content.'application/json'.examples", notNullValue());
    }
}
