package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Malformed filters and conditions are refused with the JSON path of the element at fault and the bad value. */
class ParseErrorsTest {

    static final FilterContext CONTEXT = FixedDatasetTest.CONTEXT;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                                          | filters            | must be an array
            [1]                                                                         | filters[0]         | must be an object
            [{path: 'email', operator: '=', value: 'a'}]                                | filters[0].key     | is required
            [{key: 'people', path: 'email', operator: '=', value: 'a'}]                 | filters[0].key     | unknown key "people"
            [{key: 'property', path: 'emails', operator: '=', value: 'a'}]              | filters[0].path    | unknown path "emails"
            [{key: 'property', path: 'custom.', operator: '=', value: 'a'}]             | filters[0].path    | unknown path "custom."
            [{key: 'property', path: 5, operator: '=', value: 'a'}]                     | filters[0].path    | must be a string, got 5
            [{key: 'property', path: 'email', operator: '=', value: 'a'}, {key: 'property', path: 'email', operator: '=', value: 'a'}, {key: 'property', path: 'email', operator: '==', value: 'a'}] | filters[2].operator | unknown operator "=="
            [{key: 'property', path: 'email', operator: '='}]                           | filters[0].value   | is required for operator =
            [{key: 'property', path: 'email', operator: '=', value: {a: 1}}]            | filters[0].value   | must be a string, number or boolean, got {"a":1}
            [{key: 'property', path: 'email', operator: '=', value: 'a\\u0000b'}]       | filters[0].value   | control character (U+0000)
            [{key: 'property', path: 'email', operator: '>', value: 'a'}]               | filters[0].operator | applies to numbers and dates; email is a text path
            [{key: 'property', path: 'last.seen', operator: 'contains', value: 'a'}]    | filters[0].operator | applies to text; last.seen is a date path
            [{key: 'property', path: 'last.seen', operator: '>', value: 'yesterday'}]   | filters[0].value   | must be an ISO-8601 date
            [{key: 'property', path: 'last.seen', operator: '>', value: '2024-02-30'}]  | filters[0].value   | got "2024-02-30"
            [{key: 'property', path: 'totals.visits', operator: '>', value: 'ten'}]     | filters[0].value   | must be a number, got "ten"
            [{key: 'property', path: 'custom.plan', operator: '>', value: 'gold'}]      | filters[0].value   | must be a number or a date for operator >
            [{key: 'property', path: 'custom.plan', operator: '><', value: [1]}]        | filters[0].value   | needs a range [low, high], got [1]
            [{key: 'property', path: 'custom.plan', operator: '><', value: [1, 2, 3]}]  | filters[0].value   | needs a range [low, high]
            [{key: 'property', path: 'custom.plan', operator: '><', value: [1, '2024-01-01']}] | filters[0].value | needs two numbers or two dates
            [{key: 'property', path: 'totals.visits', operator: '><', value: [5, 1]}]   | filters[0].value   | starts after it ends
            [{key: 'property', path: 'created_at', operator: '><', value: ['2024-02-01', '2024-01-31']}] | filters[0].value | starts after it ends
            [{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: 3, period: 'weeks'}] | filters[0].period | unknown period "weeks"
            [{key: 'property', path: 'last.seen', operator: '>', direction: 'future', number: 3, period: 'days'}] | filters[0].direction | unknown direction "future"
            [{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: -1, period: 'days'}] | filters[0].number | must be a whole number from 0 to 36500, got -1
            [{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: 2.5, period: 'hours'}] | filters[0].number | got 2.5
            [{key: 'property', path: 'last.seen', operator: '=', direction: 'past', number: 2, period: 'days'}] | filters[0].operator | a relative date takes <, > or ><, not =
            [{key: 'property', path: 'totals.visits', operator: '>', direction: 'past', number: 2, period: 'days'}] | filters[0].period | relative dates apply to date paths
            [{key: 'property', path: 'phone', operator: '=', value: 'n/a'}]             | filters[0].value   | a phone filter needs digits
            [{key: 'event', name: '', field: 'count', operator: '>', value: 1}]         | filters[0].name    | must not be empty
            [{key: 'event', name: 'pageview', field: 'sum', operator: '>', value: 1}]   | filters[0].field   | unknown field "sum"
            [{key: 'event', name: 'pageview', operator: '>', value: 1}]                 | filters[0].field   | is required
            [{key: 'event', name: 'pageview', field: 'count', operator: 'contains', value: 1}] | filters[0].operator | applies to text
            [{key: 'event', name: 'pageview', field: 'count', operator: '>', direction: 'past', number: 1, period: 'days'}] | filters[0].period | relative dates apply to date paths
            """)
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
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                                       | and  | conditions          | must be an array
            [{definition_id: 'f00000000000000000000001', type: 'eq', value: 'a'}]    | xor  | type                | unknown combination "xor"
            ['x']                                                                    | and  | conditions[0]       | must be an object
            [{type: 'eq', value: 'a'}]                                               | and  | conditions[0].definition_id | is required
            [{definition_id: 'ffffffffffffffffffffffff', type: 'eq', value: 'a'}]    | and  | conditions[0].definition_id | unknown attribute definition "ffffffffffffffffffffffff"
            [{user_attribute_definition_id: 'nope', type: 'eq', value: 'a'}]         | and  | conditions[0].user_attribute_definition_id | unknown attribute definition "nope"
            [{definition_id: 'f00000000000000000000007', type: 'eq', value: 'a'}]    | and  | conditions[0].definition_id | (secret) is encrypted_string: encrypted values cannot be filtered
            [{definition_id: 'f00000000000000000000007', type: 'is'}]                | and  | conditions[0].definition_id | cannot be filtered
            [{definition_id: 'f00000000000000000000001', type: 'like', value: 'a'}]  | and  | conditions[0].type  | unknown operator "like"
            [{definition_id: 'f00000000000000000000001', type: 'gt', value: 'a'}]    | and  | conditions[0].type  | operator gt applies to number and date attributes; plan is string
            [{definition_id: 'f00000000000000000000002', type: 'cnt', value: '1'}]   | and  | conditions[0].type  | operator cnt applies to string attributes; age is number
            [{definition_id: 'f00000000000000000000003', type: 'btw', value: [1, 2]}] | and | conditions[0].type  | applies to number and date attributes; vip is boolean
            [{definition_id: 'f00000000000000000000002', type: 'eq'}]                | and  | conditions[0].value | is required for operator eq
            [{definition_id: 'f00000000000000000000002', type: 'eq', value: 'old'}]  | and  | conditions[0].value | must be a number, got "old"
            [{definition_id: 'f00000000000000000000003', type: 'eq', value: 'yes'}]  | and  | conditions[0].value | must be true or false, got "yes"
            [{definition_id: 'f00000000000000000000004', type: 'gt', value: 5}]      | and  | conditions[0].value | must be an ISO-8601 date
            [{definition_id: 'f00000000000000000000001', type: 'eq', value: [1]}]    | and  | conditions[0].value | must be a string, got [1]
            [{definition_id: 'f00000000000000000000002', type: 'btw', value: [1]}]   | and  | conditions[0].value | needs a range [low, high]
            [{definition_id: 'f00000000000000000000002', type: 'btw', value: '1,2,3'}] | and | conditions[0].value | needs a range [low, high]
            [{definition_id: 'f00000000000000000000002', type: 'btw', value: [3, 1]}] | and | conditions[0].value | starts after it ends
            [{definition_id: 'f00000000000000000000002', type: 'btw', value: [1, 'x']}] | and | conditions[0].value[1] | must be a number
            [{definition_id: 'f00000000000000000000002', type: 'in', value: []}]     | and  | conditions[0].value | must be a list of 1 to 100 values
            [{definition_id: 'f00000000000000000000002', type: 'in', value: [1, 'x']}] | and | conditions[0].value[1] | must be a number, got "x"
            [{definition_id: 'f00000000000000000000002', type: 'nin', value: {a: 1}}] | and | conditions[0].value | must be a list
            """)
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
        FilterException e = assertThrows(FilterException.class, () -> FyndConditions.parse(conditions, null, CONTEXT));
        assertEquals("conditions[0].value", e.path());
        assertTrue(e.reason().contains("got 101 values"), e.reason());
    }

    /** Random JSON of any shape, built from the filters' own vocabulary: a FilterException or a filter, nothing else. */
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
