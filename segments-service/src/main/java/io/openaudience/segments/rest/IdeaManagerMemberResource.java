package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.Requests.NewMember;
import io.openaudience.segments.Views.BulkCreateResult;
import io.openaudience.segments.service.MemberService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Shorter Loop Idea Manager members: synchronous bulk creation (`/api/v2/idea-manager/bulk-create-user`). */
@Path("/api/v2/idea-manager/bulk-create-user")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Idea Manager members")
@APIResponse(responseCode = "200", description = "Per-row results, in input order",
        content = @Content(mediaType = MediaType.APPLICATION_JSON,
                examples = @ExampleObject(name = "created", value = OpenApiExamples.BULK_CREATED)))
@APIResponse(responseCode = "400", description = "Body is not a list of {name, email}")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token",
        content = @Content(mediaType = MediaType.APPLICATION_JSON,
                examples = @ExampleObject(name = "unauthorized", value = OpenApiExamples.UNAUTHORIZED)))
@APIResponse(responseCode = "403", description = "The initiativeId header is not among the token's initiatives",
        content = @Content(mediaType = MediaType.APPLICATION_JSON,
                examples = @ExampleObject(name = "forbidden", value = OpenApiExamples.FORBIDDEN)))
@APIResponse(responseCode = "413", description = "More than 1000 rows: use the import endpoint",
        content = @Content(mediaType = MediaType.APPLICATION_JSON,
                examples = @ExampleObject(name = "too large", value = OpenApiExamples.TOO_LARGE)))
public class IdeaManagerMemberResource {

    private final MemberService members;
    private final TenantContext tenant;

    public IdeaManagerMemberResource(MemberService members, TenantContext tenant) {
        this.members = members;
        this.tenant = tenant;
    }

    @POST
    @Operation(summary = "Bulk create idea manager members",
            description = "Synchronous, at most 1000 rows: creates members of the subscription (an email already "
                    + "known is returned, not duplicated); no segment is touched, `segmentCount` is 0.")
    public Uni<Envelope<BulkCreateResult>> create(List<NewMember> body) {
        return members.bulkCreate(tenant.tenant(), null, body, "users", "/api/v2/idea-manager/create-users")
                .map(result -> Envelope.of("Users created successfully", result));
    }

    @POST
    @Path("{segmentId}")
    @Operation(summary = "Bulk create idea manager members into a segment",
            description = "As without a segment, and links every created or existing member to the segment; "
                    + "`segmentCount` = members linked to the segment by this request.")
    @APIResponse(responseCode = "404", description = "No such segment in this initiative",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "missing", value = OpenApiExamples.NOT_FOUND)))
    public Uni<Envelope<BulkCreateResult>> createInSegment(@PathParam("segmentId") long segmentId,
                                                           List<NewMember> body) {
        return members.bulkCreate(tenant.tenant(), segmentId, body, "users",
                        "/api/v2/segments/" + segmentId + "/create-users")
                .map(result -> Envelope.of("Users copied to segment successfully", result));
    }
}
