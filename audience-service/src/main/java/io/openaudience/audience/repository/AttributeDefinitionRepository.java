package io.openaudience.audience.repository;

import io.openaudience.audience.AttributeDefinition;
import io.openaudience.audience.AttributeDefinitionFilter;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/** Attribute definitions of one company and application; every query filters on both. */
@ApplicationScoped
public class AttributeDefinitionRepository implements PanacheRepositoryBase<AttributeDefinition, String> {

    private static final String TENANT = "companyId = :company and applicationId = :application";

    public Uni<List<AttributeDefinition>> page(Tenant tenant, AttributeDefinitionFilter filter, int pageNo,
                                               int pageSize) {
        Parameters params = tenantParams(tenant);
        return find(where(filter, params), Sort.by("createdAt").and("id"), params)
                .page(Page.of(pageNo - 1, pageSize)).list();
    }

    public Uni<Long> count(Tenant tenant, AttributeDefinitionFilter filter) {
        Parameters params = tenantParams(tenant);
        return count(where(filter, params), params);
    }

    /** The tenant's definition with this id, or null (another tenant's id is as unknown as a missing one). */
    public Uni<AttributeDefinition> findFor(Tenant tenant, String id) {
        return find(TENANT + " and id = :id", tenantParams(tenant).and("id", id)).firstResult();
    }

    /** The tenant's definitions among these ids (unknown ids are simply absent). */
    public Uni<List<AttributeDefinition>> findFor(Tenant tenant, Collection<String> ids) {
        return list(TENANT + " and id in :ids", tenantParams(tenant).and("ids", ids));
    }

    public Uni<Boolean> slugTaken(Tenant tenant, String slug) {
        return count(TENANT + " and slug = :slug", tenantParams(tenant).and("slug", slug)).map(n -> n > 0);
    }

    /** Deletes the definition; its values go with it (foreign key ON DELETE CASCADE). */
    public Uni<Boolean> deleteFor(Tenant tenant, String id) {
        return delete(TENANT + " and id = :id", tenantParams(tenant).and("id", id)).map(n -> n > 0);
    }

    private static String where(AttributeDefinitionFilter f, Parameters params) {
        StringBuilder q = new StringBuilder(TENANT);
        if (f.name() != null) {
            q.append(" and lower(name) like :name escape '\\'");
            params.and("name", Likes.containing(f.name()));
        }
        add(q, params, "slug", "slug", f.slug());
        add(q, params, "type", "type", f.type());
        add(q, params, "customerEditable", "customerEditable", f.customerEditable());
        add(q, params, "encrypted", "encrypted", f.encrypted());
        add(q, params, "pinned", "pinned", f.pinned());
        add(q, params, "pinOrder", "pinOrder", f.pinOrder());
        add(q, params, "locked", "locked", f.locked());
        if (f.excludedIds() != null && !f.excludedIds().isEmpty()) {
            q.append(" and id not in :excluded");
            params.and("excluded", f.excludedIds());
        }
        return q.toString();
    }

    private static void add(StringBuilder q, Parameters params, String field, String param, Object value) {
        if (value != null) {
            q.append(" and ").append(field).append(" = :").append(param);
            params.and(param, value);
        }
    }

    private static Parameters tenantParams(Tenant tenant) {
        return Parameters.with("company", tenant.companyId()).and("application", tenant.applicationId());
    }
}
