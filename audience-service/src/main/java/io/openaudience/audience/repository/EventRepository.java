package io.openaudience.audience.repository;

import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event write path in plain SQL on the reactive client, because it is the intake's hot path: one set-based
 * statement per table for a whole batch ({@code unnest} of parallel arrays), run on the connection of the caller's
 * transaction. Rows are touched in key order in every statement, so concurrent batches never deadlock.
 */
@ApplicationScoped
public class EventRepository {

    /** Creates the monthly partitions of {@code event} holding these instants, if missing. */
    public Uni<Void> ensurePartitions(SqlClient client, List<OffsetDateTime> instants) {
        return client.preparedQuery("SELECT audience.ensure_event_partition(t) FROM unnest($1::timestamptz[]) AS t")
                .execute(Tuple.of(instants.toArray(OffsetDateTime[]::new)))
                .replaceWithVoid();
    }

    /**
     * Creates the people the batch names that do not exist yet and adds the batch to everyone's totals: events,
     * visits (a {@code pageview} whose person was inactive for at least {@code visitGapSeconds} before it, or has no
     * earlier activity), first and last seen. Returns each user_id's internal key.
     */
    public Uni<Map<String, Long>> upsertPeople(SqlClient client, Tenant tenant, String[] userIds, String[] names,
                                               OffsetDateTime[] times, long visitGapSeconds) {
        return client.preparedQuery("""
                        WITH batch AS (
                            SELECT b.user_id, b.name, b.ts
                            FROM unnest($3::varchar[], $4::varchar[], $5::timestamptz[]) AS b(user_id, name, ts)
                        ), known AS (
                            -- One index probe per person: LIMIT 1 keeps the lateral from becoming a join that
                            -- reads all of the tenant's people (the plan a stale estimate or a generic plan picks).
                            SELECT u.user_id, k.last_seen_at
                            FROM (SELECT DISTINCT user_id FROM batch) u
                            CROSS JOIN LATERAL (
                                SELECT p.last_seen_at FROM audience.app_user p
                                WHERE p.company_id = $1 AND p.application_id = $2 AND p.user_id = u.user_id LIMIT 1
                            ) k
                        ), timed AS (
                            SELECT b.user_id, b.name, b.ts,
                                   greatest(k.last_seen_at, max(b.ts) OVER (PARTITION BY b.user_id ORDER BY b.ts
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS previous
                            FROM batch b LEFT JOIN known k ON k.user_id = b.user_id
                        )
                        INSERT INTO audience.app_user AS p (company_id, application_id, user_id, total_events,
                                                           total_visits, first_seen_at, last_seen_at)
                        SELECT $1, $2, user_id, count(*),
                               count(*) FILTER (WHERE name = 'pageview'
                                   AND (previous IS NULL OR extract(epoch FROM ts - previous) >= $6)),
                               min(ts), max(ts)
                        FROM timed GROUP BY user_id ORDER BY user_id
                        ON CONFLICT (company_id, application_id, user_id) DO UPDATE SET
                            total_events = p.total_events + excluded.total_events,
                            total_visits = p.total_visits + excluded.total_visits,
                            first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
                            last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at)
                        RETURNING p.id, p.user_id""")
                .execute(Tuple.from(List.of(tenant.companyId(), tenant.applicationId(), userIds, names, times,
                        visitGapSeconds)))
                .map(rows -> {
                    Map<String, Long> keys = new HashMap<>();
                    for (Row r : rows) {
                        keys.put(r.getString("user_id"), r.getLong("id"));
                    }
                    return keys;
                });
    }

    /** Appends the events; returns how many rows were written. */
    public Uni<Integer> insertEvents(SqlClient client, Tenant tenant, Long[] userPks, String[] names,
                                     OffsetDateTime[] times, String[] hrefs, String[] properties) {
        return client.preparedQuery("""
                        INSERT INTO audience.event (company_id, application_id, user_pk, name, occurred_at, href,
                                                    properties)
                        SELECT $1, $2, e.user_pk, e.name, e.ts, e.href, e.properties::jsonb
                        FROM unnest($3::bigint[], $4::varchar[], $5::timestamptz[], $6::text[], $7::text[])
                             AS e(user_pk, name, ts, href, properties)""")
                .execute(Tuple.from(List.of(tenant.companyId(), tenant.applicationId(), userPks, names, times, hrefs,
                        properties)))
                .map(rows -> rows.rowCount());
    }

    /** Adds the batch to the per-person, per-name counts and first/last times. */
    public Uni<Void> upsertStats(SqlClient client, Tenant tenant, Long[] userPks, String[] names,
                                 OffsetDateTime[] times) {
        return client.preparedQuery("""
                        INSERT INTO audience.person_event_stats AS s (user_pk, name, company_id, application_id, count,
                                                                     first_at, last_at)
                        SELECT e.user_pk, e.name, $1, $2, count(*), min(e.ts), max(e.ts)
                        FROM unnest($3::bigint[], $4::varchar[], $5::timestamptz[]) AS e(user_pk, name, ts)
                        GROUP BY e.user_pk, e.name ORDER BY e.user_pk, e.name
                        ON CONFLICT (user_pk, name) DO UPDATE SET
                            count = s.count + excluded.count,
                            first_at = least(s.first_at, excluded.first_at),
                            last_at = greatest(s.last_at, excluded.last_at)""")
                .execute(Tuple.from(List.of(tenant.companyId(), tenant.applicationId(), userPks, names, times)))
                .replaceWithVoid();
    }
}
