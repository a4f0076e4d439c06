package io.openaudience.segments.repository;

import io.openaudience.common.db.ReadOnlyCursor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What import-worker wrote about a job's rows (results and errors), in SQL on the reactive pool rather than Panache:
 * read-only row sets of up to thousands of rows mapped straight to the view, and the error report streamed through a
 * cursor ({@link ReadOnlyCursor}), which a session does not offer. Callers check the job is the tenant's first.
 */
@ApplicationScoped
public class JobReportRepository {

    private final Pool pool;

    public JobReportRepository(Pool pool) {
        this.pool = pool;
    }

    /** The first results in row order, each with the member it produced (members are scoped by subscription). */
    public Uni<List<ResultRow>> results(long subscriptionId, UUID jobId, int limit) {
        return pool.preparedQuery("SELECT r.row_no, r.email AS row_email, r.error, m.id AS user_id, m.email, "
                        + "m.first_name, m.role, m.created_at, m.updated_at FROM segments.import_job_result r "
                        + "LEFT JOIN segments.member m ON m.id = r.user_id AND m.subscription_id = $2 "
                        + "WHERE r.job_id = $1 ORDER BY r.row_no LIMIT $3")
                .execute(Tuple.of(jobId, subscriptionId, limit))
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
