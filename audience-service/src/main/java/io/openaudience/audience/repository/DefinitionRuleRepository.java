package io.openaudience.audience.repository;

import io.openaudience.audience.filter.FilterContext;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * What the group intakes need of attribute definitions — id, slug, type and validations for the attribute bulk update,
 * id, slug and type for the filter engine — in their own SQL on the pool: the attribute package owns the definition
 * entity, which does not map the validations.
 */
@ApplicationScoped
public class DefinitionRuleRepository {

    private final Pool pool;

    public DefinitionRuleRepository(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's definitions whose slug or id is among {@code keys}. */
    public Uni<List<DefinitionRule>> byKeys(Tenant tenant, List<String> keys) {
        String[] array = keys.toArray(String[]::new);
        return pool.preparedQuery("SELECT id, slug, type, validations::text AS validations "
                        + "FROM audience.attribute_definition WHERE company_id = $1 AND application_id = $2 "
                        + "AND (slug = ANY($3) OR id = ANY($3))")
                .execute(Tuple.of(tenant.companyId(), tenant.applicationId(), array))
                .map(rows -> {
                    List<DefinitionRule> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new DefinitionRule(r.getString("id"), r.getString("slug"),
                            r.getString("type"), r.getString("validations"))));
                    return list;
                });
    }

    /**
     * Every definition of the tenant as the filter engine needs it, encrypted ones included (so that a condition
     * naming one is refused as encrypted, not as unknown).
     */
    public Uni<List<FilterContext.Definition>> forFilters(Tenant tenant) {
        return pool.preparedQuery("SELECT id, slug, type FROM audience.attribute_definition "
                        + "WHERE company_id = $1 AND application_id = $2")
                .execute(Tuple.of(tenant.companyId(), tenant.applicationId()))
                .map(rows -> {
                    List<FilterContext.Definition> list = new ArrayList<>();
                    rows.forEach(r -> AttributeType.of(r.getString("type")).ifPresent(type -> list.add(
                            new FilterContext.Definition(r.getString("id"), r.getString("slug"), type))));
                    return list;
                });
    }

    /** A definition as the value rules see it; {@code validations} is the stored JSON text. */
    public record DefinitionRule(String id, String slug, String type, String validations) {
    }
}
