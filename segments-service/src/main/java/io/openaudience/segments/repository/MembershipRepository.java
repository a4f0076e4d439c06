package io.openaudience.segments.repository;

import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Memberships (user_segment rows) of one tenant, written set-based: one SQL statement per request whatever the
 * number of members (the user_count triggers are per statement too), through the caller's session so it joins the
 * service's transaction. Reading them with their segments is {@link SegmentListRepository}'s.
 */
@ApplicationScoped
public class MembershipRepository {

    /** Links members to a segment; existing links are kept. Returns the user ids linked by this statement. */
    public Uni<List<Long>> link(Tenant tenant, long segmentId, Long[] userIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery("INSERT INTO segments.user_segment"
                                + " (segment_id, user_id, subscription_id, initiative_id)"
                                + " SELECT :segment, u, :subscription, :initiative"
                                + " FROM unnest(CAST(:users AS bigint[])) AS u"
                                + " ON CONFLICT (segment_id, user_id) DO NOTHING RETURNING user_id", Long.class)
                .setParameter("segment", segmentId)
                .setParameter("subscription", tenant.subscriptionId())
                .setParameter("initiative", tenant.initiativeId())
                .setParameter("users", userIds)
                .getResultList());
    }

    /** Removes the listed users from a segment; ids that are not members are ignored. Returns the removed ids. */
    public Uni<List<Long>> unlink(Tenant tenant, long segmentId, Long[] userIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery("DELETE FROM segments.user_segment"
                                + " WHERE segment_id = :segment AND subscription_id = :subscription"
                                + " AND initiative_id = :initiative AND user_id = ANY(:users) RETURNING user_id",
                        Long.class)
                .setParameter("segment", segmentId)
                .setParameter("subscription", tenant.subscriptionId())
                .setParameter("initiative", tenant.initiativeId())
                .setParameter("users", userIds)
                .getResultList());
    }
}
