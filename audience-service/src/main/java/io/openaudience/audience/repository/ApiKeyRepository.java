package io.openaudience.audience.repository;

import io.openaudience.audience.ApiKey;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The GoSquared API keys and site of one company and application; every query filters on both. */
@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, String> {

    private static final String ACTIVE = "companyId = ?1 and applicationId = ?2 and revokedAt is null";

    /** One page of the application's active keys, oldest first. */
    public Uni<List<ApiKey>> active(Tenant tenant, int pageNo, int pageSize) {
        return find(ACTIVE + " order by createdAt, id", tenant.companyId(), tenant.applicationId())
                .page(Page.of(pageNo - 1, pageSize)).list();
    }

    public Uni<Long> countActive(Tenant tenant) {
        return count(ACTIVE, tenant.companyId(), tenant.applicationId());
    }

    /** The active key with this id, or null (unknown, malformed, revoked or another tenant's). */
    public Uni<ApiKey> activeById(Tenant tenant, String id) {
        if (!ObjectIds.isObjectId(id)) {
            return Uni.createFrom().nullItem();
        }
        return find(ACTIVE + " and id = ?3", tenant.companyId(), tenant.applicationId(), id).firstResult();
    }

    /**
     * The application's site token, created as {@code candidate} when it has none. Plain SQL because only
     * {@code ON CONFLICT DO NOTHING} lets two first keys of one application, issued at once, agree on one site.
     */
    public Uni<String> siteToken(Tenant tenant, String candidate) {
        return getSession().chain(session -> session.createNativeQuery(
                                "INSERT INTO audience.gosquared_site (site_token, company_id, application_id) "
                                        + "VALUES (?1, ?2, ?3) ON CONFLICT (company_id, application_id) DO NOTHING")
                        .setParameter(1, candidate)
                        .setParameter(2, tenant.companyId())
                        .setParameter(3, tenant.applicationId())
                        .executeUpdate()
                        .chain(inserted -> session.createNativeQuery("SELECT site_token FROM audience.gosquared_site "
                                        + "WHERE company_id = ?1 AND application_id = ?2", String.class)
                                .setParameter(1, tenant.companyId())
                                .setParameter(2, tenant.applicationId())
                                .getSingleResult()));
    }
}
