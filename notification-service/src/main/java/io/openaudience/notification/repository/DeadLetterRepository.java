package io.openaudience.notification.repository;

import io.openaudience.common.messaging.EmailRequestMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The dead-letter table: messages given up on, with the reason, for an operator to read (never retried). */
@ApplicationScoped
public class DeadLetterRepository {

    /** The reason of each recipient of a notification whose content chunk was lost. */
    public static final String CONTENT_LOST = "not sent: the chunk with the subject and body could not be recorded";

    private static final String INSERT = """
            INSERT INTO notification.dead_letter (topic, message_key, notification_id, chunk, attempts, reason, payload)
            VALUES ($1::text, $2::text, $3::uuid, $4::int, $5::int, $6::text, $7::text)""";

    /* Taken first, so that a chunk being recorded (which locks the row too) is either seen whole or sees the result. */
    private static final String LOCK = """
            SELECT id FROM notification.notification WHERE id = $1 AND status IN ('sending', 'paused') FOR UPDATE""";

    /*
     * What the notification's dead letters mean for it, whichever came first, the letter or the notification's first
     * recorded chunk. A missing chunk is lost when a letter names it, or when the letters that name no chunk (payloads
     * that could not be read, keyed by the notification id) are at least as many as the missing chunks nobody named.
     * A lost chunk counts as received: a lost recipients chunk lets the notification complete with the recipients it
     * has; a lost content chunk (0) fails the notification with the reason and every recipient still queued, since
     * none of its mails can be written. Does nothing (no chunk series) for a notification without letters.
     */
    private static final String SETTLE = """
            WITH letter AS (
                SELECT chunk, reason, payload, created_at FROM notification.dead_letter WHERE notification_id = $1
            ), missing AS (
                SELECT g.chunk FROM notification.notification n
                CROSS JOIN LATERAL generate_series(0, n.chunks - 1) AS g (chunk)
                WHERE n.id = $1 AND n.status IN ('sending', 'paused') AND EXISTS (SELECT 1 FROM letter)
                  AND NOT EXISTS (SELECT 1 FROM notification.notification_chunk k
                                  WHERE k.notification_id = n.id AND k.chunk = g.chunk)
            ), lost AS (
                SELECT m.chunk FROM missing m
                WHERE EXISTS (SELECT 1 FROM letter l WHERE l.chunk = m.chunk)
                   OR (SELECT count(*) FROM missing u WHERE NOT EXISTS (SELECT 1 FROM letter l WHERE l.chunk = u.chunk))
                      <= (SELECT count(DISTINCT md5(l.payload)) FROM letter l WHERE l.chunk IS NULL)
            ), marked AS (
                INSERT INTO notification.notification_chunk (notification_id, chunk) SELECT $1, chunk FROM lost
                ON CONFLICT DO NOTHING
                RETURNING chunk
            ), settled AS (
                UPDATE notification.notification n
                SET chunks_received = n.chunks_received + (SELECT count(*) FROM marked), updated_at = now(),
                    status = CASE WHEN c.content_lost THEN 'failed' ELSE n.status END,
                    paused_reason = CASE WHEN c.content_lost
                        THEN 'the chunk with the subject and body could not be recorded: '
                             || (SELECT l.reason FROM letter l WHERE l.chunk = %1$d OR l.chunk IS NULL
                                 ORDER BY l.chunk NULLS LAST, l.created_at DESC LIMIT 1)
                        ELSE n.paused_reason END,
                    finished_at = CASE WHEN c.content_lost THEN now() ELSE n.finished_at END
                FROM (SELECT EXISTS (SELECT 1 FROM marked WHERE chunk = %1$d) AS content_lost) c
                WHERE n.id = $1 AND EXISTS (SELECT 1 FROM marked)
                RETURNING c.content_lost
            )
            UPDATE notification.recipient r SET status = 'failed', reason = $2, lease_until = NULL, updated_at = now()
            WHERE r.notification_id = $1 AND r.status = 'queued'
              AND EXISTS (SELECT 1 FROM settled WHERE content_lost)"""
            .formatted(EmailRequestMessage.CONTENT_CHUNK);

    /* Notifications still expecting chunks that have letters: the sweeper settles them again (see settle). */
    private static final String UNSETTLED = """
            SELECT n.id FROM notification.notification n
            WHERE n.status IN ('sending', 'paused') AND n.chunks_received < n.chunks
              AND EXISTS (SELECT 1 FROM notification.dead_letter d WHERE d.notification_id = n.id)""";

    private static final String COUNT = "SELECT count(*) FROM notification.dead_letter";

    private final Pool pool;

    public DeadLetterRepository(Pool pool) {
        this.pool = pool;
    }

    /** Keeps the letter; {@link #settle} then applies it to its notification. */
    public Uni<Void> insert(DeadLetter letter) {
        return pool.preparedQuery(INSERT).execute(Tuple.tuple().addValue(letter.topic()).addValue(letter.key())
                        .addValue(letter.notificationId()).addValue(letter.chunk()).addValue(letter.attempts())
                        .addValue(letter.reason()).addValue(letter.payload()))
                .replaceWithVoid();
    }

    /**
     * Applies the notification's dead letters to it (the rule above SETTLE), in a transaction of its own; a
     * notification not known yet is settled when its first chunk is recorded, which calls this again.
     */
    public Uni<Void> settle(UUID notificationId) {
        return pool.withTransaction(c -> c.preparedQuery(LOCK).execute(Tuple.of(notificationId))
                .chain(locked -> locked.size() == 0 ? Uni.createFrom().voidItem()
                        : c.preparedQuery(SETTLE).execute(Tuple.of(notificationId, CONTENT_LOST)).replaceWithVoid()));
    }

    /** Notifications still expecting chunks while some of their chunks are dead letters. */
    public Uni<List<UUID>> unsettled() {
        return pool.query(UNSETTLED).execute().map(rows -> {
            List<UUID> ids = new ArrayList<>(rows.size());
            rows.forEach(r -> ids.add(r.getUUID(0)));
            return ids;
        });
    }

    public Uni<Long> count() {
        return pool.query(COUNT).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** A message given up on; the notification id and chunk when the message was readable enough to say. */
    public record DeadLetter(String topic, String key, UUID notificationId, Integer chunk, int attempts,
                             String reason, String payload) {
    }
}
