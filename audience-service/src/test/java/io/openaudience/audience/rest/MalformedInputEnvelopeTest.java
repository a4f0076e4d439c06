package io.openaudience.audience.rest;

import io.openaudience.testsupport.RawHttp;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed requests found by deploy/local/fuzz, one per class, get a 400 in the family's envelope naming the part:
 * NUL, control characters and invalid UTF-8 in the path or a query parameter (a NUL used to reach SQL as a 500), an
 * integer for a boolean, invalid UTF-8 and oversized strings inside JSON bodies.
 */
@QuarkusTest
class MalformedInputEnvelopeTest {

    @Test
    void badBytesInTheFyndUriAre400NamingThePart() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String prefix = "/service/platform/user/v1.0/company/" + t.company + "/application/" + t.application;
        String auth = "Authorization: Bearer " + TestTokens.fynd(t.company, t.application) + "\r\n";
        String[][] cases = {
            {prefix + "/users/%00", "path", "control character (U+0000)"},
            {prefix + "/user_attribute/definition/a%1Bb", "path", "control character (U+001B)"},
            {prefix + "/users/%C3%28", "path", "UTF-8"},
            {prefix + "/user_attribute/definition?name=a%00b", "name", "control character (U+0000)"},
            {prefix + "/user_group?tags=%07", "tags", "control character (U+0007)"},
            {prefix + "/user_group?category=%FF%FE", "category", "UTF-8"},
            // Not valid URIs: Quarkus' own check used to answer these with an empty 400 (see ServiceMain).
            {prefix + "/users/%zz", "path", "percent-escape"},
            {prefix + "/user_group?page_no=%zz", "page_no", "percent-escape"},
            {prefix + "/users/a{b}", "path", "not allowed in a URI"},
        };
        for (String[] c : cases) {
            String[] response = RawHttp.get(c[0], auth);
            assertEquals("400", response[0], c[0] + " -> " + response[1]);
            JsonPath body = new JsonPath(response[1]);
            assertEquals("invalid_request", body.getString("code"), response[1]);
            assertTrue(body.getString("message").contains(c[2]), c[0] + " -> " + response[1]);
            assertEquals(c[1], body.getString("meta.errors[0].field"), c[0] + " -> " + response[1]);
            assertTrue(body.getString("request_id") != null, response[1]);
        }
    }

    @Test
    void badBytesInTheGoSquaredUriAre400InItsEnvelope() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        String key = "?api_key=" + t.apiKey + "&site_token=" + t.siteToken;
        for (String target : new String[]{"/people/v1/smartgroups/%00" + key, "/people/v1/smartgroups/x%C3" + key,
                "/people/v1/people" + key + "&query=%00", "/people/v1/people" + key + "&filters=%FF",
                "/people/v1/smartgroups/%zz" + key, "/people/v1/people" + key + "&limit=%zz",
                "/tracking/v1/identify%zz" + key, "/tracking/v1/event" + key + "&x=%G1"}) {
            String[] response = RawHttp.get(target, "");
            assertEquals("400", response[0], target + " -> " + response[1]);
            JsonPath body = new JsonPath(response[1]);
            assertEquals(false, body.getBoolean("success"), response[1]);
            assertEquals("invalid_request", body.getString("error.code"), response[1]);
        }
        String[] escape = RawHttp.get("/people/v1/people" + key + "&limit=%zz", "");
        assertTrue(new JsonPath(escape[1]).getString("error.message").startsWith("limit: "), escape[1]);
        // A line break in a query value (pretty-printed filters) is still accepted.
        assertEquals("200", RawHttp.get("/people/v1/people" + key + "&filters=%5B%0A%5D", "")[0]);
    }

    @Test
    void anIntegerForABooleanIsAWrongTypeAndChangesNothing() {
        AudienceFixtures t = new AudienceFixtures();
        String id = t.definition("tier", "string", null);
        t.as().body("{\"name\":\"Tier\",\"description\":\"d\",\"type\":\"string\",\"customer_editable\":7}")
                .when().put(AudienceFixtures.DEFINITIONS + "/" + id)
                .then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("meta.errors.field", hasItem("customer_editable"))
                .body("message", containsString("wrong type"));
        t.as().when().get(AudienceFixtures.DEFINITIONS + "/" + id)
                .then().statusCode(200).body("customer_editable", equalTo(false));
    }

    @Test
    void invalidUtf8AndOversizedStringsInsideJsonAre400NamingTheField() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body(bytes("[{\"user_id\":\"u1\",\"name\":\"ok\"},{\"user_id\":\"u1\",\"name\":\"a", 0xc3, 0x28,
                        "\"}]"))
                .when().post(AudienceFixtures.PREFIX + "/events")
                .then().statusCode(400)
                .body("meta.errors.field", hasItem("[1].name"))
                .body("message", containsString("invalid UTF-8"));
        t.as().body(bytes("{\"name\":\"T\",\"slug\":\"t\",\"description\":\"", 0xff, "\",\"type\":\"string\"}"))
                .when().post(AudienceFixtures.DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", hasItem("description"));
        GoSquaredFixtures g = new GoSquaredFixtures();
        g.gs().body(bytes("{\"person_id\":\"p", 0xff, "\",\"properties\":{}}"))
                .post("/tracking/v1/identify")
                .then().statusCode(400)
                .body("success", equalTo(false))
                .body("error.message", containsString("person_id"));
        g.gs().body("{\"person_id\":\"p1\",\"properties\":{\"plan\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}}")
                .post("/tracking/v1/identify")
                .then().statusCode(400)
                .body("error.message", containsString("properties"))
                .body("error.message", containsString("exceeds a limit"));
        t.as().body("{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\",\"slug\":\"t\",\"description\":\"d\","
                        + "\"type\":\"string\"}")
                .when().post(AudienceFixtures.DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", hasItem("name"));
    }

    /** Text with raw bytes between: {@code bytes("a", 0xff, "b")}. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(p.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
