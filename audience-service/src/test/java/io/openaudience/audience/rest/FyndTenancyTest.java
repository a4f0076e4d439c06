package io.openaudience.audience.rest;

import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Authentication, the company/application check and the Fynd envelopes on the attribute definition list. */
@QuarkusTest
class FyndTenancyTest {

    private static final String DEFINITIONS =
            "/service/platform/user/v1.0/company/{company}/application/{application}/user_attribute/definition";

    @Test
    void noTokenIs401WithFyndEnvelope() {
        given().when().get(DEFINITIONS, "1", "app1")
                .then().statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("unauthorized"))
                .body("message", notNullValue())
                .body("request_id", notNullValue())
                .body("success", nullValue());
    }

    @Test
    void expiredTokenIs401WithFyndEnvelope() {
        String expired = Jwt.issuer(TestTokens.ISSUER).subject("u").upn("u")
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .claim("company_id", "1").sign();
        given().auth().oauth2(expired)
                .when().get(DEFINITIONS, "1", "app1")
                .then().statusCode(401)
                .body("code", equalTo("unauthorized"))
                .body("request_id", notNullValue());
    }

    @Test
    void otherCompanyIs403() {
        given().auth().oauth2(TestTokens.fynd("2"))
                .when().get(DEFINITIONS, "1", "app1")
                .then().statusCode(403)
                .body("code", equalTo("forbidden"))
                .body("message", containsString("1"))
                .body("request_id", notNullValue());
    }

    @Test
    void applicationNotListedInTheTokenIs403() {
        given().auth().oauth2(TestTokens.fynd("1", "app2", "app3"))
                .when().get(DEFINITIONS, "1", "app1")
                .then().statusCode(403)
                .body("code", equalTo("forbidden"))
                .body("request_id", notNullValue());
    }

    @Test
    void listsTheTenantsDefinitionsInFyndPageShape() throws Exception {
        String company = "c" + UUID.randomUUID().toString().substring(0, 8);
        insertDefinition(company, "app1", "Loyalty tier", "loyalty_tier");
        insertDefinition(company, "app1", "Birthday", "birthday");
        insertDefinition(company, "app2", "Other application", "other");
        insertDefinition(company + "x", "app1", "Other company", "other");

        given().auth().oauth2(TestTokens.fynd(company, "app1"))
                .when().get(DEFINITIONS, company, "app1")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.slug", containsInAnyOrder("loyalty_tier", "birthday"))
                .body("items.name", not(hasItem("Other application")))
                .body("items[0]._id", notNullValue())
                .body("page.type", equalTo("number"))
                .body("page.current", equalTo(1))
                .body("page.size", equalTo(10))
                .body("page.item_total", equalTo(2))
                .body("page.has_next", equalTo(false))
                .body("page.has_previous", equalTo(false));

        // A token without an `applications` claim may use any application of its company.
        given().auth().oauth2(TestTokens.fynd(company))
                .queryParam("page_size", 1).queryParam("page_no", 2)
                .when().get(DEFINITIONS, company, "app1")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("page.current", equalTo(2))
                .body("page.size", equalTo(1))
                .body("page.item_total", equalTo(2))
                .body("page.has_next", equalTo(false))
                .body("page.has_previous", equalTo(true));
    }

    @Test
    void oversizedPageIs400NamingTheQueryParameter() {
        given().auth().oauth2(TestTokens.fynd("1", "app1"))
                .queryParam("page_size", 1000)
                .when().get(DEFINITIONS, "1", "app1")
                .then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("message", containsString("page_size"))
                .body("meta.errors.field", hasItem("page_size"))
                .body("request_id", notNullValue());
    }

    @Test
    void unknownPathUnderTheFyndPrefixIs404WithFyndEnvelope() {
        given().auth().oauth2(TestTokens.fynd("1", "app1"))
                .when().get("/service/platform/user/v1.0/company/1/application/app1/no_such_resource")
                .then().statusCode(404)
                .body("code", equalTo("not_found"))
                .body("message", notNullValue())
                .body("request_id", notNullValue());
    }

    private static void insertDefinition(String company, String application, String name, String slug)
            throws Exception {
        try (Connection db = Infra.connect(); PreparedStatement insert = db.prepareStatement(
                "insert into audience.attribute_definition (id, company_id, application_id, name, slug, description,"
                        + " type) values (?, ?, ?, ?, ?, ?, 'string')")) {
            insert.setString(1, UUID.randomUUID().toString().replace("-", "").substring(0, 24));
            insert.setString(2, company);
            insert.setString(3, application);
            insert.setString(4, name);
            insert.setString(5, slug);
            insert.setString(6, name + " of the user");
            insert.executeUpdate();
        }
    }
}
