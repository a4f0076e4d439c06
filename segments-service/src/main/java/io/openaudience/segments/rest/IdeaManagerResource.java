package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.Requests.NewMember;
import io.openaudience.segments.Views.BulkCreateResult;
import io.openaudience.segments.rest.EmailApi.EmailAccepted;
import io.openaudience.segments.rest.EmailApi.ReInviteAccepted;
import io.openaudience.segments.rest.EmailApi.SelectedEmail;
import io.openaudience.segments.rest.EmailApi.Users;
import io.openaudience.segments.service.EmailRequestService;
import io.openaudience.segments.service.ImportService;
import io.openaudience.segments.service.MemberService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.List;

/**
 * Shorter Loop Idea Manager members (`/api/v2/idea-manager`): synchronous bulk creation, optionally into a segment,
 * the CSV/JSON import of members (accepted with 202, run by import-worker), email to picked members and
 * re-invitations (accepted here, sent by notification-service).
 */
@Path("/api/v2/idea-manager")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Idea Manager members")
@APIResponse(responseCode = "401", ref = OpenApiExamples.UNAUTHORIZED_REF)
@APIResponse(responseCode = "403", ref = OpenApiExamples.FORBIDDEN_REF)
public class IdeaManagerResource {

    private final MemberService members;
    private final ImportService imports;
    private final EmailRequestService emails;
    private final TenantContext tenant;

    public IdeaManagerResource(MemberService members, ImportService imports, EmailRequestService emails,
                               TenantContext tenant) {
        this.members = members;
        this.imports = imports;
        this.emails = emails;
        this.tenant = tenant;
    }

    @POST
    @Path("bulk-create-user")
    @Operation(summary = "Bulk create idea manager members",
            description = "Synchronous, at most 1000 rows: creates members of the subscription (an email already "
                    + "known is returned, not duplicated); no segment is touched, `segmentCount` is 0.")
    @APIResponse(responseCode = "200", ref = OpenApiExamples.BULK_CREATED_REF)
    @APIResponse(responseCode = "400", ref = OpenApiExamples.BULK_REFUSED_REF)
    @APIResponse(responseCode = "413", ref = OpenApiExamples.BULK_TOO_LARGE_REF)
    public Uni<Envelope<BulkCreateResult>> create(List<NewMember> body) {
        return members.bulkCreate(tenant.tenant(), null, body, "users", "/api/v2/idea-manager/create-users")
                .map(result -> Envelope.of("Users created successfully", result));
    }

    @POST
    @Path("bulk-create-user/{segmentId}")
    @Operation(summary = "Bulk create idea manager members into a segment",
            description = "As without a segment, and links every created or existing member to the segment; "
                    + "`segmentCount` = members linked to the segment by this request.")
    @APIResponse(responseCode = "200", ref = OpenApiExamples.BULK_CREATED_REF)
    @APIResponse(responseCode = "400", ref = OpenApiExamples.BULK_REFUSED_REF)
    @APIResponse(responseCode = "404", ref = OpenApiExamples.SEGMENT_NOT_FOUND_REF)
    @APIResponse(responseCode = "413", ref = OpenApiExamples.BULK_TOO_LARGE_REF)
    public Uni<Envelope<BulkCreateResult>> createInSegment(@PathParam("segmentId") long segmentId,
                                                           List<NewMember> body) {
        return members.bulkCreate(tenant.tenant(), segmentId, body, "users",
                        "/api/v2/segments/" + segmentId + "/create-users")
                .map(result -> Envelope.of("Users copied to segment successfully", result));
    }

    @POST
    @Path("create-users")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import Users (CSV/JSON) in IDM",
            description = "Same file rules as the segment import; creates or links members only.")
    @APIResponse(responseCode = "202", ref = OpenApiExamples.IMPORT_ACCEPTED_REF)
    @APIResponse(responseCode = "400", ref = OpenApiExamples.IMPORT_REFUSED_REF)
    @APIResponse(responseCode = "413", ref = OpenApiExamples.IMPORT_TOO_LARGE_REF)
    public Uni<RestResponse<Envelope<ImportResponses.AcceptedBody>>> importUsers(
            @RestForm("metrics") FileUpload metrics, @RestForm("file") FileUpload file) {
        return imports.accept(tenant.tenant(), null, ImportResponses.file(metrics, file))
                .map(ImportResponses::accepted);
    }

    @POST
    @Path("send-email")
    @Tag(name = "Email")
    @Operation(summary = "Send an email to selected Idea Manager members",
            description = "Mails the given members of the token's subscription (any status), frozen at acceptance.")
    @APIResponse(responseCode = "202", description = "Accepted: data = {notificationId, recipients}")
    @APIResponse(responseCode = "400", description = "users, subject or body invalid (errors name the field)")
    @APIResponse(responseCode = "404", description = "Some users are not members of this subscription (named)")
    public Uni<RestResponse<Envelope<EmailAccepted>>> sendEmail(SelectedEmail request) {
        return emails.sendToSelected(tenant.tenant(), request == null ? null : request.users(),
                        request == null ? null : request.subject(), request == null ? null : request.body())
                .map(EmailApi::accepted);
    }

    @PUT
    @Path("bulk-re-invite")
    @Tag(name = "Email")
    @Operation(summary = "Re-send invitations to pending members",
            description = "Only members still pending get the invitation (notification-service's template); "
                    + "the others are counted as skipped.")
    @APIResponse(responseCode = "202", description = "Accepted: data = {notificationId, count, skipped}")
    @APIResponse(responseCode = "400", description = "users missing, or none of them pending")
    @APIResponse(responseCode = "404", description = "Some users are not members of this subscription (named)")
    public Uni<RestResponse<Envelope<ReInviteAccepted>>> bulkReInvite(Users request) {
        return emails.reInvite(tenant.tenant(), request == null ? null : request.users())
                .map(EmailApi::reInvited);
    }
}
