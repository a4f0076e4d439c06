package io.openaudience.segments.repository;

import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The segment list and the with-users pages, in SQL on the reactive pool rather than Panache because they are the
 * benchmarked hot paths (bench/segments: list 12,661 req/s) answered from rows without a session or entities.
 * Read-only, outside any transaction; tables are schema-qualified because the pool has no default schema.
 */
@ApplicationScoped
public class SegmentListRepository {

    private final Pool pool;

    public SegmentListRepository(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's segments in id order. Rows: id, value, user_count, created_at, updated_at. */
    public Uni<List<Row>> list(Tenant tenant) {
        return pool.preparedQuery("SELECT id, value, user_count, created_at, updated_at FROM segments.segment"
                        + " WHERE subscription_id = $1 AND initiative_id = $2 ORDER BY id")
                .execute(Tuple.of(tenant.subscriptionId(), tenant.initiativeId()))
                .map(SegmentListRepository::rows);
    }

    /** A with-users page: the segment rows ({@link #segmentsWithPage}) and their members' rows. */
    public record PageRows(List<Row> segments, List<Row> members) {
    }

    /**
     * The two statements of a with-users page on one connection, two round trips whatever the number of segments:
     * the segments with their page of member ids, then those members with all their segments.
     */
    public Uni<PageRows> withUsersPage(Tenant tenant, Long segmentId, int limit, long offset) {
        return pool.withConnection(c -> segmentsWithPage(c, tenant, segmentId, limit, offset).chain(rows -> {
            Long[] userIds = rows.stream().map(r -> r.getLong("user_id")).filter(Objects::nonNull).distinct()
                    .toArray(Long[]::new);
            return userIds.length == 0 ? Uni.createFrom().item(new PageRows(rows, List.of()))
                    : membersWithSegments(c, tenant, userIds).map(members -> new PageRows(rows, members));
        }));
    }

    /**
     * The tenant's segments (all of them, or only {@code segmentId} when not null) with one page of each one's member
     * ids, in one round trip: a LEFT JOIN LATERAL walking the (segment_id, user_id) primary key per segment, so a
     * segment of a million members answers as fast as a small one. One row per (segment, member), or one row with a
     * null user_id for a segment without members on that page. Rows: id, value, user_count, created_at, user_id.
     */
    private static Uni<List<Row>> segmentsWithPage(SqlClient c, Tenant tenant, Long segmentId, int limit,
                                                   long offset) {
        String sql = "SELECT s.id, s.value, s.user_count, s.created_at, p.user_id FROM segments.segment s"
                + " LEFT JOIN LATERAL (SELECT us.user_id FROM segments.user_segment us WHERE us.segment_id = s.id"
                + " ORDER BY us.user_id LIMIT $3 OFFSET $4) p ON true"
                + " WHERE s.subscription_id = $1 AND s.initiative_id = $2"
                + (segmentId == null ? "" : " AND s.id = $5")
                + " ORDER BY s.id, p.user_id";
        Tuple args = Tuple.of(tenant.subscriptionId(), tenant.initiativeId(), limit, offset);
        if (segmentId != null) {
            args.addLong(segmentId);
        }
        return c.preparedQuery(sql).execute(args).map(SegmentListRepository::rows);
    }

    /**
     * The members among {@code userIds} with every segment they belong to in the tenant's initiative, ordered by
     * user then segment. Rows: id, email, first_name, role, status, segment_id, value, team_id, created_at, updated_at,
     * initiative_number (the initiative's number, V21).
     */
    private static Uni<List<Row>> membersWithSegments(SqlClient c, Tenant tenant, Long[] userIds) {
        return c.preparedQuery("SELECT m.id, m.email, m.first_name, m.role, m.status, us.segment_id, s.value,"
                        + " us.team_id, us.created_at, us.updated_at, i.id AS initiative_number"
                        + " FROM segments.member m"
                        + " JOIN segments.user_segment us ON us.user_id = m.id AND us.subscription_id = $2"
                        + " AND us.initiative_id = $3"
                        + " JOIN segments.segment s ON s.id = us.segment_id"
                        + " JOIN segments.initiative i ON i.subscription_id = us.subscription_id"
                        + " AND i.key = us.initiative_id"
                        + " WHERE m.id = ANY($1) AND m.subscription_id = $2"
                        + " ORDER BY m.id, us.segment_id")
                .execute(Tuple.of(userIds, tenant.subscriptionId(), tenant.initiativeId()))
                .map(SegmentListRepository::rows);
    }

    private static List<Row> rows(Iterable<Row> rs) {
        List<Row> rows = new ArrayList<>();
        rs.forEach(rows::add);
        return rows;
    }
}
