package io.openaudience.segments.repository;

import io.openaudience.common.messaging.EmailKind;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.EmailRequestMessage.Json;
import io.openaudience.common.messaging.TraceHeaders;
import io.openaudience.common.security.Tenant;
import io.openaudience.segments.EmailRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Email requests: the header row as an entity; the set-based statement that freezes the recipients into
 * `email-requests` outbox chunks, and the check of picked member ids, in SQL (one statement whatever the number of
 * recipients). Every statement filters on the tenant and runs in the caller's session and transaction.
 */
@ApplicationScoped
public class EmailRequestRepository implements PanacheRepositoryBase<EmailRequest, UUID> {

    /** Members of a segment of the tenant; the segment and membership keys both carry the tenant. */
    private static final String SEGMENT_MEMBERS = """
            FROM segments.user_segment us JOIN segments.member m ON m.id = us.user_id
            WHERE us.segment_id = CAST(:source AS bigint) AND us.subscription_id = :subscription
              AND us.initiative_id = :initiative AND m.subscription_id = :subscription""";
    /** Picked members of the subscription, whatever their status; ANY() also drops duplicate ids. */
    private static final String SELECTED_MEMBERS = """
            FROM segments.member m
            WHERE m.subscription_id = :subscription AND m.id = ANY(CAST(:source AS bigint[]))""";
    private static final String PENDING_MEMBERS = SELECTED_MEMBERS + " AND m.status = 'pending'";

    /*
     * One statement, whatever the number of recipients: PostgreSQL numbers the recipients, groups them by 500 and
     * builds each chunk's JSON (field names from EmailRequestMessage.Json, the contract's one spelling; parameters
     * cast, as PostgreSQL infers no type inside json_build_object), so the service never holds the list. Only chunk 0
     * carries the subject and body: a million-member send writes its body once, not 2,000 times. Only two numbers
     * come back.
     */
    private static final String FREEZE = """
            WITH r AS (
                SELECT m.id, m.email, m.first_name, row_number() OVER (ORDER BY m.id) - 1 AS rn,
                       (row_number() OVER (ORDER BY m.id) - 1) / :size AS chunk
                %s
            ), t AS (
                SELECT count(*) AS n FROM r
            ), c AS (
                SELECT chunk, json_agg(""" + Json.sqlObject(Json.USER_ID, "id", Json.EMAIL, "email",
                    Json.FIRST_NAME, "first_name") + """
                                ORDER BY rn) AS recipients
                FROM r GROUP BY chunk
            ), ins AS (
                INSERT INTO segments.outbox (topic, message_key, payload, headers)
                SELECT :topic, :notification, CAST(""" + Json.sqlObject(
                    Json.NOTIFICATION_ID, "CAST(:notification AS text)",
                    Json.SUBSCRIPTION_ID, "CAST(:subscription AS bigint)",
                    Json.INITIATIVE_ID, "CAST(:initiative AS text)", Json.KIND, "CAST(:kind AS text)",
                    Json.SUBJECT, "CASE WHEN c.chunk = " + EmailRequestMessage.CONTENT_CHUNK
                            + " THEN CAST(:subject AS text) END",
                    Json.BODY, "CASE WHEN c.chunk = " + EmailRequestMessage.CONTENT_CHUNK
                            + " THEN CAST(:body AS text) END",
                    Json.CHUNK, "c.chunk", Json.CHUNKS, "(t.n + :size - 1) / :size",
                    Json.TOTAL_RECIPIENTS, "t.n", Json.RECIPIENTS, "c.recipients") + """
             AS text), :headers
                FROM c CROSS JOIN t ORDER BY c.chunk
                RETURNING 1
            )
            SELECT (SELECT n FROM t) AS recipients, (SELECT count(*) FROM ins) AS chunks""";

    /**
     * How many distinct ids were given, how many of them are not members of the subscription (the first few named,
     * comma-separated), how many are pending and how many not.
     */
    private static final String CHECK_USERS = """
            SELECT count(*) FILTER (WHERE m.id IS NULL) AS unknown,
                   array_to_string((array_agg(u.id ORDER BY u.id) FILTER (WHERE m.id IS NULL))[1 : :sample], ',')
                       AS unknown_sample,
                   count(*) FILTER (WHERE m.status = 'pending') AS pending,
                   count(*) FILTER (WHERE m.status <> 'pending') AS not_pending
            FROM (SELECT DISTINCT unnest(CAST(:ids AS bigint[])) AS id) u
            LEFT JOIN segments.member m ON m.id = u.id AND m.subscription_id = :subscription""";

    /** Sorts the given ids into unknown (not a member of the subscription), pending and other members. */
    public Uni<UserCheck> checkUsers(Tenant tenant, Long[] userIds, int unknownSample) {
        return Panache.getSession().chain(session -> session.createNativeQuery(CHECK_USERS, Object[].class)
                        .setParameter("ids", userIds)
                        .setParameter("subscription", tenant.subscriptionId())
                        .setParameter("sample", unknownSample)
                        .getSingleResult())
                .map(row -> new UserCheck(number(row[0]), ids((String) row[1]), number(row[2]), number(row[3])));
    }

    /**
     * Freezes the recipients of a request into outbox chunks on {@code topic} (`email-requests`), keyed by the
     * notification id, each with the trace context of the request as its record headers ({@link TraceHeaders}).
     * {@code source} is the segment id for {@link EmailKind#SEGMENT}, the member ids otherwise.
     */
    public Uni<Frozen> freeze(String topic, UUID notificationId, Tenant tenant, EmailKind kind, String subject,
                              String body, Object source) {
        String from = switch (kind) {
            case SEGMENT -> SEGMENT_MEMBERS;
            case SELECTED -> SELECTED_MEMBERS;
            case REINVITE -> PENDING_MEMBERS;
        };
        return Panache.getSession().chain(session -> session.createNativeQuery(FREEZE.formatted(from), Object[].class)
                        .setParameter("topic", topic)
                        .setParameter("notification", notificationId.toString())
                        .setParameter("subscription", tenant.subscriptionId())
                        .setParameter("initiative", tenant.initiativeId())
                        .setParameter("kind", kind.wire())
                        .setParameter("subject", subject)
                        .setParameter("body", body)
                        .setParameter("source", source)
                        .setParameter("size", (long) EmailRequestMessage.MAX_RECIPIENTS)
                        .setParameter("headers", TraceHeaders.currentJson())
                        .getSingleResult())
                .map(row -> new Frozen(number(row[0]), (int) number(row[1])));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static List<Long> ids(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isEmpty() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(Long::valueOf).toList();
    }

    /** The given ids sorted against the subscription's members. */
    public record UserCheck(long unknown, List<Long> unknownSample, long pending, long notPending) {
    }

    /** What the freeze wrote: recipients in total and the number of chunks. */
    public record Frozen(long recipients, int chunks) {
    }
}
