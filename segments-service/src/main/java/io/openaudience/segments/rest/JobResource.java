package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.segments.service.JobService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.List;
import java.util.Map;

/** Import jobs of the caller's tenant (`/api/v2/jobs`): status, first results and errors, full error report. */
@Path("/api/v2/jobs")
@Authenticated
public class JobResource {

    static final String CSV = "text/csv";

    private final JobService jobs;
    private final TenantContext tenant;

    public JobResource(JobService jobs, TenantContext tenant) {
        this.jobs = jobs;
        this.tenant = tenant;
    }

    @GET
    @Path("/{jobId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Status, counts, first 1000 invite results and first 100 errors of an import job")
    public Uni<Envelope<JobService.Job>> job(@PathParam("jobId") String jobId) {
        return jobs.job(tenant.tenant(), jobId).map(Envelope::of);
    }

    @GET
    @Path("/{jobId}/errors")
    @Produces(CSV)
    @Operation(summary = "Every rejected row of an import job as CSV (row,email,name,reason), streamed")
    public Multi<String> errors(@PathParam("jobId") String jobId) {
        return RestMulti.fromUniResponse(jobs.errorReport(tenant.tenant(), jobId), report -> report,
                report -> Map.of("Content-Disposition", List.of("attachment; filename=\"job-" + jobId
                        + "-errors.csv\"")));
    }
}
