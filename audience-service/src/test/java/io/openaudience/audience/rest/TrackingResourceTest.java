package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code /tracking/v1/identify|properties|event} with the bodies the {@code gosquared} npm client 3.1.0 sends
 * ({@code Person.identify}: {@code {properties, person_id}}; {@code trackEvent}: {@code {person_id, event: {name,
 * data}}} plus the tracking data), the property merge, attribute slugs, and the events' write through the batcher.
 */
@QuarkusTest
class TrackingResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void identifySetsReservedPropertiesAndCustomAsTheClientSendsThem() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        t.gs().body("""
                        {"properties":{"id":"u-1","email":"Asha@Example.com","name":"Asha Rao","first_name":"Asha",
                          "phone":"+44 7700 900123","created_at":"2026-01-15T09:00:00.000Z","username":"asha",
                          "company_name":"Acme","plan":"pro","custom":{"seats":5,"plan":"team"}},"person_id":"u-1"}""")
                .post("/tracking/v1/identify").then().statusCode(200).body(equalTo("{\"success\":true}"));

        Map<String, Object> row = AudienceFixtures.rows("select name, first_name, last_name, email_key, "
                + "emails::text emails, phone_key, phone_numbers::text phones, signed_up_at, profile::text profile, "
                + "properties::text properties from audience.app_user where company_id = ? and user_id = 'u-1'",
                t.company).get(0);
        assertEquals("Asha Rao", row.get("name"));
        assertEquals("Asha", row.get("first_name"));
        assertNull(row.get("last_name"));
        assertEquals("asha@example.com", row.get("email_key"));
        assertEquals(JSON.readTree("[{\"email\":\"Asha@Example.com\",\"primary\":true,\"verified\":false,"
                + "\"active\":true}]"), JSON.readTree((String) row.get("emails")));
        assertEquals("447700900123", row.get("phone_key"));
        assertEquals(Instant.parse("2026-01-15T09:00:00Z"), ((Timestamp) row.get("signed_up_at")).toInstant());
        assertEquals(JSON.readTree("{\"username\":\"asha\",\"company_name\":\"Acme\"}"),
                JSON.readTree((String) row.get("profile")));
        // The key under "custom" wins over the same key at the top level.
        assertEquals(JSON.readTree("{\"seats\":5,\"plan\":\"team\"}"), JSON.readTree((String) row.get("properties")));

        String person = t.gs().get("/people/v1/people").then().statusCode(200)
                .body("cardinality", equalTo(1)).extract().asString();
        assertEquals(JSON.readTree("""
                {"id":"u-1","name":"Asha Rao","email":"Asha@Example.com","first_name":"Asha",
                 "phone":"+44 7700 900123","username":"asha","company_name":"Acme",
                 "created_at":"2026-01-15T09:00:00.000Z","custom":{"seats":5,"plan":"team"},
                 "last":{"seen":null},"first":{"seen":null},"totals":{"visits":0,"events":0}}"""),
                JSON.readTree(person).get("list").get(0));
    }

    @Test
    void propertiesMergeKeyByKeyAndNullRemoves() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        t.gs().body("{\"properties\":{\"id\":\"m\",\"name\":\"Mo\",\"email\":\"mo@example.com\",\"plan\":\"free\","
                + "\"seats\":3},\"person_id\":\"m\"}").post("/tracking/v1/properties").then().statusCode(200);
        t.gs().body("{\"properties\":{\"seats\":4,\"team\":{\"size\":\"s\"}},\"person_id\":\"m\"}")
                .post("/tracking/v1/properties").then().statusCode(200);
        t.gs().body("{\"properties\":{\"plan\":null,\"custom\":{\"tags\":[\"a\",\"b\"]}},\"person_id\":\"m\"}")
                .post("/tracking/v1/properties").then().statusCode(200);
        Map<String, Object> row = AudienceFixtures.rows("select name, email_key, properties::text p from "
                + "audience.app_user where company_id = ? and user_id = 'm'", t.company).get(0);
        assertEquals(JSON.readTree("{\"seats\":4,\"team\":{\"size\":\"s\"},\"tags\":[\"a\",\"b\"]}"),
                JSON.readTree((String) row.get("p")));
        // Absent reserved properties keep their values; null clears them.
        assertEquals("Mo", row.get("name"));
        assertEquals("mo@example.com", row.get("email_key"));
        t.gs().body("{\"properties\":{\"name\":null,\"email\":\"MO2@example.com\"},\"person_id\":\"m\"}")
                .post("/tracking/v1/identify").then().statusCode(200);
        row = AudienceFixtures.rows("select name, email_key, emails::text emails from audience.app_user "
                + "where company_id = ? and user_id = 'm'", t.company).get(0);
        assertNull(row.get("name"));
        assertEquals("mo2@example.com", row.get("email_key"));
        // The new primary email comes first; the old one stays as a secondary address.
        assertEquals(JSON.readTree("[{\"email\":\"MO2@example.com\",\"primary\":true,\"verified\":false,"
                + "\"active\":true},{\"email\":\"mo@example.com\",\"primary\":false,\"verified\":false,"
                + "\"active\":true}]"), JSON.readTree((String) row.get("emails")));
    }

    @Test
    void aCustomKeyNamingAnAttributeDefinitionIsThatAttributesValue() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        String prefix = "/service/platform/user/v1.0/company/" + t.company + "/application/app1";
        String score = t.fynd().body("{\"name\":\"Score\",\"slug\":\"score\",\"description\":\"\",\"type\":\"number\","
                + "\"validations\":[{\"type\":\"max\",\"value\":100}]}").post(prefix + "/user_attribute/definition")
                .then().statusCode(201).extract().path("_id");
        String tier = t.fynd().body("{\"name\":\"Tier\",\"slug\":\"tier\",\"description\":\"\",\"type\":\"string\"}")
                .post(prefix + "/user_attribute/definition").then().statusCode(201).extract().path("_id");
        String secret = t.fynd().body("{\"name\":\"Secret\",\"slug\":\"secret\",\"description\":\"\","
                        + "\"type\":\"string\",\"encrypted\":true}").post(prefix + "/user_attribute/definition")
                .then().statusCode(201).extract().path("_id");

        t.identify("a1", "{\"id\":\"a1\",\"score\":\"42\",\"custom\":{\"tier\":\"gold\",\"secret\":\"s3cr3t\"},"
                + "\"other\":1}");
        List<Map<String, Object>> values = AudienceFixtures.rows("select a.definition_id, a.value::text v, "
                + "a.ciphertext, a.key_id from audience.user_attribute a join audience.app_user u on u.id = a.user_pk "
                + "where u.company_id = ? and u.user_id = 'a1' order by a.definition_id", t.company);
        assertEquals(3, values.size());
        Map<String, Map<String, Object>> byDefinition = new java.util.HashMap<>();
        values.forEach(v -> byDefinition.put(((String) v.get("definition_id")).trim(), v));
        assertEquals("42", byDefinition.get(score).get("v"));
        assertEquals("\"gold\"", byDefinition.get(tier).get("v"));
        assertNull(byDefinition.get(secret).get("v"));
        assertNotNull(byDefinition.get(secret).get("ciphertext"));
        assertEquals("dev1", byDefinition.get(secret).get("key_id"));
        assertEquals("{\"other\": 1}", AudienceFixtures.rows("select properties::text p from audience.app_user "
                + "where company_id = ? and user_id = 'a1'", t.company).get(0).get("p"));
        // The Fynd API reads the same value; the person shows it under custom (encrypted ones masked).
        t.fynd().get(prefix + "/user_attribute/definition/" + score + "/user/a1").then().statusCode(200)
                .body("attribute.value", equalTo(42));
        t.gs().get("/people/v1/people").then().statusCode(200)
                .body("list[0].custom.score", equalTo(42))
                .body("list[0].custom.tier", equalTo("gold"))
                .body("list[0].custom.secret", equalTo("********"))
                .body("list[0].custom.other", equalTo(1));

        // A value the definition refuses: 400 naming where the body had it; nothing is written.
        t.gs().body("{\"properties\":{\"score\":\"lots\",\"name\":\"Changed\"},\"person_id\":\"a1\"}")
                .post("/tracking/v1/identify").then().statusCode(400)
                .body("success", equalTo(false))
                .body("error.code", equalTo("invalid_request"))
                .body("error.message", containsString("properties.score"));
        t.gs().body("{\"properties\":{\"custom\":{\"score\":101}},\"person_id\":\"a1\"}")
                .post("/tracking/v1/identify").then().statusCode(400)
                .body("error.message", containsString("properties.custom.score"));
        assertNull(AudienceFixtures.rows("select name from audience.app_user where company_id = ? "
                + "and user_id = 'a1'", t.company).get(0).get("name"));
        // null removes the value.
        t.identify("a1", "{\"score\":null}");
        assertEquals(2, AudienceFixtures.count("select count(*) from audience.user_attribute a join "
                + "audience.app_user u on u.id = a.user_pk where u.company_id = ? and u.user_id = 'a1'", t.company));
    }

    @Test
    void eventsAreStoredWithTheirPersonStatsAndTotals() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        // trackEvent(name, data, trackingData) as Person.trackEvent sends it (visitor_id undefined is left out).
        t.gs().body("{\"person_id\":\"e1\",\"timestamp\":\"2026-11-20T10:00:00.000Z\",\"event\":{\"name\":\"pageview\","
                        + "\"data\":{\"href\":\"https://shop.example/\",\"title\":\"Home\"}}}")
                .post("/tracking/v1/event").then().statusCode(200).body(equalTo("{\"success\":true}"));
        t.event("e1", "pageview", "{\"href\":\"https://shop.example/pricing\"}", "2026-11-20T11:00:00Z");
        t.event("e1", "signup", "{\"plan\":\"pro\"}", "2026-11-20T11:05:00Z");
        t.event("e1", "noted", "{}", null);
        List<Map<String, Object>> events = AudienceFixtures.rows("select e.name, e.href, e.properties::text p, "
                + "e.occurred_at from audience.event e join audience.app_user u on u.id = e.user_pk "
                + "where e.company_id = ? and u.user_id = 'e1' order by e.occurred_at", t.company);
        assertEquals(4, events.size());
        assertEquals("https://shop.example/", events.get(0).get("href"));
        assertEquals(JSON.readTree("{\"href\":\"https://shop.example/\",\"title\":\"Home\"}"),
                JSON.readTree((String) events.get(0).get("p")));
        assertNull(events.get(2).get("href"));
        Map<String, Object> person = AudienceFixtures.rows("select total_events, total_visits, first_seen_at from "
                + "audience.app_user where company_id = ? and user_id = 'e1'", t.company).get(0);
        assertEquals(4L, person.get("total_events"));
        assertEquals(2L, person.get("total_visits"));
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), ((Timestamp) person.get("first_seen_at")).toInstant());
        assertEquals(2L, AudienceFixtures.count("select s.count from audience.person_event_stats s join "
                + "audience.app_user u on u.id = s.user_pk where u.company_id = ? and s.name = 'pageview'",
                t.company));

        // An event of no person (a visitor only) is accepted and not stored.
        t.gs().body("{\"visitor_id\":\"v-9\",\"event\":{\"name\":\"pageview\",\"data\":{}}}")
                .post("/tracking/v1/event").then().statusCode(200).body("success", equalTo(true));
        assertEquals(4, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
    }

    @Test
    void badBodiesAre400InGoSquaredsEnvelopeNamingTheField() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"person_id\":\"p\"}", "event"),
                Map.entry("{\"person_id\":\"p\",\"event\":{}}", "event.name"),
                Map.entry("{\"person_id\":\"p\",\"event\":{\"name\":\"\"}}", "event.name"),
                Map.entry("{\"person_id\":\"p\",\"event\":{\"name\":7}}", "event.name"),
                Map.entry("{\"person_id\":\"p\",\"event\":{\"name\":\"x\",\"data\":[1]}}", "event.data"),
                Map.entry("{\"person_id\":\"p\",\"event\":{\"name\":\"x\",\"data\":{\"href\":\"a\\nb\"}}}",
                        "event.data.href"),
                Map.entry("{\"person_id\":\"p\",\"timestamp\":\"yesterday\",\"event\":{\"name\":\"x\"}}",
                        "timestamp"),
                Map.entry("{\"person_id\":\"p\",\"timestamp\":\"1990-01-01T00:00:00Z\",\"event\":{\"name\":\"x\"}}",
                        "timestamp"),
                Map.entry("{\"person_id\":{\"a\":1},\"event\":{\"name\":\"x\"}}", "person_id"),
                Map.entry("{\"person_id\":\" p \",\"event\":{\"name\":\"x\"}}", "person_id"),
                Map.entry("[]", "body"),
                Map.entry("{\"event\":{\"name\":\"\\u0000\"}}", "event.name"));
        cases.forEach((body, field) -> t.gs().body(body).post("/tracking/v1/event").then().statusCode(400)
                .body("success", equalTo(false))
                .body("error.code", equalTo("invalid_request"))
                .body("error.message", containsString(field)));
        Map<String, String> identify = Map.ofEntries(
                Map.entry("{\"properties\":{}}", "person_id"),
                Map.entry("{\"person_id\":\"" + "x".repeat(129) + "\"}", "person_id"),
                Map.entry("{\"person_id\":\"p\",\"properties\":[]}", "properties"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"email\":\"not-an-email\"}}", "properties.email"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"email\":5}}", "properties.email"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"phone\":\"call me\"}}", "properties.phone"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"name\":\"a\\nb\"}}", "properties.name"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"created_at\":\"soon\"}}", "properties.created_at"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"avatar\":{\"url\":1}}}", "properties.avatar"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"custom\":5}}", "properties.custom"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"custom\":{\"\":1}}}", "properties.custom."),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"big\":\"" + "x".repeat(40_000) + "\"}}",
                        "properties"),
                Map.entry("{\"person_id\":\"p\",\"properties\":{\"k\":\"\\u0000\"}}", "properties"),
                Map.entry("{nope", "malformed JSON"));
        identify.forEach((body, field) -> t.gs().body(body).post("/tracking/v1/identify").then().statusCode(400)
                .body("success", equalTo(false))
                .body("error.message", containsString(field)));
        t.gs().body("{\"person_id\":\"p\",\"event\":{\"name\":\"x\"}}").contentType("text/plain")
                .post("/tracking/v1/event").then().statusCode(415).body("success", equalTo(false));
        try {
            assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                    t.company));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anEmailOrPhoneOfAnotherPersonIs409() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        t.identify("first", "{\"email\":\"same@example.com\",\"phone\":\"+1 555 0100\"}");
        t.gs().body("{\"person_id\":\"second\",\"properties\":{\"email\":\"SAME@example.com\"}}")
                .post("/tracking/v1/identify").then().statusCode(409)
                .body("error.code", equalTo("conflict"))
                .body("error.message", containsString("properties.email"));
        t.gs().body("{\"person_id\":\"second\",\"properties\":{\"phone\":\"+15550100\"}}")
                .post("/tracking/v1/identify").then().statusCode(409)
                .body("error.message", containsString("properties.phone"));
    }

    @Test
    void concurrentSingleEventRequestsAreAllStoredExactly() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                String person = "c" + (i % 3);
                String minute = String.format("%02d", i % 60);
                calls.add(CompletableFuture.supplyAsync(() -> t.gs().body("{\"person_id\":\"" + person + "\","
                                + "\"timestamp\":\"2026-11-21T10:" + minute + ":00Z\",\"event\":{\"name\":\"click\","
                                + "\"data\":{}}}").post("/tracking/v1/event").statusCode(), pool));
            }
            for (CompletableFuture<Integer> call : calls) {
                assertEquals(200, call.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(90, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
        assertEquals(90, AudienceFixtures.count("select sum(total_events) from audience.app_user "
                + "where company_id = ?", t.company));
        assertEquals(90, AudienceFixtures.count("select sum(count) from audience.person_event_stats "
                + "where company_id = ?", t.company));
        JsonNode people = JSON.readTree(t.gs().queryParam("sort", "id:asc").get("/people/v1/people").asString());
        assertEquals(3, people.get("cardinality").asInt());
        for (JsonNode p : people.get("list")) {
            assertEquals(30, p.get("totals").get("events").asInt(), p.toString());
        }
    }
}
