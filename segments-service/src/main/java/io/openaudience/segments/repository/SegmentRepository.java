package io.openaudience.segments.repository;

import io.openaudience.common.db.SegmentLock;
import io.openaudience.common.security.Tenant;
import io.openaudience.segments.Segment;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Segments of one tenant; every query filters on subscription and initiative and runs in the caller's session and
 * transaction (the service method's {@code @WithTransaction}). Listing segments is {@link SegmentListRepository}'s.
 */
@ApplicationScoped
public class SegmentRepository implements PanacheRepository<Segment> {

    private static final String TENANT = "subscriptionId = ?2 and initiativeId = ?3";

    public Uni<Segment> findInTenant(Tenant tenant, long id) {
        return find("id = ?1 and " + TENANT, id, tenant.subscriptionId(), tenant.initiativeId()).firstResult();
    }

    /**
     * The tenant's segments among {@code ids}, found and locked with {@code lock} ({@link SegmentLock}: the one
     * statement every module uses), in id order; returns the ids found.
     */
    public Uni<List<Long>> lock(Tenant tenant, SegmentLock lock, Long... ids) {
        return Panache.getSession().chain(session -> session.createNativeQuery(lock.sql(), Long.class)
                .setParameter(1, ids)
                .setParameter(2, tenant.subscriptionId())
                .setParameter(3, tenant.initiativeId())
                .getResultList());
    }

    /** Whether the segment is the tenant's, locked with {@code lock} for the rest of the transaction. */
    public Uni<Boolean> exists(Tenant tenant, long id, SegmentLock lock) {
        return lock(tenant, lock, id).map(found -> !found.isEmpty());
    }

    /**
     * The segment's member count as its triggers keep it, read afresh in the caller's transaction (after a membership
     * statement of the same transaction); null when the segment is not in the tenant.
     */
    public Uni<Long> userCount(Tenant tenant, long id) {
        return Panache.getSession().chain(session -> session.createNativeQuery("SELECT user_count"
                        + " FROM segments.segment WHERE id = :id AND subscription_id = :subscription"
                        + " AND initiative_id = :initiative", Long.class)
                .setParameter("id", id)
                .setParameter("subscription", tenant.subscriptionId())
                .setParameter("initiative", tenant.initiativeId())
                .getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /**
     * Deletes the segment, then its memberships; the members stay. Two statements in the caller's transaction, in
     * this order: the first waits for every writer holding the segment row (imports, moves), and the second, with a
     * fresh snapshot, sees the memberships they committed, so none is left behind (V13: no foreign key cascades).
     */
    public Uni<Boolean> deleteWithMemberships(Tenant tenant, long id) {
        return delete("id = ?1 and " + TENANT, id, tenant.subscriptionId(), tenant.initiativeId())
                .chain(deleted -> deleted == 0 ? Uni.createFrom().item(false)
                        : Panache.getSession().chain(session -> session.createNativeQuery(
                                        "DELETE FROM segments.user_segment WHERE segment_id = :segment")
                                .setParameter("segment", id)
                                .executeUpdate())
                        .replaceWith(true));
    }
}
