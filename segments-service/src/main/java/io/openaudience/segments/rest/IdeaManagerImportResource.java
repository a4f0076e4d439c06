package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.service.ImportService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** "Import Users (CSV/JSON) in IDM": members only, no segment; accepted with 202, run by import-worker. */
@Path("/api/v2/idea-manager/create-users")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class IdeaManagerImportResource {

    private final ImportService imports;
    private final TenantContext tenant;

    public IdeaManagerImportResource(ImportService imports, TenantContext tenant) {
        this.imports = imports;
        this.tenant = tenant;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import Users (CSV/JSON) in IDM",
            description = "Same file rules as the segment import; creates or links members only.")
    public Uni<RestResponse<Envelope<ImportResponses.AcceptedBody>>> importUsers(
            @RestForm("metrics") FileUpload metrics, @RestForm("file") FileUpload file) {
        return imports.accept(tenant.tenant(), null, ImportResponses.file(metrics, file))
                .map(ImportResponses::accepted);
    }
}
