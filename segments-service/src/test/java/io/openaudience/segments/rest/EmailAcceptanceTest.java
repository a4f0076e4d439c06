package io.openaudience.segments.rest;

import io.openaudience.common.messaging.EmailKind;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.EmailRequestMessage.Recipient;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.segments.EmailFixtures.as;
import static io.openaudience.segments.EmailFixtures.bulkMembers;
import static io.openaudience.segments.EmailFixtures.chunks;
import static io.openaudience.segments.EmailFixtures.count;
import static io.openaudience.segments.EmailFixtures.execute;
import static io.openaudience.segments.EmailFixtures.freshSubscription;
import static io.openaudience.segments.EmailFixtures.link;
import static io.openaudience.segments.EmailFixtures.member;
import static io.openaudience.segments.EmailFixtures.requestRow;
import static io.openaudience.segments.EmailFixtures.segment;
import static io.openaudience.segments.EmailFixtures.userIds;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Email acceptance against the real PostgreSQL: the request row and its `email-requests` outbox chunks are written
 * together, every chunk deserializes into {@link EmailRequestMessage}, recipients are frozen, and a rejected
 * request writes nothing.
 */
@QuarkusTest
class EmailAcceptanceTest {

    private static final String BODY = "<p>Hello {firstName}, this goes to {email}.</p>";

    // ---- segment mail ----------------------------------------------------------------------------------------

    @Test
    void segmentMailFreezesTheMembersIntoOneChunk() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Beta testers");
        long other = segment(sub, "DEE", "Others");
        long ada = member(sub, "ada@example.com", "Ada Lovelace", "active");
        long bob = member(sub, "bob@example.com", null, "pending");
        long cy = member(sub, "cy@example.com", "Cy", "active");
        long outsider = member(sub, "out@example.com", "Out", "active");
        link(segment, sub, "DEE", ada, bob, cy);
        link(other, sub, "DEE", outsider);

        ExtractableResponse<Response> response = as(sub, "DEE")
                .body(Map.of("subject", "News for {firstName}", "body", BODY))
                .post("/api/v2/segments/{id}/send-email", segment)
                .then().statusCode(202)
                .body("success", equalTo(true))
                .body("data.recipients", equalTo(3))
                .extract();
        UUID id = UUID.fromString(response.path("data.notificationId"));
        assertTrue(response.header("Location").endsWith("/api/v2/notifications/" + id));

        Map<String, Object> row = requestRow(id);
        assertEquals("segment", row.get("kind"));
        assertEquals(sub, row.get("subscription_id"));
        assertEquals("DEE", row.get("initiative_id"));
        assertEquals(segment, row.get("segment_id"));
        assertEquals(3L, row.get("recipients"));
        assertEquals(1, row.get("chunks"));
        assertEquals("News for {firstName}", row.get("subject"));
        assertEquals(BODY, row.get("body"));

        List<EmailRequestMessage> chunks = chunks(id);
        assertEquals(1, chunks.size());
        EmailRequestMessage chunk = chunks.get(0);
        assertEquals(id, chunk.notificationId());
        assertEquals(sub, chunk.subscriptionId());
        assertEquals("DEE", chunk.initiativeId());
        assertEquals(EmailKind.SEGMENT, chunk.kind());
        assertEquals("News for {firstName}", chunk.subject());
        assertEquals(BODY, chunk.body());
        assertEquals(0, chunk.chunk());
        assertEquals(1, chunk.chunks());
        assertEquals(3L, chunk.totalRecipients());
        assertEquals(List.of(new Recipient(ada, "ada@example.com", "Ada Lovelace"),
                new Recipient(bob, "bob@example.com", null),
                new Recipient(cy, "cy@example.com", "Cy")), chunk.recipients());

        // Membership changes after acceptance never reach the accepted request.
        long dan = member(sub, "dan@example.com", "Dan", "active");
        link(segment, sub, "DEE", dan);
        execute("DELETE FROM segments.user_segment WHERE segment_id = ? AND user_id = ?", segment, ada);
        assertEquals(chunks, chunks(id));
        assertEquals(3L, requestRow(id).get("recipients"));

