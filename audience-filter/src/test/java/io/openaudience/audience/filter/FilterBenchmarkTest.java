package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.common.audience.AttributeType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opt-in benchmark ({@code -Dfilter.bench=200000}): builds a generated audience of that many people (10 attribute
 * definitions, 5 event names) in the test PostgreSQL and times {@code count(*)} of typical groups, printing the median
 * of 5 runs and, with {@code -Dfilter.bench.explain=true}, the plans.
 */
@EnabledIfSystemProperty(named = "filter.bench", matches = "\\d+")
class FilterBenchmarkTest {

    @Test
    void countTypicalGroups() throws Exception {
        int people = Integer.getInteger("filter.bench");
        try (Connection db = TestDb.connect()) {
            if (count(db, "SELECT count(*) FROM audience.app_user WHERE company_id = 'bench'") != people) {
                long t0 = System.nanoTime();
                seed(db, people);
                System.out.printf("BENCH dataset of %d people built in %.1f s%n", people,
                        (System.nanoTime() - t0) / 1e9);
            }
            List<FilterContext.Definition> definitions = new ArrayList<>();
            try (ResultSet rs = db.createStatement().executeQuery("SELECT id, slug, type FROM "
                    + "audience.attribute_definition WHERE company_id = 'bench' AND application_id = 'app'")) {
                while (rs.next()) {
                    definitions.add(new FilterContext.Definition(rs.getString(1), rs.getString(2),
                            AttributeType.of(rs.getString(3)).orElseThrow()));
                }
            }
            FilterContext context = FilterContext.of("bench", "app", definitions, Instant.now());
            Map<String, String> id = new LinkedHashMap<>();
            definitions.forEach(d -> id.put(d.slug(), d.id()));
            Map<String, Filter> groups = new LinkedHashMap<>();
            groups.put("GoSquared: custom.plan = pro (property) AND last.seen within 30 days AND pageview count > 5",
                    gs(context, "[{key: 'property', path: 'custom.plan', operator: '=', value: 'pro'},"
                            + "{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: 30,"
                            + " period: 'days'},"
                            + "{key: 'event', name: 'pageview', field: 'count', operator: '>', value: 5}]"));
            groups.put("GoSquared: custom.tier = gold (attribute) AND last.seen within 7 days AND purchase count > 1",
                    gs(context, "[{key: 'property', path: 'custom.tier', operator: '=', value: 'gold'},"
                            + "{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: 7,"
                            + " period: 'days'},"
                            + "{key: 'event', name: 'purchase', field: 'count', operator: '>', value: 1}]"));
            groups.put("GoSquared: last.seen within 1 day", gs(context, "[{key: 'property', path: 'last.seen',"
                    + " operator: '>', direction: 'past', number: 24, period: 'hours'}]"));
            groups.put("GoSquared: pageview count < 3 (includes people without the event)", gs(context,
                    "[{key: 'event', name: 'pageview', field: 'count', operator: '<', value: 3}]"));
            groups.put("GoSquared: login last within 7 days", gs(context, "[{key: 'event', name: 'login',"
                    + " field: 'last', operator: '>', direction: 'past', number: 7, period: 'days'}]"));
            groups.put("GoSquared: custom.age > 40 (numbers read from JSON)", gs(context,
                    "[{key: 'property', path: 'custom.age', operator: '>', value: 40}]"));
            groups.put("GoSquared: custom.signup within 90 days (dates read from JSON strings)", gs(context,
                    "[{key: 'property', path: 'custom.signup', operator: '>', direction: 'past', number: 90,"
                            + " period: 'days'}]"));
            groups.put("GoSquared: name contains 999", gs(context,
                    "[{key: 'property', path: 'name', operator: 'contains', value: '999'}]"));
            groups.put("Fynd and: tier eq gold, ltv gt 500, interests in [i1, i2]", fynd(context, "and",
                    "[{definition_id: '" + id.get("tier") + "', type: 'eq', value: 'gold'},"
                            + "{definition_id: '" + id.get("ltv") + "', type: 'gt', value: 500},"
                            + "{definition_id: '" + id.get("interests") + "', type: 'in', value: ['i1', 'i2']}]"));
            groups.put("Fynd or: tier eq gold, ltv gt 500, interests in [i1, i2]", fynd(context, "or",
                    "[{definition_id: '" + id.get("tier") + "', type: 'eq', value: 'gold'},"
                            + "{definition_id: '" + id.get("ltv") + "', type: 'gt', value: 500},"
                            + "{definition_id: '" + id.get("interests") + "', type: 'in', value: ['i1', 'i2']}]"));
            groups.put("Fynd: birthday btw 1980-01-01 and 1989-12-31 (dates read from values)", fynd(context,
                    "and", "[{definition_id: '" + id.get("birthday") + "', type: 'btw', value: ['1980-01-01',"
                            + " '1989-12-31']}]"));
            groups.put("Fynd: newsletter nis", fynd(context, "and", "[{definition_id: '" + id.get("newsletter")
                    + "', type: 'nis'}]"));
            for (Map.Entry<String, Filter> group : groups.entrySet()) {
                time(db, group.getKey(), group.getValue(), context);
            }
        }
    }

    private static void time(Connection db, String name, Filter filter, FilterContext context) throws Exception {
        Params params = Params.jdbc();
        String sql = "SELECT count(*) FROM audience.app_user u WHERE " + FilterSql.where(filter, context, params);
        long[] ms = new long[5];
        long matched = 0;
        for (int i = -1; i < ms.length; i++) {
            long t0 = System.nanoTime();
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                params.bindTo(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    matched = rs.getLong(1);
                }
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        Arrays.sort(ms);
        System.out.printf("BENCH %6d ms  %7d people  %s%n", ms[ms.length / 2], matched, name);
        if (Boolean.getBoolean("filter.bench.explain")) {
            try (PreparedStatement ps = db.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
                params.bindTo(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        System.out.println("PLAN " + rs.getString(1));
                    }
                }
            }
        }
    }

    private static Filter gs(FilterContext context, String json) throws Exception {
        return GoSquaredFilters.parse(FixedDatasetTest.json(json), context);
    }

    private static Filter fynd(FilterContext context, String type, String json) throws Exception {
        JsonNode t = FixedDatasetTest.json("'" + type + "'");
        return FyndConditions.parse(FixedDatasetTest.json(json), t, context);
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs bench/dataset.sql (statements end with a semicolon at the end of a line). */
    private static void seed(Connection db, int people) throws Exception {
        String script;
        try (InputStream in = FilterBenchmarkTest.class.getResourceAsStream("/bench/dataset.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(":people", String.valueOf(people));
        }
        try (Statement st = db.createStatement()) {
            for (String statement : script.split(";\n")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }
}
