package io.openaudience.notification;

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

/** Readiness reflects the real PostgreSQL and the Kafka consumer of email-requests; the API is documented. */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class HealthTest {

    @Test
    void readyWithDatabaseAndKafka() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void openApiDocumentsTheNotificationPaths() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths", hasKey("/api/v2/notifications/{id}"))
                .body("paths", hasKey("/api/v2/notifications/{id}/recipients"))
                .body("paths", hasKey("/api/v2/notifications/unsubscribe"));
    }
}
