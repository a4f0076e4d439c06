package io.openaudience.segments.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.segments.ImportJob;
import io.openaudience.segments.repository.ImportJobRepository;
import io.openaudience.segments.repository.JobReportRepository;
import io.openaudience.segments.repository.JobReportRepository.ErrorRow;
import io.openaudience.segments.repository.JobReportRepository.ResultRow;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Reads import jobs for their owner: the job resource (progress, first results and errors) and the error report. */
@ApplicationScoped
public class JobService {

    /** The job shows this many invite results; the rest is in the members and the segment. */
    public static final int RESULT_LIMIT = 1000;
    /** The job shows this many errors; every error is in the CSV report. */
    public static final int ERROR_LIMIT = 100;
    private static final int REPORT_FETCH = 1000;

    private final ImportJobRepository jobs;
    private final JobReportRepository reports;

    public JobService(ImportJobRepository jobs, JobReportRepository reports) {
        this.jobs = jobs;
        this.reports = reports;
    }

    public static String jobPath(UUID jobId) {
        return "/api/v2/jobs/" + jobId;
    }

    @WithSession
    public Uni<Job> job(Tenant tenant, String jobId) {
        UUID id = parse(jobId);
        return jobs.findInTenant(tenant, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("job"))
                .chain(job -> Uni.combine().all()
                        .unis(reports.results(tenant.subscriptionId(), id, RESULT_LIMIT),
                                reports.errors(id, ERROR_LIMIT))
                        .with((results, errors) -> Job.of(job, results, errors)));
    }

    /** Checks the job belongs to the tenant, then streams its report: header line first, one line per error row. */
    @WithSession
    public Uni<Multi<String>> errorReport(Tenant tenant, String jobId) {
        UUID id = parse(jobId);
        return jobs.findInTenant(tenant, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("job"))
                .map(job -> Multi.createBy().concatenating().streams(
                        Multi.createFrom().item(ErrorReportCsv.HEADER),
                        reports.streamErrors(id, REPORT_FETCH).map(ErrorReportCsv::line)));
    }

    private static UUID parse(String jobId) {
        try {
            return UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("job");
        }
    }

    /** The job resource of API.md. */
    public record Job(String jobId, String type, String status, Long total, long processed, long succeeded,
                      long failed, @JsonInclude(JsonInclude.Include.NON_NULL) Long segmentId,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String failureReason,
                      List<InviteResult> inviteResults, long segmentCount, List<JobError> errors,
                      String errorReportUrl, OffsetDateTime createdAt, OffsetDateTime startedAt,
                      OffsetDateTime finishedAt) {

        static Job of(ImportJob job, List<ResultRow> results, List<ErrorRow> errors) {
            return new Job(job.id.toString(), job.type, job.status, job.total, job.processed, job.succeeded,
                    job.failed, job.segmentId, job.failureReason, results.stream().map(InviteResult::of).toList(),
                    job.segmentCount,
                    errors.stream().map(e -> new JobError(e.row(), e.email(), e.name(), e.reason())).toList(),
                    jobPath(job.id) + "/errors", job.createdAt, job.startedAt, job.finishedAt);
        }
    }

    /** One input row's outcome, in the shape of seed 000's inviteResults. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InviteResult(boolean success, User user, String email, Long row, String error) {
        static InviteResult of(ResultRow r) {
            if (r.error() == null && r.userId() != null) {
                return new InviteResult(true, new User(r.userId(), r.email(), r.role(), r.firstName(), r.createdAt(),
                        r.updatedAt()), null, null, null);
            }
            return new InviteResult(false, null, r.rowEmail(), r.row(),
                    r.error() == null ? "member no longer exists" : r.error());
        }
    }

    /** The member an accepted row produced. */
    public record User(long id, String email, String role, String firstName, OffsetDateTime createdAt,
                       OffsetDateTime updatedAt) {
    }

    /** A rejected row. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobError(long row, String email, String name, String reason) {
    }
}
