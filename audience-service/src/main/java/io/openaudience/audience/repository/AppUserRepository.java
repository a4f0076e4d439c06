package io.openaudience.audience.repository;

import io.openaudience.audience.AppUser;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

/** People of one company and application; every query filters on both. */
@ApplicationScoped
public class AppUserRepository implements PanacheRepositoryBase<AppUser, Long> {

    private static final String TENANT = "companyId = :company and applicationId = :application";

    /**
     * Creates the person with this user_id if there is none yet and says whether it did. Plain SQL because only
     * {@code ON CONFLICT DO NOTHING} makes two concurrent first writes for one person both succeed.
     */
    public Uni<Boolean> createIfAbsent(Tenant tenant, String userId) {
        return getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO audience.app_user (company_id, application_id, user_id) VALUES (?1, ?2, ?3)"
                                + " ON CONFLICT (company_id, application_id, user_id) DO NOTHING")
                .setParameter(1, tenant.companyId())
                .setParameter(2, tenant.applicationId())
                .setParameter(3, userId)
                .executeUpdate())
                .map(inserted -> inserted > 0);
    }

    /** The person, or null. */
    public Uni<AppUser> findFor(Tenant tenant, String userId) {
        return find(TENANT + " and userId = :userId", params(tenant).and("userId", userId)).firstResult();
    }

    /**
     * The person, locked until the transaction ends: every write of a person's attributes or profile takes this lock
     * first, so they are serialized per person and a first value is never created twice.
     */
    public Uni<AppUser> lockFor(Tenant tenant, String userId) {
        return find(TENANT + " and userId = :userId", params(tenant).and("userId", userId))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The person whose primary email has this key, or null. */
    public Uni<AppUser> byEmailKey(Tenant tenant, String emailKey) {
        return find(TENANT + " and emailKey = :key", params(tenant).and("key", emailKey)).firstResult();
    }

    /** The person whose primary phone has this key, or null. */
    public Uni<AppUser> byPhoneKey(Tenant tenant, String phoneKey) {
        return find(TENANT + " and phoneKey = :key", params(tenant).and("key", phoneKey)).firstResult();
    }

    private static Parameters params(Tenant tenant) {
        return Parameters.with("company", tenant.companyId()).and("application", tenant.applicationId());
    }
}
