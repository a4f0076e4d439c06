package io.openaudience.audience.repository;

import io.openaudience.audience.SmartGroup;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Smart groups of one company and application; every query filters on both. */
@ApplicationScoped
public class SmartGroupRepository implements PanacheRepositoryBase<SmartGroup, String> {

    private static final String TENANT = "companyId = ?1 and applicationId = ?2";

    /** The group with this GoSquared id, or null. */
    public Uni<SmartGroup> bySlug(Tenant tenant, String slug) {
        return find(TENANT + " and slug = ?3", tenant.companyId(), tenant.applicationId(), slug).firstResult();
    }

    /** Every group of the application, oldest first. */
    public Uni<List<SmartGroup>> all(Tenant tenant) {
        return find(TENANT + " order by createdAt, id", tenant.companyId(), tenant.applicationId()).list();
    }

    public Uni<Long> countFor(Tenant tenant) {
        return count(TENANT, tenant.companyId(), tenant.applicationId());
    }

    /**
     * Makes the creates of one base slug in one application take turns until their transactions end, so each sees the
     * slugs the ones before it took (eight at once otherwise exhausted the retries of {@code insertIfFree}).
     */
    public Uni<Void> lockSlug(Tenant tenant, String base) {
        return getSession().chain(session -> session.createNativeQuery(
                        "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))) l", Integer.class)
                .setParameter(1, tenant.companyId() + '\n' + tenant.applicationId() + '\n' + base)
                .getSingleResult())
                .replaceWithVoid();
    }

    /** The ids in use that a new group with this base slug could collide with: the base and {@code base-…}. */
    public Uni<List<String>> slugsLike(Tenant tenant, String base) {
        // The base is [a-z0-9-] only, so it holds no LIKE wildcard.
        return find("select slug from SmartGroup where " + TENANT + " and (slug = ?3 or slug like ?4)",
                tenant.companyId(), tenant.applicationId(), base, base + "-%").project(String.class).list();
    }

    /**
     * Inserts the group unless its slug is taken and says whether it did. Plain SQL because only {@code ON CONFLICT DO
     * NOTHING} lets a create that lost a race for a slug try the next one in the same transaction.
     */
    public Uni<Boolean> insertIfFree(SmartGroup g) {
        return getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO audience.smart_group (id, company_id, application_id, slug, name, filters, prefs, "
                                + "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                                + "CAST(CAST(?6 AS text) AS jsonb), CAST(CAST(?7 AS text) AS jsonb), ?8, ?8) "
                                + "ON CONFLICT (company_id, application_id, slug) DO NOTHING")
                .setParameter(1, g.id)
                .setParameter(2, g.companyId)
                .setParameter(3, g.applicationId)
                .setParameter(4, g.slug)
                .setParameter(5, g.name)
                .setParameter(6, g.filters.toString())
                .setParameter(7, g.prefs.toString())
                .setParameter(8, g.createdAt)
                .executeUpdate())
                .map(inserted -> inserted > 0);
    }
}
