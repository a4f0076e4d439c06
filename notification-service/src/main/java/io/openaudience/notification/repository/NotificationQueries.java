package io.openaudience.notification.repository;

import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** What the API reads from the ledger (always within one tenant), and the suppression list it writes. */
@ApplicationScoped
public class NotificationQueries {

    private static final String TOTALS = """
            SELECT count(*) FILTER (WHERE status IN ('queued', 'sending')) AS queued,
                   count(*) FILTER (WHERE status = 'sent') AS sent,
                   count(*) FILTER (WHERE status = 'failed') AS failed,
                   count(*) FILTER (WHERE status = 'skipped') AS skipped
            FROM notification.recipient WHERE notification_id = $1""";

    private static final String RECIPIENTS = """
            SELECT user_id, email, status, reason, attempts, sent_at, updated_at, count(*) OVER () AS total
            FROM notification.recipient WHERE notification_id = $1 AND ($2::text IS NULL OR status = $2)
            ORDER BY user_id LIMIT $3 OFFSET $4""";

    private static final String COUNT_RECIPIENTS = """
            SELECT count(*) FROM notification.recipient
            WHERE notification_id = $1 AND ($2::text IS NULL OR status = $2)""";

    private static final String SUPPRESS = """
            INSERT INTO notification.suppression (subscription_id, initiative_id, email) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING""";

    private static final String RESUME = """
            UPDATE notification.notification SET status = 'sending', paused_reason = NULL, consecutive_failures = 0,
                                    updated_at = now()
            WHERE id = $1 AND subscription_id = $2 AND initiative_id = $3 AND status = 'paused'""";

    private final Pool pool;

    public NotificationQueries(Pool pool) {
        this.pool = pool;
    }

    public Uni<Totals> totals(UUID notificationId) {
        return pool.preparedQuery(TOTALS).execute(Tuple.of(notificationId)).map(rows -> {
            Row r = rows.iterator().next();
            return new Totals(r.getLong("queued"), r.getLong("sent"), r.getLong("failed"), r.getLong("skipped"));
        });
    }

    /** One page of a notification's recipients in user id order, optionally of one status, with the total. */
    public Uni<RecipientPage> recipients(UUID notificationId, String status, int page, int size) {
        Tuple params = Tuple.of(notificationId, status, size, (long) page * size);
        return pool.preparedQuery(RECIPIENTS).execute(params).chain(rows -> {
            List<RecipientRow> list = new ArrayList<>(rows.size());
            long total = -1;
            for (Row r : rows) {
                total = r.getLong("total");
                list.add(new RecipientRow(r.getLong("user_id"), r.getString("email"), r.getString("status"),
                        r.getString("reason"), r.getInteger("attempts"), r.getOffsetDateTime("sent_at"),
                        r.getOffsetDateTime("updated_at")));
            }
            if (total >= 0) {
                return Uni.createFrom().item(new RecipientPage(list, total));
            }
            // A page past the end: the total still comes from a count.
            return pool.preparedQuery(COUNT_RECIPIENTS).execute(Tuple.of(notificationId, status))
                    .map(count -> new RecipientPage(list, count.iterator().next().getLong(0)));
        });
    }

    public Uni<Void> suppress(long subscriptionId, String initiativeId, String email) {
        return pool.preparedQuery(SUPPRESS)
                .execute(Tuple.of(subscriptionId, initiativeId, email.toLowerCase(Locale.ROOT)))
                .replaceWithVoid();
    }

    /** Lets a paused notification of the tenant send again; false when it is not paused. */
    public Uni<Boolean> resume(Tenant tenant, UUID notificationId) {
        return pool.preparedQuery(RESUME)
                .execute(Tuple.of(notificationId, tenant.subscriptionId(), tenant.initiativeId()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Recipients by final state; queued counts those waiting and those being sent. */
    public record Totals(long queued, long sent, long failed, long skipped) {
    }

    public record RecipientRow(long userId, String email, String status, String reason, int attempts,
                               OffsetDateTime sentAt, OffsetDateTime updatedAt) {
    }

    public record RecipientPage(List<RecipientRow> recipients, long total) {
    }
}
