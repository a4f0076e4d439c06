package io.openaudience.segments.repository;

import io.openaudience.common.db.ReadOnlyCursor;
import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Uploads and import jobs of one tenant (tables of V10), in plain SQL on the reactive pool: uploads are written as
 * a stream of bytea chunks and error reports are read through a cursor, neither of which suits entities.
 */
@ApplicationScoped
public class ImportJobRepository {

    private final Pool pool;

    public ImportJobRepository(Pool pool) {
        this.pool = pool;
    }

    /** Whether the segment exists in the tenant; inside a transaction it also keeps it from being deleted. */
    public Uni<Boolean> segmentExists(SqlClient client, Tenant tenant, long segmentId, boolean lock) {
        String sql = "SELECT 1 FROM segments.segment WHERE id = $1 AND subscription_id = $2 AND initiative_id = $3"
                + (lock ? " FOR KEY SHARE" : "");
        return client.preparedQuery(sql)
                .execute(Tuple.of(segmentId, tenant.subscriptionId(), tenant.initiativeId()))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Boolean> segmentExists(Tenant tenant, long segmentId) {
        return segmentExists(pool, tenant, segmentId, false);
    }

    public Uni<Void> insertUpload(SqlConnection conn, UUID uploadId, Tenant tenant, String filename,
                                  String contentType, String format, long size) {
        return conn.preparedQuery("INSERT INTO segments.upload (id, subscription_id, initiative_id, filename, "
                        + "content_type, format, size_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(new Object[]{uploadId, tenant.subscriptionId(), tenant.initiativeId(),
                        truncate(filename, 512), truncate(contentType, 255), format, size}))
                .replaceWithVoid();
    }

    public Uni<Void> insertChunk(SqlConnection conn, UUID uploadId, int seq, Buffer data) {
        return conn.preparedQuery("INSERT INTO segments.upload_chunk (upload_id, seq, data) VALUES ($1, $2, $3)")
                .execute(Tuple.of(uploadId, seq, data))
                .replaceWithVoid();
    }

    public Uni<Void> insertJob(SqlConnection conn, UUID jobId, Tenant tenant, String type, Long segmentId,
                               UUID uploadId) {
        return conn.preparedQuery("INSERT INTO segments.import_job (id, subscription_id, initiative_id, type, "
                        + "segment_id, upload_id, status) VALUES ($1, $2, $3, $4, $5, $6, 'queued')")
                .execute(Tuple.from(new Object[]{jobId, tenant.subscriptionId(), tenant.initiativeId(), type,
                        segmentId, uploadId}))
                .replaceWithVoid();
    }

    /** The job if it belongs to the tenant; another tenant's job is reported exactly like a missing one. */
    public Uni<JobRow> find(Tenant tenant, UUID jobId) {
        return pool.preparedQuery("SELECT id, type, status, total, processed, succeeded, failed, segment_id, "
                        + "segment_count, failure_reason, created_at, started_at, finished_at FROM segments.import_job "
                        + "WHERE id = $1 AND subscription_id = $2 AND initiative_id = $3")
                .execute(Tuple.of(jobId, tenant.subscriptionId(), tenant.initiativeId()))
                .map(rows -> rows.size() == 0 ? null : JobRow.of(rows.iterator().next()));
    }

    /** The first results in row order, each with the member it produced (members are scoped by subscription). */
    public Uni<List<ResultRow>> results(Tenant tenant, UUID jobId, int limit) {
        return pool.preparedQuery("SELECT r.row_no, r.email AS row_email, r.error, m.id AS user_id, m.email, "
                        + "m.first_name, m.role, m.created_at, m.updated_at FROM segments.import_job_result r "
                        + "LEFT JOIN segments.member m ON m.id = r.user_id AND m.subscription_id = $2 "
                        + "WHERE r.job_id = $1 ORDER BY r.row_no LIMIT $3")
                .execute(Tuple.of(jobId, tenant.subscriptionId(), limit))
                .map(rows -> {
                    List<ResultRow> list = new ArrayList<>();
                    rows.forEach(r -> list.add(ResultRow.of(r)));
                    return list;
                });
    }

    public Uni<List<ErrorRow>> errors(UUID jobId, int limit) {
        return pool.preparedQuery("SELECT row_no, email, name, reason FROM segments.import_job_error "
                        + "WHERE job_id = $1 ORDER BY row_no LIMIT $2")
                .execute(Tuple.of(jobId, limit))
                .map(rows -> {
                    List<ErrorRow> list = new ArrayList<>();
                    rows.forEach(r -> list.add(ErrorRow.of(r)));
                    return list;
                });
    }

    /** Every error row of the job in row order, {@code fetch} rows at a time ({@link ReadOnlyCursor}). */
    public Multi<ErrorRow> streamErrors(UUID jobId, int fetch) {
        return ReadOnlyCursor.stream(pool, "SELECT row_no, email, name, reason FROM segments.import_job_error "
                + "WHERE job_id = $1 ORDER BY row_no", Tuple.of(jobId), fetch, ErrorRow::of);
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /** An import_job row as the job resource shows it. */
    public record JobRow(UUID id, String type, String status, Long total, long processed, long succeeded,
                         long failed, Long segmentId, long segmentCount, String failureReason,
                         OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt) {
        static JobRow of(Row r) {
            return new JobRow(r.getUUID("id"), r.getString("type"), r.getString("status"), r.getLong("total"),
                    r.getLong("processed"), r.getLong("succeeded"), r.getLong("failed"), r.getLong("segment_id"),
                    r.getLong("segment_count"), r.getString("failure_reason"), r.getOffsetDateTime("created_at"),
                    r.getOffsetDateTime("started_at"), r.getOffsetDateTime("finished_at"));
        }
    }

    /** One import_job_result row with its member, if the row produced one. */
    public record ResultRow(long row, String rowEmail, String error, Long userId, String email, String firstName,
                            String role, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        static ResultRow of(Row r) {
            return new ResultRow(r.getLong("row_no"), r.getString("row_email"), r.getString("error"),
                    r.getLong("user_id"), r.getString("email"), r.getString("first_name"), r.getString("role"),
                    r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
        }
    }

    /** One rejected input row. */
    public record ErrorRow(long row, String email, String name, String reason) {
        static ErrorRow of(Row r) {
            return new ErrorRow(r.getLong("row_no"), r.getString("email"), r.getString("name"), r.getString("reason"));
        }
    }
}
