package io.openaudience.notification.repository;

import io.openaudience.common.messaging.AudienceEvent;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.outbox.OutboxRelay;
import io.openaudience.outbox.OutboxRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The delivery ledger in SQL: recording chunks, claiming due recipients under a lease, and the outcome of each
 * send. Every statement is set-based or a primary-key update; nothing here holds a notification's list in memory.
 * Each method is a whole step of the consumer or the dispatcher (no request, no entity), so the ones of several
 * statements open their transaction here, on the pool: the set-based ledger path, not Panache's entity CRUD.
 */
@ApplicationScoped
public class LedgerRepository {

    private static final String INSERT_NOTIFICATION = """
            INSERT INTO notification.notification (id, subscription_id, initiative_id, kind, status, recipients,
                                                   subject, body, chunks, started_at)
            VALUES ($1, $2, $3, $4, 'sending', $5, $6, $7, $8, now())
            ON CONFLICT (id) DO NOTHING""";

    private static final String INSERT_CHUNK = """
            INSERT INTO notification.notification_chunk (notification_id, chunk) VALUES ($1, $2)
            ON CONFLICT DO NOTHING RETURNING chunk""";

    /*
     * Addresses the tenant suppressed are written as skipped: they are counted, never sent. The recipients of a
     * notification that failed because its content was lost ($7) are failed at once, with the reason.
     */
    private static final String INSERT_RECIPIENTS = """
            INSERT INTO notification.recipient (notification_id, user_id, email, first_name, status, reason)
            SELECT $1, u.user_id, u.email, u.first_name,
                   CASE WHEN $7::boolean THEN 'failed' WHEN s.email IS NULL THEN 'queued' ELSE 'skipped' END,
                   CASE WHEN $7::boolean THEN $8::text WHEN s.email IS NULL THEN NULL ELSE 'unsubscribed' END
            FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u (user_id, email, first_name)
            LEFT JOIN notification.suppression s
                   ON s.subscription_id = $5 AND s.initiative_id = $6 AND s.email = lower(u.email)
            ON CONFLICT DO NOTHING""";

    /* Chunk 0 carries the subject and body (EmailRequestMessage); it may arrive after other chunks. */
    private static final String SET_CONTENT = """
            UPDATE notification.notification SET subject = $2, body = $3, updated_at = now() WHERE id = $1""";

    /* Also locks the notification for the rest of the chunk's transaction (DeadLetterRepository.settle waits). */
    private static final String COUNT_CHUNK = """
            UPDATE notification.notification SET chunks_received = chunks_received + 1, updated_at = now()
            WHERE id = $1
            RETURNING status""";

    private static final String SENDING_NOTIFICATIONS = """
            SELECT count(*) FROM notification.notification WHERE status = 'sending'""";

    /*
     * Each notification being sent offers at most $2 due recipients, so one big list never starves the others;
     * SKIP LOCKED lets several instances claim side by side. The suppression list is read again at claim time:
     * an address that unsubscribed after the request was recorded is skipped too. A notification is sent only once
     * its content chunk is in (the other chunks refer to it).
     */
    private static final String CLAIM = """
            WITH due AS (
                SELECT d.notification_id, d.user_id
                FROM notification.notification n
                CROSS JOIN LATERAL (
                    SELECT r.notification_id, r.user_id FROM notification.recipient r
                    WHERE r.notification_id = n.id AND r.status = 'queued' AND r.next_attempt_at <= now()
                    ORDER BY r.next_attempt_at, r.user_id
                    LIMIT $2
                    FOR UPDATE OF r SKIP LOCKED) d
                WHERE n.status = 'sending'
                  AND EXISTS (SELECT 1 FROM notification.notification_chunk k
                              WHERE k.notification_id = n.id AND k.chunk = %d)
                LIMIT $1
            )
            UPDATE notification.recipient r
            SET status = 'sending', lease_until = now() + $3::bigint * interval '1 millisecond', updated_at = now()
            FROM due, notification.notification n
            WHERE r.notification_id = due.notification_id AND r.user_id = due.user_id AND n.id = r.notification_id
            RETURNING r.notification_id, r.user_id, r.email, r.first_name, r.attempts,
                      EXISTS (SELECT 1 FROM notification.suppression s WHERE s.subscription_id = n.subscription_id
                              AND s.initiative_id = n.initiative_id AND s.email = lower(r.email)) AS suppressed"""
            .formatted(EmailRequestMessage.CONTENT_CHUNK);

    private static final String CONTENTS = """
            SELECT id, subscription_id, initiative_id, kind, subject, body
            FROM notification.notification WHERE id = ANY($1)""";

