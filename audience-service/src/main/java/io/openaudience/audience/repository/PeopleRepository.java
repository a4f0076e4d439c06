package io.openaudience.audience.repository;

import io.openaudience.audience.PeopleQuery;
import io.openaudience.audience.PeopleSort;
import io.openaudience.audience.PersonPaths;
import io.openaudience.audience.PersonRow;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterSql;
import io.openaudience.audience.filter.Params;
import io.openaudience.common.db.ReadOnlyCursor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GoSquared people lists in plain SQL on the reactive pool, because their WHERE clause is a filter compiled by the
 * audience-filter engine (parameterised; it carries the tenant) and an export streams through a server-side cursor.
 */
@ApplicationScoped
public class PeopleRepository {

    /** A person's attribute values by slug for {@code custom}; encrypted ones masked, never decrypted. */
    static final String ATTRIBUTES = "(SELECT jsonb_object_agg(d.slug, CASE WHEN a.ciphertext IS NULL THEN a.value "
            + "ELSE to_jsonb('********'::text) END) FROM audience.user_attribute a "
            + "JOIN audience.attribute_definition d ON d.id = a.definition_id WHERE a.user_pk = u.id)::text";
    static final String COLUMNS = "u.user_id, u.name, u.first_name, u.last_name, u.emails::text AS emails, "
            + "u.phone_numbers::text AS phones, u.profile::text AS profile, u.properties::text AS properties, "
            + ATTRIBUTES + " AS attributes, COALESCE(u.signed_up_at, u.created_at) AS created_at, u.first_seen_at, "
            + "u.last_seen_at, u.total_visits, u.total_events";
    private static final Map<String, String> SORT_COLUMNS = Map.ofEntries(
            Map.entry("id", "u.user_id"),
            Map.entry("name", "lower(u.name)"),
            Map.entry("first_name", "lower(u.first_name)"),
            Map.entry("last_name", "lower(u.last_name)"),
            Map.entry("email", "u.email_key"),
            Map.entry("phone", "u.phone_key"),
            Map.entry("created_at", "COALESCE(u.signed_up_at, u.created_at)"),
            Map.entry("last.seen", "u.last_seen_at"),
            Map.entry("first.seen", "u.first_seen_at"),
            Map.entry("totals.visits", "u.total_visits"),
            Map.entry("totals.events", "u.total_events"));

    private final Pool pool;

    public PeopleRepository(Pool pool) {
        this.pool = pool;
    }

    /** How many people pass the filter and the search (exact). */
    public Uni<Long> count(PeopleQuery q) {
        Params params = Params.numbered(1);
        String where = where(q, params);
        return pool.preparedQuery("SELECT count(*) FROM audience.app_user u WHERE " + where)
                .execute(Tuple.from(params.values()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The query's window of people, in its order. */
    public Uni<List<PersonRow>> page(PeopleQuery q) {
        Statement s = select(q);
        return pool.preparedQuery(s.sql()).execute(Tuple.from(s.params()))
                .map(rows -> {
                    List<PersonRow> list = new ArrayList<>();
                    rows.forEach(r -> list.add(row(r)));
                    return list;
                });
    }

    /** The query's window of people, {@code fetch} rows at a time ({@link ReadOnlyCursor}). */
    public Multi<PersonRow> stream(PeopleQuery q, int fetch) {
        Statement s = select(q);
        return ReadOnlyCursor.stream(pool, s.sql(), Tuple.from(s.params()), fetch, PeopleRepository::row);
    }

    private record Statement(String sql, List<Object> params) {
    }

    /**
     * The window is chosen on the people rows alone, then the columns (with the attribute subquery) are computed for
     * the window only: the outer query repeats the order, since a subquery's order is not kept by itself.
     */
    private static Statement select(PeopleQuery q) {
        Params params = Params.numbered(1);
        String where = where(q, params);
        String order = order(q.sort(), q.context(), params);
        String window = " OFFSET CAST(" + params.bind(BigDecimal.valueOf(q.offset())) + " AS bigint) LIMIT CAST("
                + params.bind(BigDecimal.valueOf(q.count())) + " AS bigint)";
        String sql = "SELECT " + COLUMNS + " FROM (SELECT u.* FROM audience.app_user u WHERE " + where + " ORDER BY "
                + order + window + ") u ORDER BY " + order;
        return new Statement(sql, params.values());
    }

    /** The filter (it includes the tenant) and the search over id, names and email. */
    private static String where(PeopleQuery q, Params params) {
        String where = FilterSql.where(q.filter(), q.context(), params);
        if (q.search() == null) {
            return where;
        }
        String like = "CAST(" + params.bind(Likes.containing(q.search())) + " AS text)";
        return where + " AND (lower(u.user_id) LIKE " + like + " ESCAPE '\\' OR lower(u.name) LIKE " + like
                + " ESCAPE '\\' OR lower(concat_ws(' ', u.first_name, u.last_name)) LIKE " + like
                + " ESCAPE '\\' OR u.email_key LIKE " + like + " ESCAPE '\\')";
    }

    /**
     * The ORDER BY of a sort: text columns case-insensitively; {@code custom.<key>} by the JSON value of the
     * application's non-encrypted definition with that slug, else of the property (jsonb order: numbers numerically,
     * strings as text). Missing values last in both directions; the internal key breaks ties.
     */
    private static String order(PeopleSort sort, FilterContext context, Params params) {
        String expression = SORT_COLUMNS.get(sort.path());
        if (expression == null) {
            String key = PersonPaths.customKey(sort.path());
            FilterContext.Definition d = context.definitionsBySlug().get(key);
            expression = d != null && !d.type().encrypted()
                    ? "(SELECT a.value FROM audience.user_attribute a WHERE a.user_pk = u.id AND a.definition_id = "
                    + "CAST(" + params.bind(d.id()) + " AS bpchar))"
                    : "(u.properties -> CAST(" + params.bind(key) + " AS text))";
        }
        String direction = sort.descending() ? " DESC" : " ASC";
        return expression + direction + " NULLS LAST, u.id" + direction;
    }

    static PersonRow row(Row r) {
        return new PersonRow(r.getString("user_id"), r.getString("name"), r.getString("first_name"),
                r.getString("last_name"), r.getString("emails"), r.getString("phones"), r.getString("profile"),
                r.getString("properties"), r.getString("attributes"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("first_seen_at"), r.getOffsetDateTime("last_seen_at"), r.getLong("total_visits"),
                r.getLong("total_events"));
    }
}
