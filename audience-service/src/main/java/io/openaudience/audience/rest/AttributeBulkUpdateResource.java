package io.openaudience.audience.rest;

import io.openaudience.audience.GroupRequests.BulkAttributeUpdate;
import io.openaudience.audience.rest.GroupViews.BulkUpdateAccepted;
import io.openaudience.audience.service.AttributeBulkUpdateService;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The attribute bulk update intake ({@code …/user_attribute/bulk_update}, row 6). */
@Path("/service/platform/user/v1.0/company/{company_id}/application/{application_id}/user_attribute/bulk_update")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "User attributes")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class AttributeBulkUpdateResource {

    private final AttributeBulkUpdateService updates;
    private final TenantContext tenant;
    private final JsonWebToken token;

    public AttributeBulkUpdateResource(AttributeBulkUpdateService updates, TenantContext tenant,
                                       JsonWebToken token) {
        this.updates = updates;
        this.tenant = tenant;
        this.token = token;
    }

    @PATCH
    @Operation(summary = "Bulk update attributes", description = "`{file_url, attributes: [{key, value}]}`: every "
            + "person of the CSV (`user_id`, `email` or `phone_number` column; unknown people are created) gets these "
            + "values; columns named after a definition's slug override them per row. Keys (slug or `_id`) and "
            + "values are checked now; the file is read by an `attribute_bulk_update` job.")
    @APIResponse(responseCode = "202", description = "`{success, message, processing_type: async, job_id, "
            + "status_code: 202}`; Location points to the job")
    @APIResponse(responseCode = "400", description = "A bad file_url, unknown key or invalid value (named in "
            + "meta.errors as `attributes[i].key|value`)")
    public Uni<RestResponse<BulkUpdateAccepted>> bulkUpdate(BulkAttributeUpdate body, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return updates.accept(current, token.getSubject(), body).map(job -> RestResponse.ResponseBuilder
                .<BulkUpdateAccepted>accepted()
                .location(FyndLinks.absoluteUri(uri.getBaseUri(), FyndLinks.jobPath(current, job.id)))
                .entity(new BulkUpdateAccepted(true, "Bulk update of user attributes queued", "async", job.id, 202))
                .build());
    }
}
