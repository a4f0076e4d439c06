package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

/** Every operation of the user group, job and bulk update resources is in the OpenAPI document with a summary. */
@QuarkusTest
class GroupOpenApiTest {

    private static final String PREFIX =
            "/service/platform/user/v1.0/company/{company_id}/application/{application_id}";

    @Test
    void everyOperationIsDocumented() {
        Map<String, String[]> operations = Map.of(
                "/user_group", new String[]{"get", "post"},
                "/user_group/tags", new String[]{"get"},
                "/user_group/categories", new String[]{"get"},
                "/user_group/categorised", new String[]{"get"},
                "/user_group/{group_id}", new String[]{"get", "patch", "put", "delete"},
                "/user_group/{group_id}/users", new String[]{"get"},
                "/user_group/{group_id}/refresh", new String[]{"post"},
                "/users/jobs/{job_id}", new String[]{"get"},
                "/users/jobs/{job_id}/errors", new String[]{"get"},
                "/user_attribute/bulk_update", new String[]{"patch"});
        var document = given().when().get("/q/openapi?format=json").then().statusCode(200);
        operations.forEach((path, methods) -> {
            document.body("paths", hasKey(PREFIX + path));
            for (String method : methods) {
                document.body("paths.'" + PREFIX + path + "'." + method + ".summary.length() > 0", equalTo(true));
            }
        });
    }
}
