package io.openaudience.segments.rest;

import io.openaudience.segments.ImportFixtures;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.openaudience.segments.ImportFixtures.as;
import static io.openaudience.segments.ImportFixtures.count;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Requests a client broke on the wire get a 400 in the Shorter Loop envelope naming what is wrong, never a 500, and
 * leave nothing behind: broken multipart framing, NUL and control characters in JSON strings, duplicate keys and
 * content after the JSON document.
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
}
