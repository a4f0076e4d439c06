package io.openaudience.segments.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.db.SegmentLock;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.messaging.ImportJobMessage;
import io.openaudience.common.security.Tenant;
import io.openaudience.outbox.OutboxRelay;
import io.openaudience.outbox.SessionOutbox;
import io.openaudience.segments.ImportJob;
import io.openaudience.segments.Upload;
import io.openaudience.segments.config.ImportConfig;
import io.openaudience.segments.repository.ImportJobRepository;
import io.openaudience.segments.repository.SegmentRepository;
import io.openaudience.segments.repository.UploadRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.file.OpenOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.file.AsyncFile;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Accepts bulk imports: checks the request and the beginning of the file, then stores the upload in chunks, queues
 * the job and writes its Kafka message to the outbox, all in one transaction; the worker does the rest.
 */
@ApplicationScoped
public class ImportService {

    private final SegmentRepository segments;
    private final UploadRepository uploads;
    private final ImportJobRepository jobs;
    private final SessionOutbox outbox;
    private final ImportConfig config;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final OutboxRelay relay;

    public ImportService(SegmentRepository segments, UploadRepository uploads, ImportJobRepository jobs,
                         SessionOutbox outbox, ImportConfig config, Vertx vertx, ObjectMapper json,
                         OutboxRelay relay) {
        this.segments = segments;
        this.uploads = uploads;
        this.jobs = jobs;
        this.outbox = outbox;
        this.config = config;
        this.vertx = vertx;
        this.json = json;
        this.relay = relay;
    }

    /** An uploaded file as the HTTP layer received it (already on local disk). */
    public record IncomingFile(String path, String filename, String contentType, long size) {
    }

    /** The queued job. */
    public record AcceptedJob(UUID jobId, String status) {
    }

    /**
     * One transaction: the segment is checked and held ({@code FOR KEY SHARE}, so it is not deleted meanwhile), the
     * file inspected, stored, the job queued and its message written to the outbox; then, only once committed, the
     * outbox relay is kicked so the message leaves at once (which is why the boundary is written out here rather than
     * declared with {@code @WithTransaction}: the kick must follow the commit).
     *
     * @param segmentId the segment to link the imported members to, or null for an Idea Manager import
     * @param file      the uploaded file, or null when the request carried none
     */
    public Uni<AcceptedJob> accept(Tenant tenant, Long segmentId, IncomingFile file) {
        return Panache.withTransaction(() -> segmentHeld(tenant, segmentId)
                        .chain(() -> inspect(file))
                        .chain(format -> store(tenant, segmentId, file, format)))
                .invoke(relay::kick);
    }

    private Uni<Void> segmentHeld(Tenant tenant, Long segmentId) {
        if (segmentId == null) {
            return Uni.createFrom().voidItem();
        }
        return segments.exists(tenant, segmentId, SegmentLock.KEY_SHARE).invoke(exists -> {
            if (!exists) {
                throw ApiException.notFound("segment");
            }
        }).replaceWithVoid();
    }

    private Uni<UploadInspector.Format> inspect(IncomingFile file) {
        if (file == null) {
            return Uni.createFrom().failure(ApiException.badRequest(UploadInspector.PART,
                    "a CSV or JSON file is required in the multipart part '" + UploadInspector.PART + "'"));
        }
        long max = config.maxFileSize().asLongValue();
        if (file.size() > max) {
            return Uni.createFrom().failure(ApiException.payloadTooLarge(
                    "the file is larger than the limit of " + max + " bytes"));
        }
        int window = (int) Math.min(config.inspectWindow().asLongValue(), file.size());
        return withFile(file, f -> window == 0 ? Uni.createFrom().item(new byte[0])
                : f.read(Buffer.buffer(window), 0, 0, window).map(Buffer::getBytes))
                .map(head -> UploadInspector.inspect(head, file.size(), file.contentType(), file.filename()));
    }

    private Uni<AcceptedJob> store(Tenant tenant, Long segmentId, IncomingFile file, UploadInspector.Format format) {
        Upload upload = new Upload();
        upload.id = UUID.randomUUID();
        upload.subscriptionId = tenant.subscriptionId();
        upload.initiativeId = tenant.initiativeId();
        upload.filename = truncate(file.filename(), 512);
        upload.contentType = truncate(file.contentType(), 255);
        upload.format = format.dbValue();
        upload.sizeBytes = file.size();
        ImportJob job = new ImportJob();
        job.id = UUID.randomUUID();
        job.subscriptionId = tenant.subscriptionId();
        job.initiativeId = tenant.initiativeId();
        job.type = segmentId == null ? ImportJob.IDM_USERS : ImportJob.SEGMENT_USERS;
        job.segmentId = segmentId;
        job.uploadId = upload.id;
        job.status = ImportJob.QUEUED;
        String message = toJson(new ImportJobMessage(job.id, tenant.subscriptionId(), tenant.initiativeId()));
        return uploads.persistAndFlush(upload)
                .chain(() -> storeChunks(upload.id, file))
                .chain(() -> jobs.persistAndFlush(job))
                .chain(() -> outbox.append(config.topic(), job.id.toString(), message))
                .replaceWith(new AcceptedJob(job.id, job.status));
    }

    /** Copies the file into upload_chunk one chunk at a time: at most one chunk of it is ever in memory. */
    private Uni<Void> storeChunks(UUID uploadId, IncomingFile file) {
        int chunk = (int) config.chunkSize().asLongValue();
        long count = (file.size() + chunk - 1) / chunk;
        return withFile(file, f -> Multi.createFrom().range(0, (int) count)
                .onItem().transformToUniAndConcatenate(seq -> {
                    long position = (long) seq * chunk;
                    int length = (int) Math.min(chunk, file.size() - position);
                    return f.read(Buffer.buffer(length), 0, position, length)
                            .chain(data -> {
                                if (data.length() != length) {
                                    return Uni.createFrom().failure(new IllegalStateException(
                                            "upload changed while being stored"));
                                }
                                return uploads.insertChunk(uploadId, seq, data.getBytes());
                            });
                })
                .onItem().ignoreAsUni());
    }

    private <T> Uni<T> withFile(IncomingFile file, java.util.function.Function<AsyncFile, Uni<T>> work) {
        return vertx.fileSystem().open(file.path(), new OpenOptions().setRead(true).setCreate(false))
                .chain(f -> work.apply(f).eventually(f::close));
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value, e);
        }
    }
}
