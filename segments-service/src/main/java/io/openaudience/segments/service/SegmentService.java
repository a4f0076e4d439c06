package io.openaudience.segments.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.rest.ZeroBasedPage;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.time.IsoMillis;
import io.openaudience.segments.Segment;
import io.openaudience.segments.Views;
import io.openaudience.segments.Views.SegmentOption;
import io.openaudience.segments.Views.SegmentSummary;
import io.openaudience.segments.Views.SegmentView;
import io.openaudience.segments.Views.SegmentWithUsers;
import io.openaudience.segments.Views.UserSegment;
import io.openaudience.segments.Views.UserSubscription;
import io.openaudience.segments.Views.UserWithSegments;
import io.openaudience.segments.config.SegmentsApiConfig;
import io.openaudience.segments.repository.SegmentListRepository;
import io.openaudience.segments.repository.SegmentRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Segment rules: value normalisation and uniqueness, tenant-scoped reads with paginated members. */
@ApplicationScoped
public class SegmentService {

    private static final String UNIQUE_VIOLATION = "23505";

    private final SegmentRepository segments;
    private final SegmentListRepository lists;
    private final SegmentsApiConfig config;

    public SegmentService(SegmentRepository segments, SegmentListRepository lists, SegmentsApiConfig config) {
        this.segments = segments;
        this.lists = lists;
        this.config = config;
    }

    public Uni<List<SegmentSummary>> list(Tenant tenant) {
        return lists.list(tenant).map(rows -> rows.stream()
                .map(r -> new SegmentSummary(r.getLong("id"), r.getString("value"),
                        IsoMillis.format(r.getOffsetDateTime("created_at")), r.getLong("user_count")))
                .toList());
    }

    @WithTransaction
    public Uni<SegmentView> create(Tenant tenant, String rawValue) {
        String value = checkedValue(rawValue);
        Segment segment = Segment.create(tenant.subscriptionId(), tenant.initiativeId(), value);
        return segments.persistAndFlush(segment)
                .map(s -> new SegmentView(s.id, s.value, IsoMillis.format(s.createdAt), null))
                .onFailure(SegmentService::isUniqueViolation).transform(e -> duplicate(value));
    }

    @WithTransaction
    public Uni<SegmentView> rename(Tenant tenant, long id, String rawValue) {
        String value = checkedValue(rawValue);
        return segments.findInTenant(tenant, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("segment"))
                .invoke(s -> s.rename(value))
                .call(s -> segments.flush())
                .map(s -> new SegmentView(s.id, s.value, IsoMillis.format(s.createdAt), IsoMillis.format(s.updatedAt)))
                .onFailure(SegmentService::isUniqueViolation).transform(e -> duplicate(value));
    }

    @WithTransaction
    public Uni<Void> delete(Tenant tenant, long id) {
        return segments.deleteWithMemberships(tenant, id)
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ApiException.notFound("segment");
                    }
                }).replaceWithVoid();
    }

    /** Every segment of the initiative, each with the requested page of its members. */
    public Uni<List<SegmentWithUsers>> listWithUsers(Tenant tenant, Integer page, Integer size) {
        ZeroBasedPage p = page(page, size);
        return pages(tenant, null, p);
    }

    public Uni<SegmentWithUsers> withUsers(Tenant tenant, long id, Integer page, Integer size) {
        ZeroBasedPage p = page(page, size);
        return pages(tenant, id, p).map(list -> {
            if (list.isEmpty()) {
                throw ApiException.notFound("segment");
            }
            return list.get(0);
        });
    }

    /** Builds the views from a with-users page's rows, keeping each segment's members in user id order. */
    private Uni<List<SegmentWithUsers>> pages(Tenant tenant, Long segmentId, ZeroBasedPage p) {
        return lists.withUsersPage(tenant, segmentId, p.size(), p.offset()).map(page -> {
            Map<Long, Row> segmentRows = new LinkedHashMap<>();
            Map<Long, List<Long>> usersBySegment = new LinkedHashMap<>();
            for (Row r : page.segments()) {
                long id = r.getLong("id");
                segmentRows.putIfAbsent(id, r);
                List<Long> users = usersBySegment.computeIfAbsent(id, k -> new ArrayList<>());
                Long userId = r.getLong("user_id");
                if (userId != null) {
                    users.add(userId);
                }
            }
            Map<Long, UserWithSegments> byId = users(page.members(), tenant);
            return segmentRows.values().stream().map(s -> new SegmentWithUsers(s.getLong("id"),
                    s.getString("value"), IsoMillis.format(s.getOffsetDateTime("created_at")),
                    usersBySegment.get(s.getLong("id")).stream().map(byId::get).toList(),
                    s.getLong("user_count"))).toList();
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
                    r.getLong("segment_id"), r.getLong("initiative_number"), r.getLong("team_id"),
                    tenant.subscriptionId(), IsoMillis.format(r.getOffsetDateTime("created_at")),
                    IsoMillis.format(r.getOffsetDateTime("updated_at")))));
        }
        return users;
    }

    private ZeroBasedPage page(Integer page, Integer size) {
        return ZeroBasedPage.of(page, size, config.defaultPageSize(), config.maxPageSize());
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

    /** A violated unique index (Hibernate Reactive wraps the database's answer in an SQLException). */
    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static ApiException duplicate(String value) {
        return ApiException.conflict("value", "a segment named '" + value + "' already exists");
    }
}
