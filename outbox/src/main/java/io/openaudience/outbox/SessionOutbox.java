package io.openaudience.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends a message to the service's outbox in the caller's Hibernate Reactive (Panache) transaction, for services
 * whose use cases run in {@code @WithTransaction}; {@link OutboxRelay} publishes the row once that transaction commits.
 */
@ApplicationScoped
public class SessionOutbox {

    private final String insert;

    public SessionOutbox(OutboxConfig config) {
        this.insert = "INSERT INTO " + OutboxRepository.checkedTable(config.table())
                + " (topic, message_key, payload) VALUES (:topic, :key, :payload)";
    }

    /** Writes {@code payload} (JSON text) for {@code topic} with {@code key}; must run inside a transaction. */
    public Uni<Void> append(String topic, String key, String payload) {
        return Panache.getSession().chain(session -> session.createNativeQuery(insert)
                .setParameter("topic", topic)
                .setParameter("key", key)
                .setParameter("payload", payload)
                .executeUpdate()).replaceWithVoid();
    }
}
