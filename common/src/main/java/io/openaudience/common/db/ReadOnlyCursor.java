package io.openaudience.common.db;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.function.Function;

/**
 * A query's rows through a server-side cursor in a read-only transaction, {@code fetch} rows at a time, so an export
 * of a million rows is never held in memory. The connection is returned when the stream ends, fails or is cancelled.
 */
public final class ReadOnlyCursor {

    private ReadOnlyCursor() {
    }

    public static <T> Multi<T> stream(Pool pool, String sql, Tuple args, int fetch, Function<Row, T> row) {
        return Multi.createFrom().resourceFromUni(
                        () -> pool.getConnection().call(conn -> conn.query("BEGIN READ ONLY").execute()),
                        (SqlConnection conn) -> conn.prepare(sql).toMulti()
                                .flatMap(statement -> statement.createStream(fetch, args).toMulti())
                                .map(row))
                .withFinalizer((SqlConnection conn) -> conn.query("COMMIT").execute()
                        .onFailure().recoverWithNull()
                        .eventually(conn::close)
                        .replaceWithVoid());
    }
}
