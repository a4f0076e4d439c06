package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.common.audience.AttributeType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No value, JSON key, event name or definition id ever reaches the SQL text: filters whose every string is hostile
 * compile to SQL that contains none of it, run without error, and match the people who really hold those strings.
 */
class InjectionTest {

    static final String MARK = "ZQXJ";
    static final String[] HOSTILE = {
        "'; DROP TABLE audience.app_user; --" + MARK,
        "\"" + MARK + "\" OR 1=1",
        "' OR '1'='1" + MARK,
        "\\'; SELECT pg_sleep(5); --" + MARK,
        "$1 " + MARK + " $2",
        "? " + MARK + " ?",
        "/* " + MARK + " */",
        "$$; DROP SCHEMA audience CASCADE; $$" + MARK,
        "E'\\x27" + MARK,
        "') IS NOT TRUE OR TRUE OR ('" + MARK,
    };

    @Test
    void hostileStringsAreParametersOnly() throws Exception {
        String company = "inject-co";
        String app = "app";
        String definitionId = "b00000000000000000000001";
        try (Connection db = TestDb.fresh(company)) {
            FilterContext.Definition definition = new FilterContext.Definition(definitionId, "s" + HOSTILE[0],
                    AttributeType.STRING);
            TestDb.definitions(db, company, app, List.of(definition));
            FilterContext context = FilterContext.of(company, app, List.of(definition), Instant.now());
            // The person who holds every hostile string: as a property key and value, a name, an event and a value.
            ObjectNode props = RandomData.NODES.objectNode();
            for (String h : HOSTILE) {
                props.put(h, h);
            }
            Person holder = new Person(HOSTILE[1], props, Instant.now());
            holder.name = HOSTILE[2];
            holder.attributes.put(definitionId, new Person.Value(RandomData.NODES.textNode(HOSTILE[3]), false));
            holder.events.put(HOSTILE[4], new Person.Stats(3, Instant.now(), Instant.now()));
            Person other = new Person("plain", RandomData.NODES.objectNode(), Instant.now());
            TestDb.people(db, company, app, List.of(holder, other));

            List<Filter> filters = new ArrayList<>();
            for (String h : HOSTILE) {
                filters.add(GoSquaredFilters.parse(array(gs("custom." + h, "=", h)), context));
                filters.add(GoSquaredFilters.parse(array(gs("custom." + h, "contains", h.substring(3))), context));
            }
            filters.add(GoSquaredFilters.parse(array(gs("name", "=", HOSTILE[2])), context));
            filters.add(GoSquaredFilters.parse(array(gs("id", "starts", HOSTILE[1])), context));
            filters.add(GoSquaredFilters.parse(array(gs("custom.s" + HOSTILE[0], "ends", HOSTILE[3].substring(5))),
                    context));
            ObjectNode event = RandomData.NODES.objectNode().put("key", "event").put("name", HOSTILE[4])
                    .put("field", "count").put("operator", ">").put("value", 2);
            filters.add(GoSquaredFilters.parse(array(event), context));
            filters.add(FyndConditions.parse(array(RandomData.NODES.objectNode().put("definition_id", definitionId)
                    .put("type", "in").set("value", RandomData.NODES.arrayNode().add(HOSTILE[3]).add(HOSTILE[5]))),
                    null, context));

            for (Filter f : filters) {
                Params params = Params.jdbc();
                String sql = FilterSql.where(f, context, params);
                assertFalse(sql.contains(MARK) || sql.contains("DROP") || sql.contains("pg_sleep")
                        || sql.contains("$1") || sql.contains("/*") || sql.contains("$$"), sql);
                assertEquals(Set.of(HOSTILE[1]), TestDb.select(db, f, context), f.toString());
            }
            try (ResultSet rs = db.createStatement().executeQuery(
                    "SELECT count(*) FROM audience.app_user WHERE company_id = 'inject-co'")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
        }
    }

    static ObjectNode gs(String path, String operator, String value) {
        return RandomData.NODES.objectNode().put("key", "property").put("path", path).put("operator", operator)
                .put("value", value);
    }

    static ArrayNode array(ObjectNode element) {
        return RandomData.NODES.arrayNode().add(element);
    }
}
