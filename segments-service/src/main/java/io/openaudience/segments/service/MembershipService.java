package io.openaudience.segments.service;

import io.openaudience.common.db.SegmentLock;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.segments.repository.MembershipRepository;
import io.openaudience.segments.repository.SegmentRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Objects;

/**
 * Moves members between segments and removes them, each request in one transaction with the
 * {@code segment.membership.changed} events it causes.
 */
@ApplicationScoped
public class MembershipService {

    private final SegmentRepository segments;
    private final MembershipRepository memberships;
    private final SegmentEvents events;

    public MembershipService(SegmentRepository segments, MembershipRepository memberships, SegmentEvents events) {
        this.segments = segments;
        this.memberships = memberships;
        this.events = events;
    }

    /**
     * Moves the listed members out of {@code from} into {@code to}, atomically: both segments are locked in id
     * order first, so concurrent moves between the same segments (either direction) run one after the other and a
     * member ends in exactly one of them. Members already in {@code to} just leave {@code from}; ids that are not
     * members of {@code from} are ignored. Returns how many members left {@code from}.
     */
    @WithTransaction
    public Uni<Long> move(Tenant tenant, long from, long to, List<Long> users) {
        if (from == to) {
            throw ApiException.badRequest("toSegmentId", "the target segment must differ from the source segment");
        }
        Long[] ids = checkedIds(users);
        return segments.lock(tenant, SegmentLock.NO_KEY_UPDATE, from, to).chain(found -> {
            if (!found.contains(from) || !found.contains(to)) {
                throw ApiException.notFound("segment");
            }
            return memberships.unlink(tenant, from, ids).chain(left -> left.isEmpty()
                    ? Uni.createFrom().item(0L)
                    : memberships.link(tenant, to, left.toArray(Long[]::new))
                    .call(linked -> events.membershipChanged(tenant, from, 0, left.size(), "move"))
                    .call(linked -> events.membershipChanged(tenant, to, linked.size(), 0, "move"))
                    .replaceWith((long) left.size()));
        });
    }

    /** Removes the listed members from the segment (members stay); returns how many memberships were removed. */
    @WithTransaction
    public Uni<Long> remove(Tenant tenant, long segmentId, List<Long> users) {
        Long[] ids = checkedIds(users);
        return segments.lock(tenant, SegmentLock.NO_KEY_UPDATE, segmentId).chain(found -> {
            if (found.isEmpty()) {
                throw ApiException.notFound("segment");
            }
            return memberships.unlink(tenant, segmentId, ids)
                    .call(removed -> events.membershipChanged(tenant, segmentId, 0, removed.size(), "remove"))
                    .map(removed -> (long) removed.size());
        });
    }

    private static Long[] checkedIds(List<Long> users) {
        if (users == null || users.isEmpty()) {
            throw ApiException.badRequest("users", "users must list at least one user id");
        }
        if (users.stream().anyMatch(Objects::isNull)) {
            throw ApiException.badRequest("users", "user ids must be integers");
        }
        return users.stream().distinct().toArray(Long[]::new);
    }
}
