package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.Segment;
import io.openaudience.segments.repository.SegmentRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.OffsetDateTime;
import java.util.List;

/** Shorter Loop segments API (`/api/v2/segments`). */
@Path("/api/v2/segments")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SegmentResource {

    private final SegmentRepository segments;
    private final TenantContext tenant;

    public SegmentResource(SegmentRepository segments, TenantContext tenant) {
        this.segments = segments;
        this.tenant = tenant;
    }

    @GET
    @WithSession
    @Operation(summary = "Retrieves a list of segments without users")
    public Uni<Envelope<List<SegmentSummary>>> list() {
        return segments.listForTenant(tenant.tenant())
                .map(list -> Envelope.of(list.stream().map(SegmentSummary::of).toList()));
    }

    /** A segment without its users. */
    public record SegmentSummary(long id, String value, OffsetDateTime createdAt, long userCount) {
        static SegmentSummary of(Segment s) {
            return new SegmentSummary(s.id, s.value, s.createdAt, s.userCount);
        }
    }
}
