package io.openaudience.segments.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.AudienceEvent;
import io.openaudience.common.messaging.Topics;
import io.openaudience.common.security.Tenant;
import io.openaudience.segments.repository.MembershipRepository;
import io.openaudience.segments.service.SegmentEvents;
import io.openaudience.testsupport.KafkaRecords;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.openaudience.segments.rest.Fixtures.addMembers;
import static io.openaudience.segments.rest.Fixtures.as;
import static io.openaudience.segments.rest.Fixtures.createSegment;
import static io.openaudience.segments.rest.Fixtures.longs;
import static io.openaudience.segments.rest.Fixtures.membersOf;
import static io.openaudience.segments.rest.Fixtures.newSubscription;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An example consumer of {@code audience-events} (the contract in common/README.md): it reads the real test broker
 * and checks the CloudEvents of membership changes, and that a change whose transaction rolled back emits nothing.
 */
@QuarkusTest
class AudienceEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    MembershipRepository memberships;

    @Inject
    SegmentEvents events;

    @Test
    void movingMembersEmitsOneMembershipChangedEventPerSegment() throws Exception {
        long sub = newSubscription();
        long from = createSegment(sub, "DEE", "Source");
        long to = createSegment(sub, "DEE", "Target");
        List<Long> ids = addMembers(sub, "DEE", from, "a@example.com", "b@example.com", "c@example.com");

        as(sub, "DEE").body(Map.of("users", ids.subList(0, 2))).put("/api/v2/segments/" + from + "/segment-users/" + to)
                .then().statusCode(200);

        JsonNode left = event("segments/" + from, e -> e.path("data").path("cause").asText().equals("move"));
        assertEquals(AudienceEvent.SPEC_VERSION, left.path("specversion").asText());
        assertEquals(AudienceEvent.MEMBERSHIP_CHANGED, left.path("type").asText());
        assertEquals(AudienceEvent.SOURCE_SEGMENTS, left.path("source").asText());
        assertEquals("segments/" + from, left.path("subject").asText());
        assertEquals("application/json", left.path("datacontenttype").asText());
        assertFalse(left.path("id").asText().isEmpty());
        Instant.parse(left.path("time").asText());
        JsonNode data = left.path("data");
        assertEquals(sub, data.path("subscriptionId").asLong());
        assertEquals("DEE", data.path("initiativeId").asText());
        assertEquals(from, data.path("segmentId").asLong());
        assertEquals(0, data.path("added").asLong());
        assertEquals(2, data.path("removed").asLong());
        assertEquals(1, data.path("userCount").asLong());
        assertFalse(data.has("users"), "counts, never the members");

        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.AUDIENCE_EVENTS, "segments/" + to,
                Duration.ofSeconds(60));
        assertEquals("application/cloudevents+json",
                new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8));
        JsonNode joined = JSON.readTree(record.value());
        assertEquals(2, joined.path("data").path("added").asLong());
        assertEquals(2, joined.path("data").path("userCount").asLong());
    }

    @Test
    void aRolledBackChangeEmitsNothing() throws Exception {
        long sub = newSubscription();
        long segment = createSegment(sub, "DEE", "Kept");
        List<Long> ids = addMembers(sub, "DEE", segment, "x@example.com", "y@example.com");
        Tenant tenant = Tenant.initiative(sub, "DEE");

        // The service's own steps (unlink, then the event) in a transaction that fails afterwards: both roll back.
        RuntimeException failure = assertThrows(RuntimeException.class, () -> VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> memberships.unlink(tenant, segment, new Long[] {ids.get(0)})
                        .call(removed -> events.membershipChanged(tenant, segment, 0, removed.size(), "remove"))
                        .invoke(removed -> {
                            throw new IllegalStateException("the change fails after its event was written");
                        }))));
        assertTrue(failure.getMessage().contains("fails after"));
        assertEquals(ids, membersOf(segment), "the membership change rolled back");
        assertEquals(List.of(0L), longs("SELECT count(*) FROM segments.outbox WHERE topic = ? AND message_key = ?",
                Topics.AUDIENCE_EVENTS, "segments/" + segment), "so did its event");

        // A committed change of the same segment afterwards: its event is the only one on the topic for the key.
        as(sub, "DEE").body(Map.of("users", List.of(ids.get(1)))).put("/api/v2/segments/" + segment + "/segment-users")
                .then().statusCode(200);
        event("segments/" + segment, e -> true);
        List<ConsumerRecord<String, String>> all = KafkaRecords.all(Topics.AUDIENCE_EVENTS, "segments/" + segment,
                Duration.ofSeconds(30));
        assertEquals(1, all.size(), "only the committed change's event");
        assertEquals(1, JSON.readTree(all.get(0).value()).path("data").path("removed").asLong());
    }

    /** The first event with this key that matches, consumed from the real broker. */
    private static JsonNode event(String key, java.util.function.Predicate<JsonNode> match) throws Exception {
        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.AUDIENCE_EVENTS, key, Duration.ofSeconds(60));
        JsonNode event = JSON.readTree(record.value());
        assertTrue(match.test(event), "unexpected event " + record.value());
        return event;
    }
}
