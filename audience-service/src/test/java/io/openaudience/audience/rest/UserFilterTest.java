package io.openaudience.audience.rest;

import io.openaudience.testsupport.FyndOracle;
import io.openaudience.testsupport.FyndOracle.Condition;
import io.openaudience.testsupport.FyndOracle.Kind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.definition;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.person;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.value;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 26 ({@code POST …/user_attribute/users}): for every operator on every kind of attribute, in both body shapes
 * (API.md's and the Fynd SDK's), exactly the people {@link FyndOracle} finds (plain Java, none of the engine's code)
 * on a seeded dataset, in creation order with an exact {@code item_total}; paging; the SDK's extras (email, phone,
 * {@code definition_ids}); 400s naming the path; other tenants' people and definitions never reached.
 */
@QuarkusTest
class UserFilterTest {

    private static final List<String> PLANS = List.of("Gold", "gold", "Silver", "Gold Plus", "platinum", "",
            "old gold");
    private static final Instant MAY_FIRST = Instant.parse("2024-05-01T00:00:00Z");

    /** A company's definitions (name → id), people in creation order (user_id → values by definition name). */
    private record Dataset(String company, Map<String, String> ids, Map<String, Kind> kinds,
                           Map<String, Map<String, Object>> people) {

        List<String> expected(List<Condition> conditions, boolean or) {
            return people.entrySet().stream().filter(e -> FyndOracle.matches(conditions, or, e.getValue()))
                    .map(Map.Entry::getKey).toList();
        }

        Condition c(String definition, String op, String value) {
            return new Condition(definition, kinds.get(definition), op, value);
        }

        List<Map<String, Object>> wire(List<Condition> conditions) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Condition c : conditions) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("definition_id", ids.get(c.definition()));
                w.put("type", c.op());
                w.put("value", c.value() == null ? "" : c.value());
                out.add(w);
            }
            return out;
        }
    }

    private static Dataset dataset(String prefix, int size, long seed) throws Exception {
        String company = freshCompany();
        Map<String, Kind> kinds = new LinkedHashMap<>();
        Map<String, String> ids = new LinkedHashMap<>();
        String[][] defs = {{"age", "number"}, {"plan", "string"}, {"vip", "boolean"}, {"signup", "date"},
                {"tags", "string_array"}, {"scores", "number_array"}};
        for (String[] def : defs) {
            ids.put(def[0], definition(company, def[0], def[1], null));
            kinds.put(def[0], switch (def[1]) {
                case "number", "number_array" -> Kind.NUMBER;
                case "boolean" -> Kind.BOOLEAN;
                case "date" -> Kind.DATE;
                default -> Kind.STRING;
            });
        }
        ids.put("secret", definition(company, "secret", "string", "\"encrypted\":true"));
        Dataset d = new Dataset(company, ids, kinds, new LinkedHashMap<>());
        Random random = new Random(seed);
        for (int i = 0; i < size; i++) {
            String userId = prefix + String.format("%03d", i);
            long pk = person(company, userId, userId + "@example.com", "9198765" + String.format("%05d", i));
            Map<String, Object> values = new LinkedHashMap<>();
            d.people().put(userId, values);
            if (random.nextInt(10) < 7) {
                set(d, pk, values, "age", random.nextInt(6) == 0 ? new BigDecimal(random.nextInt(80) + ".5")
                        : BigDecimal.valueOf(random.nextInt(80)));
            }
            if (random.nextInt(4) > 0) {
                set(d, pk, values, "plan", PLANS.get(random.nextInt(PLANS.size())));
            }
            if (random.nextInt(10) < 6) {
                set(d, pk, values, "vip", random.nextBoolean());
            }
            if (random.nextInt(10) < 7) {
                set(d, pk, values, "signup", MAY_FIRST.plusSeconds(random.nextInt(4 * 86_400) - 2L * 86_400));
            }
            if (random.nextInt(10) < 6) {
                List<Object> tags = new ArrayList<>();
                for (int k = random.nextInt(3); k >= 0; k--) {
                    tags.add(List.of("a", "b", "Sale", "x,y").get(random.nextInt(4)));
                }
                set(d, pk, values, "tags", tags);
            }
            if (random.nextInt(2) == 0) {
                List<Object> scores = new ArrayList<>();
                for (int k = random.nextInt(3); k >= 0; k--) {
                    scores.add(BigDecimal.valueOf(random.nextInt(11)));
                }
                set(d, pk, values, "scores", scores);
            }
        }
        return d;
    }

    private static void set(Dataset d, long pk, Map<String, Object> values, String definition, Object v)
            throws Exception {
        value(d.company(), d.ids().get(definition), pk, FyndOracle.json(v));
        values.put(definition, v);
    }

    /** The user ids of every page of the filter, page by page (API.md's shape). */
    private static List<String> select(Dataset d, List<Condition> conditions, boolean or, boolean sdk) {
        Map<String, Object> body = new HashMap<>();
        if (sdk) {
            body.put("query", Map.of("type", or ? "or" : "and", "limit", 100, "page", 1, "conditions",
                    d.wire(conditions)));
        } else {
            body.put("conditions", d.wire(conditions));
            body.put("type", or ? "OR" : "");
            body.put("page_no", "1");
            body.put("page_size", 100);
        }
        Response r = as(d.company()).body(body).when().post(prefix(d.company()) + "/user_attribute/users").then()
                .statusCode(200).extract().response();
        List<String> ids = r.jsonPath().getList("items.user_id");
        assertEquals(ids.size(), r.jsonPath().getInt("page.item_total"), conditions.toString());
        return ids;
    }

    @Test
    void everyOperatorSelectsExactlyThePeopleTheOracleFinds() throws Exception {
        Dataset d = dataset("p", 60, 26L);
        Dataset twin = dataset("p", 20, 26L);
        List<List<Condition>> cases = List.of(
                List.of(d.c("age", "eq", "30")), List.of(d.c("age", "ne", "30")),
                List.of(d.c("age", "gt", "40")), List.of(d.c("age", "lt", "20.5")),
                List.of(d.c("age", "gte", "40")), List.of(d.c("age", "lte", "20")),
                List.of(d.c("age", "btw", "10, 20")), List.of(d.c("age", "in", "3,30,45.5")),
                List.of(d.c("age", "nin", "3,30,45.5")), List.of(d.c("age", "is", null)),
                List.of(d.c("age", "nis", null)),
                List.of(d.c("plan", "eq", "GOLD")), List.of(d.c("plan", "ne", "gold")),
                List.of(d.c("plan", "cnt", "gold")), List.of(d.c("plan", "nct", "Gold")),
                List.of(d.c("plan", "sw", "gold")), List.of(d.c("plan", "ew", "D")),
                List.of(d.c("plan", "in", "gold, silver")), List.of(d.c("plan", "nin", "gold,silver")),
                List.of(d.c("plan", "is", null)), List.of(d.c("plan", "nis", null)),
                List.of(d.c("vip", "eq", "true")), List.of(d.c("vip", "ne", "true")),
                List.of(d.c("vip", "in", "false")), List.of(d.c("vip", "nin", "false")),
                List.of(d.c("signup", "eq", "2024-05-01")), List.of(d.c("signup", "ne", "2024-05-01")),
                List.of(d.c("signup", "gt", "2024-05-01")), List.of(d.c("signup", "gte", "2024-05-01")),
                List.of(d.c("signup", "lt", "2024-05-01")), List.of(d.c("signup", "lte", "2024-04-30")),
                List.of(d.c("signup", "btw", "2024-04-30,2024-05-01")),
                List.of(d.c("signup", "lt", "2024-05-01T12:00:00Z")),
                List.of(d.c("signup", "in", "2024-04-29,2024-05-02")),
                List.of(d.c("tags", "eq", "sale")), List.of(d.c("tags", "ne", "sale")),
                List.of(d.c("tags", "cnt", "x")), List.of(d.c("tags", "nct", "a")),
                List.of(d.c("tags", "sw", "s")), List.of(d.c("tags", "ew", "E")),
                List.of(d.c("tags", "in", "a,b")), List.of(d.c("tags", "nin", "a,b")),
                List.of(d.c("scores", "gt", "8")), List.of(d.c("scores", "lte", "1")),
                List.of(d.c("scores", "ne", "3")), List.of(d.c("scores", "btw", "4,6")),
                List.of(d.c("age", "gte", "20"), d.c("plan", "cnt", "gold"), d.c("vip", "eq", "true")),
                List.of(d.c("age", "lt", "10"), d.c("plan", "sw", "plat"), d.c("tags", "eq", "SALE")),
                List.of());
        int someButNotAll = 0;
        for (int i = 0; i < cases.size(); i++) {
            boolean or = i == cases.size() - 2;
            List<String> expected = d.expected(cases.get(i), or);
            someButNotAll += !expected.isEmpty() && expected.size() < d.people().size() ? 1 : 0;
            assertEquals(expected, select(d, cases.get(i), or, i % 2 == 0), "case " + i + " " + cases.get(i));
        }
        assertTrue(someButNotAll >= cases.size() - 6, someButNotAll + " cases select some but not all");
        assertEquals(List.copyOf(d.people().keySet()), select(d, List.of(), false, false), "[] selects everyone");
        assertEquals(20, twin.people().size(), "the twin application's people exist but are never selected");
    }

    @Test
    void pagesAreNumberedWithAnExactTotal() throws Exception {
        Dataset d = dataset("q", 30, 5L);
        List<Condition> conditions = List.of(d.c("age", "is", null));
        List<String> expected = d.expected(conditions, false);
        assertTrue(expected.size() > 8 && expected.size() < 30, expected.toString());
        String path = prefix(d.company()) + "/user_attribute/users";
        List<String> seen = new ArrayList<>();
        int pages = (expected.size() + 3) / 4;
        for (int page = 1; page <= pages + 1; page++) {
            Response r = as(d.company()).body(Map.of("query", Map.of("type", "and", "limit", 4, "page", page,
                            "conditions", d.wire(conditions))))
                    .when().post(path).then().statusCode(200)
                    .body("page.type", equalTo("number"))
                    .body("page.current", equalTo(page))
                    .body("page.size", equalTo(4))
                    .body("page.item_total", equalTo(expected.size()))
                    .body("page.has_next", equalTo(page < pages))
                    .body("page.has_previous", equalTo(page > 1))
                    .extract().response();
            List<String> items = r.jsonPath().getList("items.user_id");
            assertEquals(page <= pages ? Math.min(4, expected.size() - (page - 1) * 4) : 0, items.size());
            seen.addAll(items);
        }
        assertEquals(expected, seen);
        // API.md's names, numbers as text; defaults 1 and 10.
        as(d.company()).body(Map.of("conditions", d.wire(conditions), "page_no", "2", "page_size", "3")).when()
                .post(path).then().statusCode(200).body("items.user_id", equalTo(expected.subList(3, 6)));
        as(d.company()).body(Map.of("conditions", d.wire(conditions))).when().post(path).then().statusCode(200)
                .body("page.size", equalTo(10)).body("page.current", equalTo(1))
                .body("items.user_id", equalTo(expected.subList(0, 10)));
    }

    @Test
    void theSdksExtrasNarrowByContactAndShowTheRequestedValues() throws Exception {
        Dataset d = dataset("s", 12, 9L);
        String path = prefix(d.company()) + "/user_attribute/users";
        long pk = person(d.company(), "contact", "Someone@Example.com", "919999900000");
        value(d.company(), d.ids().get("plan"), pk, "\"Gold\"");
        value(d.company(), d.ids().get("secret"), pk, "\"hidden\"");
        GroupFixtures.execute("UPDATE audience.user_attribute SET value = NULL, ciphertext = 'x'::bytea, "
                + "key_id = 'dev1' WHERE definition_id = ? AND user_pk = ?", d.ids().get("secret"), pk);
        List<Map<String, Object>> gold = d.wire(List.of(d.c("plan", "cnt", "gold")));

        Response r = as(d.company()).body(Map.of("query", Map.of("type", "", "limit", 10, "page", 1,
                        "conditions", gold, "email", " someone@example.COM ",
                        "definition_ids", List.of(d.ids().get("plan"), d.ids().get("secret"), d.ids().get("age"), ""))))
                .when().post(path).then().statusCode(200)
                .body("page.item_total", equalTo(1))
                .body("items[0].user_id", equalTo("contact"))
                .body("items[0].application_id", equalTo(GroupFixtures.APP))
                .body("items[0].emails[0].email", equalTo("Someone@Example.com"))
                .body("items[0].phone_numbers[0].phone", equalTo("9999900000"))
                .body("items[0].phone_numbers[0].country_code", equalTo("91"))
                .body("items[0].attributes.attribute.key", equalTo(List.of("plan", "secret")))
                .body("items[0].attributes[0].attribute.value", equalTo("Gold"))
                .body("items[0].attributes[1].attribute.value", equalTo("********"))
                .body("items[0].attributes[0].user_attribute_definition_id", equalTo(d.ids().get("plan")))
                .body("items[0].attributes[0].user_id", equalTo("contact"))
                .extract().response();
        assertTrue(r.jsonPath().getString("items[0].created_at").endsWith("Z"));
        // The phone with or without its country code; digits only.
        for (String phone : List.of("+91 99999 00000", "9999900000")) {
            as(d.company()).body(Map.of("query", Map.of("type", "and", "limit", 10, "page", 1, "conditions", List.of(),
                    "phone", phone))).when().post(path).then().statusCode(200)
                    .body("items.user_id", equalTo(List.of("contact")));
        }
        as(d.company()).body(Map.of("query", Map.of("type", "and", "limit", 10, "page", 1, "conditions", List.of(),
                "phone", "9999900001"))).when().post(path).then().statusCode(200).body("page.item_total", equalTo(0));
        // Without definition_ids the items carry no attributes.
        Response plain = as(d.company()).body(Map.of("conditions", gold)).when().post(path).then().statusCode(200)
                .extract().response();
        assertFalse(plain.jsonPath().getMap("items[0]").containsKey("attributes"));
    }

    @Test
    void badRequestsAre400NamingTheFieldAndNeverAServerError() throws Exception {
        Dataset d = dataset("b", 3, 1L);
        String path = prefix(d.company()) + "/user_attribute/users";
        String foreign = definition(freshCompany(), "age", "number", null);
        String age = d.ids().get("age");
        Object[][] cases = {
                {Map.of("conditions", List.of(Map.of("definition_id", "aaaaaaaaaaaaaaaaaaaaaaaa", "type", "eq",
                        "value", "1"))), "conditions[0].definition_id", "unknown attribute definition"},
                {Map.of("conditions", List.of(Map.of("definition_id", foreign, "type", "eq", "value", "1"))),
                        "conditions[0].definition_id", "unknown attribute definition"},
                {Map.of("query", Map.of("type", "and", "limit", 10, "page", 1, "conditions", List.of(Map.of(
                        "definition_id", foreign, "type", "eq", "value", "1")))),
                        "query.conditions[0].definition_id", "unknown attribute definition"},
                {Map.of("conditions", List.of(Map.of("definition_id", d.ids().get("secret"), "type", "eq",
                        "value", "1"))), "conditions[0].definition_id", "encrypted"},
                {Map.of("conditions", List.of(Map.of("definition_id", age, "type", "like", "value", "1"))),
                        "conditions[0].type", "unknown operator"},
                {Map.of("conditions", List.of(Map.of("definition_id", age, "type", "sw", "value", "1"))),
                        "conditions[0].type", "applies to string"},
                {Map.of("conditions", List.of(Map.of("definition_id", age, "type", "in", "value", List.of()))),
                        "conditions[0].value", "1 to 100"},
                {Map.of("conditions", List.of(), "type", "xor"), "type", "and or or"},
                {Map.of("query", Map.of("type", "not", "limit", 10, "page", 1, "conditions", List.of())),
                        "query.type", "and or or"},
                {Map.of("conditions", List.of(), "page_size", 101), "page_size", "between 1 and 100"},
                {Map.of("conditions", List.of(), "page_no", 0), "page_no", "between 1"},
                {Map.of("conditions", List.of(), "page_no", "two"), "page_no", "whole number"},
                {Map.of("query", Map.of("type", "and", "limit", "abc", "page", 1, "conditions", List.of())),
                        "query.limit", "whole number"},
                {Map.of("query", Map.of("type", "and", "limit", 1, "page", 1.5, "conditions", List.of())),
                        "query.page", "whole number"},
                {Map.of("page_no", 1), "conditions", "is required"},
                {Map.of("query", "all"), "query", "must be an object"},
                {Map.of("query", Map.of("conditions", List.of(), "definition_ids", List.of("nope"))),
                        "query.definition_ids[0]", "24 hex"},
                {Map.of("conditions", List.of(), "phone", "call me"), "phone", "digits"},
                {Map.of("conditions", List.of(), "email", 5), "email", "must be a string"},
                {List.of(1, 2), "body", "JSON object"}};
        for (Object[] bad : cases) {
            as(d.company()).body(bad[0]).when().post(path).then().statusCode(400)
                    .body("code", equalTo("invalid_request"))
                    .body("meta.errors.field", hasItem((String) bad[1]))
                    .body("meta.errors.message", hasItem(containsString((String) bad[2])));
        }
        as(d.company()).when().post(path).then().statusCode(400);
        as(d.company()).body("{\"conditions\": [").when().post(path).then().statusCode(400);
        // Another company's token on this company's path.
        as(freshCompany()).body(Map.of("conditions", List.of())).when().post(path).then().statusCode(403);

        Random random = new Random(3);
        List<Object> junk = List.of("x", 1, -1, 1.5, true, List.of(), Map.of(), "and", "or", age, "eq", "btw",
                "1,2", "\u0000", List.of(Map.of("definition_id", age)), Map.of("definition_id", age, "type", "in"));
        List<String> keys = List.of("conditions", "type", "page_no", "page_size", "query", "email", "phone",
                "definition_ids", "limit", "page");
        for (int i = 0; i < 150; i++) {
            Map<String, Object> body = new HashMap<>();
            for (int k = random.nextInt(5); k >= 0; k--) {
                body.put(keys.get(random.nextInt(keys.size())), random.nextInt(4) == 0
                        ? Map.of(keys.get(random.nextInt(keys.size())), junk.get(random.nextInt(junk.size())))
                        : junk.get(random.nextInt(junk.size())));
            }
            as(d.company()).body(body).when().post(path).then().statusCode(lessThan(500));
        }
    }
}
