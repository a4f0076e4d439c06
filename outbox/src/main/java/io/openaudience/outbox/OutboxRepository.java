package io.openaudience.outbox;

import io.openaudience.common.messaging.TraceHeaders;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The transactional outbox: writers append a row in their own transaction; the relay claims due rows, publishes
 * them and marks them. The table is service-wide, not tenant data, so these queries do not filter on a tenant.
 * Each service has its own table (columns as segments-service's {@code V10}/{@code V11}/{@code V70} migrations),
 * named by {@code outbox.table}; the name is configuration, never input, and is checked to be a plain qualified name.
 * Rows that can never be published move to {@code <table>_dead_letter} beside it (segments-service's {@code V80}).
 */
@ApplicationScoped
public class OutboxRepository {

    /**
     * Claims due rows in id order, skipping rows another replica holds, and leaves out any row whose key still has
     * an earlier unpublished row outside this claim (held by another replica or waiting for its retry): publishing
     * it now would overtake that row. Claimed rows are leased by pushing next_attempt_at forward, so the claim
     * commits at once and publishing happens outside any transaction.
     */
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");
    private static final String CLAIM = """
            WITH due AS (
                SELECT id FROM %1$s
                WHERE published_at IS NULL AND next_attempt_at <= now()
                ORDER BY id LIMIT $1
                FOR UPDATE SKIP LOCKED
            ), ready AS (
                SELECT o.id FROM %1$s o JOIN due d ON d.id = o.id
                WHERE NOT EXISTS (
                    SELECT 1 FROM %1$s e
                    WHERE e.published_at IS NULL AND e.topic = o.topic AND e.message_key = o.message_key
                      AND e.id < o.id AND e.id NOT IN (SELECT id FROM due))
            )
            UPDATE %1$s o SET next_attempt_at = now() + make_interval(secs => $2)
            FROM ready r WHERE o.id = r.id
            RETURNING o.id, o.topic, o.message_key, o.payload, o.attempts, o.headers
            """;
    private static final String INSERT = "INSERT INTO %1$s (topic, message_key, payload, headers) "
            + "VALUES ($1, $2, $3, $4)";
    private static final String PUBLISHED = "UPDATE %1$s SET published_at = now(), last_error = NULL "
            + "WHERE id = ANY($1) AND published_at IS NULL";
    private static final String FAILED = "UPDATE %1$s SET attempts = attempts + 1, last_error = $2, "
            + "next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1";
    private static final String RELEASE = "UPDATE %1$s SET next_attempt_at = now() WHERE id = ANY($1)";
    private static final String BACKLOG = "SELECT count(*), coalesce((extract(epoch FROM now() - min(created_at)) "
            + "* 1000)::bigint, 0) FROM %1$s WHERE published_at IS NULL";
    private static final String DEAD_LETTER = """
            WITH dead AS (
                DELETE FROM %1$s WHERE id = $1 AND published_at IS NULL
                RETURNING id, topic, message_key, payload, headers, created_at, attempts
            )
            INSERT INTO %1$s_dead_letter (id, topic, message_key, payload, headers, created_at, attempts, reason)
            SELECT id, topic, message_key, payload, headers, created_at, attempts + 1, $2 FROM dead
            """;

    private final Pool pool;
    private final String claim;
    private final String insert;
    private final String published;
    private final String failed;
    private final String release;
    private final String backlog;
    private final String deadLetter;

    public OutboxRepository(Pool pool, OutboxConfig config) {
        this.pool = pool;
        String table = checkedTable(config.table());
        this.claim = CLAIM.formatted(table);
        this.insert = INSERT.formatted(table);
        this.published = PUBLISHED.formatted(table);
        this.failed = FAILED.formatted(table);
        this.release = RELEASE.formatted(table);
        this.backlog = BACKLOG.formatted(table);
        this.deadLetter = DEAD_LETTER.formatted(table);
    }

    /** The configured table name, checked to be a plain schema-qualified name (it is pasted into statements). */
    static String checkedTable(String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("outbox.table must be a schema-qualified table name: " + table);
        }
        return table;
    }

    /**
     * Appends a message in the caller's transaction; it is published only if that transaction commits, with the
     * trace context current now as its record headers ({@link TraceHeaders}), so its consumer continues this trace.
     */
    public Uni<Void> append(SqlClient client, String topic, String key, String payload) {
        return append(client, topic, key, payload, Map.of());
    }

    /** Like {@link #append(SqlClient, String, String, String)}, with further record headers (e.g. a content type). */
    public Uni<Void> append(SqlClient client, String topic, String key, String payload, Map<String, String> headers) {
        return client.preparedQuery(insert)
                .execute(Tuple.of(topic, key, payload, TraceHeaders.currentJson(headers)))
                .replaceWithVoid();
    }

    /** Claims up to {@code limit} due rows for {@code lease}; the result is in id order. */
    public Uni<List<OutboxRow>> claim(int limit, Duration lease) {
        return pool.withTransaction(conn -> conn.preparedQuery(claim)
                .execute(Tuple.of(limit, lease.toMillis() / 1000.0))
                .map(rows -> {
                    List<OutboxRow> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new OutboxRow(r.getLong("id"), r.getString("topic"),
                            r.getString("message_key"), r.getString("payload"), r.getInteger("attempts"),
                            TraceHeaders.parse(r.getString("headers")))));
                    list.sort((a, b) -> Long.compare(a.id(), b.id()));
                    return list;
                }));
    }

    public Uni<Void> markPublished(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(published)
                .execute(Tuple.of(ids.toArray(new Long[0])))
                .replaceWithVoid();
    }

    /** Records a failed attempt and when to try again. */
    public Uni<Void> markFailed(long id, String error, Duration retryIn) {
        return pool.preparedQuery(failed)
                .execute(Tuple.of(id, error, retryIn.toMillis() / 1000.0))
                .replaceWithVoid();
    }

    /** Gives claimed rows back unpublished (an earlier row of their key failed), without counting an attempt. */
    public Uni<Void> release(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(release)
                .execute(Tuple.of(ids.toArray(new Long[0])))
                .replaceWithVoid();
    }

    /** How many rows wait to be published, and how long the oldest has waited (the operators' gauges). */
    public Uni<Backlog> backlog() {
        return pool.query(backlog).execute().map(rows -> {
            var row = rows.iterator().next();
            return new Backlog(row.getLong(0), row.getLong(1));
        });
    }

    /** Unpublished rows and the age of the oldest (0 when there is none). */
    public record Backlog(long rows, long oldestAgeMillis) {
    }

    /**
     * Moves a row that can never be published to the dead-letter table with the reason of its last attempt, in one
     * statement: the rows of its key behind it become due, and the row stays there for an operator to inspect or put
     * back (outbox/README.md).
     */
    public Uni<Void> deadLetter(long id, String reason) {
        return pool.preparedQuery(deadLetter)
                .execute(Tuple.of(id, reason))
                .replaceWithVoid();
    }

    /** A claimed outbox row; {@code headers} are the record headers to publish it with (its trace context). */
    public record OutboxRow(long id, String topic, String key, String payload, int attempts,
                            Map<String, String> headers) {
    }
}
