package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `POST …/events`: one event or a batch, stored with the per-person stats and totals in one transaction. */
@QuarkusTest
class EventResourceTest {

    static final String EVENTS = PREFIX + "/events";

    @Test
    void aBatchIsStoredWithStatsAndTotalsAndCreatesUnknownPeople() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{\"first_name\":\"Known\"}").put(PREFIX + "/users/{u}", "known").then().statusCode(201);
        t.as().body("""
                        [{"user_id":"known","name":"pageview","timestamp":"2026-11-01T10:00:00Z",
                          "href":"https://shop.example/","properties":{"title":"Home"}},
                         {"user_id":"known","name":"pageview","timestamp":"2026-11-01T10:10:00Z",
                          "href":"https://shop.example/cart"},
                         {"user_id":"known","name":"pageview","timestamp":"2026-11-01T11:00:00Z"},
                         {"user_id":"known","name":"purchase","timestamp":"2026-11-01T11:05:00+01:00",
                          "properties":{"amount":49.9,"items":["a","b"]}},
                         {"user_id":"new-1","name":"signup","timestamp":"2026-10-31T23:59:59Z"},
                         {"user_id":42,"name":"pageview"}]""")
                .when().post(EVENTS)
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("accepted", equalTo(6));

        List<Map<String, Object>> events = AudienceFixtures.rows("select u.user_id, e.name, e.occurred_at, e.href, "
                + "e.properties::text p from audience.event e join audience.app_user u on u.id = e.user_pk "
                + "where e.company_id = ? and e.application_id = 'app1' order by e.occurred_at", t.company);
        assertEquals(6, events.size());
        assertEquals("new-1", events.get(0).get("user_id"));
        assertEquals("{\"title\": \"Home\"}", events.get(1).get("p"));
        assertEquals("https://shop.example/", events.get(1).get("href"));
        assertEquals(Instant.parse("2026-11-01T10:05:00Z"), ((Timestamp) events.get(2).get("occurred_at"))
                .toInstant());
        assertEquals("purchase", events.get(2).get("name"));
        assertEquals("{}", events.get(3).get("p"));
        assertEquals("https://shop.example/cart", events.get(3).get("href"));
        assertNull(events.get(4).get("href"));
        assertEquals("42", events.get(5).get("user_id"));

        Map<String, Object> known = person(t, "known");
        assertEquals(4L, known.get("total_events"));
        // 10:00 opens a visit, 10:10 is within 30 minutes of it, 11:00 is 50 minutes after 10:10.
        assertEquals(2L, known.get("total_visits"));
        assertEquals(Instant.parse("2026-11-01T10:00:00Z"), ((Timestamp) known.get("first_seen_at")).toInstant());
        assertEquals(Instant.parse("2026-11-01T11:00:00Z"), ((Timestamp) known.get("last_seen_at")).toInstant());
        assertEquals("Known", known.get("first_name"));
        Map<String, Object> created = person(t, "new-1");
        assertEquals(1L, created.get("total_events"));
        assertEquals(0L, created.get("total_visits"));
        assertEquals(1L, person(t, "42").get("total_visits"));

        List<Map<String, Object>> stats = AudienceFixtures.rows("select u.user_id, s.name, s.count, s.first_at, "
                + "s.last_at from audience.person_event_stats s join audience.app_user u on u.id = s.user_pk "
                + "where s.company_id = ? and s.application_id = 'app1' order by u.user_id, s.name", t.company);
        assertEquals(4, stats.size());
        assertEquals(List.of("42", "known", "known", "new-1"), stats.stream().map(s -> s.get("user_id")).toList());
        Map<String, Object> pageviews = stats.get(1);
        assertEquals("pageview", pageviews.get("name"));
        assertEquals(3L, pageviews.get("count"));
        assertEquals(Instant.parse("2026-11-01T10:00:00Z"), ((Timestamp) pageviews.get("first_at")).toInstant());
        assertEquals(Instant.parse("2026-11-01T11:00:00Z"), ((Timestamp) pageviews.get("last_at")).toInstant());

        // A second batch adds to the same rows; an earlier event moves first_at back, a late one is no visit.
        t.as().body("""
                        [{"user_id":"known","name":"pageview","timestamp":"2026-11-01T09:00:00Z"},
                         {"user_id":"known","name":"pageview","timestamp":"2026-11-01T12:00:00Z"}]""")
                .when().post(EVENTS).then().statusCode(200).body("accepted", equalTo(2));
        known = person(t, "known");
        assertEquals(6L, known.get("total_events"));
        assertEquals(3L, known.get("total_visits"));
        assertEquals(Instant.parse("2026-11-01T09:00:00Z"), ((Timestamp) known.get("first_seen_at")).toInstant());
        assertEquals(Instant.parse("2026-11-01T12:00:00Z"), ((Timestamp) known.get("last_seen_at")).toInstant());
        Map<String, Object> after = AudienceFixtures.rows("select s.count, s.first_at "
                + "from audience.person_event_stats s join audience.app_user u on u.id = s.user_pk "
                + "where u.company_id = ? and u.user_id = 'known' and s.name = 'pageview'", t.company).get(0);
        assertEquals(5L, after.get("count"));
        assertEquals(Instant.parse("2026-11-01T09:00:00Z"), ((Timestamp) after.get("first_at")).toInstant());

