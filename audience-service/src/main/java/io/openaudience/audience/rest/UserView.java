package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.AppUser;
import io.openaudience.common.time.IsoMillis;

/**
 * A person: API.md's UserSummary ({@code user_id, emails, phone_numbers}) with names, properties and the activity
 * totals the event intake keeps.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserView(@JsonProperty("user_id") String userId,
                       @JsonProperty("application_id") String applicationId,
                       @JsonProperty("first_name") String firstName,
                       @JsonProperty("last_name") String lastName,
                       String name,
                       JsonNode emails,
                       @JsonProperty("phone_numbers") JsonNode phoneNumbers,
                       JsonNode properties,
                       @JsonProperty("total_events") long totalEvents,
                       @JsonProperty("total_visits") long totalVisits,
                       @JsonProperty("first_seen_at") String firstSeenAt,
                       @JsonProperty("last_seen_at") String lastSeenAt,
                       @JsonProperty("created_at") String createdAt,
                       @JsonProperty("updated_at") String updatedAt) {

    static UserView of(AppUser u) {
        return new UserView(u.userId, u.applicationId, u.firstName, u.lastName, u.name, u.emails, u.phoneNumbers,
                u.properties, u.totalEvents, u.totalVisits, IsoMillis.format(u.firstSeenAt),
                IsoMillis.format(u.lastSeenAt), IsoMillis.format(u.createdAt), IsoMillis.format(u.updatedAt));
    }
}
