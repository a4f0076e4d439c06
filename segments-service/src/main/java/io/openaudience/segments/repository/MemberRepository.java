package io.openaudience.segments.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Idea Manager members of one subscription (email unique per subscription, case-insensitively). */
@ApplicationScoped
public class MemberRepository {

    /**
     * Creates the members whose email is new to the subscription in one statement (new members are
     * {@code idm_member}, {@code pending} by the table defaults) and returns every listed member, new or existing.
     * Rows: id, email, role, first_name, created_at, updated_at, lower(email).
     */
    public Uni<List<Row>> upsertByEmail(SqlClient client, long subscriptionId, String[] emails, String[] names) {
        return client.preparedQuery("INSERT INTO segments.member (subscription_id, email, first_name)"
                        + " SELECT $1, e, n FROM unnest($2::text[], $3::text[]) AS t(e, n)"
                        + " ON CONFLICT (subscription_id, lower(email)) DO NOTHING")
                .execute(Tuple.of(subscriptionId, emails, names))
                .chain(() -> client.preparedQuery("SELECT id, email, role, first_name, created_at, updated_at,"
                                + " lower(email) FROM segments.member WHERE subscription_id = $1"
                                + " AND lower(email) = ANY(SELECT lower(e) FROM unnest($2::text[]) AS e)")
                        .execute(Tuple.of(subscriptionId, emails)))
                .map(SegmentRepository::rows);
    }
}
