package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A person of a test dataset as the in-memory evaluator sees it (and as {@link TestDb} writes it). */
final class Person {

    /** One row of person_event_stats. */
    record Stats(long count, Instant first, Instant last) {
    }

    /** An attribute value: plain JSON, or sealed (encrypted definitions: ciphertext, value NULL). */
    record Value(JsonNode json, boolean sealed) {
    }

    long pk;
    String userId;
    String name;
    String firstName;
    String lastName;
    String emailKey;
    String phoneKey;
    Instant signedUpAt;
    Instant createdAt;
    Instant firstSeenAt;
    Instant lastSeenAt;
    long totalVisits;
    long totalEvents;
    ObjectNode properties;
    final Map<String, Value> attributes = new LinkedHashMap<>();
    final Map<String, Stats> events = new LinkedHashMap<>();

    Person(String userId, ObjectNode properties, Instant createdAt) {
        this.userId = userId;
        this.properties = properties;
        this.createdAt = createdAt;
    }

    @Override
    public String toString() {
        return userId;
    }
}
