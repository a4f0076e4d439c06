package io.openaudience.audience.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.outbox.SessionOutbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends Kafka messages to {@code audience.outbox} as JSON in the caller's Panache transaction
 * ({@link SessionOutbox}), for {@link io.openaudience.outbox.OutboxRelay} to publish after the commit.
 */
@ApplicationScoped
public class AudienceOutbox {

    private final ObjectMapper json;
    private final SessionOutbox outbox;

    public AudienceOutbox(ObjectMapper json, SessionOutbox outbox) {
        this.json = json;
        this.outbox = outbox;
    }

    /**
     * Writes {@code message} as JSON for {@code topic} with {@code key}, with the current trace context as its record
     * headers ({@link io.openaudience.common.messaging.TraceHeaders}); must run inside a transaction.
     */
    public Uni<Void> append(String topic, String key, Object message) {
        return outbox.append(topic, key, toJson(message));
    }

    private String toJson(Object message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + message, e);
        }
    }
}