        t.as().get(PREFIX + "/users/{u}", "known").then().statusCode(200)
                .body("total_events", equalTo(6)).body("total_visits", equalTo(3))
                .body("first_seen_at", equalTo("2026-11-01T09:00:00.000Z"))
                .body("last_seen_at", equalTo("2026-11-01T12:00:00.000Z"));
    }

    @Test
    void oneEventObjectAndMonthPartitionsOnDemand() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{\"user_id\":\"solo\",\"name\":\"signup\",\"timestamp\":\"2003-02-15\"}")
                .when().post(EVENTS).then().statusCode(200).body("accepted", equalTo(1));
        assertTrue(AudienceFixtures.count("select count(*) from pg_tables where schemaname = 'audience' "
                + "and tablename = 'event_2003_02'") == 1);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        t.as().body("{\"user_id\":\"solo\",\"name\":\"login\"}").when().post(EVENTS).then().statusCode(200);
        Timestamp at = (Timestamp) AudienceFixtures.rows("select occurred_at from audience.event where company_id = ? "
                + "and name = 'login'", t.company).get(0).get("occurred_at");
        assertTrue(!at.toInstant().isBefore(before.minusSeconds(1)), at.toString());
    }

    @Test
    void badEventsAre400NamingTheirFieldAndNothingIsWritten() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tomorrowAndAnHour = Instant.now().plus(25, ChronoUnit.HOURS).toString();
        t.as().body("[{\"user_id\":\"ok\",\"name\":\"fine\"},"
                        + "{\"name\":\"no user\"},"
                        + "{\"user_id\":\"u\",\"name\":\"\"},"
                        + "{\"user_id\":\"u\",\"name\":\"x\",\"timestamp\":\"1999-12-31T23:59:59Z\"},"
                        + "{\"user_id\":\"u\",\"name\":\"x\",\"timestamp\":\"" + tomorrowAndAnHour + "\"},"
                        + "{\"user_id\":\"u\",\"name\":\"x\",\"timestamp\":\"yesterday\"},"
                        + "{\"user_id\":\"u\",\"name\":\"x\",\"properties\":[1]},"
                        + "{\"user_id\":\"u\",\"name\":\"x\",\"href\":5},"
                        + "{\"user_id\":\"u\",\"name\":\"" + "n".repeat(256) + "\"},"
                        + "\"event\","
                        + "{\"user_id\":\"u\",\"name\":\"x\",\"href\":\"" + "h".repeat(2049) + "\"}]")
                .when().post(EVENTS)
                .then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("meta.errors.field", containsInAnyOrder("[1].user_id", "[2].name", "[3].timestamp",
                        "[4].timestamp", "[5].timestamp", "[6].properties", "[7].href", "[8].name", "[9]",
                        "[10].href"));
        // A NUL is refused by the JSON reader itself (JsonHardening), before any item is looked at.
        t.as().body("[{\"user_id\":\"u\",\"name\":\"x\"},{\"user_id\":\"u\",\"name\":\"x\","
                        + "\"properties\":{\"k\":\"\\u0000\"}}]")
                .when().post(EVENTS)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("[1].properties.k")));
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                t.company));
        t.as().body("{\"user_id\":\"u\"}").when().post(EVENTS).then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("name")));
        t.as().body("[]").when().post(EVENTS).then().statusCode(400);
        t.as().body("\"pageview\"").when().post(EVENTS).then().statusCode(400);
    }

    @Test
    void aThousandEventsAreAcceptedAndMoreAre413() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body(batch(1000, "2026-11-")).when().post(EVENTS).then().statusCode(200)
                .body("accepted", equalTo(1000));
        assertEquals(1000, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
        assertEquals(100, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                t.company));
        assertEquals(1000, AudienceFixtures.count("select sum(count) from audience.person_event_stats "
                + "where company_id = ?", t.company));
        assertEquals(1000, AudienceFixtures.count("select sum(total_events) from audience.app_user "
                + "where company_id = ?", t.company));

        t.as().body(batch(1001, "2026-10-")).when().post(EVENTS).then().statusCode(413)
                .body("code", equalTo("payload_too_large"))
                .body("message", containsString("1000"))
                .body("request_id", notNullValue());
        assertEquals(1000, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
    }

    private static String batch(int n, String month) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("{\"user_id\":\"p").append(i % 100).append("\",\"name\":\"e")
                    .append(i % 7).append("\",\"timestamp\":\"").append(month)
                    .append(String.format("%02d", 1 + i % 28)).append("T10:00:00Z\",\"properties\":{\"i\":")
                    .append(i).append("}}");
        }
        return body.append("]").toString();
    }

    private static Map<String, Object> person(AudienceFixtures t, String userId) throws Exception {
        return AudienceFixtures.rows("select * from audience.app_user where company_id = ? and application_id = 'app1' "
                + "and user_id = ?", t.company, userId).get(0);
    }
}
