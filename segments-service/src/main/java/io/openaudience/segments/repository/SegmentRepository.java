package io.openaudience.segments.repository;

import io.openaudience.common.security.Tenant;
import io.openaudience.segments.Segment;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Segments of one tenant; every query filters on subscription and initiative. The SQL methods take the client
 * (pool or transaction connection) the calling service chose, so the service owns the transaction. Tables are
 * schema-qualified because the reactive pool, unlike Hibernate, has no default schema.
 */
@ApplicationScoped
public class SegmentRepository implements PanacheRepository<Segment> {

    private static final String COLUMNS = "id, value, user_count, created_at, updated_at";

    public Uni<List<Segment>> listForTenant(Tenant tenant) {
        return list("subscriptionId = ?1 and initiativeId = ?2 order by id", tenant.subscriptionId(),
                tenant.initiativeId());
    }

    public Uni<List<Row>> list(SqlClient client, Tenant tenant) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM segments.segment WHERE subscription_id = $1"
                        + " AND initiative_id = $2 ORDER BY id")
                .execute(Tuple.of(tenant.subscriptionId(), tenant.initiativeId()))
                .map(SegmentRepository::rows);
    }

    /**
     * Locks the tenant's segments among {@code ids} in id order (so two transactions never wait on each other
     * crosswise) and returns the ids found; the trigger that maintains user_count updates the same rows.
     */
    public Uni<List<Long>> lockInOrder(SqlClient client, Tenant tenant, Long... ids) {
        return client.preparedQuery("SELECT id FROM segments.segment WHERE id = ANY($1) AND subscription_id = $2"
                        + " AND initiative_id = $3 ORDER BY id FOR NO KEY UPDATE")
                .execute(Tuple.of(ids, tenant.subscriptionId(), tenant.initiativeId()))
                .map(rs -> {
                    List<Long> found = new ArrayList<>();
                    rs.forEach(r -> found.add(r.getLong(0)));
                    return found;
                });
    }

    public Uni<Row> insert(SqlClient client, Tenant tenant, String value) {
        return client.preparedQuery("INSERT INTO segments.segment (subscription_id, initiative_id, value)"
                        + " VALUES ($1, $2, $3)"
                        + " RETURNING " + COLUMNS)
                .execute(Tuple.of(tenant.subscriptionId(), tenant.initiativeId(), value))
                .map(rs -> rs.iterator().next());
    }

    public Uni<Optional<Row>> rename(SqlClient client, Tenant tenant, long id, String value) {
        return client.preparedQuery("UPDATE segments.segment SET value = $1, updated_at = now() WHERE id = $2"
                        + " AND subscription_id = $3 AND initiative_id = $4 RETURNING " + COLUMNS)
                .execute(Tuple.of(value, id, tenant.subscriptionId(), tenant.initiativeId()))
                .map(SegmentRepository::first);
    }

    /**
     * Deletes the segment, then its memberships; the members stay. Two statements in the caller's transaction, in
     * this order: the first waits for every writer holding the segment row (imports, moves), and the second, with a
     * fresh snapshot, sees the memberships they committed, so none is left behind (V13: no foreign key cascades).
     */
    public Uni<Boolean> delete(SqlClient client, Tenant tenant, long id) {
        return client.preparedQuery("DELETE FROM segments.segment WHERE id = $1 AND subscription_id = $2"
                        + " AND initiative_id = $3")
                .execute(Tuple.of(id, tenant.subscriptionId(), tenant.initiativeId()))
                .chain(rs -> rs.rowCount() == 0 ? Uni.createFrom().item(false)
                        : client.preparedQuery("DELETE FROM segments.user_segment WHERE segment_id = $1")
                                .execute(Tuple.of(id)).replaceWith(true));
    }

    static List<Row> rows(Iterable<Row> rs) {
        List<Row> rows = new ArrayList<>();
        rs.forEach(rows::add);
        return rows;
    }

    static Optional<Row> first(io.vertx.mutiny.sqlclient.RowSet<Row> rs) {
        var it = rs.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }
}
