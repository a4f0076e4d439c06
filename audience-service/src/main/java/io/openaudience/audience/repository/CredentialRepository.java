package io.openaudience.audience.repository;

import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who a GoSquared request is, in plain SQL on the reactive pool because it runs on every tracking request: one probe
 * of a unique index each, no session, no entity.
 */
@ApplicationScoped
public class CredentialRepository {

    private final Pool pool;

    public CredentialRepository(Pool pool) {
        this.pool = pool;
    }

    /** The tenant of the active key with this SHA-256 and site token, or null (unknown, revoked, other site). */
    public Uni<Tenant> tenantOfKey(byte[] keyHash, String siteToken) {
        return pool.preparedQuery("SELECT company_id, application_id FROM audience.api_key "
                        + "WHERE key_hash = $1 AND site_token = $2 AND revoked_at IS NULL")
                .execute(Tuple.of(Buffer.buffer(keyHash), siteToken))
                .map(CredentialRepository::tenant);
    }

    /** The application a site token names, or null. */
    public Uni<Tenant> tenantOfSite(String siteToken) {
        return pool.preparedQuery("SELECT company_id, application_id FROM audience.gosquared_site "
                        + "WHERE site_token = $1")
                .execute(Tuple.of(siteToken))
                .map(CredentialRepository::tenant);
    }

    private static Tenant tenant(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return null;
        }
        Row r = it.next();
        return Tenant.application(r.getString("company_id"), r.getString("application_id"));
    }
}
