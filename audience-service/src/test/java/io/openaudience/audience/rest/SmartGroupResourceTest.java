package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code /people/v1/smartgroups}: create, list, get, replace; ids from names; another application's are 404. */
@QuarkusTest
class SmartGroupResourceTest {

    private static final String GROUPS = "/people/v1/smartgroups";

    @Test
    void aGroupIsCreatedWithItsSlugAsIdAndItsLinks() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        String filters = "[{\"key\":\"property\",\"path\":\"email\",\"operator\":\"contains\","
                + "\"value\":\"GoSquared\"}]";
        t.gs().body("{\"name\":\"  VIP Customers \",\"filters\":" + filters + "}").post(GROUPS)
                .then().statusCode(201)
                .header("Location", endsWith("/people/v1/smartgroups/vip-customers"))
                .body("id", equalTo("vip-customers"))
                .body("name", equalTo("VIP Customers"))
                .body("filters", equalTo(List.of(Map.of("key", "property", "path", "email", "operator", "contains",
                        "value", "GoSquared"))))
                .body("prefs", equalTo(Map.of("sortField", "last.seen", "sortDir", "desc", "fields", List.of())))
                .body("_links", equalTo(List.of(
                        Map.of("rel", "self", "href", "/people/v1/smartgroups/vip-customers", "method", "GET"),
                        Map.of("rel", "people", "href", "/people/v1/smartgroups/vip-customers/people",
                                "method", "GET"),
                        Map.of("rel", "feed", "href", "/people/v1/smartgroups/vip-customers/feed", "method", "GET"))));
        t.gs().get(GROUPS + "/vip-customers").then().statusCode(200)
                .body("id", equalTo("vip-customers"))
                .body("filters[0].value", equalTo("GoSquared"));
        t.gs().body("{\"name\":\"Sorted\",\"filters\":[],\"prefs\":{\"sortField\":\"custom.plan\",\"sortDir\":\"asc\","
                        + "\"fields\":[\"id\",\" email\",\"id\"],\"extra\":1}}").post(GROUPS)
                .then().statusCode(201)
                .body("prefs", equalTo(Map.of("sortField", "custom.plan", "sortDir", "asc",
                        "fields", List.of("id", "email"))));
    }

    @Test
    void idsAreSlugsMadeUniqueWithSuffixesAndStayWhenRenamed() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        assertEquals("vip-2", t.group("VIP 2", "[]"));
        assertEquals("vip", t.group("VIP", "[]"));
        assertEquals("vip-1", t.group("vip", "[]"));
        // vip-2 is taken by "VIP 2": the next free suffix is used.
        assertEquals("vip-3", t.group("Vip!", "[]"));
        assertEquals("v-i-p", t.group("V.I.P", "[]"));
        assertEquals("cafe-creme", t.group("Café Crème", "[]"));
        assertEquals("group", t.group("!!!", "[]"));
        assertEquals("group-1", t.group("日本", "[]"));
        assertEquals("a".repeat(64), t.group("A".repeat(150), "[]"));

        t.gs().body("{\"name\":\"Renamed\",\"filters\":[{\"key\":\"property\",\"path\":\"id\","
                        + "\"operator\":\"defined\"}]}")
                .put(GROUPS + "/vip").then().statusCode(200)
                .body("id", equalTo("vip"))
                .body("name", equalTo("Renamed"))
                .body("filters[0].operator", equalTo("defined"));
        t.gs().get(GROUPS + "/vip").then().statusCode(200).body("name", equalTo("Renamed"));
        // The old name is free as a name, not as an id.
        assertEquals("vip-4", t.group("VIP", "[]"));
        t.gs().get(GROUPS).then().statusCode(200)
                .body("cardinality", equalTo(10))
                .body("list.id", equalTo(List.of("vip-2", "vip", "vip-1", "vip-3", "v-i-p", "cafe-creme", "group",
                        "group-1", "a".repeat(64), "vip-4")));
    }

    @Test
    void concurrentCreatesOfOneNameGetDistinctIds() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> t.group("Race", "[]"), pool));
            }
            Set<String> ids = new HashSet<>();
            for (CompletableFuture<String> call : calls) {
                ids.add(call.get());
            }
            assertEquals(Set.of("race", "race-1", "race-2", "race-3", "race-4", "race-5", "race-6", "race-7"), ids);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherApplicationsGroupsAreNotFound() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        GoSquaredFixtures other = new GoSquaredFixtures("app2");
        t.group("Mine", "[]");
        for (String path : List.of(GROUPS + "/mine", GROUPS + "/mine/people", GROUPS + "/mine/feed",
                GROUPS + "/mine/people?presenter=csv", GROUPS + "/nothing-here")) {
            other.gs().get(path).then().statusCode(404)
                    .body("success", equalTo(false))
                    .body("error.code", equalTo("not_found"))
                    .body("error.message", equalTo("smart group not found"));
        }
        other.gs().body("{\"name\":\"Mine\",\"filters\":[]}").put(GROUPS + "/mine").then().statusCode(404);
        other.gs().get(GROUPS).then().statusCode(200).body("list", equalTo(List.of())).body("cardinality", equalTo(0));
        // The other application may use the same id for its own group.
        assertEquals("mine", other.group("Mine", "[]"));
    }

    @Test
    void badBodiesAndFiltersAre400NamingTheirPathAndCreateNothing() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"filters\":[]}", "name"),
                Map.entry("{\"name\":\"\",\"filters\":[]}", "name"),
                Map.entry("{\"name\":7,\"filters\":[]}", "name"),
                Map.entry("{\"name\":\"a\\nb\",\"filters\":[]}", "name"),
                Map.entry("{\"name\":\"" + "n".repeat(256) + "\",\"filters\":[]}", "name"),
                Map.entry("{\"name\":\"x\"}", "filters"),
                Map.entry("{\"name\":\"x\",\"filters\":{}}", "filters"),
                Map.entry("[]", "body"),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"email\",\"operator\":\"==\",\"value\":\"a\"}"),
                        "filters[0].operator: unknown operator \"==\""),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"emial\",\"operator\":\"=\",\"value\":\"a\"}"),
                        "filters[0].path: unknown path \"emial\""),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"last.seen\",\"operator\":\">\",\"direction\":"
                        + "\"past\",\"number\":3,\"period\":\"weeks\"}"),
                        "filters[0].period: unknown period \"weeks\""),
                Map.entry(filters("{\"key\":\"person\",\"path\":\"email\",\"operator\":\"=\",\"value\":\"a\"}"),
                        "filters[0].key"),
                Map.entry(filters("{\"key\":\"event\",\"name\":\"pageview\",\"field\":\"middle\",\"operator\":\">\","
                        + "\"value\":1}"), "filters[0].field"),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"id\",\"operator\":\"defined\"},{\"key\":"
                        + "\"property\",\"path\":\"custom.age\",\"operator\":\"><\",\"value\":[5]}"),
                        "filters[1].value"),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"email\",\"operator\":\">\",\"value\":\"a\"}"),
                        "filters[0].operator"),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"last.seen\",\"operator\":\"=\",\"direction\":"
                        + "\"past\",\"number\":3,\"period\":\"days\"}"), "filters[0].operator"),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"last.seen\",\"operator\":\"<\",\"direction\":"
                        + "\"future\",\"number\":3,\"period\":\"days\"}"), "filters[0].direction"),
                Map.entry(filters("{\"key\":\"property\",\"path\":\"last.seen\",\"operator\":\"<\",\"number\":-1,"
                        + "\"period\":\"days\"}"), "filters[0].number"),
                Map.entry(filters("\"email\""), "filters[0]"),
                Map.entry("{\"name\":\"x\",\"filters\":[],\"prefs\":{\"sortField\":\"shoe.size\"}}",
                        "prefs.sortField"),
                Map.entry("{\"name\":\"x\",\"filters\":[],\"prefs\":{\"sortDir\":\"up\"}}", "prefs.sortDir"),
                Map.entry("{\"name\":\"x\",\"filters\":[],\"prefs\":{\"fields\":[\"nope\"]}}", "prefs.fields"),
                Map.entry("{\"name\":\"x\",\"filters\":[],\"prefs\":[]}", "prefs"));
        cases.forEach((body, message) -> t.gs().body(body).post(GROUPS).then().statusCode(400)
                .body("success", equalTo(false))
                .body("error.code", equalTo("invalid_request"))
                .body("error.message", containsString(message)));
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.smart_group where company_id = ?",
                t.company));
    }

    private static String filters(String items) {
        return "{\"name\":\"bad\",\"filters\":[" + items + "]}";
    }
}
