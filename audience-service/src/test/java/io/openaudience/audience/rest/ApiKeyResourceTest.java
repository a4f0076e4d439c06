package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** {@code …/api_keys}: issue (shown once, stored hashed), list without secrets, revoke (401 from then on). */
@QuarkusTest
class ApiKeyResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aKeyIsShownOnceStoredHashedListedWithoutSecretAndRevokedAtOnce() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        var second = t.fynd().body("{\"name\":\"  server  \"}").post(t.keysPath())
                .then().statusCode(201)
                .header("Location", matchesPattern(".*" + t.keysPath() + "/[0-9a-f]{24}$"))
                .body("id", matchesPattern("[0-9a-f]{24}"))
                .body("api_key", matchesPattern("[A-Z2-7]{32}"))
                .body("site_token", equalTo(t.siteToken))
                .body("name", equalTo("server"))
                .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .extract();
        String secondKey = second.path("api_key");
        String secondId = second.path("id");
        assertNotEquals(t.apiKey, secondKey);
        assertEquals(true, t.siteToken.matches("GSN-[A-Z2-7]{16}"));

        // Only the SHA-256 is stored; the key itself is nowhere in the row.
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secondKey.getBytes(StandardCharsets.UTF_8)));
        List<Map<String, Object>> rows = AudienceFixtures.rows("select encode(key_hash, 'hex') h, k::text whole "
                + "from audience.api_key k where id = ?", secondId);
        assertEquals(hash, rows.get(0).get("h"));
        assertEquals(false, ((String) rows.get(0).get("whole")).contains(secondKey));

        t.fynd().get(t.keysPath()).then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].id", equalTo(t.keyId))
                .body("items[0].name", equalTo("test key"))
                .body("items[0].site_token", equalTo(t.siteToken))
                .body("items[0]", not(hasKey("api_key")))
                .body("items[1]", not(hasKey("api_key")))
                .body("page.item_total", equalTo(2));

        t.gs().get("/people/v1/smartgroups").then().statusCode(200);
        t.fynd().delete(t.keysPath() + "/" + t.keyId).then().statusCode(200)
                .body("success", equalTo(true));
        // Revoked: refused on the very next request, with GoSquared's body.
        String body = t.gs().get("/people/v1/smartgroups").then().statusCode(401).extract().asString();
        assertEquals(GoSquaredFixtures.unauthorized(), JSON.readValue(body, Map.class));
        given().queryParam("api_key", secondKey).queryParam("site_token", t.siteToken)
                .get("/people/v1/smartgroups").then().statusCode(200);
        t.fynd().get(t.keysPath()).then().statusCode(200).body("items", hasSize(1))
                .body("items[0].id", equalTo(secondId));
        t.fynd().delete(t.keysPath() + "/" + t.keyId).then().statusCode(404);
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.api_key where id = ? "
                + "and revoked_at is not null", t.keyId));
    }

    @Test
    void keysAreTheApplicationsOwn() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        GoSquaredFixtures other = new GoSquaredFixtures("app2");
        assertNotEquals(t.siteToken, other.siteToken);
        // Another application's key id is unknown here, and stays active.
        t.fynd().delete(t.keysPath() + "/" + other.keyId).then().statusCode(404);
        t.fynd().delete(t.keysPath() + "/not-an-id").then().statusCode(404);
        other.gs().get("/people/v1/smartgroups").then().statusCode(200);
        // A key with the other application's site token is refused.
        given().queryParam("api_key", t.apiKey).queryParam("site_token", other.siteToken)
                .get("/people/v1/smartgroups").then().statusCode(401);
    }

    @Test
    void theKeyEndpointsNeedAFyndTokenOfTheApplication() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        given().contentType("application/json").post(t.keysPath()).then().statusCode(401)
                .body("code", equalTo("unauthorized"));
        given().get(t.keysPath()).then().statusCode(401);
        given().delete(t.keysPath() + "/" + t.keyId).then().statusCode(401);
        given().auth().oauth2(TestTokens.fynd("another")).get(t.keysPath()).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        given().auth().oauth2(TestTokens.fynd(t.company, "app9")).delete(t.keysPath() + "/" + t.keyId)
                .then().statusCode(403);
        t.gs().get("/people/v1/smartgroups").then().statusCode(200);
    }

    @Test
    void aBadNameIs400AndNoKeyIsIssued() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        t.fynd().body("{\"name\":\"" + "x".repeat(256) + "\"}").post(t.keysPath()).then().statusCode(400)
                .body("meta.errors[0].field", equalTo("name"));
        t.fynd().body("{\"name\":7}").post(t.keysPath()).then().statusCode(400)
                .body("meta.errors[0].field", equalTo("name"));
        t.fynd().body("{\"name\":\"a\\nb\"}").post(t.keysPath()).then().statusCode(400);
        t.fynd().body("[1]").post(t.keysPath()).then().statusCode(400);
        t.fynd().body("{nope").post(t.keysPath()).then().statusCode(400);
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.api_key where company_id = ?",
                t.company));
        // No body at all is a key without a name.
        t.fynd().post(t.keysPath()).then().statusCode(201).body("name", equalTo(""));
    }
}
