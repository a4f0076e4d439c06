package io.openaudience.audience.repository;

import io.openaudience.audience.filter.FilterContext;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the filter engine (module audience-filter) needs to parse and compile a filter of an application: all of its
 * attribute definitions (encrypted ones too, so that they are known and refused). Plain SQL on the pool: the engine
 * wants id, slug and type only, which no entity of this package maps alone.
 */
@ApplicationScoped
public class FilterContextRepository {

    private final Pool pool;

    public FilterContextRepository(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's filter context with relative dates counted back from {@code now}. */
    public Uni<FilterContext> context(Tenant tenant, Instant now) {
        return pool.preparedQuery("SELECT id, slug, type FROM audience.attribute_definition "
                        + "WHERE company_id = $1 AND application_id = $2")
                .execute(Tuple.of(tenant.companyId(), tenant.applicationId()))
                .map(rows -> {
                    List<FilterContext.Definition> definitions = new ArrayList<>();
                    for (Row r : rows) {
                        // A type this build does not know cannot be filtered on; the definition is left out.
                        AttributeType.of(r.getString("type")).ifPresent(type -> definitions.add(
                                new FilterContext.Definition(r.getString("id"), r.getString("slug"), type)));
                    }
                    return FilterContext.of(tenant.companyId(), tenant.applicationId(), definitions, now);
                });
    }
}