    /*
     * A batch of sent mails (SentMarks), also when the lease ran out mid-round and the sweeper put the recipient back
     * to queued: the mail did go out, and leaving it queued would send it again.
     */
    private static final String MARK_SENT = """
            WITH s AS (
                UPDATE notification.recipient r
                SET status = 'sent', sent_at = now(), updated_at = now(), attempts = r.attempts + 1,
                    lease_until = NULL, reason = NULL
                FROM unnest($1::uuid[], $2::bigint[]) AS m (notification_id, user_id)
                WHERE r.notification_id = m.notification_id AND r.user_id = m.user_id
                  AND r.status IN ('sending', 'queued')
            )
            UPDATE notification.notification SET consecutive_failures = 0
            WHERE id = ANY($1) AND consecutive_failures > 0""";

    private static final String MARK_SKIPPED = """
            UPDATE notification.recipient SET status = 'skipped', reason = $3, updated_at = now(), lease_until = NULL
            WHERE notification_id = $1 AND user_id = $2 AND status = 'sending'""";

    private static final String RELEASE = """
            UPDATE notification.recipient SET status = 'queued', lease_until = NULL, updated_at = now()
            WHERE notification_id = $1 AND user_id = $2 AND status = 'sending'""";

    private static final String RETRY = """
            UPDATE notification.recipient
            SET status = 'queued', lease_until = NULL, attempts = attempts + 1, reason = $3,
                next_attempt_at = now() + $4::bigint * interval '1 millisecond', updated_at = now()
            WHERE notification_id = $1 AND user_id = $2 AND status = 'sending'""";

    /* A final failure; the notification pauses when too many recipients failed in a row. */
    private static final String MARK_FAILED = """
            WITH f AS (
                UPDATE notification.recipient
                SET status = 'failed', reason = $3, attempts = attempts + 1, lease_until = NULL, updated_at = now()
                WHERE notification_id = $1 AND user_id = $2 AND status = 'sending'
                RETURNING 1
            )
            UPDATE notification.notification SET consecutive_failures = consecutive_failures + 1, updated_at = now(),
                   status = CASE WHEN status = 'sending' AND consecutive_failures + 1 >= $4 THEN 'paused'
                                 ELSE status END,
                   paused_reason = CASE WHEN status = 'sending' AND consecutive_failures + 1 >= $4
                                        THEN (consecutive_failures + 1) || ' recipients failed in a row; last: ' || $3
                                        ELSE paused_reason END
            WHERE id = $1 AND EXISTS (SELECT 1 FROM f)""";

    private static final String EXPIRE_LEASES = """
            UPDATE notification.recipient SET status = 'queued', lease_until = NULL, updated_at = now()
            WHERE status = 'sending' AND lease_until < now()""";

    /* With what the notification.finished event reports: the final count of each outcome. */
    private static final String COMPLETE = """
            UPDATE notification.notification n SET status = 'completed', finished_at = now(), updated_at = now()
            WHERE n.status = 'sending' AND n.chunks_received >= n.chunks
              AND NOT EXISTS (SELECT 1 FROM notification.recipient r WHERE r.notification_id = n.id
                              AND r.status IN ('queued', 'sending'))
            RETURNING n.id, n.subscription_id, n.initiative_id, n.kind, n.recipients, n.started_at, n.finished_at,
                (SELECT count(*) FROM notification.recipient r WHERE r.notification_id = n.id
                 AND r.status = 'sent') AS sent,
                (SELECT count(*) FROM notification.recipient r WHERE r.notification_id = n.id
                 AND r.status = 'failed') AS failed,
                (SELECT count(*) FROM notification.recipient r WHERE r.notification_id = n.id
                 AND r.status = 'skipped') AS skipped""";

    /*
     * Retention, in batches: first the ledger rows of notifications no longer sending and untouched for the
     * retention period, then those notifications themselves (with their subject and body) once they have none left.
     */
    private static final String DELETE_OLD_RECIPIENTS = """
            DELETE FROM notification.recipient r USING (
                SELECT r2.notification_id, r2.user_id FROM notification.notification n
                JOIN notification.recipient r2 ON r2.notification_id = n.id
                WHERE n.status <> 'sending' AND n.updated_at < now() - $1::bigint * interval '1 millisecond'
                LIMIT $2) old
            WHERE r.notification_id = old.notification_id AND r.user_id = old.user_id""";

    private static final String DELETE_OLD_NOTIFICATIONS = """
            DELETE FROM notification.notification WHERE id IN (
                SELECT n.id FROM notification.notification n
                WHERE n.status <> 'sending' AND n.updated_at < now() - $1::bigint * interval '1 millisecond'
                  AND NOT EXISTS (SELECT 1 FROM notification.recipient r WHERE r.notification_id = n.id)
                LIMIT $2)""";

