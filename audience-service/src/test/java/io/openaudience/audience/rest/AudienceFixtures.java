package io.openaudience.audience.rest;

import io.openaudience.testsupport.Db;
import io.openaudience.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** A fresh tenant per test, requests authenticated for it, and rows read back with plain JDBC. */
final class AudienceFixtures {

    static final String PREFIX = "/service/platform/user/v1.0/company/{company}/application/{application}";
    static final String DEFINITIONS = PREFIX + "/user_attribute/definition";

    final String company = "c" + UUID.randomUUID().toString().substring(0, 8);
    final String application = "app1";

    /** A request with this tenant's token, JSON body type and the tenant path parameters. */
    RequestSpecification as() {
        return given().auth().oauth2(TestTokens.fynd(company, application)).contentType(ContentType.JSON)
                .pathParam("company", company).pathParam("application", application);
    }

    /** A request of another company (its own token) to the same kind of path. */
    static RequestSpecification asOther(String company, String application) {
        return given().auth().oauth2(TestTokens.fynd(company, application)).contentType(ContentType.JSON)
                .pathParam("company", company).pathParam("application", application);
    }

    /** Creates a definition through the API and returns its id. */
    String definition(String slug, String type, String extraJson) {
        String body = "{\"name\":\"" + slug + " name\",\"slug\":\"" + slug + "\",\"description\":\"d\",\"type\":\""
                + type + "\"" + (extraJson == null ? "" : "," + extraJson) + "}";
        return as().body(body).when().post(DEFINITIONS).then().statusCode(201).extract().path("_id");
    }

    static List<Map<String, Object>> rows(String sql, Object... args) throws Exception {
        return Db.rows(sql, args);
    }

    static long count(String sql, Object... args) throws Exception {
        return Db.count(sql, args);
    }

    static void execute(String sql, Object... args) throws Exception {
        Db.execute(sql, args);
    }
}