        // A new request sees the new membership.
        UUID second = UUID.fromString(as(sub, "DEE").body(Map.of("subject", "Again", "body", BODY))
                .post("/api/v2/segments/{id}/send-email", segment)
                .then().statusCode(202).body("data.recipients", equalTo(3))
                .extract().path("data.notificationId"));
        assertEquals(List.of(bob, cy, dan), userIds(chunks(second)));
    }

    @Test
    void aSegmentOf1201MembersIsCutIntoChunksOf500() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Big");
        List<Long> members = bulkMembers(sub, "DEE", segment, 1201);

        UUID id = UUID.fromString(as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY))
                .post("/api/v2/segments/{id}/send-email", segment)
                .then().statusCode(202).body("data.recipients", equalTo(1201))
                .extract().path("data.notificationId"));

        List<EmailRequestMessage> chunks = chunks(id);
        assertEquals(List.of(500, 500, 201), chunks.stream().map(c -> c.recipients().size()).toList());
        assertEquals(List.of(0, 1, 2), chunks.stream().map(EmailRequestMessage::chunk).toList());
        for (EmailRequestMessage chunk : chunks) {
            // The body is stored once: chunk 0 carries it, the others refer to it by the notification id.
            assertEquals(chunk.chunk() == 0 ? "Hi" : null, chunk.subject());
            assertEquals(chunk.chunk() == 0 ? BODY : null, chunk.body());
            assertEquals(3, chunk.chunks());
            assertEquals(1201L, chunk.totalRecipients());
            assertEquals(id, chunk.notificationId());
        }
        assertEquals(members, userIds(chunks));
        assertEquals(3, requestRow(id).get("chunks"));
        assertEquals(1201L, requestRow(id).get("recipients"));
    }

    @Test
    void exactly500MembersMakeOneChunk() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Five hundred");
        bulkMembers(sub, "DEE", segment, 500);
        UUID id = UUID.fromString(as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY))
                .post("/api/v2/segments/{id}/send-email", segment)
                .then().statusCode(202).body("data.recipients", equalTo(500))
                .extract().path("data.notificationId"));
        List<EmailRequestMessage> chunks = chunks(id);
        assertEquals(1, chunks.size());
        assertEquals(500, chunks.get(0).recipients().size());
        assertEquals(1, chunks.get(0).chunks());
    }

    @Test
    void segmentOfAnotherTenantOrUnknownIs404AndWritesNothing() throws Exception {
        long sub = freshSubscription();
        long theirs = segment(sub, "MGMT", "Management");
        link(theirs, sub, "MGMT", member(sub, "m@example.com", "M", "active"));
        long otherSub = freshSubscription();
        long foreign = segment(otherSub, "DEE", "Foreign");
        link(foreign, otherSub, "DEE", member(otherSub, "f@example.com", "F", "active"));

        // Reachable from its own initiative (so the 404s below are about tenancy, not about the segment).
        as(sub, "MGMT").body(Map.of("subject", "Hi", "body", BODY))
                .post("/api/v2/segments/{id}/send-email", theirs).then().statusCode(202);
        // Same subscription, other initiative; other subscription, same initiative key; missing; not a number.
        nothingWritten(() -> {
            as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY))
                    .post("/api/v2/segments/{id}/send-email", theirs)
                    .then().statusCode(404).body("success", equalTo(false));
            as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY))
                    .post("/api/v2/segments/{id}/send-email", foreign)
                    .then().statusCode(404).body("success", equalTo(false));
            as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY))
                    .post("/api/v2/segments/{id}/send-email", Long.MAX_VALUE).then().statusCode(404);
            as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY))
                    .post("/api/v2/segments/abc/send-email").then().statusCode(404);
        });
    }

    @Test
    void anEmptySegmentIs400NamingTheSegment() throws Exception {
        long sub = freshSubscription();
        long empty = segment(sub, "DEE", "Empty");
        nothingWritten(() -> as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY))
                .post("/api/v2/segments/{id}/send-email", empty)
                .then().statusCode(400)
                .body("success", equalTo(false))
                .body("errors.field", hasItem("segment"))
                .body("message", containsString("has no members")));
    }

    @Test
    void invalidSubjectOrBodyIs400NamingTheField() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Valid");
        link(segment, sub, "DEE", member(sub, "v@example.com", "V", "active"));
        String tooLong = "s".repeat(999);
        String hugeBody = "<p>" + "x".repeat(256 * 1024) + "</p>";
        List<Object[]> cases = List.of(
                new Object[]{mapOf("body", BODY), "subject"},
                new Object[]{mapOf("subject", "  ", "body", BODY), "subject"},
                new Object[]{mapOf("subject", tooLong, "body", BODY), "subject"},
                new Object[]{mapOf("subject", "Two\r\nBcc: x@evil.example", "body", BODY), "subject"},
                new Object[]{mapOf("subject", "Hi {lastName}", "body", BODY), "subject"},
                new Object[]{mapOf("subject", "Hi"), "body"},
                new Object[]{mapOf("subject", "Hi", "body", ""), "body"},
                new Object[]{mapOf("subject", "Hi", "body", hugeBody), "body"},
                new Object[]{mapOf("subject", "Hi", "body", "<p>{name}</p>"), "body"},
                new Object[]{mapOf("subject", "Hi", "body", "<p>{#if firstName}unclosed</p>"), "body"},
                new Object[]{mapOf("subject", "Hi", "body", "<p>{config:secret}</p>"), "body"},
                // Parses, but the renderer notification-service fills it with cannot render it: refused now.
                new Object[]{mapOf("subject", "Hi", "body", "<p>{firstName.getClass}</p>"), "body"});
        nothingWritten(() -> {
            for (Object[] c : cases) {
                as(sub, "DEE").body(c[0]).post("/api/v2/segments/{id}/send-email", segment)
                        .then().statusCode(400)
                        .body("success", equalTo(false))
                        .body("errors.field", hasItem((String) c[1]));
            }
            // Both wrong at once: both named.
            as(sub, "DEE").body("{}").post("/api/v2/segments/{id}/send-email", segment)
                    .then().statusCode(400).body("errors.field", hasItems("subject", "body"));
            as(sub, "DEE").body("{\"subject\": ").post("/api/v2/segments/{id}/send-email", segment)
                    .then().statusCode(400).body("success", equalTo(false));
        });
        // The limits themselves are accepted: 998 characters of subject, 256 KiB of body, a section on a placeholder.
        String maxBody = "<p>" + "x".repeat(256 * 1024 - 7) + "</p>";
        as(sub, "DEE").body(mapOf("subject", "s".repeat(998), "body", maxBody))
                .post("/api/v2/segments/{id}/send-email", segment).then().statusCode(202);
        as(sub, "DEE").body(mapOf("subject", "Hi", "body", "{#if firstName}Dear {firstName}{#else}Hello{/if} "
                        + "<style>p { color: red; }</style> an escaped \\{brace}"))
                .post("/api/v2/segments/{id}/send-email", segment).then().statusCode(202);
    }

    @Test
    void authenticationAndInitiativeAreChecked() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Auth");
        long ada = member(sub, "ada@example.com", "Ada", "pending");
        link(segment, sub, "DEE", ada);
        nothingWritten(() -> {
            given().contentType("application/json").header("initiativeId", "DEE")
                    .body(Map.of("subject", "Hi", "body", BODY))
                    .post("/api/v2/segments/{id}/send-email", segment)
                    .then().statusCode(401).body("success", equalTo(false));
            given().contentType("application/json").header("initiativeId", "DEE")
                    .auth().oauth2(TestTokens.expired(sub, "DEE"))
                    .body(Map.of("users", List.of(ada), "subject", "Hi", "body", BODY))
                    .post("/api/v2/idea-manager/send-email").then().statusCode(401);
            given().contentType("application/json").header("initiativeId", "DEE")
                    .body(Map.of("users", List.of(ada))).put("/api/v2/idea-manager/bulk-re-invite")
                    .then().statusCode(401);
            given().contentType("application/json").header("initiativeId", "DEE")
                    .auth().oauth2(TestTokens.shorterLoop(sub, "MGMT"))
                    .body(Map.of("subject", "Hi", "body", BODY))
                    .post("/api/v2/segments/{id}/send-email", segment)
                    .then().statusCode(403).body("success", equalTo(false));
            given().contentType("application/json").header("initiativeId", "DEE")
                    .auth().oauth2(TestTokens.shorterLoop(sub, "MGMT"))
                    .body(Map.of("users", List.of(ada))).put("/api/v2/idea-manager/bulk-re-invite")
                    .then().statusCode(403);
            given().contentType("application/json").auth().oauth2(TestTokens.shorterLoop(sub, "DEE"))
                    .body(Map.of("users", List.of(ada), "subject", "Hi", "body", BODY))
                    .post("/api/v2/idea-manager/send-email")
                    .then().statusCode(400).body("errors.field", hasItem("initiativeId"));
        });
    }

    // ---- selected members ------------------------------------------------------------------------------------

    @Test
    void selectedMembersAreMailedWhateverTheirStatus() throws Exception {
        long sub = freshSubscription();
        long ada = member(sub, "ada@example.com", "Ada", "active");
        long bob = member(sub, "bob@example.com", "Bob", "pending");
        member(sub, "cy@example.com", "Cy", "active");

        UUID id = UUID.fromString(as(sub, "DEE")
                .body(Map.of("users", List.of(bob, ada, bob), "subject", "Hello {firstName}", "body", BODY))
                .post("/api/v2/idea-manager/send-email")
                .then().statusCode(202)
                .body("data.recipients", equalTo(2))
                .extract().path("data.notificationId"));

        List<EmailRequestMessage> chunks = chunks(id);
        assertEquals(1, chunks.size());
        assertEquals(EmailKind.SELECTED, chunks.get(0).kind());
        assertEquals("Hello {firstName}", chunks.get(0).subject());
        assertEquals(2L, chunks.get(0).totalRecipients());
        assertEquals(List.of(new Recipient(ada, "ada@example.com", "Ada"), new Recipient(bob, "bob@example.com",
                "Bob")), chunks.get(0).recipients());
        Map<String, Object> row = requestRow(id);
        assertEquals("selected", row.get("kind"));
        assertNull(row.get("segment_id"));
        assertEquals(2L, row.get("recipients"));
    }

    @Test
    void usersOfAnotherSubscriptionOrUnknownAre404NamedAndNotMailed() throws Exception {
        long sub = freshSubscription();
        long ada = member(sub, "ada@example.com", "Ada", "pending");
        long otherSub = freshSubscription();
        long stranger = member(otherSub, "stranger@example.com", "Stranger", "pending");
        long missing = stranger + 1_000_000;
        nothingWritten(() -> {
            as(sub, "DEE").body(Map.of("users", List.of(ada, stranger, missing), "subject", "Hi", "body", BODY))
                    .post("/api/v2/idea-manager/send-email")
                    .then().statusCode(404)
                    .body("success", equalTo(false))
                    .body("errors.field", hasItem("users"))
                    .body("message", containsString(String.valueOf(stranger)))
                    .body("message", containsString(String.valueOf(missing)))
                    .body("message", org.hamcrest.Matchers.not(containsString(String.valueOf(ada))));
            as(sub, "DEE").body(Map.of("users", List.of(stranger)))
                    .put("/api/v2/idea-manager/bulk-re-invite")
                    .then().statusCode(404).body("errors.field", hasItem("users"));
        });
    }

    @Test
    void invalidSelectedRequestsAre400NamingTheField() throws Exception {
        long sub = freshSubscription();
        long ada = member(sub, "ada@example.com", "Ada", "pending");
        List<Long> withNull = new ArrayList<>();
        withNull.add(ada);
        withNull.add(null);
        nothingWritten(() -> {
            as(sub, "DEE").body(Map.of("subject", "Hi", "body", BODY)).post("/api/v2/idea-manager/send-email")
                    .then().statusCode(400).body("errors.field", hasItem("users"));
            as(sub, "DEE").body(Map.of("users", List.of(), "subject", "Hi", "body", BODY))
                    .post("/api/v2/idea-manager/send-email")
                    .then().statusCode(400).body("errors.field", hasItem("users"));
            as(sub, "DEE").body(mapOf("users", withNull, "subject", "Hi", "body", BODY))
                    .post("/api/v2/idea-manager/send-email")
                    .then().statusCode(400).body("errors.field", hasItem("users[1]"));
            as(sub, "DEE").body(Map.of("users", List.of(ada), "body", BODY)).post("/api/v2/idea-manager/send-email")
                    .then().statusCode(400).body("errors.field", hasItem("subject"));
            as(sub, "DEE").body(Map.of("users", List.of(ada), "subject", "Hi"))
                    .post("/api/v2/idea-manager/send-email")
                    .then().statusCode(400).body("errors.field", hasItem("body"));
            as(sub, "DEE").body("{\"users\": [\"x\"], \"subject\": \"Hi\", \"body\": \"b\"}")
                    .post("/api/v2/idea-manager/send-email")
                    .then().statusCode(400).body("success", equalTo(false))
                    .body("errors.field", hasItem("users[0]"));
            as(sub, "DEE").body(Map.of("users", List.of())).put("/api/v2/idea-manager/bulk-re-invite")
                    .then().statusCode(400).body("errors.field", hasItem("users"));
            as(sub, "DEE").body("{}").put("/api/v2/idea-manager/bulk-re-invite")
                    .then().statusCode(400).body("errors.field", hasItem("users"));
        });
    }

    // ---- re-invite -------------------------------------------------------------------------------------------

    @Test
    void reInviteMailsOnlyPendingMembersAndCountsTheRestAsSkipped() throws Exception {
        long sub = freshSubscription();
        long ada = member(sub, "ada@example.com", "Ada", "pending");
        long bob = member(sub, "bob@example.com", "Bob", "active");
        long cy = member(sub, "cy@example.com", "Cy", "pending");
        long dan = member(sub, "dan@example.com", "Dan", "active");

        ExtractableResponse<Response> response = as(sub, "DEE").body(Map.of("users", List.of(ada, bob, cy, dan, ada)))
                .put("/api/v2/idea-manager/bulk-re-invite")
                .then().statusCode(202)
                .body("success", equalTo(true))
                .body("data.count", equalTo(2))
                .body("data.skipped", equalTo(2))
                .extract();
        UUID id = UUID.fromString(response.path("data.notificationId"));
        assertTrue(response.header("Location").endsWith("/api/v2/notifications/" + id));

        List<EmailRequestMessage> chunks = chunks(id);
        assertEquals(1, chunks.size());
        EmailRequestMessage chunk = chunks.get(0);
        assertEquals(EmailKind.REINVITE, chunk.kind());
        assertNull(chunk.subject());
        assertNull(chunk.body());
        assertEquals(List.of(new Recipient(ada, "ada@example.com", "Ada"), new Recipient(cy, "cy@example.com", "Cy")),
                chunk.recipients());
        Map<String, Object> row = requestRow(id);
        assertEquals("reinvite", row.get("kind"));
        assertEquals(2L, row.get("recipients"));
        assertEquals(2L, row.get("skipped"));
        assertNull(row.get("subject"));
    }

    @Test
    void reInviteWithNoPendingMemberIs400() throws Exception {
        long sub = freshSubscription();
        long bob = member(sub, "bob@example.com", "Bob", "active");
        nothingWritten(() -> as(sub, "DEE").body(Map.of("users", List.of(bob)))
                .put("/api/v2/idea-manager/bulk-re-invite")
                .then().statusCode(400).body("errors.field", hasItem("users")));
    }

    @Test
    void openApiDocumentsTheThreeEndpoints() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v2/segments/{id}/send-email'.post.responses", org.hamcrest.Matchers.hasKey("202"))
                .body("paths.'/api/v2/idea-manager/send-email'.post.responses", org.hamcrest.Matchers.hasKey("404"))
                .body("paths.'/api/v2/idea-manager/bulk-re-invite'.put.responses", org.hamcrest.Matchers.hasKey("202"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static Map<String, Object> mapOf(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** Runs rejected requests and checks that they wrote no request row and no outbox row. */
    private static void nothingWritten(Runnable requests) {
        long requestsBefore = count("SELECT count(*) FROM segments.email_request");
        long outboxBefore = count("SELECT count(*) FROM segments.outbox WHERE topic = '" + Topics.EMAIL_REQUESTS + "'");
        requests.run();
        long requestsAfter = count("SELECT count(*) FROM segments.email_request");
        long outboxAfter = count("SELECT count(*) FROM segments.outbox WHERE topic = '" + Topics.EMAIL_REQUESTS + "'");
        assertEquals(requestsBefore, requestsAfter, "email_request rows written by a rejected request");
        assertEquals(outboxBefore, outboxAfter, "outbox rows written by a rejected request");
    }
}
