package io.openaudience.audience.repository;

import io.openaudience.common.db.ReadOnlyCursor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The rejected rows of a job ({@code audience.job_error}, callers check the job is the tenant's), in plain SQL on the
 * reactive pool: the error report is read through a server-side cursor, which no entity query does.
 */
@ApplicationScoped
public class JobErrorRepository {

    private static final String COLUMNS = "row_no, identifier, field, reason";

    private final Pool pool;

    public JobErrorRepository(Pool pool) {
        this.pool = pool;
    }

    /** The first {@code limit} rejected rows in row order. */
    public Uni<List<ErrorRow>> first(String jobId, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM audience.job_error WHERE job_id = $1 "
                        + "ORDER BY row_no LIMIT $2")
                .execute(Tuple.of(jobId, limit))
                .map(rows -> {
                    List<ErrorRow> list = new ArrayList<>();
                    rows.forEach(r -> list.add(ErrorRow.of(r)));
                    return list;
                });
    }

    /** Every rejected row of the job in row order, {@code fetch} rows at a time ({@link ReadOnlyCursor}). */
    public Multi<ErrorRow> stream(String jobId, int fetch) {
        return ReadOnlyCursor.stream(pool, "SELECT " + COLUMNS + " FROM audience.job_error WHERE job_id = $1 ORDER BY row_no",
                Tuple.of(jobId), fetch, ErrorRow::of);
    }

    /** One rejected row: its number in the file, what identified the person, the column at fault, why. */
    public record ErrorRow(long row, String identifier, String field, String reason) {
        static ErrorRow of(Row r) {
            return new ErrorRow(r.getLong("row_no"), r.getString("identifier"), r.getString("field"),
                    r.getString("reason"));
        }
    }
}
