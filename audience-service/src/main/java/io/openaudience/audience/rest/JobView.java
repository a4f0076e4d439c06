package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.openaudience.audience.Job;
import io.openaudience.audience.repository.JobErrorRepository.ErrorRow;
import io.openaudience.audience.service.JobService.JobDetails;
import io.openaudience.common.security.Tenant;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * An audience job (row 21): the fields of API.md §1's Job ({@code jobId, type, status, total, …}) and those of the
 * Fynd SDK's BulkActionModel ({@code _id, file_name, action_type, created_by, count, links, …}) in one object.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(@JsonProperty("_id") String id, String jobId, String type, String status, Long total,
                      long processed, long succeeded, long failed, String groupId, String failureReason,
                      List<JobErrorView> errors, String errorReportUrl, OffsetDateTime createdAt,
                      OffsetDateTime startedAt, OffsetDateTime finishedAt,
                      @JsonProperty("file_name") String fileName, @JsonProperty("file_format") String fileFormat,
                      @JsonProperty("action_type") String actionType, @JsonProperty("created_by") CreatedBy createdBy,
                      Count count, Links links, @JsonProperty("application_id") String applicationId,
                      @JsonProperty("company_id") String companyId,
                      @JsonProperty("created_at") OffsetDateTime created,
                      @JsonProperty("updated_at") OffsetDateTime updatedAt) {

    /** One rejected row: its number in the file, the column at fault, what identified the person, why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobErrorView(long row, String field, String identifier, String message) {
    }

    /** Who queued the job (the token's subject). */
    public record CreatedBy(String name, @JsonProperty("user_id") String userId) {
    }

    /** Rows in the file (once known), accepted and rejected. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Count(Long total, long success, long error) {
    }

    /** Where the job's input file and its error report are. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Links(FileLink file, FileLink error) {
    }

    public record FileLink(@JsonProperty("absolute_url") String absoluteUrl,
                           @JsonProperty("relative_url") String relativeUrl) {
    }

    public static JobView of(JobDetails details, Tenant tenant, URI base) {
        Job j = details.job();
        String errorsPath = FyndLinks.errorsPath(tenant, j.id);
        FileLink file = j.fileUrl == null ? null : new FileLink(j.fileUrl, relative(j.fileUrl));
        return new JobView(j.id, j.id, j.type, j.status, j.total, j.processed, j.succeeded, j.failed, j.groupId,
                j.failureReason, details.errors().stream().map(JobView::error).toList(), errorsPath, j.createdAt,
                j.startedAt, j.finishedAt, fileName(j.fileUrl), "csv", j.type,
                new CreatedBy(j.createdBy, j.createdBy), new Count(j.total, j.succeeded, j.failed),
                new Links(file, new FileLink(FyndLinks.absolute(base, errorsPath), errorsPath)), j.applicationId,
                j.companyId, j.createdAt, j.updatedAt);
    }

    private static JobErrorView error(ErrorRow e) {
        return new JobErrorView(e.row(), e.field(), e.identifier(), e.reason());
    }

    /** The last segment of the file URL's path, decoded ({@code users.csv}); empty for jobs without a file. */
    static String fileName(String url) {
        if (url == null) {
            return "";
        }
        try {
            String path = URI.create(url).getRawPath();
            if (path == null || path.isEmpty()) {
                return "";
            }
            String last = path.substring(path.lastIndexOf('/') + 1);
            return URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The URL without scheme and host: its path and query. */
    private static String relative(String url) {
        try {
            URI uri = URI.create(url);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
