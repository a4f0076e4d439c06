package io.openaudience.segments.repository;

import io.openaudience.common.security.Tenant;
import io.openaudience.segments.Segment;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Segments of one tenant; every query filters on subscription and initiative. */
@ApplicationScoped
public class SegmentRepository implements PanacheRepository<Segment> {

    public Uni<List<Segment>> listForTenant(Tenant tenant) {
        return list("subscriptionId = ?1 and initiativeId = ?2 order by id", tenant.subscriptionId(),
                tenant.initiativeId());
    }
}
