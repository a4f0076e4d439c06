package io.openaudience.audience.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.TraceHeaders;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends Kafka messages to {@code audience.outbox} in the caller's Panache transaction, for
 * {@link io.openaudience.outbox.OutboxRelay} to publish after the commit: through the session, because
 * {@code OutboxRepository.append} needs a Vert.x SQL client, which a session does not expose.
 */
@ApplicationScoped
public class AudienceOutbox {

    private static final String INSERT = "INSERT INTO audience.outbox (topic, message_key, payload, headers) "
            + "VALUES (:topic, :key, :payload, :headers)";

    private final ObjectMapper json;

    public AudienceOutbox(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Writes {@code message} as JSON for {@code topic} with {@code key}, with the current trace context as its record
     * headers ({@link TraceHeaders}); must run inside a transaction.
     */
    public Uni<Void> append(String topic, String key, Object message) {
        String payload = toJson(message);
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                .setParameter("topic", topic)
                .setParameter("key", key)
                .setParameter("payload", payload)
                .setParameter("headers", TraceHeaders.currentJson())
                .executeUpdate()).replaceWithVoid();
    }

    private String toJson(Object message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + message, e);
        }
    }
}
