package io.openaudience.segments.rest;

import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static io.openaudience.segments.ImportFixtures.count;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** 401, 403, 404 and tenant isolation on the import endpoints and the job resource. */
@QuarkusTest
class ImportAccessTest {

    private static final byte[] CSV = "name,email\nAna,ana@example.com\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void withoutOrWithABadTokenEveryEndpointIs401() {
        String job = "/api/v2/jobs/" + UUID.randomUUID();
        for (String token : new String[]{null, TestTokens.expired(1, "DEE"), TestTokens.signedByStranger(1, "DEE")}) {
            var request = token == null ? given() : given().auth().oauth2(token);
            request.header("initiativeId", "DEE").multiPart("metrics", "a.csv", CSV, "text/csv")
                    .when().post("/api/v2/segments/1/create-users").then().statusCode(401).body("success", equalTo(false));
            request = token == null ? given() : given().auth().oauth2(token);
            request.header("initiativeId", "DEE").multiPart("metrics", "a.csv", CSV, "text/csv")
                    .when().post("/api/v2/idea-manager/create-users").then().statusCode(401);
            request = token == null ? given() : given().auth().oauth2(token);
            request.header("initiativeId", "DEE").when().get(job).then().statusCode(401);
            request = token == null ? given() : given().auth().oauth2(token);
            request.header("initiativeId", "DEE").when().get(job + "/errors").then().statusCode(401);
        }
    }

    @Test
    void initiativeOutsideTheTokenIs403Everywhere() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(sub, "MGMT", "Other initiative");
        String token = TestTokens.shorterLoop(sub, "DEE");
        given().auth().oauth2(token).header("initiativeId", "MGMT").multiPart("metrics", "a.csv", CSV, "text/csv")
                .when().post("/api/v2/segments/" + segment + "/create-users").then().statusCode(403);
        given().auth().oauth2(token).header("initiativeId", "MGMT").multiPart("metrics", "a.csv", CSV, "text/csv")
                .when().post("/api/v2/idea-manager/create-users").then().statusCode(403);
        given().auth().oauth2(token).header("initiativeId", "MGMT")
                .when().get("/api/v2/jobs/" + UUID.randomUUID()).then().statusCode(403);
        given().auth().oauth2(token).header("initiativeId", "MGMT")
                .when().get("/api/v2/jobs/" + UUID.randomUUID() + "/errors").then().statusCode(403);
        assertEquals(0, count("SELECT count(*) FROM segments.import_job WHERE subscription_id = ?", sub));
    }

    @Test
    void unknownOrForeignSegmentIs404AndNothingIsStored() throws Exception {
        long owner = ImportFixtures.freshSubscription();
        long stranger = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(owner, "DEE", "Owned");
        long otherInitiative = ImportFixtures.segment(stranger, "MGMT", "Same subscription, other initiative");
        for (String path : new String[]{"/api/v2/segments/" + segment + "/create-users",
                "/api/v2/segments/" + otherInitiative + "/create-users", "/api/v2/segments/999999999/create-users"}) {
            as(stranger, "DEE").multiPart("metrics", "a.csv", CSV, "text/csv")
                    .when().post(path).then().statusCode(404)
                    .body("success", equalTo(false));
        }
        // Unknown segment wins over a missing file: the resource is checked first.
        as(stranger, "DEE").multiPart("other", "a.csv", CSV, "text/csv")
                .when().post("/api/v2/segments/" + segment + "/create-users").then().statusCode(404);
        assertEquals(0, count("SELECT count(*) FROM segments.import_job WHERE subscription_id = ?", stranger));
        assertEquals(0, count("SELECT count(*) FROM segments.upload WHERE subscription_id = ?", stranger));
    }

    @Test
    void anotherTenantsJobIs404LikeAMissingOne() throws Exception {
        long owner = ImportFixtures.freshSubscription();
        UUID job = ImportFixtures.jobId(as(owner, "DEE").multiPart("metrics", "a.csv", CSV, "text/csv")
                .when().post("/api/v2/idea-manager/create-users").then().statusCode(202).extract().response());
        ImportFixtures.execute("INSERT INTO segments.import_job_error (job_id, row_no, email, name, reason) "
                + "VALUES (?, 2, 'x', 'y', 'invalid email')", job);

        as(owner, "DEE").when().get("/api/v2/jobs/" + job).then().statusCode(200);
        as(owner, "DEE").when().get("/api/v2/jobs/" + job + "/errors").then().statusCode(200);

        long stranger = ImportFixtures.freshSubscription();
        String missing = "/api/v2/jobs/" + UUID.randomUUID();
        for (var request : new io.restassured.specification.RequestSpecification[]{as(stranger, "DEE"),
                given().auth().oauth2(TestTokens.shorterLoop(owner, "DEE", "MGMT")).header("initiativeId", "MGMT")}) {
            String foreign = request.when().get("/api/v2/jobs/" + job).then().statusCode(404)
                    .body("success", equalTo(false)).extract().asString();
            String absent = as(stranger, "DEE").when().get(missing).then().statusCode(404).extract().asString();
            assertEquals(absent, foreign, "a foreign job answers exactly like a missing one");
        }
        as(stranger, "DEE").when().get("/api/v2/jobs/" + job + "/errors").then().statusCode(404)
                .body("success", equalTo(false));
        as(stranger, "DEE").when().get("/api/v2/jobs/not-a-uuid").then().statusCode(404);
        as(stranger, "DEE").when().get("/api/v2/jobs/not-a-uuid/errors").then().statusCode(404);
    }
}
