package io.openaudience.segments.repository;

import io.openaudience.common.db.SegmentLock;
import io.openaudience.common.messaging.EmailKind;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.EmailRequestMessage.Json;
import io.openaudience.common.messaging.TraceHeaders;
import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * SQL of the email acceptance path: tenant checks on segments and members, and the set-based statement that
 * freezes the recipients into `email-requests` outbox chunks. Every statement filters on the tenant and runs on
 * the caller's connection, so the caller decides the transaction.
 */
@ApplicationScoped
public class EmailRequestRepository {

    /** Members of a segment of the tenant; the segment and membership keys both carry the tenant. */
    private static final String SEGMENT_MEMBERS = """
            FROM segments.user_segment us JOIN segments.member m ON m.id = us.user_id
            WHERE us.segment_id = $8 AND us.subscription_id = $2::bigint AND us.initiative_id = $3::text
              AND m.subscription_id = $2::bigint""";
    /** Picked members of the subscription, whatever their status; ANY() also drops duplicate ids. */
    private static final String SELECTED_MEMBERS = """
            FROM segments.member m WHERE m.subscription_id = $2::bigint AND m.id = ANY($8::bigint[])""";
    private static final String PENDING_MEMBERS = SELECTED_MEMBERS + " AND m.status = 'pending'";

    /*
     * One statement, whatever the number of recipients: PostgreSQL numbers the recipients, groups them by
     * 500 and builds each chunk's JSON (field names from EmailRequestMessage.Json, the contract's one spelling), so
     * the service never holds the list. Only chunk 0 carries the subject and body: a million-member send writes its
     * body once, not 2,000 times. Only two numbers come back.
     */
    private static final String FREEZE = """
            WITH r AS (
                SELECT m.id, m.email, m.first_name, row_number() OVER (ORDER BY m.id) - 1 AS rn
                %s
            ), t AS (
                SELECT count(*) AS n FROM r
            ), c AS (
                SELECT rn / $9::bigint AS chunk,
                       json_agg(""" + Json.sqlObject(Json.USER_ID, "id", Json.EMAIL, "email",
                    Json.FIRST_NAME, "first_name") + """
                                ORDER BY rn) AS recipients
                FROM r GROUP BY rn / $9::bigint
            ), ins AS (
                INSERT INTO segments.outbox (topic, message_key, payload, headers)
                SELECT $7::text, $1::text, """ + Json.sqlObject(
                    Json.NOTIFICATION_ID, "$1::text", Json.SUBSCRIPTION_ID, "$2::bigint",
                    Json.INITIATIVE_ID, "$3::text", Json.KIND, "$4::text",
                    Json.SUBJECT, "CASE WHEN c.chunk = " + EmailRequestMessage.CONTENT_CHUNK + " THEN $5::text END",
                    Json.BODY, "CASE WHEN c.chunk = " + EmailRequestMessage.CONTENT_CHUNK + " THEN $6::text END",
                    Json.CHUNK, "c.chunk", Json.CHUNKS, "(t.n + $9::bigint - 1) / $9::bigint",
                    Json.TOTAL_RECIPIENTS, "t.n", Json.RECIPIENTS, "c.recipients") + """
            ::text, $10::text
                FROM c CROSS JOIN t ORDER BY c.chunk
                RETURNING 1
            )
            SELECT (SELECT n FROM t) AS recipients, (SELECT count(*) FROM ins) AS chunks""";

    /** How many distinct ids were given, which of them are not members of the subscription, how many pending. */
    private static final String CHECK_USERS = """
            SELECT count(*) FILTER (WHERE m.id IS NULL) AS unknown,
                   (array_agg(u.id ORDER BY u.id) FILTER (WHERE m.id IS NULL))[1:$3] AS unknown_sample,
                   count(*) FILTER (WHERE m.status = 'pending') AS pending,
                   count(*) FILTER (WHERE m.status <> 'pending') AS not_pending
            FROM (SELECT DISTINCT unnest($1::bigint[]) AS id) u
            LEFT JOIN segments.member m ON m.id = u.id AND m.subscription_id = $2""";

