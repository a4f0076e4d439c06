package io.openaudience.audience;

import java.time.OffsetDateTime;

/**
 * A person as the GoSquared views read it in one row: the columns, the JSON columns as text, and {@code attributes}
 * (JSON object text, slug → value, encrypted values masked; null without any) for {@code custom}.
 */
public record PersonRow(String userId, String name, String firstName, String lastName, String emails, String phones,
                        String profile, String properties, String attributes, OffsetDateTime createdAt,
                        OffsetDateTime firstSeenAt, OffsetDateTime lastSeenAt, long totalVisits, long totalEvents) {
}
