package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.service.ImportService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** "Import Users (CSV/JSON)" into a segment: accepted with 202, run by import-worker. */
@Path("/api/v2/segments/{id}/create-users")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SegmentImportResource {

    private final ImportService imports;
    private final TenantContext tenant;

    public SegmentImportResource(ImportService imports, TenantContext tenant) {
        this.imports = imports;
        this.tenant = tenant;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import Users (CSV/JSON)",
            description = "Multipart part `metrics` (or `file`): CSV with an email column or a JSON array of "
                    + "{name, email}. Answers 202 with the job; GET the statusUrl for progress and results.")
    public Uni<RestResponse<Envelope<ImportResponses.AcceptedBody>>> importUsers(
            @PathParam("id") long id, @RestForm("metrics") FileUpload metrics, @RestForm("file") FileUpload file) {
        return imports.accept(tenant.tenant(), id, ImportResponses.file(metrics, file)).map(ImportResponses::accepted);
    }
}
