package io.openaudience.segments.rest;

import io.openaudience.common.security.VerifiedTokens;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Authentication and the initiative check of `/api/v2`, with the Shorter Loop error envelope. */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class TenancyTest {

    @Inject
    JWTParser parser;

    @Test
    void noTokenIs401WithEnvelope() {
        given().header("initiativeId", "DEE")
                .when().get("/api/v2/segments")
                .then().statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("success", equalTo(false))
                .body("message", notNullValue());
    }

    @Test
    void expiredForeignUnsignedAndOtherAudienceTokensAre401() {
        for (String token : new String[]{TestTokens.expired(1, "DEE"), TestTokens.signedByStranger(1, "DEE"),
                TestTokens.algNone(1, "DEE"), TestTokens.otherAudience(1, "DEE"), "not-a-jwt"}) {
            given().auth().oauth2(token).header("initiativeId", "DEE")
                    .when().get("/api/v2/segments")
                    .then().statusCode(401).body("success", equalTo(false));
        }
    }

    /** A verified token is remembered (VerifiedTokens); the same token with another signature is not it. */
    @Test
    void aTokenWithAChangedSignatureIs401AfterTheTokenWasAccepted() {
        String token = TestTokens.shorterLoop(1, "DEE");
        int lastDot = token.lastIndexOf('.');
        String signature = token.substring(lastDot + 1);
        String changed = token.substring(0, lastDot + 1) + (signature.charAt(0) == 'A' ? 'B' : 'A')
                + signature.substring(1);
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).header("initiativeId", "DEE")
                    .when().get("/api/v2/segments")
                    .then().statusCode(200);
        }
        given().auth().oauth2(changed).header("initiativeId", "DEE")
                .when().get("/api/v2/segments")
                .then().statusCode(401).body("success", equalTo(false));
        assertInstanceOf(VerifiedTokens.class, ClientProxy.unwrap(parser));
    }

    @Test
    void missingInitiativeHeaderIs400NamingIt() {
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE"))
                .when().get("/api/v2/segments")
                .then().statusCode(400)
                .body("success", equalTo(false))
                .body("errors.field", hasItem("initiativeId"));
    }

    @Test
    void initiativeOutsideTheTokenIs403() {
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE"))
                .header("initiativeId", "MGMT")
                .when().get("/api/v2/segments")
                .then().statusCode(403).body("success", equalTo(false));
    }

    @Test
    void validTokenAndInitiativeIs200() {
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE", "MGMT"))
                .header("initiativeId", "MGMT")
                .when().get("/api/v2/segments")
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("data", notNullValue());
    }

    @Test
    void unknownPathIs404WithEnvelope() {
        given().auth().oauth2(TestTokens.shorterLoop(1, "DEE")).header("initiativeId", "DEE")
                .when().get("/api/v2/no-such-thing")
                .then().statusCode(404);
    }
}
