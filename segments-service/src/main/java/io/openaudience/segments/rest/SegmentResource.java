package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.Requests.NewSegmentMembers;
import io.openaudience.segments.Requests.SegmentValue;
import io.openaudience.segments.Requests.UserIds;
import io.openaudience.segments.Views.BulkCreateResult;
import io.openaudience.segments.Views.CountResult;
import io.openaudience.segments.Views.SegmentSummary;
import io.openaudience.segments.Views.SegmentView;
import io.openaudience.segments.Views.SegmentWithUsers;
import io.openaudience.segments.rest.EmailApi.EmailAccepted;
import io.openaudience.segments.rest.EmailApi.SegmentEmail;
import io.openaudience.segments.service.EmailRequestService;
import io.openaudience.segments.service.ImportService;
import io.openaudience.segments.service.MemberService;
import io.openaudience.segments.service.MembershipService;
import io.openaudience.segments.service.SegmentService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.net.URI;
import java.util.List;

/**
 * Shorter Loop segments API (`/api/v2/segments`): segments, their members (synchronous bulk create and the CSV/JSON
 * import, accepted with 202 and run by import-worker), moves and removals, and email to a segment's members
 * (accepted here, sent by notification-service).
 */
@Path("/api/v2/segments")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Segments")
@APIResponse(responseCode = "401", ref = OpenApiExamples.UNAUTHORIZED_REF)
@APIResponse(responseCode = "403", ref = OpenApiExamples.FORBIDDEN_REF)
public class SegmentResource {

    static final String MOVED = "Users moved to segment successfully";
    static final String REMOVED = "Users removed from segment successfully";
    private static final String MOVE_ALIAS = "Same as `PUT /api/v2/segments/{id}/segment-users/{toSegmentId}` "
            + "(seed 001).";
    private static final String REMOVE_ALIAS = "Same as `PUT /api/v2/segments/{id}/segment-users` (seed 001).";

    private final SegmentService segments;
    private final MembershipService memberships;
    private final MemberService members;
    private final ImportService imports;
    private final EmailRequestService emails;
    private final TenantContext tenant;

