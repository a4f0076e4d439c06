package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every GoSquared operator, relative dates and event filters through the HTTP API: five people (and a twin of one in
 * another application that must never show), tracked with the npm client's bodies; each group's members are checked
 * against sets worked out by hand from the data below, through the group's people and through
 * {@code /people/v1/people?filters=}.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmartGroupOperatorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private GoSquaredFixtures t;

    /**
     * <pre>
     * p1 Ann Lee  ann@alpha.com   plan pro    age 34   signup 2026-01-10  tags [a, b]  tier gold   score 10
     *             created_at 2026-01-10; pageview x3 (40 d, 20 d, 1 d ago), purchase (5 d ago)
     * p2 Bob      bob@beta.org    plan free   age 41   signup 2025-12-24               tier silver
     *             created_at 2025-06-01; pageview (10 d ago)
     * p3          cara@alpha.com  plan PRO    age "29"
     * p4 Dan                                  age 60                                               score 90
     *             purchase x2 (100 d and 2 h ago)
     * p5 (first_name Eve)         plan enterprise, phone +1 555 0100
     * </pre>
     */
    @BeforeEach
    void people() throws Exception {
        // Once per class; not in @BeforeAll, which runs before RestAssured knows the port.
        if (t != null) {
            return;
        }
        t = new GoSquaredFixtures();
        String prefix = "/service/platform/user/v1.0/company/" + t.company + "/application/app1";
        t.fynd().body("{\"name\":\"Tier\",\"slug\":\"tier\",\"description\":\"\",\"type\":\"string\"}")
                .post(prefix + "/user_attribute/definition").then().statusCode(201);
        t.fynd().body("{\"name\":\"Score\",\"slug\":\"score\",\"description\":\"\",\"type\":\"number\"}")
                .post(prefix + "/user_attribute/definition").then().statusCode(201);
        t.identify("p1", "{\"id\":\"p1\",\"name\":\"Ann Lee\",\"email\":\"ann@alpha.com\",\"created_at\":"
                + "\"2026-01-10T00:00:00Z\",\"plan\":\"pro\",\"age\":34,\"signup\":\"2026-01-10\","
                + "\"tags\":[\"a\",\"b\"],"
                + "\"custom\":{\"tier\":\"gold\",\"score\":10}}");
        t.identify("p2", "{\"id\":\"p2\",\"name\":\"Bob\",\"email\":\"bob@beta.org\",\"created_at\":\"2025-06-01\","
                + "\"plan\":\"free\",\"age\":41,\"signup\":\"2025-12-24\",\"tier\":\"silver\"}");
        t.identify("p3", "{\"id\":\"p3\",\"email\":\"cara@alpha.com\",\"plan\":\"PRO\",\"age\":\"29\"}");
        t.identify("p4", "{\"id\":\"p4\",\"name\":\"Dan\",\"age\":60,\"score\":90}");
        t.identify("p5", "{\"id\":\"p5\",\"first_name\":\"Eve\",\"plan\":\"enterprise\",\"phone\":\"+1 555 0100\"}");
        Instant now = Instant.now();
        for (Duration ago : List.of(Duration.ofDays(40), Duration.ofDays(20), Duration.ofDays(1))) {
            t.event("p1", "pageview", "{\"href\":\"https://shop.example/\"}", now.minus(ago).toString());
        }
        t.event("p1", "purchase", "{\"amount\":10}", now.minus(Duration.ofDays(5)).toString());
        t.event("p2", "pageview", "{\"href\":\"https://shop.example/\"}", now.minus(Duration.ofDays(10)).toString());
        t.event("p4", "purchase", "{}", now.minus(Duration.ofDays(100)).toString());
        t.event("p4", "purchase", "{}", now.minus(Duration.ofHours(2)).toString());

        // The same person in another application: never a member here.
        GoSquaredFixtures twin = new GoSquaredFixtures("app2");
        twin.identify("p1", "{\"id\":\"p1\",\"name\":\"Ann Lee\",\"email\":\"ann@alpha.com\",\"plan\":\"pro\","
                + "\"age\":34}");
        twin.event("p1", "pageview", "{\"href\":\"https://shop.example/\"}", now.minus(Duration.ofDays(1)).toString());
    }

    @Test
    void everyOperatorSelectsExactlyTheExpectedPeople() throws Exception {
        Map<String, Set<String>> cases = new LinkedHashMap<>();
        cases.put(p("custom.plan", "=", "\"pro\""), ids("p1", "p3"));
        cases.put(p("custom.plan", "!=", "\"pro\""), ids("p2", "p4", "p5"));
        cases.put(p("email", "=", "\"ANN@alpha.com\""), ids("p1"));
        cases.put(p("email", "contains", "\"alpha\""), ids("p1", "p3"));
        cases.put(p("email", "!contains", "\"alpha\""), ids("p2", "p4", "p5"));
        cases.put(p("name", "starts", "\"an\""), ids("p1"));
        cases.put(p("email", "ends", "\".org\""), ids("p2"));
        cases.put(p("custom.age", ">", "33"), ids("p1", "p2", "p4"));
        cases.put(p("custom.age", "<", "30"), ids("p3"));
        cases.put(p("custom.age", "><", "[30, 45]"), ids("p1", "p2"));
        cases.put(p("custom.age", "=", "\"34\""), ids("p1"));
        cases.put(p("custom.plan", "defined", null), ids("p1", "p2", "p3", "p5"));
        cases.put(p("custom.plan", "!defined", null), ids("p4"));
        cases.put(p("name", "!defined", null), ids("p3", "p5"));
        cases.put(p("first_name", "=", "\"eve\""), ids("p5"));
        cases.put(p("id", "=", "\"p2\""), ids("p2"));
        cases.put(p("phone", "contains", "\"555-0100\""), ids("p5"));
        cases.put(p("custom.tags", "=", "\"b\""), ids("p1"));
        cases.put(p("custom.signup", ">", "\"2026-01-01\""), ids("p1"));
        cases.put(p("created_at", "<", "\"2026-01-01\""), ids("p2"));
        cases.put(p("created_at", "><", "[\"2026-01-01\", \"2026-01-31\"]"), ids("p1"));
        cases.put(p("totals.events", "><", "[2, 3]"), ids("p4"));
        cases.put(p("totals.visits", ">", "0"), ids("p1", "p2"));
        cases.put(relative("last.seen", ">", 2, "days"), ids("p1", "p4"));
        cases.put(relative("last.seen", "<", 7, "days"), ids("p2"));
        cases.put(relative("last.seen", "><", 36, "hours"), ids("p1", "p4"));
        cases.put(relative("first.seen", "<", 30, "days"), ids("p1", "p4"));
        cases.put(p("last.seen", "defined", null), ids("p1", "p2", "p4"));
        // Attribute definitions answer custom.<slug>.
        cases.put(p("custom.tier", "=", "\"GOLD\""), ids("p1"));
        cases.put(p("custom.tier", "!=", "\"gold\""), ids("p2", "p3", "p4", "p5"));
        cases.put(p("custom.score", ">", "50"), ids("p4"));
        cases.put(p("custom.score", "!defined", null), ids("p2", "p3", "p5"));
        // Events.
        cases.put(e("pageview", "count", ">", "2"), ids("p1"));
        cases.put(e("pageview", "count", "=", "0"), ids("p3", "p4", "p5"));
        cases.put(e("pageview", "count", "<", "2"), ids("p2", "p3", "p4", "p5"));
        cases.put(e("pageview", "count", "defined", null), ids("p1", "p2"));
        cases.put(e("purchase", "count", "!defined", null), ids("p2", "p3", "p5"));
        cases.put(eRelative("purchase", "last", ">", 1, "days"), ids("p4"));
        cases.put(eRelative("purchase", "first", "<", 30, "days"), ids("p4"));
        cases.put(eRelative("purchase", "last", "<", 3, "days"), ids("p1"));
        cases.put(eRelative("pageview", "first", "><", 15, "days"), ids("p2"));
        // ANDed, and no filter at all.
        cases.put(p("custom.plan", "=", "\"pro\"") + "," + relative("last.seen", ">", 2, "days"), ids("p1"));
        cases.put("", ids("p1", "p2", "p3", "p4", "p5"));

        int n = 0;
        for (Map.Entry<String, Set<String>> c : cases.entrySet()) {
            String filters = "[" + c.getKey() + "]";
            String id = t.group("case " + n++, filters);
            assertEquals(c.getValue(), members("/people/v1/smartgroups/" + id + "/people"), filters);
            assertEquals(c.getValue(), searched(filters), filters);
        }
    }

    @Test
    void unknownOperatorsPathsAndPeriodsAre400NamingThem() {
        t.gs().queryParam("filters", "[" + p("custom.plan", "~", "\"x\"") + "]").get("/people/v1/people")
                .then().statusCode(400)
                .body("success", org.hamcrest.Matchers.equalTo(false))
                .body("error.message", org.hamcrest.Matchers.startsWith("filters[0].operator: unknown operator \"~\""));
        t.gs().queryParam("filters", "[" + p("id", "defined", null) + "," + p("shoe", "=", "1") + "]")
                .get("/people/v1/people").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.startsWith("filters[1].path: unknown path \"shoe\""));
        t.gs().queryParam("filters", "[" + relative("last.seen", ">", 2, "fortnights") + "]")
                .get("/people/v1/people").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.startsWith("filters[0].period: unknown period"));
        t.gs().queryParam("filters", "{\"key\":").get("/people/v1/people").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.equalTo("filters must be a JSON array of filters"));
    }

    private Set<String> members(String path) throws Exception {
        JsonNode page = JSON.readTree(t.gs().queryParam("limit", "0,1000").queryParam("fields", "id").get(path)
                .then().statusCode(200).extract().asString());
        Set<String> ids = new TreeSet<>(page.findValuesAsText("id"));
        assertEquals(ids.size(), page.get("cardinality").asInt(), path);
        return ids;
    }

    private Set<String> searched(String filters) throws Exception {
        JsonNode page = JSON.readTree(t.gs().queryParam("filters", filters).queryParam("limit", "1000")
                .queryParam("fields", "id").get("/people/v1/people").then().statusCode(200).extract().asString());
        return new TreeSet<>(page.findValuesAsText("id"));
    }

    private static Set<String> ids(String... ids) {
        return new TreeSet<>(List.of(ids));
    }

    private static String p(String path, String operator, String value) {
        return "{\"key\":\"property\",\"path\":\"" + path + "\",\"operator\":\"" + operator + "\""
                + (value == null ? "" : ",\"value\":" + value) + "}";
    }

    private static String relative(String path, String operator, int number, String period) {
        return "{\"key\":\"property\",\"path\":\"" + path + "\",\"operator\":\"" + operator + "\","
                + "\"direction\":\"past\",\"number\":" + number + ",\"period\":\"" + period + "\"}";
    }

    private static String e(String name, String field, String operator, String value) {
        return "{\"key\":\"event\",\"name\":\"" + name + "\",\"field\":\"" + field + "\",\"operator\":\"" + operator
                + "\"" + (value == null ? "" : ",\"value\":" + value) + "}";
    }

    private static String eRelative(String name, String field, String operator, int number, String period) {
        return "{\"key\":\"event\",\"name\":\"" + name + "\",\"field\":\"" + field + "\",\"operator\":\"" + operator
                + "\",\"direction\":\"past\",\"number\":" + number + ",\"period\":\"" + period + "\"}";
    }
}
