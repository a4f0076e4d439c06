package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The people lists ({@code /people/v1/people} and a group's people): paging with {@code limit}, {@code sort},
 * {@code fields}, {@code query}, {@code dateFormat}, exact {@code cardinality}, and the CSV presenter with every cell
 * escaped.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeopleListTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")";
    private GoSquaredFixtures t;
    private final List<Instant> seen = new ArrayList<>();

    /**
     * n01…n12: name "Person NN", email nNN@alpha.com (odd) or nNN@beta.com (even), custom.rank 13 − N for N ≤ 10,
     * plan pro when N is a multiple of 3; one event N hours ago for N ≤ 11 (n12 never seen). n11's name is a formula.
     */
    @BeforeEach
    void people() {
        // Once per class; not in @BeforeAll, which runs before RestAssured knows the port.
        if (t != null) {
            return;
        }
        t = new GoSquaredFixtures();
        Instant now = Instant.now();
        for (int i = 1; i <= 12; i++) {
            String id = String.format("n%02d", i);
            String name = i == 11 ? FORMULA.replace("\"", "\\\"") : "Person " + String.format("%02d", i);
            t.identify(id, "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"email\":\"" + id + "@"
                    + (i % 2 == 1 ? "alpha" : "beta") + ".com\"" + (i <= 10 ? ",\"rank\":" + (13 - i) : "")
                    + (i % 3 == 0 ? ",\"plan\":\"pro\"" : "") + (i == 11 ? ",\"note\":\"-2+3\"" : "") + "}");
            if (i <= 11) {
                Instant at = now.minus(Duration.ofHours(i)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
                seen.add(at);
                t.event(id, "click", "{}", at.toString());
            }
        }
    }

    @Test
    void pagesFollowLastSeenDescendingWithAnExactCardinality() throws Exception {
        assertEquals(List.of("n01", "n02", "n03", "n04", "n05", "n06", "n07", "n08", "n09", "n10"),
                ids(page(Map.of())));
        assertEquals(12, page(Map.of()).get("cardinality").asInt());
        assertEquals(List.of("n11", "n12"), ids(page(Map.of("limit", "10,10"))));
        assertEquals(List.of("n01", "n02", "n03"), ids(page(Map.of("limit", "3"))));
        assertEquals(List.of("n04", "n05"), ids(page(Map.of("limit", " 3 , 2 "))));
        JsonNode none = page(Map.of("limit", "0,0"));
        assertEquals(List.of(), ids(none));
        assertEquals(12, none.get("cardinality").asInt());
        assertEquals(List.of(), ids(page(Map.of("limit", "50,10"))));
    }

    @Test
    void sortsByAnyPathWithMissingValuesLast() throws Exception {
        assertEquals(List.of("n01", "n02", "n03"), ids(page(Map.of("sort", "id:asc", "limit", "3"))));
        assertEquals(List.of("n12", "n11", "n10"), ids(page(Map.of("sort", "id:desc", "limit", "3"))));
        assertEquals(List.of("n10", "n09", "n08", "n07", "n06", "n05", "n04", "n03", "n02", "n01", "n11", "n12"),
                ids(page(Map.of("sort", "custom.rank:asc", "limit", "12"))));
        assertEquals(List.of("n01", "n02", "n03", "n04", "n05", "n06", "n07", "n08", "n09", "n10", "n12", "n11"),
                ids(page(Map.of("sort", "custom.rank:desc", "limit", "12"))));
        assertEquals(List.of("n11", "n10", "n09"), ids(page(Map.of("sort", "last.seen:asc", "limit", "3"))));
        assertEquals(List.of("n12", "n10"), ids(page(Map.of("sort", "name:desc", "limit", "2"))));
        // Without a direction: ascending.
        assertEquals(List.of("n01", "n02"), ids(page(Map.of("sort", "email", "limit", "2"))));
    }

    @Test
    void fieldsQueryAndDateFormatShapeTheList() throws Exception {
        JsonNode page = page(Map.of("fields", "id,email,custom.plan,last.seen", "sort", "id:asc", "limit", "3"));
        DateTimeFormatter isoMillis = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(ZoneOffset.UTC);
        assertEquals(JSON.readTree("{\"id\":\"n03\",\"email\":\"n03@alpha.com\",\"custom\":{\"plan\":\"pro\"},"
                + "\"last\":{\"seen\":\"" + isoMillis.format(seen.get(2)) + "\"}}"), page.get("list").get(2));
        // A field the person has no value of is null.
        assertEquals(JSON.readTree("{\"id\":\"n01\",\"email\":\"n01@alpha.com\",\"custom\":{\"plan\":null},"
                + "\"last\":{\"seen\":\"" + isoMillis.format(seen.get(0)) + "\"}}"), page.get("list").get(0));

        JsonNode alpha = page(Map.of("query", "ALPHA", "limit", "100", "sort", "id:asc"));
        assertEquals(List.of("n01", "n03", "n05", "n07", "n09", "n11"), ids(alpha));
        assertEquals(6, alpha.get("cardinality").asInt());
        assertEquals(List.of("n10", "n11", "n12"), ids(page(Map.of("query", "n1", "sort", "id:asc"))));
        assertEquals(List.of("n04"), ids(page(Map.of("query", "person 04"))));
        assertEquals(List.of(), ids(page(Map.of("query", "%"))));

        JsonNode dated = page(Map.of("dateFormat", "YYYY-MM-DD [at] HH:mm", "fields", "id,last.seen,created_at",
                "sort", "id:asc", "limit", "1"));
        String expected = DateTimeFormatter.ofPattern("yyyy-MM-dd 'at' HH:mm").withZone(ZoneOffset.UTC)
                .format(seen.get(0));
        assertEquals(expected, dated.get("list").get(0).get("last").get("seen").asText());
        JsonNode epoch = page(Map.of("dateFormat", "X", "fields", "last.seen", "sort", "id:asc", "limit", "1"));
        assertEquals(String.valueOf(seen.get(0).getEpochSecond()),
                epoch.get("list").get(0).get("last").get("seen").asText());
    }

    @Test
    void theCsvPresenterStreamsEscapedCells() {
        String csv = t.gs().queryParam("presenter", "csv").queryParam("fields", "id,name,custom.note,totals.events")
                .queryParam("sort", "id:asc").queryParam("limit", "9,3").get("/people/v1/people")
                .then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", equalTo("attachment; filename=\"people.csv\""))
                .extract().asString();
        assertEquals("id,name,custom.note,totals.events\r\n"
                + "n10,Person 10,,1\r\n"
                + "n11,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'-2+3,1\r\n"
                + "n12,Person 12,,0\r\n", csv);
        String all = t.gs().queryParam("presenter", "csv").queryParam("query", "n12").get("/people/v1/people")
                .then().statusCode(200).extract().asString();
        assertEquals("id,name,email,first_name,last_name,phone,username,description,avatar,company_name,"
                + "company_industry,company_position,company_size,created_at,last.seen,first.seen,totals.visits,"
                + "totals.events,custom", all.substring(0, all.indexOf("\r\n")));
        assertEquals(2, all.split("\r\n").length);
        // An export may be larger than a JSON page.
        t.gs().queryParam("presenter", "csv").queryParam("limit", "0,5000").get("/people/v1/people")
                .then().statusCode(200);
    }

    @Test
    void aGroupsPrefsAreItsDefaultSortAndFields() throws Exception {
        t.gs().body("{\"name\":\"Ranked\",\"filters\":[{\"key\":\"property\",\"path\":\"custom.rank\","
                        + "\"operator\":\"defined\"}],\"prefs\":{\"sortField\":\"custom.rank\",\"sortDir\":\"asc\","
                        + "\"fields\":[\"id\",\"custom.rank\"]}}")
                .post("/people/v1/smartgroups").then().statusCode(201);
        JsonNode page = JSON.readTree(t.gs().queryParam("limit", "2").get("/people/v1/smartgroups/ranked/people")
                .then().statusCode(200).extract().asString());
        assertEquals(JSON.readTree("{\"list\":[{\"id\":\"n10\",\"custom\":{\"rank\":3}},{\"id\":\"n09\","
                + "\"custom\":{\"rank\":4}}],\"cardinality\":10}"), page);
        JsonNode sorted = JSON.readTree(t.gs().queryParam("limit", "1").queryParam("sort", "id:desc")
                .queryParam("fields", "id,name").get("/people/v1/smartgroups/ranked/people").asString());
        assertEquals(JSON.readTree("{\"list\":[{\"id\":\"n10\",\"name\":\"Person 10\"}],\"cardinality\":10}"),
                sorted);
        String csv = t.gs().queryParam("presenter", "csv").queryParam("limit", "1")
                .get("/people/v1/smartgroups/ranked/people").then().statusCode(200)
                .header("Content-Disposition", equalTo("attachment; filename=\"ranked-people.csv\""))
                .extract().asString();
        assertEquals("id,custom.rank\r\nn10,3\r\n", csv);
    }

    @Test
    void badParametersAre400NamingThem() {
        Map<String, String[]> cases = Map.ofEntries(
                Map.entry("limit", new String[]{"x", "1,2,3", "-1", "0,1001", "1.5", ","}),
                Map.entry("sort", new String[]{"nope", "id:sideways", "custom.:asc", "shoe.size:desc"}),
                Map.entry("fields", new String[]{"bogus", "id,custom.", "last.month"}),
                Map.entry("presenter", new String[]{"xml", "CSV"}),
                Map.entry("query", new String[]{"a\u0000b", "x".repeat(256)}),
                Map.entry("dateFormat", new String[]{"YYYY-QQ", "[unclosed", "y".repeat(101)}),
                Map.entry("filters", new String[]{"{bad", "{}", "[1]"}));
        cases.forEach((name, values) -> {
            for (String value : values) {
                t.gs().queryParam(name, value).get("/people/v1/people").then().statusCode(400)
                        .body("success", equalTo(false))
                        .body("error.code", equalTo("invalid_request"))
                        .body("error.message", containsString(name));
            }
        });
    }

    private JsonNode page(Map<String, String> params) throws Exception {
        return JSON.readTree(t.gs().queryParams(params).get("/people/v1/people").then().statusCode(200)
                .extract().asString());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("list").forEach(p -> ids.add(p.get("id").asText()));
        return ids;
    }
}
