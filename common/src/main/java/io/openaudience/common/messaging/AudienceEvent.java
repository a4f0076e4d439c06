package io.openaudience.common.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One event of the outbound {@code audience-events} topic: a CloudEvent 1.0 in structured mode (the whole event is
 * the record's JSON value). Written to the outbox of the schema whose change it reports, in that change's
 * transaction, keyed by its {@code subject}; the contract (types, data fields, keys, ordering) is common/README.md,
 * "audience-events".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AudienceEvent(String specversion, String id, String source, String type, String time, String subject,
                            String datacontenttype, Map<String, Object> data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    /** An import, bulk update or group evaluation job ended (completed, completed_with_errors or failed). */
    public static final String IMPORT_FINISHED = "io.openaudience.import.finished";
    /** Members were added to or removed from a segment (counts, never the members). */
    public static final String MEMBERSHIP_CHANGED = "io.openaudience.segment.membership.changed";
    /** A user group was recounted: its total_users and when it was counted. */
    public static final String GROUP_REFRESHED = "io.openaudience.group.refreshed";
    /** Every recipient of a notification reached a final state. */
    public static final String NOTIFICATION_FINISHED = "io.openaudience.notification.finished";

    /** Source of the Shorter Loop data (segments schema): imports, segments, memberships. */
    public static final String SOURCE_SEGMENTS = "/openaudience/segments";
    /** Source of the Fynd / GoSquared data (audience schema): audience jobs, user groups. */
    public static final String SOURCE_AUDIENCE = "/openaudience/audience";
    /** Source of the notification ledger. */
    public static final String SOURCE_NOTIFICATIONS = "/openaudience/notifications";

    /** The record headers of an event: structured mode's content type (CloudEvents Kafka binding). */
    public static final Map<String, String> RECORD_HEADERS = Map.of("content-type", "application/cloudevents+json");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A new event (fresh id, the time now) about {@code subject}. */
    public static AudienceEvent of(String source, String type, String subject, Map<String, Object> data) {
        return new AudienceEvent(SPEC_VERSION, UUID.randomUUID().toString(), source, type,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), subject, CONTENT_TYPE,
                Collections.unmodifiableMap(data));
    }

    /** The event's data from alternating names and values, in that order; null values are left out. */
    public static Map<String, Object> data(Object... namesAndValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                data.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return data;
    }

    /** The record key: the subject, so the events of one job, segment, group or notification stay in order. */
    public String key() {
        return subject;
    }

    /** The record value (structured mode). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + this, e);
        }
    }
}
