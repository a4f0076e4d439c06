package io.openaudience.notification.repository;

import io.openaudience.common.messaging.EmailRequestMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** The dead-letter table: messages given up on, with the reason, for an operator to read (never retried). */
@ApplicationScoped
public class DeadLetterRepository {

    /*
     * The letter, and what it means for its notification when that is recorded: a lost recipients chunk counts as
     * received (the notification completes with the recipients it has); a lost content chunk (0) fails the
     * notification with the reason, since none of its mails can be written.
     */
    private static final String INSERT = """
            WITH letter AS (
                INSERT INTO notification.dead_letter (topic, message_key, notification_id, chunk, attempts, reason,
                                                      payload)
                VALUES ($1::text, $2::text, $3::uuid, $4::int, $5::int, $6::text, $7::text)
            ), lost AS (
                INSERT INTO notification.notification_chunk (notification_id, chunk)
                SELECT n.id, $4::int FROM notification.notification n WHERE n.id = $3::uuid AND $4::int <> %d
                ON CONFLICT DO NOTHING
                RETURNING notification_id
            )
            UPDATE notification.notification n
            SET chunks_received = chunks_received + (SELECT count(*) FROM lost), updated_at = now(),
                status = CASE WHEN $4::int = %d AND status = 'sending' THEN 'failed' ELSE status END,
                paused_reason = CASE WHEN $4::int = %d AND status = 'sending'
                                     THEN 'the chunk with the subject and body could not be recorded: ' || $6::text
                                     ELSE paused_reason END,
                finished_at = CASE WHEN $4::int = %d AND status = 'sending' THEN now() ELSE finished_at END
            WHERE n.id = $3::uuid""".formatted(EmailRequestMessage.CONTENT_CHUNK, EmailRequestMessage.CONTENT_CHUNK,
            EmailRequestMessage.CONTENT_CHUNK, EmailRequestMessage.CONTENT_CHUNK);

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
