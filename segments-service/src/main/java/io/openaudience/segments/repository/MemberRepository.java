package io.openaudience.segments.repository;

import io.openaudience.segments.Member;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Idea Manager members of one subscription (email unique per subscription, case-insensitively): created with one
 * multi-row upsert (SQL: a set-based write), read as entities; both in the caller's transaction.
 */
@ApplicationScoped
public class MemberRepository implements PanacheRepository<Member> {

    /**
     * Creates the members whose email is new to the subscription in one statement (new members are
     * {@code idm_member}, {@code pending} by the table defaults) and returns every listed member, new or existing.
     */
    public Uni<List<Member>> upsertByEmail(long subscriptionId, String[] emails, String[] names) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "INSERT INTO segments.member (subscription_id, email, first_name)"
                                        + " SELECT :subscription, e, n"
                                        + " FROM unnest(CAST(:emails AS text[]), CAST(:names AS text[])) AS t(e, n)"
                                        + " ON CONFLICT (subscription_id, lower(email)) DO NOTHING")
                        .setParameter("subscription", subscriptionId)
                        .setParameter("emails", emails)
                        .setParameter("names", names)
                        .executeUpdate())
                .chain(() -> list("subscriptionId = ?1 and lower(email) in ?2", subscriptionId,
                        Arrays.stream(emails).map(e -> e.toLowerCase(Locale.ROOT)).toList()));
    }
}
