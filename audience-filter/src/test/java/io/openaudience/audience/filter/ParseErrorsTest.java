package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Malformed filters and conditions are refused with the JSON path of the element at fault and the bad value (the cases
 * are in {@code parse-errors/*.csv}: the JSON, the path, a part of the message).
 */
class ParseErrorsTest {

    static final FilterContext CONTEXT = FixedDatasetTest.CONTEXT;

    @ParameterizedTest
    @CsvFileSource(resources = "/parse-errors/gosquared.csv", delimiter = '|')
    void goSquared(String json, String path, String message) throws Exception {
        FilterException e = assertThrows(FilterException.class,
                () -> GoSquaredFilters.parse(FixedDatasetTest.json(json), CONTEXT));
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.reason().contains(message), e.getMessage());
    }

    @Test
    void tooManyFilters() {
        ArrayNode filters = RandomData.NODES.arrayNode();
        for (int i = 0; i <= GoSquaredFilters.MAX_FILTERS; i++) {
            filters.addObject().put("key", "property").put("path", "email").put("operator", "defined");
        }
        FilterException e = assertThrows(FilterException.class, () -> GoSquaredFilters.parse(filters, CONTEXT));
        assertEquals("filters", e.path());
    }

    @ParameterizedTest
    @CsvFileSource(resources = "/parse-errors/fynd.csv", delimiter = '|')
    void fynd(String json, String type, String path, String message) throws Exception {
        FilterException e = assertThrows(FilterException.class, () -> FyndConditions.parse(
                FixedDatasetTest.json(json), RandomData.NODES.textNode(type), CONTEXT));
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.reason().contains(message), e.getMessage());
    }

    @Test
    void anInListOverOneHundredValues() {
        ArrayNode values = RandomData.NODES.arrayNode();
        for (int i = 0; i <= FyndConditions.MAX_IN_VALUES; i++) {
            values.add(i);
        }
        ArrayNode conditions = RandomData.NODES.arrayNode();
        conditions.addObject().put("definition_id", FixedDatasetTest.AGE).put("type", "in").set("value", values);
        FilterException e = assertThrows(FilterException.class,
                () -> FyndConditions.parse(conditions, null, CONTEXT));
        assertEquals("conditions[0].value", e.path());
        assertTrue(e.reason().contains("got 101 values"), e.reason());
    }

    /** Random JSON of any shape, from the filters' own vocabulary: a FilterException or a filter, nothing else. */
    @Test
    void anyJsonGivesAFilterOrAFilterException() {
        Random r = new Random(5);
        RandomData data = new RandomData(r, FixedDatasetTest.NOW);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            JsonNode json = junk(data, 3);
            try {
                Filter f = i % 2 == 0 ? GoSquaredFilters.parse(json, CONTEXT)
                        : FyndConditions.parse(json, data.chance(0.9) ? null : junk(data, 1), CONTEXT);
                FilterSql.where(f, CONTEXT, Params.numbered(1));
            } catch (FilterException e) {
                refused++;
            } catch (RuntimeException e) {
                fail("not a FilterException for " + json, e);
            }
        }
        assertTrue(refused > 10_000, refused + " refused");
    }

    static final String[] WORDS = {"key", "property", "event", "path", "operator", "value", "direction", "number",
        "period", "name", "field", "definition_id", "user_attribute_definition_id", "type", "past", "days", "hours",
        "count", "first", "last", "email", "custom.plan", "last.seen", "totals.visits", "f00000000000000000000002",
        "f00000000000000000000001", "f00000000000000000000004", "=", "!=", "contains", ">", "<", "><", "defined", "eq",
        "btw", "in", "is", "gt", "cnt"};

    private static JsonNode junk(RandomData data, int depth) {
        int k = data.r.nextInt(depth == 0 ? 4 : 7);
        return switch (k) {
            case 0 -> RandomData.NODES.textNode(data.pick(WORDS));
            case 1 -> data.scalar();
            case 2 -> RandomData.NODES.nullNode();
            case 3 -> RandomData.NODES.numberNode(data.r.nextInt(5) - 1);
            case 4, 5 -> {
                ObjectNode o = RandomData.NODES.objectNode();
                for (int i = data.r.nextInt(6); i > 0; i--) {
                    o.set(data.pick(WORDS), junk(data, depth - 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = RandomData.NODES.arrayNode();
                for (int i = data.r.nextInt(4); i > 0; i--) {
                    a.add(junk(data, depth - 1));
                }
                yield a;
            }
        };
    }
}
