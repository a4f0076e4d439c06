package io.openaudience.audience.repository;

import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The profile writes of the GoSquared tracking intake ({@code identify}, {@code properties}), in plain SQL on the
 * connection of the caller's transaction because they are the intake's hot path: a person is created and locked in
 * one statement, written in one, and its attribute values in one each.
 */
@ApplicationScoped
public class TrackingRepository {

    /** A definition whose slug a property names, as the value rules need it. */
    public record SlugDefinition(String id, String slug, String type, String validations) {
    }

    /** A person's profile columns as the intake merges into them (JSON columns as text). */
    public record Profile(long id, String name, String firstName, String lastName, String emails, String emailKey,
                          String phones, String phoneKey, OffsetDateTime signedUpAt, String profile,
                          String properties) {
    }

    /**
     * The tenant's definitions with these slugs, read {@code FOR SHARE} so none changes type or is deleted before the
     * transaction writes its values (the definition update and delete lock it {@code FOR UPDATE}).
     */
    public Uni<List<SlugDefinition>> definitions(SqlClient client, Tenant tenant, List<String> slugs) {
        return client.preparedQuery("SELECT id, slug, type, validations::text AS validations "
                        + "FROM audience.attribute_definition WHERE company_id = $1 AND application_id = $2 "
                        + "AND slug = ANY($3) ORDER BY id FOR SHARE")
                .execute(Tuple.of(tenant.companyId(), tenant.applicationId(), slugs.toArray(String[]::new)))
                .map(rows -> {
                    List<SlugDefinition> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new SlugDefinition(r.getString("id"), r.getString("slug"),
                            r.getString("type"), r.getString("validations"))));
                    return list;
                });
    }

    /**
     * The person with this user_id, created if unknown, locked until the transaction ends (every write of a person
     * takes this lock first, as the Fynd writes do). One statement: the no-op update of the conflict branch is what
     * locks an existing row and returns it.
     */
    public Uni<Profile> lock(SqlClient client, Tenant tenant, String userId) {
        return client.preparedQuery("""
                        INSERT INTO audience.app_user AS p (company_id, application_id, user_id) VALUES ($1, $2, $3)
                        ON CONFLICT (company_id, application_id, user_id) DO UPDATE SET user_id = excluded.user_id
                        RETURNING p.id, p.name, p.first_name, p.last_name, p.emails::text AS emails, p.email_key,
                                  p.phone_numbers::text AS phones, p.phone_key, p.signed_up_at,
                                  p.profile::text AS profile, p.properties::text AS properties""")
                .execute(Tuple.of(tenant.companyId(), tenant.applicationId(), userId))
                .map(rows -> profile(rows.iterator().next()));
    }

    /** Writes the merged profile. */
    public Uni<Void> update(SqlClient client, Profile p) {
        return client.preparedQuery("""
                        UPDATE audience.app_user SET name = $2, first_name = $3, last_name = $4,
                            emails = $5::text::jsonb, email_key = $6, phone_numbers = $7::text::jsonb, phone_key = $8,
                            signed_up_at = $9, profile = $10::text::jsonb, properties = $11::text::jsonb,
                            updated_at = now()
                        WHERE id = $1""")
                .execute(Tuple.from(Arrays.asList(p.id(), p.name(), p.firstName(), p.lastName(), p.emails(),
                        p.emailKey(), p.phones(), p.phoneKey(), p.signedUpAt(), p.profile(), p.properties())))
                .replaceWithVoid();
    }

    /** Creates or replaces the person's value of a definition: JSON text, or sealed bytes with their key id. */
    public Uni<Void> putValue(SqlClient client, Tenant tenant, String definitionId, long userPk, String json,
                              byte[] ciphertext, String keyId) {
        return client.preparedQuery("""
                        INSERT INTO audience.user_attribute (company_id, application_id, definition_id, user_pk, value,
                                                            ciphertext, key_id)
                        VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7)
                        ON CONFLICT (definition_id, user_pk) DO UPDATE SET value = excluded.value,
                            ciphertext = excluded.ciphertext, key_id = excluded.key_id, updated_at = now()""")
                .execute(Tuple.from(Arrays.asList(tenant.companyId(), tenant.applicationId(), definitionId, userPk,
                        json, ciphertext == null ? null : Buffer.buffer(ciphertext), keyId)))
                .replaceWithVoid();
    }

    /** Deletes the person's values of these definitions. */
    public Uni<Void> deleteValues(SqlClient client, long userPk, List<String> definitionIds) {
        return client.preparedQuery("DELETE FROM audience.user_attribute WHERE user_pk = $1 "
                        + "AND definition_id = ANY($2::bpchar[])")
                .execute(Tuple.of(userPk, definitionIds.toArray(String[]::new)))
                .replaceWithVoid();
    }

    private static Profile profile(Row r) {
        return new Profile(r.getLong("id"), r.getString("name"), r.getString("first_name"), r.getString("last_name"),
                r.getString("emails"), r.getString("email_key"), r.getString("phones"), r.getString("phone_key"),
                r.getOffsetDateTime("signed_up_at"), r.getString("profile"), r.getString("properties"));
    }
}
