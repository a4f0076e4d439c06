package io.openaudience.audience.filter;

import io.openaudience.testsupport.Infra;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The audience schema in test-support's PostgreSQL, migrated once per JVM by Flyway from audience-service's own
 * migration folder, and what the tests write into it and read back.
 */
final class TestDb {

    private static boolean migrated;

    private TestDb() {
    }

    static synchronized Connection connect() throws SQLException {
        if (!migrated) {
            Flyway.configure().dataSource(Infra.jdbcUrl(), Infra.dbUser(), Infra.dbPassword()).schemas("audience")
                    .locations("filesystem:../audience-service/src/main/resources/db/audience").load().migrate();
            migrated = true;
        }
        return Infra.connect();
    }

    /** A connection to the schema with the company's rows removed. */
    static Connection fresh(String company) throws SQLException {
        Connection c = connect();
        reset(c, company);
        return c;
    }

    /** Removes a company's people, values, stats and definitions (a test database may be reused: TEST_JDBC_URL). */
    static void reset(Connection c, String company) throws SQLException {
        for (String table : new String[]{"user_attribute", "person_event_stats", "app_user", "attribute_definition"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audience." + table + " WHERE company_id = ?")) {
                ps.setString(1, company);
                ps.executeUpdate();
            }
        }
    }

    /** Writes definitions (id → slug, type wire name) of one tenant. */
    static void definitions(Connection c, String company, String application,
                            Collection<FilterContext.Definition> definitions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audience.attribute_definition (id, company_id, "
                + "application_id, name, slug, description, type, encrypted) VALUES (?, ?, ?, ?, ?, '', ?, ?)")) {
            for (FilterContext.Definition d : definitions) {
                ps.setString(1, d.id());
                ps.setString(2, company);
                ps.setString(3, application);
                ps.setString(4, d.slug());
                ps.setString(5, d.slug());
                ps.setString(6, d.type().wire());
                ps.setBoolean(7, d.type().encrypted());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Writes people with their attribute values and event stats; sets each person's pk. */
    static void people(Connection c, String company, String application, Collection<Person> people)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audience.app_user (company_id, application_id, "
                + "user_id, email_key, phone_key, name, first_name, last_name, properties, signed_up_at, "
                + "first_seen_at, last_seen_at, total_events, total_visits, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?) RETURNING id")) {
            for (Person p : people) {
                ps.setString(1, company);
                ps.setString(2, application);
                ps.setString(3, p.userId);
                ps.setString(4, p.emailKey);
                ps.setString(5, p.phoneKey);
                ps.setString(6, p.name);
                ps.setString(7, p.firstName);
                ps.setString(8, p.lastName);
                ps.setString(9, p.properties.toString());
                setInstant(ps, 10, p.signedUpAt);
                setInstant(ps, 11, p.firstSeenAt);
                setInstant(ps, 12, p.lastSeenAt);
                ps.setLong(13, p.totalEvents);
                ps.setLong(14, p.totalVisits);
                setInstant(ps, 15, p.createdAt);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    p.pk = rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audience.user_attribute (company_id, "
                + "application_id, definition_id, user_pk, value, ciphertext, key_id) "
                + "VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, ?)")) {
            for (Person p : people) {
                for (Map.Entry<String, Person.Value> a : p.attributes.entrySet()) {
                    ps.setString(1, company);
                    ps.setString(2, application);
                    ps.setString(3, a.getKey());
                    ps.setLong(4, p.pk);
                    boolean sealed = a.getValue().sealed();
                    ps.setString(5, sealed ? null : a.getValue().json().toString());
                    ps.setBytes(6, sealed ? a.getValue().json().toString().getBytes() : null);
                    ps.setString(7, sealed ? "dev1" : null);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audience.person_event_stats (user_pk, name, "
                + "company_id, application_id, count, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Person p : people) {
                for (Map.Entry<String, Person.Stats> e : p.events.entrySet()) {
                    ps.setLong(1, p.pk);
                    ps.setString(2, e.getKey());
                    ps.setString(3, company);
                    ps.setString(4, application);
                    ps.setLong(5, e.getValue().count());
                    setInstant(ps, 6, e.getValue().first());
                    setInstant(ps, 7, e.getValue().last());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        // Plans as on a live database, where autovacuum has analysed the tables.
        c.createStatement().execute("ANALYZE audience.app_user, audience.user_attribute, audience.person_event_stats");
    }

    private static void setInstant(PreparedStatement ps, int i, Instant at) throws SQLException {
        if (at == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        }
    }

    /** The user_ids the compiled filter selects. */
    static Set<String> select(Connection c, Filter filter, FilterContext context) throws SQLException {
        Params params = Params.jdbc();
        String where = FilterSql.where(filter, context, params);
        try (PreparedStatement ps = c.prepareStatement("SELECT u.user_id FROM audience.app_user u WHERE " + where)) {
            params.bindTo(ps, 1);
            Set<String> ids = new LinkedHashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }
}
