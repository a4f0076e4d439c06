package io.openaudience.audience.rest;

import io.openaudience.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * A fresh GoSquared tenant per test: a company of its own, an API key issued through the Fynd endpoint, and requests
 * authenticated with it as the {@code gosquared} npm client sends them ({@code ?api_key&site_token}, JSON).
 */
final class GoSquaredFixtures {

    static final String APP = "app1";

    final String company = "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String application;
    final String keyId;
    final String apiKey;
    final String siteToken;

    GoSquaredFixtures() {
        this(APP);
    }

    GoSquaredFixtures(String application) {
        this.application = application;
        var issued = fynd().body("{\"name\":\"test key\"}").post(keysPath()).then().statusCode(201).extract();
        keyId = issued.path("id");
        apiKey = issued.path("api_key");
        siteToken = issued.path("site_token");
    }

    /** The Fynd prefix of this tenant's key endpoints. */
    String keysPath() {
        return "/service/platform/user/v1.0/company/" + company + "/application/" + application + "/api_keys";
    }

    /** A JSON request with this tenant's Fynd token (company + application). */
    RequestSpecification fynd() {
        return given().log().ifValidationFails().auth().oauth2(TestTokens.fynd(company, application))
                .contentType(ContentType.JSON);
    }

    /** A JSON request with this tenant's API key and site token. */
    RequestSpecification gs() {
        return given().log().ifValidationFails().contentType(ContentType.JSON).queryParam("api_key", apiKey)
                .queryParam("site_token", siteToken);
    }

    /** {@code identify} as the npm client sends it: the person id also inside the properties. */
    void identify(String personId, String propertiesJson) {
        gs().body("{\"properties\":" + propertiesJson + ",\"person_id\":\"" + personId + "\"}")
                .post("/tracking/v1/identify").then().statusCode(200);
    }

    /** {@code trackEvent(name, data)} with an explicit {@code timestamp} in the tracking data. */
    void event(String personId, String name, String dataJson, String timestamp) {
        gs().body("{\"person_id\":\"" + personId + "\"" + (timestamp == null ? "" : ",\"timestamp\":\"" + timestamp
                        + "\"") + ",\"event\":{\"name\":\"" + name + "\",\"data\":" + dataJson + "}}")
                .post("/tracking/v1/event").then().statusCode(200);
    }

    /** Creates a smart group and returns its id. */
    String group(String name, String filtersJson) {
        return gs().body("{\"name\":\"" + name + "\",\"filters\":" + filtersJson + "}").post("/people/v1/smartgroups")
                .then().statusCode(201).extract().path("id");
    }

    static Map<String, Object> unauthorized() {
        return Map.of("success", false, "error", Map.of("code", "unauthorized",
                "message", "Your API Key is not authorised for this endpoint"));
    }
}
