package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile input on every GoSquared endpoint (seeded random bodies and query values built from the API's
 * own vocabulary, SQL fragments, odd JSON types, control characters): never a 5xx, and no error body shows SQL.
 */
@QuarkusTest
class GoSquaredMalformedInputTest {

    /** A value that reads like SQL, sent as keys, values, names and parameters. */
    private static final String HOSTILE = "'; DROP TABLE audience.app_user; --";
    private static final Pattern SQL = Pattern.compile("(?i)select |insert |update |delete |jsonb|syntax|sqlstate|"
            + "pgexception|app_user|user_attribute|audience\\.|where |bpchar|cast\\(");
    private static final String[] WORDS = {"key", "property", "event", "path", "operator", "value", "name", "field",
            "count", "first", "last", "direction", "past", "number", "period", "days", "hours", "custom.plan",
            "custom.a.b", "email", "last.seen", "created_at", "totals.events", "id", "phone", "=", "!=", "contains",
            "!contains", "starts", "ends", ">", "<", "><", "defined", "!defined", HOSTILE,
            "$1", "?", "\\u0000", "\\ud800", "1e400", "-0", "2024-02-30", "2024-05-01T10:00:00Z", "9".repeat(1200),
            "person_id", "properties", "data", "href", "timestamp", "filters", "prefs", "sortField", "fields"};
    private final Random random = new Random(20261202L);


    @Test
    void noMalformedInputGetsA5xxOrShowsSql() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        t.group("Target", "[]");
        t.identify("someone", "{\"plan\":\"pro\"}");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String filters = json(3);
            check(failures, "POST smartgroups " + filters, t.gs().body("{\"name\":\"f" + i + "\",\"filters\":"
                    + filters + "}").post("/people/v1/smartgroups"));
            check(failures, "GET people filters=" + filters, t.gs().queryParam("filters", filters)
                    .get("/people/v1/people"));
            check(failures, "identify " + i, t.gs().body("{\"person_id\":" + scalar() + ",\"properties\":" + json(2)
                    + "}").post("/tracking/v1/identify"));
            check(failures, "event " + i, t.gs().body("{\"person_id\":" + scalar() + ",\"timestamp\":" + scalar()
                    + ",\"event\":" + json(2) + "}").post("/tracking/v1/event"));
            check(failures, "people params " + i, t.gs().queryParam("limit", word()).queryParam("sort", word() + ":"
                            + word()).queryParam("fields", word() + "," + word()).queryParam("dateFormat", word())
                    .queryParam("query", word()).queryParam("presenter", random.nextBoolean() ? "csv" : word())
                    .get("/people/v1/smartgroups/target/people"));
            check(failures, "feed " + i, t.gs().queryParam("from", word()).queryParam("to", word())
                    .get("/people/v1/smartgroups/target/feed"));
            check(failures, "download " + i, given().queryParam("company_id", t.company).queryParam("application_id",
                            word()).queryParam("from", word()).queryParam("to", word()).queryParam("expires", word())
                    .queryParam("signature", word()).get("/people/v1/smartgroups/target/feed/download"));
            check(failures, "raw body " + i, t.gs().body(garbage()).post(i % 2 == 0 ? "/tracking/v1/event"
                    : "/people/v1/smartgroups"));
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void check(List<String> failures, String what, Response response) {
        int status = response.statusCode();
        // A message may quote the client's own value back; that is not SQL of ours.
        String body = response.asString().replace(HOSTILE, "");
        if (status >= 500 || status >= 400 && SQL.matcher(body).find()) {
            failures.add(status + " " + what + " -> " + body);
        }
    }

    /** Random JSON built from the API's words, at most {@code depth} levels deep. */
    private String json(int depth) {
        int kind = random.nextInt(depth <= 0 ? 3 : 6);
        return switch (kind) {
            case 0, 1, 2 -> scalar();
            case 3, 4 -> {
                StringBuilder o = new StringBuilder("{");
                int n = random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    o.append(i == 0 ? "" : ",").append('"').append(word()).append("\":").append(json(depth - 1));
                }
                yield o.append('}').toString();
            }
            default -> {
                StringBuilder a = new StringBuilder("[");
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.append(i == 0 ? "" : ",").append(json(depth - 1));
                }
                yield a.append(']').toString();
            }
        };
    }

    private String scalar() {
        return switch (random.nextInt(7)) {
            case 0 -> "null";
            case 1 -> String.valueOf(random.nextBoolean());
            case 2 -> String.valueOf(random.nextInt(2000) - 1000);
            case 3 -> random.nextBoolean() ? "1e308" : "-3.5";
            default -> "\"" + word() + "\"";
        };
    }

    private String word() {
        return WORDS[random.nextInt(WORDS.length)].replace("\"", "\\\"");
    }

    private String garbage() {
        String[] bodies = {"{", "[", "\"\"", "null", "12", "{\"a\":}", "\u0000", "{\"person_id\":\"x\",\"event\":",
                "[" + "[".repeat(2000) + "]".repeat(2000) + "]", "{\"name\":\"x\",\"filters\":[" + "{},".repeat(150)
                + "{}]}"};
        return bodies[random.nextInt(bodies.length)];
    }
}
