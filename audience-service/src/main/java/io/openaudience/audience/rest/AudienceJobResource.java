package io.openaudience.audience.rest;

import io.openaudience.audience.service.JobService;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.List;
import java.util.Map;

/** Audience jobs of the caller's application ({@code …/users/jobs}, row 21): status, counts, errors, error report. */
@Path("/service/platform/user/v1.0/company/{company_id}/application/{application_id}/users/jobs")
@Authenticated
@Tag(name = "Jobs")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class AudienceJobResource {

    static final String CSV = "text/csv";

    private final JobService jobs;
    private final TenantContext tenant;

    public AudienceJobResource(JobService jobs, TenantContext tenant) {
        this.jobs = jobs;
        this.tenant = tenant;
    }

    @GET
    @Path("/{job_id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get a job", description = "A group import/update/refresh or an attribute bulk update: the "
            + "Job fields (`jobId, type, status, total, processed, succeeded, failed, errors` (first 100), "
            + "`errorReportUrl`, timestamps) and the Fynd SDK's BulkActionModel fields (`_id, file_name, file_format, "
            + "action_type, created_by, count, links, …`).")
    @APIResponse(responseCode = "200", description = "The job")
    @APIResponse(responseCode = "404", description = "No such job in this application")
    public Uni<JobView> job(@PathParam("job_id") String jobId, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return jobs.job(current, jobId).map(details -> JobView.of(details, current, uri.getBaseUri()));
    }

    @GET
    @Path("/{job_id}/errors")
    @Produces(CSV)
    @Operation(summary = "A job's rejected rows as CSV", description = "`row,identifier,field,reason`, every row, "
            + "streamed; cells are quoted and formula-like cells defused.")
    @APIResponse(responseCode = "200", description = "The error report (text/csv, attachment)")
    @APIResponse(responseCode = "404", description = "No such job in this application")
    public Multi<String> errors(@PathParam("job_id") String jobId) {
        return RestMulti.fromUniResponse(jobs.errorReport(tenant.tenant(), jobId), report -> report,
                report -> Map.of("Content-Disposition", List.of("attachment; filename=\"job-" + jobId
                        + "-errors.csv\"")));
    }
}
