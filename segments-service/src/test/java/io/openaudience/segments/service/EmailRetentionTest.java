package io.openaudience.segments.service;

import io.openaudience.segments.ImportFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.openaudience.segments.EmailFixtures.as;
import static io.openaudience.segments.EmailFixtures.execute;
import static io.openaudience.segments.EmailFixtures.freshSubscription;
import static io.openaudience.segments.EmailFixtures.link;
import static io.openaudience.segments.EmailFixtures.member;
import static io.openaudience.segments.EmailFixtures.requestRow;
import static io.openaudience.segments.EmailFixtures.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Requests older than the retention (default 90 days) lose their subject and body, keep their counts. */
@QuarkusTest
class EmailRetentionTest {

    @Inject
    EmailRetention retention;

    @Test
    void oldRequestsLoseTheirTextAndKeepTheirCounts() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Retention");
        link(segment, sub, "DEE", member(sub, "old@example.com", "Old", "active"));
        UUID old = send(sub, segment);
        UUID recent = send(sub, segment);
        execute("UPDATE segments.email_request SET created_at = now() - interval '91 days' WHERE id = ?", old);

        ImportFixtures.purgeUntil(retention::purge, 1,
                "SELECT count(*) FROM segments.email_request WHERE id = ? AND body IS NULL", old);

        Map<String, Object> cleared = requestRow(old);
        assertNull(cleared.get("subject"));
        assertNull(cleared.get("body"));
        assertEquals(1L, cleared.get("recipients"));
        assertEquals("Kept", requestRow(recent).get("subject"));
        assertEquals("<p>Kept</p>", requestRow(recent).get("body"));
    }

    private static UUID send(long sub, long segment) {
        return UUID.fromString(as(sub, "DEE").body(Map.of("subject", "Kept", "body", "<p>Kept</p>"))
                .post("/api/v2/segments/{id}/send-email", segment)
                .then().statusCode(202).extract().path("data.notificationId"));
    }
}
