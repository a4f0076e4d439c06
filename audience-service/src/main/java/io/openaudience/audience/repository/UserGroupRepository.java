package io.openaudience.audience.repository;

import io.openaudience.audience.UserGroup;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.Locale;

/**
 * User groups of one company and application; set-based statements (tags, groups per category, deleting a group's
 * members) are SQL through the same session, so they join the caller's transaction.
 */
@ApplicationScoped
public class UserGroupRepository implements PanacheRepositoryBase<UserGroup, String> {

    private static final String TENANT = "companyId = :company and applicationId = :application";
    /** Columns of a group row for native queries returning the entity (conditions read as text, as mapped). */
    private static final String COLUMNS = "g.id, g.uid, g.company_id, g.application_id, g.name, g.description, "
            + "g.type, g.status, g.category, g.tags, g.file_url, g.conditions::text AS conditions, g.conditions_type, "
            + "g.total_users, g.total_users_refreshed_at, g.last_job_id, g.error_count, g.is_active, g.created_at, "
            + "g.modified_at";

    /** Filters of the group list (row 14); null means "any". */
    public record Filter(String status, String type, String name, Long uid, String[] tags, String category) {
    }

    /**
     * The group a {@code {group_id}} path parameter names: all digits → its {@code uid}, else its 24-hex
     * {@code _id}. Null when there is none in the tenant, including another tenant's group and malformed ids.
     */
    public Uni<UserGroup> findByRef(Tenant tenant, String ref) {
        return byRef(tenant, ref, false);
    }

    /** {@link #findByRef} and lock the row for the rest of the transaction (an update or a job intake follows). */
    public Uni<UserGroup> findByRefForUpdate(Tenant tenant, String ref) {
        return byRef(tenant, ref, true);
    }

    private Uni<UserGroup> byRef(Tenant tenant, String ref, boolean lock) {
        Parameters params = tenantParams(tenant);
        String where;
        if (ref != null && !ref.isEmpty() && ref.length() <= 18 && ref.chars().allMatch(Character::isDigit)) {
            where = "uid = :ref";
            params.and("ref", Long.parseLong(ref));
        } else if (ObjectIds.isObjectId(ref)) {
            where = "id = :ref";
            params.and("ref", ref);
        } else {
            return Uni.createFrom().nullItem();
        }
        var query = find(where + " and " + TENANT, params);
        return (lock ? query.withLock(LockModeType.PESSIMISTIC_WRITE) : query).firstResult();
    }

    public Uni<List<UserGroup>> page(Tenant tenant, Filter filter, int pageNo, int pageSize) {
        Parameters params = tenantParams(tenant);
        return find(where(filter, params) + " order by createdAt desc, id", params)
                .page(Page.of(pageNo - 1, pageSize)).list();
    }

    public Uni<Long> count(Tenant tenant, Filter filter) {
        Parameters params = tenantParams(tenant);
        return count(where(filter, params), params);
    }

    private static String where(Filter filter, Parameters params) {
        StringBuilder where = new StringBuilder(TENANT);
        if (filter.status() != null) {
            where.append(" and status = :status");
            params.and("status", filter.status());
        }
        if (filter.type() != null) {
            where.append(" and type = :type");
            params.and("type", filter.type());
        }
        if (filter.name() != null) {
            where.append(" and lower(name) like :name escape '\\'");
            params.and("name", "%" + likeEscaped(filter.name().toLowerCase(Locale.ROOT)) + "%");
        }
        if (filter.uid() != null) {
            where.append(" and uid = :uid");
            params.and("uid", filter.uid());
        }
        if (filter.tags() != null) {
            where.append(" and array_intersects(tags, :tags)");
            params.and("tags", filter.tags());
        }
        if (filter.category() != null) {
            where.append(" and category = :category");
            params.and("category", filter.category());
        }
        return where.toString();
    }

    /** The next group uid (groups get it in Java so the created group can be answered without reading it back). */
    public Uni<Long> nextUid() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT nextval('audience.user_group_uid_seq')", Long.class).getSingleResult());
    }

    /** Distinct tags of the tenant's groups, alphabetically, at most {@code limit}. */
    public Uni<List<String>> tags(Tenant tenant, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT DISTINCT t FROM audience.user_group g, unnest(g.tags) t WHERE g.company_id = :company "
                                + "AND g.application_id = :application ORDER BY t LIMIT :limit",
                        String.class)
                .setParameter("company", tenant.companyId())
                .setParameter("application", tenant.applicationId())
                .setParameter("limit", limit)
                .getResultList());
    }

    /** Categories the tenant's groups use, by key, at most {@code limit}. */
    public Uni<List<String>> categories(Tenant tenant, int limit) {
        return getSession().chain(session -> session.createSelectionQuery("select distinct category from UserGroup "
                        + "where " + TENANT + " order by category", String.class)
                .setParameter("company", tenant.companyId())
                .setParameter("application", tenant.applicationId())
                .setMaxResults(limit)
                .getResultList());
    }

    /** The newest {@code perCategory} groups of each of the given categories, by category then newest first. */
    public Uni<List<UserGroup>> newestPerCategory(Tenant tenant, List<String> categories, int perCategory) {
        if (categories.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT " + COLUMNS + " FROM (SELECT id, row_number() OVER (PARTITION BY category "
                                + "ORDER BY created_at DESC, id) AS n FROM audience.user_group "
                                + "WHERE company_id = :company AND application_id = :application "
                                + "AND category = ANY(:categories)) r JOIN audience.user_group g ON g.id = r.id "
                                + "WHERE r.n <= :limit ORDER BY g.category, g.created_at DESC, g.id", UserGroup.class)
                .setParameter("company", tenant.companyId())
                .setParameter("application", tenant.applicationId())
                .setParameter("categories", categories.toArray(String[]::new))
                .setParameter("limit", perCategory)
                .getResultList());
    }

    /**
     * Deletes the group, then its members, in the caller's transaction and in this order: the first statement waits
     * for any import-worker batch holding the group row (it locks it {@code FOR KEY SHARE} while writing members),
     * and the second, with a fresh snapshot, sees every member such a batch committed, so none is left behind.
     */
    public Uni<Boolean> deleteWithMembers(Tenant tenant, String groupId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "DELETE FROM audience.user_group WHERE id = :id AND company_id = :company "
                                        + "AND application_id = :application")
                        .setParameter("id", groupId)
                        .setParameter("company", tenant.companyId())
                        .setParameter("application", tenant.applicationId())
                        .executeUpdate()
                        .chain(deleted -> deleted == 0 ? Uni.createFrom().item(false) : session.createNativeQuery(
                                        "DELETE FROM audience.user_group_member WHERE group_id = :id "
                                                + "AND company_id = :company AND application_id = :application")
                                .setParameter("id", groupId)
                                .setParameter("company", tenant.companyId())
                                .setParameter("application", tenant.applicationId())
                                .executeUpdate().replaceWith(true)));
    }

    private static Parameters tenantParams(Tenant tenant) {
        return Parameters.with("company", tenant.companyId()).and("application", tenant.applicationId());
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
