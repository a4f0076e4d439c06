package io.openaudience.audience.repository;

import io.openaudience.audience.UserAttribute;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/**
 * Attribute values of one company and application; every query filters on both and fetches the definition and the
 * person with the value (the responses need the definition's name and type and the person's user_id).
 */
@ApplicationScoped
public class UserAttributeRepository implements PanacheRepositoryBase<UserAttribute, String> {

    private static final String FETCHED = "from UserAttribute a join fetch a.definition d join fetch a.user u"
            + " where a.companyId = :company and a.applicationId = :application";
    private static final String JOINED = "from UserAttribute a join a.definition d join a.user u"
            + " where a.companyId = :company and a.applicationId = :application";

    /** One page of a person's values, optionally only of one type and of definitions whose name contains a text. */
    public Uni<List<UserAttribute>> page(Tenant tenant, long userPk, String type, String name, int pageNo,
                                         int pageSize) {
        Parameters params = params(tenant).and("user", userPk);
        return find(FETCHED + filter(type, name, params) + " order by a.createdAt, a.id", params)
                .page(Page.of(pageNo - 1, pageSize)).list();
    }

    public Uni<Long> count(Tenant tenant, long userPk, String type, String name) {
        Parameters params = params(tenant).and("user", userPk);
        return count(JOINED + filter(type, name, params), params);
    }

    /** The person's value of a definition, or null. */
    public Uni<UserAttribute> findFor(Tenant tenant, String definitionId, long userPk) {
        return find(FETCHED + " and d.id = :definition and u.id = :user",
                params(tenant).and("definition", definitionId).and("user", userPk)).firstResult();
    }

    /** The value with this id, or null. */
    public Uni<UserAttribute> findFor(Tenant tenant, String attributeId) {
        return find(FETCHED + " and a.id = :id", params(tenant).and("id", attributeId)).firstResult();
    }

    /** The person's values of these definitions. */
    public Uni<List<UserAttribute>> forUser(Tenant tenant, long userPk, Collection<String> definitionIds) {
        return list(FETCHED + " and u.id = :user and d.id in :definitions",
                params(tenant).and("user", userPk).and("definitions", definitionIds));
    }

    /** Deletes the person's values of these definitions; returns how many there were. */
    public Uni<Long> deleteFor(Tenant tenant, long userPk, Collection<String> definitionIds) {
        return delete("companyId = :company and applicationId = :application and user.id = :user"
                        + " and definition.id in :definitions",
                params(tenant).and("user", userPk).and("definitions", definitionIds));
    }

    /** Whether any person has a value of the definition. */
    public Uni<Boolean> anyFor(Tenant tenant, String definitionId) {
        return find("companyId = :company and applicationId = :application and definition.id = :definition",
                params(tenant).and("definition", definitionId)).page(0, 1).list().map(l -> !l.isEmpty());
    }

    private static String filter(String type, String name, Parameters params) {
        StringBuilder q = new StringBuilder(" and u.id = :user");
        if (type != null) {
            q.append(" and d.type = :type");
            params.and("type", type);
        }
        if (name != null) {
            q.append(" and lower(d.name) like :name escape '\\'");
            params.and("name", Likes.containing(name));
        }
        return q.toString();
    }

    private static Parameters params(Tenant tenant) {
        return Parameters.with("company", tenant.companyId()).and("application", tenant.applicationId());
    }
}