    private static final String DELETE_OLD_DEAD_LETTERS = """
            DELETE FROM notification.dead_letter WHERE id IN (
                SELECT id FROM notification.dead_letter
                WHERE created_at < now() - $1::bigint * interval '1 millisecond' ORDER BY created_at LIMIT $2)""";

    private final Pool pool;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;

    public LedgerRepository(Pool pool, OutboxRepository outbox, OutboxRelay relay) {
        this.pool = pool;
        this.outbox = outbox;
        this.relay = relay;
    }

    /**
     * Records one chunk in one transaction: the notification (first chunk), the chunk marker, its recipients.
     * A chunk already recorded changes nothing; returns whether this call recorded it.
     */
    public Uni<Boolean> record(EmailRequestMessage m) {
        return pool.withTransaction(c -> c.preparedQuery(INSERT_NOTIFICATION)
                .execute(Tuple.tuple().addValue(m.notificationId()).addValue(m.subscriptionId())
                        .addValue(m.initiativeId()).addValue(m.kind().wire()).addValue(m.totalRecipients())
                        .addValue(m.subject()).addValue(m.body()).addValue(Math.max(1, m.chunks())))
                .chain(() -> c.preparedQuery(INSERT_CHUNK).execute(Tuple.of(m.notificationId(), m.chunk())))
                .chain(inserted -> inserted.size() == 0 ? Uni.createFrom().item(false)
                        : c.preparedQuery(COUNT_CHUNK).execute(Tuple.of(m.notificationId()))
                                .chain(counted -> insertRecipients(c, m,
                                        "failed".equals(counted.iterator().next().getString("status"))))
                                .chain(() -> setContent(c, m))
                                .replaceWith(true)));
    }

