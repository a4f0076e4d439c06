package io.openaudience.outbox;

import io.openaudience.common.messaging.TraceHeaders;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * Appends a message to the service's outbox in the caller's Hibernate Reactive (Panache) transaction, for services
 * whose use cases run in {@code @WithTransaction}; {@link OutboxRelay} publishes the row once that transaction commits.
 */
@ApplicationScoped
public class SessionOutbox {

    private final String insert;

    public SessionOutbox(OutboxConfig config) {
        this.insert = "INSERT INTO " + OutboxRepository.checkedTable(config.table())
                + " (topic, message_key, payload, headers) VALUES (:topic, :key, :payload, :headers)";
    }

    /**
     * Writes {@code payload} (JSON text) for {@code topic} with {@code key}, with the current trace context as its
     * record headers ({@link TraceHeaders}); must run inside a transaction.
     */
    public Uni<Void> append(String topic, String key, String payload) {
        return append(topic, key, payload, Map.of());
    }

    /** Like {@link #append(String, String, String)}, with further record headers (e.g. a content type). */
    public Uni<Void> append(String topic, String key, String payload, Map<String, String> headers) {
        String recordHeaders = TraceHeaders.currentJson(headers);
        return Panache.getSession().chain(session -> session.createNativeQuery(insert)
                .setParameter("topic", topic)
                .setParameter("key", key)
                .setParameter("payload", payload)
                .setParameter("headers", recordHeaders)
                .executeUpdate()).replaceWithVoid();
    }
}
