package io.openaudience.segments.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Db;
import io.openaudience.testsupport.KafkaRecords;
import io.openaudience.testsupport.MessageContracts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.segments.EmailFixtures.JSON;
import static io.openaudience.segments.EmailFixtures.as;
import static io.openaudience.segments.EmailFixtures.bulkMembers;
import static io.openaudience.segments.EmailFixtures.freshSubscription;
import static io.openaudience.segments.EmailFixtures.link;
import static io.openaudience.segments.EmailFixtures.member;
import static io.openaudience.segments.EmailFixtures.payloads;
import static io.openaudience.segments.EmailFixtures.segment;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * segments-service's side of the `email-requests` contract: what an accepted request writes to the outbox, and what
 * the relay publishes from it, are exactly the samples pinned in test-support ({@link MessageContracts}), which
 * notification-service's {@code EmailRequestContractTest} feeds to its consumer.
 */
@QuarkusTest
class EmailRequestContractTest {

    @Test
    void selectedMembersMailIsWrittenAsPinned() throws Exception {
        long sub = freshSubscription();
        long ada = member(sub, "ada@contract.example", "Ada", "active");
        long bo = member(sub, "bo@contract.example", null, "active");
        Map<String, Object> ids = Map.of("subscriptionId", sub, "adaId", ada, "boId", bo);
        // The request asks for what the sample carries.
        JsonNode content = pinned(MessageContracts.EMAIL_SELECTED, new UUID(0, 0), ids);

        UUID id = accepted(as(sub, "DEE").body(Map.of("users", List.of(bo, ada),
                        "subject", content.get("subject").asText(), "body", content.get("body").asText()))
                .post("/api/v2/idea-manager/send-email"));

        assertWrittenAndPublished(id, List.of(pinned(MessageContracts.EMAIL_SELECTED, id, ids)));
    }

    @Test
    void aSegmentMailsLastChunkIsWrittenAsPinned() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Contract");
        bulkMembers(sub, "DEE", segment, 500);
        long zoe = member(sub, "zoe@contract.example", "Zoë", "active");
        link(segment, sub, "DEE", zoe);

        UUID id = accepted(as(sub, "DEE").body(Map.of("subject", "Hi {firstName}", "body", "<p>Hi</p>"))
                .post("/api/v2/segments/{id}/send-email", segment));

        List<JsonNode> written = assertPublishedAsWritten(id, 2);
        assertEquals(pinned(MessageContracts.EMAIL_SEGMENT_CHUNK_1, id,
                Map.of("subscriptionId", sub, "zoeId", zoe)), written.get(1));
    }

    @Test
    void reInviteIsWrittenAsPinned() throws Exception {
        long sub = freshSubscription();
        long pia = member(sub, "pia@contract.example", "Pia", "pending");
        long ann = member(sub, "ann@contract.example", "Ann", "active");

        UUID id = accepted(as(sub, "DEE").body(Map.of("users", List.of(pia, ann)))
                .put("/api/v2/idea-manager/bulk-re-invite"));

        assertWrittenAndPublished(id, List.of(pinned(MessageContracts.EMAIL_REINVITE, id,
                Map.of("subscriptionId", sub, "piaId", pia))));
    }

    private static UUID accepted(Response response) {
        return UUID.fromString(response.then().statusCode(202).body("success", equalTo(true))
                .extract().path("data.notificationId"));
    }

    private static JsonNode pinned(String sample, UUID notificationId, Map<String, Object> ids) throws Exception {
        Map<String, Object> values = new HashMap<>(ids);
        values.put("notificationId", notificationId);
        return JSON.readTree(MessageContracts.sample(sample, values));
    }

    private static void assertWrittenAndPublished(UUID id, List<JsonNode> expected) throws Exception {
        assertEquals(expected, assertPublishedAsWritten(id, expected.size()));
    }

    /**
     * The request's outbox payloads, once published: {@code chunks} of them, each published once on `email-requests`
     * with the notification id as its key and the payload as its value, in order.
     */
    private static List<JsonNode> assertPublishedAsWritten(UUID id, int chunks) throws Exception {
        Db.await(Duration.ofSeconds(30), "outbox rows of " + id + " published", () -> {
            try {
                return Db.count("SELECT count(*) FROM segments.outbox WHERE message_key = ? AND published_at IS NULL",
                        id.toString()) == 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<JsonNode> written = new ArrayList<>();
        for (String payload : payloads(id)) {
            written.add(JSON.readTree(payload));
        }
        List<JsonNode> published = new ArrayList<>();
        for (ConsumerRecord<String, String> record : KafkaRecords.all(Topics.EMAIL_REQUESTS, id.toString(),
                Duration.ofSeconds(30))) {
            published.add(JSON.readTree(record.value()));
        }
        assertEquals(chunks, written.size(), "outbox rows of " + id);
        assertEquals(written, published);
        return written;
    }
}
