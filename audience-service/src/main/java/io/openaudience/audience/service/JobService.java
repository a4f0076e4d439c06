package io.openaudience.audience.service;

import io.openaudience.audience.Job;
import io.openaudience.audience.repository.JobErrorRepository;
import io.openaudience.audience.repository.JobErrorRepository.ErrorRow;
import io.openaudience.audience.repository.JobRepository;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.CsvCell;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Reads audience jobs for their tenant: status, counts and first errors (row 21), and the full error report. */
@ApplicationScoped
public class JobService {

    /** The job shows this many rejected rows; every one of them is in the CSV report. */
    public static final int ERROR_LIMIT = 100;
    public static final String REPORT_HEADER = "row,identifier,field,reason\r\n";
    private static final int REPORT_FETCH = 1000;

    private final JobRepository jobs;
    private final JobErrorRepository errors;

    public JobService(JobRepository jobs, JobErrorRepository errors) {
        this.jobs = jobs;
        this.errors = errors;
    }

    /** A job with its first rejected rows. */
    public record JobDetails(Job job, List<ErrorRow> errors) {
    }

    @WithSession
    public Uni<JobDetails> job(Tenant tenant, String jobId) {
        return find(tenant, jobId).chain(job -> errors.first(job.id, ERROR_LIMIT).map(e -> new JobDetails(job, e)));
    }

    /** Checks the job is the tenant's, then streams its report: the header line, then one line per rejected row. */
    @WithSession
    public Uni<Multi<String>> errorReport(Tenant tenant, String jobId) {
        return find(tenant, jobId).map(job -> Multi.createBy().concatenating().streams(
                Multi.createFrom().item(REPORT_HEADER),
                errors.stream(job.id, REPORT_FETCH).map(JobService::line)));
    }

    /** One report line; every cell goes through {@link CsvCell} (quoting and formula defusing). */
    static String line(ErrorRow row) {
        return row.row() + "," + CsvCell.of(row.identifier()) + "," + CsvCell.of(row.field()) + ","
                + CsvCell.of(row.reason()) + "\r\n";
    }

    private Uni<Job> find(Tenant tenant, String jobId) {
        return jobs.findForTenant(tenant, jobId).onItem().ifNull().failWith(() -> ApiException.notFound("job"));
    }
}
