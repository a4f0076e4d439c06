package io.openaudience.audience;

import io.openaudience.testsupport.InfraTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;

/** Readiness reflects the real PostgreSQL the service migrated at start; the API docs are served. */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class HealthTest {

    @Test
    void readyWithDatabase() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void openApiDocumentsTheFyndPath() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths", hasKey(
                        "/service/platform/user/v1.0/company/{company_id}/application/{application_id}"
                                + "/user_attribute/definition"));
    }
}
