package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.rest.EmailApi.EmailAccepted;
import io.openaudience.segments.rest.EmailApi.SegmentEmail;
import io.openaudience.segments.service.EmailRequestService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** Email to a segment (`POST /api/v2/segments/{id}/send-email`): accepted here, sent by notification-service. */
@Path("/api/v2/segments")
@Authenticated
@Tag(name = "Email")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SegmentEmailResource {

    private final EmailRequestService emails;
    private final TenantContext tenant;

    public SegmentEmailResource(EmailRequestService emails, TenantContext tenant) {
        this.emails = emails;
        this.tenant = tenant;
    }

    @POST
    @Path("{id}/send-email")
    @Operation(summary = "Send an email to the members of a segment",
            description = "Freezes the segment's members at acceptance and queues the mail in chunks of at most "
                    + "500 recipients; notification-service sends it. Follow it with the Location header.")
    @APIResponse(responseCode = "202", description = "Accepted: data = {notificationId, recipients}")
    @APIResponse(responseCode = "400", description = "subject or body invalid, or the segment has no members "
            + "(errors name the field)")
    @APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
    @APIResponse(responseCode = "403", description = "initiativeId not allowed for this token")
    @APIResponse(responseCode = "404", description = "No such segment in this initiative")
    public Uni<RestResponse<Envelope<EmailAccepted>>> sendEmail(@RestPath long id, SegmentEmail request) {
        return emails.sendToSegment(tenant.tenant(), id, request == null ? null : request.subject(),
                        request == null ? null : request.body())
                .map(EmailApi::accepted);
    }
}