    private static Uni<Void> setContent(SqlClient c, EmailRequestMessage m) {
        if (!m.carriesContent()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery(SET_CONTENT).execute(Tuple.of(m.notificationId(), m.subject(), m.body()))
                .replaceWithVoid();
    }

    private static Uni<Void> insertRecipients(SqlClient c, EmailRequestMessage m, boolean contentLost) {
        List<EmailRequestMessage.Recipient> list = m.recipients() == null ? List.of() : m.recipients();
        Long[] ids = new Long[list.size()];
        String[] emails = new String[list.size()];
        String[] names = new String[list.size()];
        for (int i = 0; i < list.size(); i++) {
            ids[i] = list.get(i).userId();
            emails[i] = list.get(i).email();
            names[i] = list.get(i).firstName();
        }
        return c.preparedQuery(INSERT_RECIPIENTS).execute(Tuple.tuple().addValue(m.notificationId()).addValue(ids)
                .addValue(emails).addValue(names).addValue(m.subscriptionId()).addValue(m.initiativeId())
                .addValue(contentLost).addValue(DeadLetterRepository.CONTENT_LOST))
                .replaceWithVoid();
    }

    /** Claims up to {@code limit} due recipients, shared between the notifications being sent. */
    public Uni<List<ClaimedRecipient>> claim(int limit, Duration lease) {
        return pool.withTransaction(c -> c.query(SENDING_NOTIFICATIONS).execute().chain(count -> {
            long sending = count.iterator().next().getLong(0);
            if (sending == 0) {
                return Uni.createFrom().item(List.<ClaimedRecipient>of());
            }
            long perNotification = Math.max(1, (limit + sending - 1) / sending);
            return c.preparedQuery(CLAIM).execute(Tuple.of(limit, perNotification, lease.toMillis()))
                    .map(rows -> {
                        List<ClaimedRecipient> claimed = new ArrayList<>(rows.size());
                        for (Row r : rows) {
                            claimed.add(new ClaimedRecipient(r.getUUID("notification_id"), r.getLong("user_id"),
                                    r.getString("email"), r.getString("first_name"), r.getInteger("attempts"),
                                    r.getBoolean("suppressed")));
                        }
                        return claimed;
                    });
        }));
    }

    /** Subject, body and tenant of the given notifications. */
    public Uni<Map<UUID, MailContent>> contents(UUID[] ids) {
        return pool.preparedQuery(CONTENTS).execute(Tuple.of(ids)).map(rows -> {
            Map<UUID, MailContent> contents = new HashMap<>();
            for (Row r : rows) {
                contents.put(r.getUUID("id"), new MailContent(r.getUUID("id"), r.getLong("subscription_id"),
                        r.getString("initiative_id"), r.getString("kind"), r.getString("subject"),
                        r.getString("body")));
            }
            return contents;
        });
    }

    /** Records the mails as sent, in one statement. */
    public Uni<Void> markSent(List<ClaimedRecipient> recipients) {
        UUID[] notifications = new UUID[recipients.size()];
        Long[] users = new Long[recipients.size()];
        for (int i = 0; i < recipients.size(); i++) {
            notifications[i] = recipients.get(i).notificationId();
            users[i] = recipients.get(i).userId();
        }
        return update(MARK_SENT, Tuple.of(notifications, users));
    }

    public Uni<Void> markSkipped(ClaimedRecipient r, String reason) {
        return update(MARK_SKIPPED, Tuple.of(r.notificationId(), r.userId(), reason));
    }

    /** Gives a claimed recipient back untouched (nothing was attempted). */
    public Uni<Void> release(ClaimedRecipient r) {
        return update(RELEASE, Tuple.of(r.notificationId(), r.userId()));
    }

    /** A transient failure: the recipient is due again after {@code delay}. */
    public Uni<Void> retryLater(ClaimedRecipient r, String reason, Duration delay) {
        return update(RETRY, Tuple.of(r.notificationId(), r.userId(), reason, delay.toMillis()));
    }

    /** A final failure with its reason; pauses the notification after {@code pauseAfter} failures in a row. */
    public Uni<Void> markFailed(ClaimedRecipient r, String reason, int pauseAfter) {
        return update(MARK_FAILED, Tuple.of(r.notificationId(), r.userId(), reason, pauseAfter));
    }

    /** Recipients claimed by an instance that did not finish them in time are due again; returns how many. */
    public Uni<Integer> expireLeases() {
        return pool.query(EXPIRE_LEASES).execute().map(rows -> rows.rowCount());
    }

    /**
     * Notifications whose every chunk is in and every recipient is final become completed, each with its
     * {@code notification.finished} event in the same transaction; returns how many.
     */
    public Uni<Integer> completeFinished() {
        return pool.withTransaction(c -> c.query(COMPLETE).execute().call(rows -> {
            List<Uni<Void>> events = new ArrayList<>();
            for (Row r : rows) {
                AudienceEvent event = finished(r);
                events.add(outbox.append(c, Topics.AUDIENCE_EVENTS, event.key(), event.toJson(),
                        AudienceEvent.RECORD_HEADERS));
            }
            return events.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(events).andFailFast();
        }).map(rows -> rows.rowCount())).invoke(completed -> {
            if (completed > 0) {
                relay.kick();
            }
        });
    }

    private static AudienceEvent finished(Row r) {
        UUID id = r.getUUID("id");
        return AudienceEvent.of(AudienceEvent.SOURCE_NOTIFICATIONS, AudienceEvent.NOTIFICATION_FINISHED,
                "notifications/" + id, AudienceEvent.data("subscriptionId", r.getLong("subscription_id"),
                        "initiativeId", r.getString("initiative_id"), "notificationId", id.toString(),
                        "kind", r.getString("kind"), "status", "completed", "recipients", r.getLong("recipients"),
                        "sent", r.getLong("sent"), "failed", r.getLong("failed"), "skipped", r.getLong("skipped"),
                        "startedAt", instant(r.getOffsetDateTime("started_at")),
                        "finishedAt", instant(r.getOffsetDateTime("finished_at"))));
    }

    private static String instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }

    /** Deletes up to {@code batch} rows past retention (ledger rows first, then notifications, then dead letters). */
    public Uni<Integer> deleteExpired(Duration retention, int batch) {
        Tuple params = Tuple.of(retention.toMillis(), batch);
        return pool.preparedQuery(DELETE_OLD_RECIPIENTS).execute(params).chain(recipients -> {
            if (recipients.rowCount() > 0) {
                return Uni.createFrom().item(recipients.rowCount());
            }
            return pool.preparedQuery(DELETE_OLD_NOTIFICATIONS).execute(params).chain(notifications ->
                    notifications.rowCount() > 0 ? Uni.createFrom().item(notifications.rowCount())
                            : pool.preparedQuery(DELETE_OLD_DEAD_LETTERS).execute(params).map(d -> d.rowCount()));
        });
    }

    private Uni<Void> update(String sql, Tuple params) {
        return pool.preparedQuery(sql).execute(params).replaceWithVoid();
    }

    /** A recipient claimed for sending. */
    public record ClaimedRecipient(UUID notificationId, long userId, String email, String firstName, int attempts,
                                   boolean suppressed) {
    }

    /** What a notification's mails say, and whose they are. */
    public record MailContent(UUID id, long subscriptionId, String initiativeId, String kind, String subject,
                              String body) {
    }
}
