package io.openaudience.segments.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.messaging.ImportJobMessage;
import io.openaudience.common.security.Tenant;
import io.openaudience.segments.config.ImportConfig;
import io.openaudience.outbox.OutboxRelay;
import io.openaudience.segments.repository.ImportJobRepository;
import io.openaudience.outbox.OutboxRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.file.OpenOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.file.AsyncFile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Accepts bulk imports: checks the request and the beginning of the file, then stores the upload in chunks, queues
 * the job and writes its Kafka message to the outbox, all in one transaction; the worker does the rest.
 */
@ApplicationScoped
public class ImportService {

    public static final String SEGMENT_USERS = "segment_users";
    public static final String IDM_USERS = "idm_users";

    private final ImportJobRepository jobs;
    private final OutboxRepository outbox;
    private final ImportConfig config;
    private final Pool pool;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final OutboxRelay relay;

    public ImportService(ImportJobRepository jobs, OutboxRepository outbox, ImportConfig config, Pool pool,
                         Vertx vertx, ObjectMapper json, OutboxRelay relay) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.config = config;
        this.pool = pool;
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
     * @param segmentId the segment to link the imported members to, or null for an Idea Manager import
     * @param file      the uploaded file, or null when the request carried none
     */
    public Uni<AcceptedJob> accept(Tenant tenant, Long segmentId, IncomingFile file) {
        Uni<Void> segmentKnown = segmentId == null ? Uni.createFrom().voidItem()
                : jobs.segmentExists(tenant, segmentId).invoke(exists -> requireSegment(exists)).replaceWithVoid();
        return segmentKnown
                .chain(() -> inspect(file))
                .chain(format -> store(tenant, segmentId, file, format));
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
        UUID uploadId = UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        String message = toJson(new ImportJobMessage(jobId, tenant.subscriptionId(), tenant.initiativeId()));
        return pool.withTransaction(conn -> {
            Uni<Void> segmentStillThere = segmentId == null ? Uni.createFrom().voidItem()
                    : jobs.segmentExists(conn, tenant, segmentId, true).invoke(ImportService::requireSegment)
                    .replaceWithVoid();
            return segmentStillThere
                    .chain(() -> jobs.insertUpload(conn, uploadId, tenant, file.filename(), file.contentType(),
                            format.dbValue(), file.size()))
                    .chain(() -> storeChunks(conn, uploadId, file))
                    .chain(() -> jobs.insertJob(conn, jobId, tenant, segmentId == null ? IDM_USERS : SEGMENT_USERS,
                            segmentId, uploadId))
                    .chain(() -> outbox.append(conn, config.topic(), jobId.toString(), message));
        }).invoke(relay::kick).replaceWith(new AcceptedJob(jobId, "queued"));
    }

    /** Copies the file into upload_chunk one chunk at a time: at most one chunk of it is ever in memory. */
    private Uni<Void> storeChunks(SqlConnection conn, UUID uploadId, IncomingFile file) {
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
                                return jobs.insertChunk(conn, uploadId, seq, data.getDelegate());
                            });
                })
                .onItem().ignoreAsUni());
    }

    private <T> Uni<T> withFile(IncomingFile file, java.util.function.Function<AsyncFile, Uni<T>> work) {
        return vertx.fileSystem().open(file.path(), new OpenOptions().setRead(true).setCreate(false))
                .chain(f -> work.apply(f).eventually(f::close));
    }

    private static void requireSegment(boolean exists) {
        if (!exists) {
            throw ApiException.notFound("segment");
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value, e);
        }
    }
}
