package io.openaudience.audience.repository;

import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterSql;
import io.openaudience.audience.filter.Params;
import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The people a Fynd filter selects (row 26), in SQL on the reactive pool: the WHERE clause is the filter engine's
 * compiled expression (parameterised; its values bound, never written into the text), which Panache cannot take.
 */
@ApplicationScoped
public class UserFilterRepository {

    private static final String PERSON = "SELECT u.id, u.user_id, u.first_name, u.last_name, u.emails::text AS emails, "
            + "u.phone_numbers::text AS phone_numbers, u.created_at, u.updated_at FROM audience.app_user u WHERE ";
    private static final String ATTRIBUTES = "SELECT a.id, a.user_pk, a.definition_id, d.name, d.slug, d.type, "
            + "a.value::text AS value, a.ciphertext IS NOT NULL AS sealed, a.customer_overridden, a.created_at, "
            + "a.updated_at FROM audience.user_attribute a JOIN audience.attribute_definition d "
            + "ON d.id = a.definition_id WHERE a.user_pk = ANY($1) AND a.definition_id = ANY(CAST($2 AS bpchar[])) "
            + "AND d.company_id = $3 AND d.application_id = $4 ORDER BY a.user_pk, d.created_at, d.id";

    /** What selects people besides the filter: the exact primary email key and phone digits (each may be null). */
    public record Contact(String emailKey, String phoneDigits) {
    }

    /** A selected person, emails and phone numbers as the stored JSON text. */
    public record PersonRow(long pk, String userId, String firstName, String lastName, String emails,
                            String phoneNumbers, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    /** A value of one of the requested definitions; {@code value} is its JSON text, null when sealed. */
    public record AttributeRow(String id, long userPk, String definitionId, String name, String slug, String type,
                               String value, boolean sealed, boolean customerOverridden, OffsetDateTime createdAt,
                               OffsetDateTime updatedAt) {
    }

    private final Pool pool;

    public UserFilterRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code work} in one read-only REPEATABLE READ transaction without JIT: the count and the page then see the
     * same people, and PostgreSQL does not JIT-compile the engine's expressions, which it costs so high that compiling
     * took longer than running them (at 1,000,000 people: 7.4 s with JIT, README).
     */
    public <T> Uni<T> snapshot(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> connection
                .query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
                .chain(() -> connection.query("SET LOCAL jit = off").execute())
                .chain(() -> work.apply(connection)));
    }

    /** The page of selected people in creation order ({@code app_user.id}). */
    public Uni<List<PersonRow>> page(SqlConnection connection, Filter filter, FilterContext context, Contact contact,
                                     int limit, long offset) {
        Params params = Params.numbered(1);
        StringBuilder sql = new StringBuilder(PERSON).append(FilterSql.where(filter, context, params));
        List<Object> values = new ArrayList<>(params.values());
        contact(sql, values, contact);
        values.add((long) limit);
        values.add(offset);
        sql.append(" ORDER BY u.id LIMIT $").append(values.size() - 1).append(" OFFSET $").append(values.size());
        return connection.preparedQuery(sql.toString()).execute(Tuple.from(values)).map(rows -> {
            List<PersonRow> people = new ArrayList<>();
            for (Row r : rows) {
                people.add(new PersonRow(r.getLong("id"), r.getString("user_id"), r.getString("first_name"),
                        r.getString("last_name"), r.getString("emails"), r.getString("phone_numbers"),
                        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at")));
            }
            return people;
        });
    }

    /** How many people the filter selects (exact). */
    public Uni<Long> count(SqlConnection connection, Filter filter, FilterContext context, Contact contact) {
        Params params = Params.numbered(1);
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM audience.app_user u WHERE ")
                .append(FilterSql.where(filter, context, params));
        List<Object> values = new ArrayList<>(params.values());
        contact(sql, values, contact);
        return connection.preparedQuery(sql.toString()).execute(Tuple.from(values))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The values of {@code definitionIds} the people hold (definitions of the tenant only). */
    public Uni<List<AttributeRow>> attributes(SqlConnection connection, Tenant tenant, List<Long> people,
                                              List<String> definitionIds) {
        if (people.isEmpty() || definitionIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Tuple args = Tuple.of(people.toArray(Long[]::new), definitionIds.toArray(String[]::new), tenant.companyId(),
                tenant.applicationId());
        return connection.preparedQuery(ATTRIBUTES).execute(args).map(rows -> {
            List<AttributeRow> list = new ArrayList<>();
            for (Row r : rows) {
                list.add(new AttributeRow(r.getString("id"), r.getLong("user_pk"), r.getString("definition_id"),
                        r.getString("name"), r.getString("slug"), r.getString("type"), r.getString("value"),
                        r.getBoolean("sealed"), r.getBoolean("customer_overridden"),
                        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at")));
            }
            return list;
        });
    }

    /** Adds the contact conditions, their values bound after the filter's. */
    private static void contact(StringBuilder sql, List<Object> values, Contact contact) {
        if (contact.emailKey() != null) {
            values.add(contact.emailKey());
            sql.append(" AND u.email_key = $").append(values.size());
        }
        if (contact.phoneDigits() != null) {
            values.add(contact.phoneDigits());
            String p = "CAST($" + values.size() + " AS text)";
            // The number with its country code (the key), or without it: the key ends in it after 1-4 more digits.
            sql.append(" AND (u.phone_key = ").append(p).append(" OR (length(u.phone_key) - length(").append(p)
                    .append(") BETWEEN 1 AND 4 AND right(u.phone_key, length(").append(p).append(")) = ")
                    .append(p).append("))");
        }
    }
}