    public SegmentResource(SegmentService segments, MembershipService memberships, MemberService members,
                           ImportService imports, EmailRequestService emails, TenantContext tenant) {
        this.segments = segments;
        this.memberships = memberships;
        this.members = members;
        this.imports = imports;
        this.emails = emails;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Retrieves a list of segments without users",
            description = "Every segment of the initiative with its member count, in id order.")
    @APIResponse(responseCode = "200", description = "The segments",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "segments", value = OpenApiExamples.LIST)))
    public Uni<Envelope<List<SegmentSummary>>> list() {
        return segments.list(tenant.tenant()).map(Envelope::of);
    }

    @POST
    @Operation(summary = "Create segment",
            description = "`value` is trimmed, 1–255 characters, unique in the initiative (case-insensitive).")
    @APIResponse(responseCode = "201", description = "Created; Location points to the segment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "created", value = OpenApiExamples.CREATED)))
    @APIResponse(responseCode = "400", ref = OpenApiExamples.VALUE_INVALID_REF)
    @APIResponse(responseCode = "409", ref = OpenApiExamples.VALUE_TAKEN_REF)
    public Uni<Response> create(SegmentValue body) {
        return segments.create(tenant.tenant(), body == null ? null : body.value())
                .map(created -> Response.created(URI.create("/api/v2/segments/" + created.id()))
                        .entity(Envelope.of("Segment created successfully", created)).build());
    }

    @PUT
    @Path("{id}")
    @Operation(summary = "Modify a segment", description = "Renames the segment; same rules as create.")
    @APIResponse(responseCode = "200", description = "The renamed segment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "updated", value = OpenApiExamples.UPDATED)))
    @APIResponse(responseCode = "400", ref = OpenApiExamples.VALUE_INVALID_REF)
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    @APIResponse(responseCode = "409", ref = OpenApiExamples.VALUE_TAKEN_REF)
    public Uni<Envelope<SegmentView>> update(@PathParam("id") long id, SegmentValue body) {
        return segments.rename(tenant.tenant(), id, body == null ? null : body.value())
                .map(updated -> Envelope.of("Segment updated successfully", updated));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Removes a segment", description = "Removes the segment and its memberships; "
            + "the members themselves are kept.")
    @APIResponse(responseCode = "200", description = "Deleted",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "deleted", value = OpenApiExamples.DELETED)))
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    public Uni<Envelope<Void>> delete(@PathParam("id") long id) {
        return segments.delete(tenant.tenant(), id)
                .map(v -> Envelope.<Void>of("Segment deleted successfully", null));
    }

    @GET
    @Path("with-users")
    @Operation(summary = "Retrieve segments with users",
            description = "Every segment of the initiative with one page of its members (by user id); "
                    + "`userCount` is the total number of members.")
    @APIResponse(responseCode = "200", description = "The segments, each with a page of members",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "segments", value = OpenApiExamples.WITH_USERS)))
    @APIResponse(responseCode = "400", description = "page below 0 or size outside 1–500")
    public Uni<Envelope<List<SegmentWithUsers>>> listWithUsers(
            @Parameter(description = "0-based page of each segment's members") @QueryParam("page") Integer page,
            @Parameter(description = "members per page, default 50, max 500") @QueryParam("size") Integer size) {
        return segments.listWithUsers(tenant.tenant(), page, size).map(Envelope::of);
    }

    @GET
    @Path("with-users/{id}")
    @Operation(summary = "Retrieve segment with users",
            description = "The segment with one page of its members (by user id); each member lists all of its "
                    + "segments in the initiative; `userCount` is the total number of members.")
    @APIResponse(responseCode = "200", description = "The segment with a page of members",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "segment", value = OpenApiExamples.WITH_USERS)))
    @APIResponse(responseCode = "400", description = "page below 0 or size outside 1–500")
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    public Uni<Envelope<SegmentWithUsers>> withUsers(@PathParam("id") long id,
            @Parameter(description = "0-based page of members") @QueryParam("page") Integer page,
            @Parameter(description = "members per page, default 50, max 500") @QueryParam("size") Integer size) {
        return segments.withUsers(tenant.tenant(), id, page, size).map(Envelope::of);
    }

    @POST
    @Path("{id}/users")
    @Operation(summary = "Bulk create users to a segment",
            description = "Synchronous, at most 1000 rows: creates the members (an email already known to the "
                    + "subscription is linked, not duplicated) and links them to the segment. One inviteResult per "
                    + "row, in input order; `segmentCount` = members linked to the segment by this request.")
    @APIResponse(responseCode = "200", ref = OpenApiExamples.BULK_CREATED_REF)
    @APIResponse(responseCode = "400", ref = OpenApiExamples.BULK_REFUSED_REF)
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    @APIResponse(responseCode = "413", ref = OpenApiExamples.BULK_TOO_LARGE_REF)
    public Uni<Envelope<BulkCreateResult>> addUsers(@PathParam("id") long id, NewSegmentMembers body) {
        return members.bulkCreate(tenant.tenant(), id, body == null ? null : body.users(), "users",
                        "/api/v2/segments/" + id + "/create-users")
                .map(result -> Envelope.of("Users copied to segment successfully", result));
    }

    @POST
    @Path("{id}/create-users")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import Users (CSV/JSON)",
            description = "Multipart part `metrics` (or `file`): CSV with an email column or a JSON array of "
                    + "{name, email}. Answers 202 with the job; GET the statusUrl for progress and results.")
    @APIResponse(responseCode = "202", ref = OpenApiExamples.IMPORT_ACCEPTED_REF)
    @APIResponse(responseCode = "400", ref = OpenApiExamples.IMPORT_REFUSED_REF)
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    @APIResponse(responseCode = "413", ref = OpenApiExamples.IMPORT_TOO_LARGE_REF)
    public Uni<RestResponse<Envelope<ImportResponses.AcceptedBody>>> importUsers(
            @PathParam("id") long id, @RestForm("metrics") FileUpload metrics, @RestForm("file") FileUpload file) {
        return imports.accept(tenant.tenant(), id, ImportResponses.file(metrics, file)).map(ImportResponses::accepted);
    }

    @PUT
    @Path("{id}/segment-users/{toSegmentId}")
    @Operation(summary = "Manage user segments: move",
            description = "Moves the listed members from segment `id` to `toSegmentId` in one transaction; "
                    + "members already in the target just leave the source; ids that are not members of the "
                    + "source are ignored. `count` = members that left the source. `manage-users` is the other path "
                    + "word, and POST does the same as PUT on both (seed 001).")
    @APIResponse(responseCode = "200", description = "Moved",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "moved", value = OpenApiExamples.MOVED)))
    @APIResponse(responseCode = "400", description = "users missing or empty, or source = target")
    @APIResponse(responseCode = "404", description = "Source or target segment unknown in this initiative",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "missing", value = OpenApiExamples.NOT_FOUND)))
    public Uni<Envelope<CountResult>> move(@PathParam("id") long id, @PathParam("toSegmentId") long toSegmentId,
                                           UserIds body) {
        return memberships.move(tenant.tenant(), id, toSegmentId, body == null ? null : body.users())
                .map(count -> Envelope.of(MOVED, new CountResult(count)));
    }

    @PUT
    @Path("{id}/manage-users/{toSegmentId}")
    @Operation(summary = "Manage user segments: move (alias path)", description = MOVE_ALIAS)
    @APIResponse(responseCode = "200", description = "Moved")
    public Uni<Envelope<CountResult>> moveAlias(@PathParam("id") long id,
                                                @PathParam("toSegmentId") long toSegmentId, UserIds body) {
        return move(id, toSegmentId, body);
    }

    @POST
    @Path("{id}/segment-users/{toSegmentId}")
    @Operation(summary = "Manage user segments: move (POST)", description = MOVE_ALIAS)
    @APIResponse(responseCode = "200", description = "Moved")
    public Uni<Envelope<CountResult>> moveByPost(@PathParam("id") long id,
                                                 @PathParam("toSegmentId") long toSegmentId, UserIds body) {
        return move(id, toSegmentId, body);
    }

    @POST
    @Path("{id}/manage-users/{toSegmentId}")
    @Operation(summary = "Manage user segments: move (POST, alias path)", description = MOVE_ALIAS)
    @APIResponse(responseCode = "200", description = "Moved")
    public Uni<Envelope<CountResult>> moveAliasByPost(@PathParam("id") long id,
                                                      @PathParam("toSegmentId") long toSegmentId, UserIds body) {
        return move(id, toSegmentId, body);
    }

    @PUT
    @Path("{id}/segment-users")
    @Operation(summary = "Manage user segments: remove",
            description = "Removes the listed members from the segment (the members are kept); ids that are not "
                    + "members are ignored. `count` = memberships removed. `manage-users` is the other path word, "
                    + "and POST does the same as PUT on both (seed 001).")
    @APIResponse(responseCode = "200", description = "Removed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "removed", value = OpenApiExamples.REMOVED)))
    @APIResponse(responseCode = "400", description = "users missing or empty")
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    public Uni<Envelope<CountResult>> remove(@PathParam("id") long id, UserIds body) {
        return memberships.remove(tenant.tenant(), id, body == null ? null : body.users())
                .map(count -> Envelope.of(REMOVED, new CountResult(count)));
    }

    @PUT
    @Path("{id}/manage-users")
    @Operation(summary = "Manage user segments: remove (alias path)", description = REMOVE_ALIAS)
    @APIResponse(responseCode = "200", description = "Removed")
    public Uni<Envelope<CountResult>> removeAlias(@PathParam("id") long id, UserIds body) {
        return remove(id, body);
    }

    @POST
    @Path("{id}/segment-users")
    @Operation(summary = "Manage user segments: remove (POST)", description = REMOVE_ALIAS)
    @APIResponse(responseCode = "200", description = "Removed")
    public Uni<Envelope<CountResult>> removeByPost(@PathParam("id") long id, UserIds body) {
        return remove(id, body);
    }

    @POST
    @Path("{id}/manage-users")
    @Operation(summary = "Manage user segments: remove (POST, alias path)", description = REMOVE_ALIAS)
    @APIResponse(responseCode = "200", description = "Removed")
    public Uni<Envelope<CountResult>> removeAliasByPost(@PathParam("id") long id, UserIds body) {
        return remove(id, body);
    }

    @POST
    @Path("{id}/send-email")
    @Tag(name = "Email")
    @Operation(summary = "Send an email to the members of a segment",
            description = "Freezes the segment's members at acceptance and queues the mail in chunks of at most "
                    + "500 recipients; notification-service sends it. Follow it with the Location header.")
    @APIResponse(responseCode = "202", description = "Accepted: data = {notificationId, recipients}")
    @APIResponse(responseCode = "400", description = "subject or body invalid, or the segment has no members "
            + "(errors name the field)")
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    public Uni<RestResponse<Envelope<EmailAccepted>>> sendEmail(@PathParam("id") long id, SegmentEmail request) {
        return emails.sendToSegment(tenant.tenant(), id, request == null ? null : request.subject(),
                        request == null ? null : request.body())
                .map(EmailApi::accepted);
    }
}
