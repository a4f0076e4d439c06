package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.segments.service.ImportService.AcceptedJob;
import io.openaudience.segments.service.ImportService.IncomingFile;
import io.openaudience.segments.service.JobService;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.net.URI;

/** The mapping both import endpoints share: multipart part → service input, accepted job → 202 response. */
final class ImportResponses {

    static final String ACCEPTED_MESSAGE = "Import accepted; follow statusUrl for progress";

    private ImportResponses() {
    }

    /** The file from part `metrics` (the seed's name), else from part `file`. */
    static IncomingFile file(FileUpload metrics, FileUpload file) {
        FileUpload upload = metrics != null ? metrics : file;
        if (upload == null || upload.uploadedFile() == null) {
            return null;
        }
        return new IncomingFile(upload.uploadedFile().toString(), upload.fileName(), upload.contentType(),
                upload.size());
    }

    static RestResponse<Envelope<AcceptedBody>> accepted(AcceptedJob job) {
        String statusUrl = JobService.jobPath(job.jobId());
        return RestResponse.ResponseBuilder
                .accepted(Envelope.of(ACCEPTED_MESSAGE, new AcceptedBody(job.jobId().toString(), job.status(),
                        statusUrl)))
                .location(URI.create(statusUrl))
                .build();
    }

    /** The body of a 202: where to follow the job. */
    record AcceptedBody(String jobId, String status, String statusUrl) {
    }
}
