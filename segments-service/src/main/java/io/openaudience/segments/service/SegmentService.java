package io.openaudience.segments.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.segments.Views;
import io.openaudience.segments.Views.SegmentOption;
import io.openaudience.segments.Views.SegmentSummary;
import io.openaudience.segments.Views.SegmentView;
import io.openaudience.segments.Views.SegmentWithUsers;
import io.openaudience.segments.Views.UserSegment;
import io.openaudience.segments.Views.UserSubscription;
import io.openaudience.segments.Views.UserWithSegments;
import io.openaudience.segments.config.SegmentsApiConfig;
import io.openaudience.segments.repository.MembershipRepository;
import io.openaudience.segments.repository.SegmentRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Segment rules: value normalisation and uniqueness, tenant-scoped reads with paginated members. */
@ApplicationScoped
public class SegmentService {

    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;
    private final SegmentRepository segments;
    private final MembershipRepository memberships;
    private final SegmentsApiConfig config;

    public SegmentService(Pool pool, SegmentRepository segments, MembershipRepository memberships,
                          SegmentsApiConfig config) {
        this.pool = pool;
        this.segments = segments;
        this.memberships = memberships;
        this.config = config;
    }

    public Uni<List<SegmentSummary>> list(Tenant tenant) {
        return segments.list(pool, tenant).map(rows -> rows.stream()
                .map(r -> new SegmentSummary(r.getLong("id"), r.getString("value"),
                        Views.iso(r.getOffsetDateTime("created_at")), r.getLong("user_count")))
                .toList());
    }

    public Uni<SegmentView> create(Tenant tenant, String rawValue) {
        String value = checkedValue(rawValue);
        return pool.withTransaction(tx -> segments.insert(tx, tenant, value))
                .map(r -> new SegmentView(r.getLong("id"), r.getString("value"),
                        Views.iso(r.getOffsetDateTime("created_at")), null))
                .onFailure(SegmentService::isUniqueViolation).transform(e -> duplicate(value));
    }

    public Uni<SegmentView> rename(Tenant tenant, long id, String rawValue) {
        String value = checkedValue(rawValue);
        return pool.withTransaction(tx -> segments.rename(tx, tenant, id, value))
                .onFailure(SegmentService::isUniqueViolation).transform(e -> duplicate(value))
                .map(found -> found.map(r -> new SegmentView(r.getLong("id"), r.getString("value"),
                                Views.iso(r.getOffsetDateTime("created_at")),
                                Views.iso(r.getOffsetDateTime("updated_at"))))
                        .orElseThrow(() -> ApiException.notFound("segment")));
    }

    public Uni<Void> delete(Tenant tenant, long id) {
        return pool.withTransaction(tx -> segments.delete(tx, tenant, id))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ApiException.notFound("segment");
                    }
                }).replaceWithVoid();
    }

    /** Every segment of the initiative, each with the requested page of its members. */
    public Uni<List<SegmentWithUsers>> listWithUsers(Tenant tenant, Integer page, Integer size) {
        Page p = page(page, size);
        return pool.withConnection(c -> withUsers(c, tenant, null, p));
    }

    public Uni<SegmentWithUsers> withUsers(Tenant tenant, long id, Integer page, Integer size) {
        Page p = page(page, size);
        return pool.withConnection(c -> withUsers(c, tenant, id, p)).map(list -> {
            if (list.isEmpty()) {
                throw ApiException.notFound("segment");
            }
            return list.get(0);
        });
    }

    /** Two round trips whatever the number of segments: segments with their page of ids, then those members. */
    private Uni<List<SegmentWithUsers>> withUsers(SqlClient c, Tenant tenant, Long segmentId, Page p) {
        return memberships.segmentsWithPage(c, tenant, segmentId, p.size, p.offset()).chain(rows -> {
            Map<Long, Row> segmentRows = new LinkedHashMap<>();
            Map<Long, List<Long>> usersBySegment = new LinkedHashMap<>();
            Set<Long> userIds = new LinkedHashSet<>();
            for (Row r : rows) {
                long id = r.getLong("id");
                segmentRows.putIfAbsent(id, r);
                List<Long> users = usersBySegment.computeIfAbsent(id, k -> new ArrayList<>());
                Long userId = r.getLong("user_id");
                if (userId != null) {
                    users.add(userId);
                    userIds.add(userId);
                }
            }
            Uni<Map<Long, UserWithSegments>> users = userIds.isEmpty()
                    ? Uni.createFrom().item(Map.of())
                    : memberships.membersWithSegments(c, tenant, userIds.toArray(Long[]::new))
                            .map(memberRows -> users(memberRows, tenant));
            return users.map(byId -> segmentRows.values().stream().map(s -> new SegmentWithUsers(s.getLong("id"),
                    s.getString("value"), Views.iso(s.getOffsetDateTime("created_at")),
                    usersBySegment.get(s.getLong("id")).stream().map(byId::get).toList(),
                    s.getLong("user_count"))).toList());
        });
    }

    private static Map<Long, UserWithSegments> users(List<Row> rows, Tenant tenant) {
        Map<Long, UserWithSegments> users = new LinkedHashMap<>();
        for (Row r : rows) {
            long userId = r.getLong("id");
            UserWithSegments user = users.computeIfAbsent(userId, id -> new UserWithSegments(id, r.getString("email"),
                    List.of(new UserSubscription(r.getString("first_name"), r.getString("role"),
                            r.getString("status"))), new ArrayList<>()));
            user.segmentOptions().add(new SegmentOption(r.getString("value"), new UserSegment(userId,
                    r.getLong("segment_id"), r.getLong("initiative_number"), r.getLong("team_id"), tenant.subscriptionId(),
                    Views.iso(r.getOffsetDateTime("created_at")), Views.iso(r.getOffsetDateTime("updated_at")))));
        }
        return users;
    }

    private Page page(Integer page, Integer size) {
        int p = page == null ? 0 : page;
        int s = size == null ? config.defaultPageSize() : size;
        if (p < 0) {
            throw ApiException.badRequest("page", "page must be 0 or more");
        }
        if (s < 1 || s > config.maxPageSize()) {
            throw ApiException.badRequest("size", "size must be between 1 and " + config.maxPageSize());
        }
        return new Page(p, s);
    }

    static String checkedValue(String raw) {
        String value = raw == null ? "" : raw.strip();
        if (value.isEmpty()) {
            throw ApiException.badRequest("value", "value is required");
        }
        if (value.length() > 255) {
            throw ApiException.badRequest("value", "value must be at most 255 characters");
        }
        return value;
    }

    private static boolean isUniqueViolation(Throwable e) {
        return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
    }

    private static ApiException duplicate(String value) {
        return ApiException.conflict("value", "a segment named '" + value + "' already exists");
    }

    private record Page(int page, int size) {
        long offset() {
            return (long) page * size;
        }
    }
}
