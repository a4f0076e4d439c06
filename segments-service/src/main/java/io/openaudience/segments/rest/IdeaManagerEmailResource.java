package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.rest.EmailApi.EmailAccepted;
import io.openaudience.segments.rest.EmailApi.ReInviteAccepted;
import io.openaudience.segments.rest.EmailApi.SelectedEmail;
import io.openaudience.segments.rest.EmailApi.Users;
import io.openaudience.segments.service.EmailRequestService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Email to picked Idea Manager members and re-invitations (`/api/v2/idea-manager/…`), accepted here. */
@Path("/api/v2/idea-manager")
@Authenticated
@Tag(name = "Email")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class IdeaManagerEmailResource {

    private final EmailRequestService emails;
    private final TenantContext tenant;

    public IdeaManagerEmailResource(EmailRequestService emails, TenantContext tenant) {
        this.emails = emails;
        this.tenant = tenant;
    }

    @POST
    @Path("send-email")
    @Operation(summary = "Send an email to selected Idea Manager members",
            description = "Mails the given members of the token's subscription (any status), frozen at acceptance.")
    @APIResponse(responseCode = "202", description = "Accepted: data = {notificationId, recipients}")
    @APIResponse(responseCode = "400", description = "users, subject or body invalid (errors name the field)")
    @APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
    @APIResponse(responseCode = "403", description = "initiativeId not allowed for this token")
    @APIResponse(responseCode = "404", description = "Some users are not members of this subscription (named)")
    public Uni<RestResponse<Envelope<EmailAccepted>>> sendEmail(SelectedEmail request) {
        return emails.sendToSelected(tenant.tenant(), request == null ? null : request.users(),
                        request == null ? null : request.subject(), request == null ? null : request.body())
                .map(EmailApi::accepted);
    }

    @PUT
    @Path("bulk-re-invite")
    @Operation(summary = "Re-send invitations to pending members",
            description = "Only members still pending get the invitation (notification-service's template); "
                    + "the others are counted as skipped.")
    @APIResponse(responseCode = "202", description = "Accepted: data = {notificationId, count, skipped}")
    @APIResponse(responseCode = "400", description = "users missing, or none of them pending")
    @APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
    @APIResponse(responseCode = "403", description = "initiativeId not allowed for this token")
    @APIResponse(responseCode = "404", description = "Some users are not members of this subscription (named)")
    public Uni<RestResponse<Envelope<ReInviteAccepted>>> bulkReInvite(Users request) {
        return emails.reInvite(tenant.tenant(), request == null ? null : request.users())
                .map(EmailApi::reInvited);
    }
}
