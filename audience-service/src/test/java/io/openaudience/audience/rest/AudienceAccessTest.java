package io.openaudience.audience.rest;

import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Method;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every endpoint of this package: 401 without a token, 403 for another company or application, documented. */
@QuarkusTest
class AudienceAccessTest {

    private static final String ID = "65f1a2b3c4d5e6f708192a3b";

    /** Method, path under the prefix, body, the path as the OpenAPI document names it. */
    private static final List<List<String>> ENDPOINTS = List.of(
            List.of("GET", "/user_attribute/definition", "", "/user_attribute/definition"),
            List.of("POST", "/user_attribute/definition", "{}", "/user_attribute/definition"),
            List.of("GET", "/user_attribute/definition/" + ID, "", "/user_attribute/definition/{definition_id}"),
            List.of("PUT", "/user_attribute/definition/" + ID, "{}", "/user_attribute/definition/{definition_id}"),
            List.of("DELETE", "/user_attribute/definition/" + ID, "", "/user_attribute/definition/{definition_id}"),
            List.of("GET", "/user_attribute/user/u", "", "/user_attribute/user/{user_id}"),
            List.of("POST", "/user_attribute/user/u", "{}", "/user_attribute/user/{user_id}"),
            List.of("DELETE", "/user_attribute/user/u", "{}", "/user_attribute/user/{user_id}"),
            List.of("GET", "/user_attribute/definition/" + ID + "/user/u", "",
                    "/user_attribute/definition/{definition_id}/user/{user_id}"),
            List.of("PUT", "/user_attribute/definition/" + ID + "/user/u", "{}",
                    "/user_attribute/definition/{definition_id}/user/{user_id}"),
            List.of("DELETE", "/user_attribute/definition/" + ID + "/user/u", "",
                    "/user_attribute/definition/{definition_id}/user/{user_id}"),
            List.of("GET", "/user_attribute/attribute/" + ID, "", "/user_attribute/attribute/{attribute_id}"),
            List.of("PUT", "/users/u", "{}", "/users/{user_id}"),
            List.of("GET", "/users/u", "", "/users/{user_id}"),
            List.of("POST", "/events", "{}", "/events"));

    @Test
    void withoutATokenEveryEndpointIs401InTheFyndEnvelope() {
        for (List<String> e : ENDPOINTS) {
            var request = given().contentType(ContentType.JSON);
            if (!e.get(2).isEmpty()) {
                request.body(e.get(2));
            }
            request.when().request(Method.valueOf(e.get(0)), "/service/platform/user/v1.0/company/1/application/app1"
                            + e.get(1))
                    .then().statusCode(401)
                    .body("code", equalTo("unauthorized"))
                    .body("request_id", notNullValue());
        }
    }

    @Test
    void anotherCompanyOrAnApplicationNotInTheTokenIs403() throws Exception {
        for (String token : List.of(TestTokens.fynd("2"), TestTokens.fynd("1", "app2"))) {
            for (List<String> e : ENDPOINTS) {
                var request = given().auth().oauth2(token).contentType(ContentType.JSON);
                if (!e.get(2).isEmpty()) {
                    request.body(e.get(2));
                }
                request.when().request(Method.valueOf(e.get(0)),
                                "/service/platform/user/v1.0/company/1/application/app1" + e.get(1))
                        .then().statusCode(403)
                        .body("code", equalTo("forbidden"));
            }
        }
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = '1' "
                + "and user_id = 'u'"));
    }

    @Test
    void everyOperationIsInTheOpenApiDocument() {
        var doc = given().when().get("/q/openapi?format=json").then().statusCode(200);
        String base = "/service/platform/user/v1.0/company/{company_id}/application/{application_id}";
        for (List<String> e : ENDPOINTS) {
            String path = base + e.get(3);
            doc.body("paths", hasKey(path));
            doc.body("paths.'" + path + "'." + e.get(0).toLowerCase() + ".summary", notNullValue());
            doc.body("paths.'" + path + "'." + e.get(0).toLowerCase() + ".responses", hasKey("401"));
            doc.body("paths.'" + path + "'.parameters.name", hasItems("company_id", "application_id"));
        }
    }

    @Test
    void theSdkHeadersAreIgnored() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().header("x-fp-date", "20261201T100000Z").header("x-fp-signature", "v1.1:abc")
                .header("x-fp-sdk-version", "3.4.2")
                .when().get(PREFIX + "/user_attribute/definition").then().statusCode(200);
    }
}
