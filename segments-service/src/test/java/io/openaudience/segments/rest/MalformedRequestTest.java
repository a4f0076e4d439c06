package io.openaudience.segments.rest;

import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.RawHttp;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.openaudience.segments.ImportFixtures.as;
import static io.openaudience.segments.ImportFixtures.count;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests a client broke on the wire get a 400 in the Shorter Loop envelope naming what is wrong, never a 500, and
 * leave nothing behind: broken multipart framing, NUL and control characters in JSON strings, duplicate keys, content
 * after the JSON document, invalid UTF-8, oversized strings, wrong scalar types, and NUL, control characters or invalid
 * UTF-8 in the path or a query parameter.
 */
@QuarkusTest
class MalformedRequestTest {

    private static final String[] BROKEN_MULTIPART = {
        "--XX\r\nContent-Disposition: form-data; name=\"metrics\"; filename=\"a.csv\"\r\n\r\nname,email\r\n",
        "garbage without any boundary",
        "--XX\r\n\r\n--XX--",
        "--XX--\r\n",
    };

    @Test
    void brokenMultipartFramingIs400AndQueuesNothing() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(sub, "DEE", "Framing");
        for (String body : BROKEN_MULTIPART) {
            for (String path : new String[]{"/api/v2/idea-manager/create-users",
                    "/api/v2/segments/" + segment + "/create-users"}) {
                as(sub, "DEE").contentType("multipart/form-data; boundary=XX")
                        .body(body.getBytes(StandardCharsets.UTF_8))
                        .when().post(path)
                        .then().statusCode(400)
                        .body("success", equalTo(false))
                        .body("message", containsString("multipart"));
            }
        }
        assertEquals(0, count("SELECT count(*) FROM segments.import_job WHERE subscription_id = ?", sub));
    }

    @Test
    void controlCharactersInJsonStringsAre400NamingTheField() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        for (String value : new String[]{"a\\u0000b", "bell\\u0007", "\\u001b[31m"}) {
            as(sub, "DEE").contentType("application/json").body("{\"value\":\"" + value + "\"}")
                    .when().post("/api/v2/segments")
                    .then().statusCode(400)
                    .body("success", equalTo(false))
                    .body("errors.field", hasItem("value"))
                    .body("message", containsString("control character"));
        }
        as(sub, "DEE").contentType("application/json")
                .body("[{\"name\":\"x\\u0000\",\"email\":\"x@example.com\"}]")
                .when().post("/api/v2/idea-manager/bulk-create-user")
                .then().statusCode(400);
        assertEquals(0, count("SELECT count(*) FROM segments.segment WHERE subscription_id = ?", sub));
    }

    @Test
    void duplicateKeysAndTrailingContentAre400() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        as(sub, "DEE").contentType("application/json").body("{\"value\":\"a\",\"value\":\"b\"}")
                .when().post("/api/v2/segments")
                .then().statusCode(400)
                .body("errors.field", hasItem("value"))
                .body("message", containsString("duplicate key"));
        as(sub, "DEE").contentType("application/json").body("{\"value\":\"a\"} {\"value\":\"b\"}")
                .when().post("/api/v2/segments")
                .then().statusCode(400)
                .body("message", containsString("after the JSON document"));
        assertEquals(0, count("SELECT count(*) FROM segments.segment WHERE subscription_id = ?", sub));
    }

    @Test
    void invalidUtf8AndOversizedStringsAre400NamingTheField() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        byte[] invalid = concat("{\"value\":\"a".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xc3, 0x28,
                (byte) 0xff}, "b\"}".getBytes(StandardCharsets.UTF_8));
        as(sub, "DEE").contentType("application/json").body(invalid)
                .when().post("/api/v2/segments")
                .then().statusCode(400)
                .body("success", equalTo(false))
                .body("errors.field", hasItem("value"))
                .body("message", containsString("invalid UTF-8"));
        byte[] inArray = concat("[{\"name\":\"x\",\"email\":\"".getBytes(StandardCharsets.UTF_8),
                new byte[]{(byte) 0xff}, "\"}]".getBytes(StandardCharsets.UTF_8));
        as(sub, "DEE").contentType("application/json").body(inArray)
                .when().post("/api/v2/idea-manager/bulk-create-user")
                .then().statusCode(400)
                .body("errors.field", hasItem("[0].email"));
        as(sub, "DEE").contentType("application/json").body("{\"value\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")
                .when().post("/api/v2/segments")
                .then().statusCode(400)
                .body("errors.field", hasItem("value"))
                .body("message", containsString("exceeds a limit"));
        assertEquals(0, count("SELECT count(*) FROM segments.segment WHERE subscription_id = ?", sub));
    }

    @Test
    void aFractionForAnIdIsAWrongType() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(sub, "DEE", "Fractions");
        as(sub, "DEE").contentType("application/json").body("{\"users\":[1.5]}")
                .when().put("/api/v2/segments/" + segment + "/segment-users")
                .then().statusCode(400)
                .body("errors.field", hasItem("users[0]"))
                .body("message", containsString("wrong type"));
    }

    /** Written on a socket: HTTP clients refuse to send such URIs. */
    @Test
    void nulControlCharactersAndInvalidUtf8InTheUriAre400InTheEnvelope() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        String auth = "Authorization: Bearer " + TestTokens.shorterLoop(sub, "DEE")
                + "\r\ninitiativeId: DEE\r\n";
        String[][] cases = {
            {"/api/v2/jobs/%00", "path", "control character"},
            {"/api/v2/jobs/a%01b/errors", "path", "control character"},
            {"/api/v2/jobs/%FF%FE", "path", "UTF-8"},
            {"/api/v2/segments/with-users?page=%00", "page", "control character"},
            {"/api/v2/segments/with-users?size=%FF", "size", "UTF-8"},
            // Not valid URIs: Quarkus' own check used to answer these with an empty 400 (see ServiceMain).
            {"/api/v2/segments/%zz", "path", "percent-escape"},
            {"/api/v2/segments?page=%zz", "page", "percent-escape"},
            {"/api/v2/idea-manager/users?page=1&size=%4", "size", "percent-escape"},
            {"/api/v2/jobs/{id}", "path", "not allowed in a URI"},
            {"/api/v2/segments?q=a|b", "query", "not allowed in a URI"},
        };
        for (String[] c : cases) {
            String[] response = RawHttp.get(c[0], auth);
            assertEquals("400", response[0], c[0] + " -> " + response[1]);
            JsonPath body = new JsonPath(response[1]);
            assertEquals(false, body.getBoolean("success"), response[1]);
            assertTrue(body.getString("message").contains(c[2]), c[0] + " -> " + response[1]);
            assertEquals(c[1], body.getString("errors[0].field"), c[0] + " -> " + response[1]);
        }
        // Tab, CR and LF stay acceptable in a query value; a plain request still passes the check.
        assertEquals("200", RawHttp.get("/api/v2/segments?x=a%09b%0A", auth)[0]);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
