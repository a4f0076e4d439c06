package io.openaudience.audience;

import java.time.Instant;

/**
 * One tracked event, checked and ready to store: whose ({@code userId}, the client's id), what ({@code name}), when
 * ({@code occurredAt}: the event's timestamp, else when it was received), and its {@code href} (or null) and
 * {@code properties} as JSON object text.
 */
public record EventRecord(String userId, String name, Instant occurredAt, String href, String propertiesJson) {
}
