package io.openaudience.audience.repository;

import io.openaudience.audience.AttributeDefinition;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Attribute definitions of one company and application. */
@ApplicationScoped
public class AttributeDefinitionRepository implements PanacheRepositoryBase<AttributeDefinition, String> {

    private static final String TENANT = "companyId = ?1 and applicationId = ?2";

    public Uni<List<AttributeDefinition>> page(Tenant tenant, int pageNo, int pageSize) {
        return find(TENANT + " order by createdAt, id", tenant.companyId(), tenant.applicationId())
                .page(Page.of(pageNo - 1, pageSize)).list();
    }

    public Uni<Long> countFor(Tenant tenant) {
        return count(TENANT, tenant.companyId(), tenant.applicationId());
    }
}
