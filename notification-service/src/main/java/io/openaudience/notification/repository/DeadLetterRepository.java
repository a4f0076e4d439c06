package io.openaudience.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** The dead-letter table: messages given up on, with the reason, for an operator to read (never retried). */
@ApplicationScoped
public class DeadLetterRepository {

    private static final String INSERT = """
            INSERT INTO notification.dead_letter (topic, message_key, notification_id, chunk, attempts, reason, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""";

    private static final String COUNT = "SELECT count(*) FROM notification.dead_letter";

    private final Pool pool;

    public DeadLetterRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(DeadLetter letter) {
        return pool.preparedQuery(INSERT).execute(Tuple.tuple().addValue(letter.topic()).addValue(letter.key())
                        .addValue(letter.notificationId()).addValue(letter.chunk()).addValue(letter.attempts())
                        .addValue(letter.reason()).addValue(letter.payload()))
                .replaceWithVoid();
    }

    public Uni<Long> count() {
        return pool.query(COUNT).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** A message given up on; the notification id and chunk when the message was readable enough to say. */
    public record DeadLetter(String topic, String key, UUID notificationId, Integer chunk, int attempts,
                             String reason, String payload) {
    }
}