    private static final String INSERT_REQUEST = """
            INSERT INTO segments.email_request
                (id, subscription_id, initiative_id, kind, subject, body, segment_id, recipients, skipped, chunks)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";

    /* Retention: old requests keep their header and counts, not the tenant's text. */
    private static final String CLEAR_OLD_CONTENT = """
            UPDATE segments.email_request SET subject = NULL, body = NULL
            WHERE id IN (SELECT id FROM segments.email_request
                         WHERE created_at < now() - $1::bigint * interval '1 millisecond'
                           AND (subject IS NOT NULL OR body IS NOT NULL)
                         LIMIT $2)""";

    /**
     * The segment exists in the tenant (another tenant's segment reads as missing) and is key-share locked until the
     * request's members are frozen, so it is not deleted under the acceptance ({@link SegmentLock}).
     */
    public Uni<Boolean> segmentExists(SqlClient client, Tenant tenant, long segmentId) {
        return client.preparedQuery(SegmentLock.KEY_SHARE.numberedSql())
                .execute(Tuple.of(new Long[] {segmentId}, tenant.subscriptionId(), tenant.initiativeId()))
                .map(rows -> rows.size() > 0);
    }

    /** Sorts the given ids into unknown (not a member of the subscription), pending and other members. */
    public Uni<UserCheck> checkUsers(SqlClient client, Tenant tenant, Long[] userIds, int unknownSample) {
        return client.preparedQuery(CHECK_USERS)
                .execute(Tuple.of(userIds, tenant.subscriptionId(), unknownSample))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Long[] sample = row.getArrayOfLongs("unknown_sample");
                    return new UserCheck(row.getLong("unknown"), sample == null ? List.of() : Arrays.asList(sample),
                            row.getLong("pending"), row.getLong("not_pending"));
                });
    }

    /**
     * Freezes the recipients of a request into outbox chunks on {@code topic} (`email-requests`), keyed by the
     * notification id, each with the trace context of the request as its record headers ({@link TraceHeaders}).
     * {@code source} is the segment id for {@link EmailKind#SEGMENT}, the member ids otherwise.
     */
    public Uni<Frozen> freeze(SqlClient client, String topic, UUID notificationId, Tenant tenant, EmailKind kind,
                              String subject, String body, Object source) {
        String from = switch (kind) {
            case SEGMENT -> SEGMENT_MEMBERS;
            case SELECTED -> SELECTED_MEMBERS;
            case REINVITE -> PENDING_MEMBERS;
        };
        Tuple params = Tuple.tuple().addValue(notificationId.toString()).addValue(tenant.subscriptionId())
                .addValue(tenant.initiativeId()).addValue(kind.wire()).addValue(subject).addValue(body)
                .addValue(topic).addValue(source).addValue((long) EmailRequestMessage.MAX_RECIPIENTS)
                .addValue(TraceHeaders.currentJson());
        return client.preparedQuery(FREEZE.formatted(from)).execute(params)
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Frozen(row.getLong("recipients"), row.getLong("chunks").intValue());
                });
    }

    /** The request's header row, in the same transaction as its chunks. */
    public Uni<Void> insertRequest(SqlClient client, UUID notificationId, Tenant tenant, EmailKind kind,
                                   String subject, String body, Long segmentId, Frozen frozen, long skipped) {
        Tuple params = Tuple.tuple().addValue(notificationId).addValue(tenant.subscriptionId())
                .addValue(tenant.initiativeId()).addValue(kind.wire()).addValue(subject).addValue(body)
                .addValue(segmentId).addValue(frozen.recipients()).addValue(skipped).addValue(frozen.chunks());
        return client.preparedQuery(INSERT_REQUEST).execute(params).replaceWithVoid();
    }

    /** Clears the subject and body of up to {@code batch} requests older than {@code retention}; returns how many. */
    public Uni<Integer> clearOldContent(SqlClient client, Duration retention, int batch) {
        return client.preparedQuery(CLEAR_OLD_CONTENT).execute(Tuple.of(retention.toMillis(), batch))
                .map(rows -> rows.rowCount());
    }

    /** The given ids sorted against the subscription's members. */
    public record UserCheck(long unknown, List<Long> unknownSample, long pending, long notPending) {
    }

    /** What the freeze wrote: recipients in total and the number of chunks. */
    public record Frozen(long recipients, int chunks) {
    }
}
