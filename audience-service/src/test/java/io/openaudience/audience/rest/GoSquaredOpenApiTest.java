package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/** Every GoSquared operation is in the OpenAPI document, with its credentials declared (not on the signed download). */
@QuarkusTest
class GoSquaredOpenApiTest {

    @Test
    void theGoSquaredOperationsAreDocumented() {
        var doc = given().get("/q/openapi?format=json").then().statusCode(200);
        String keys = "/service/platform/user/v1.0/company/{company_id}/application/{application_id}/api_keys";
        for (List<String> op : List.of(List.of("/people/v1/smartgroups", "get"), List.of("/people/v1/smartgroups",
                        "post"), List.of("/people/v1/smartgroups/{groupID}", "get"),
                List.of("/people/v1/smartgroups/{groupID}", "put"), List.of("/people/v1/smartgroups/{groupID}/people",
                        "get"), List.of("/people/v1/smartgroups/{groupID}/feed", "get"),
                List.of("/people/v1/people", "get"), List.of("/tracking/v1/identify", "post"),
                List.of("/tracking/v1/properties", "post"), List.of("/tracking/v1/event", "post"))) {
            doc.body("paths.'" + op.get(0) + "'." + op.get(1) + ".summary", notNullValue())
                    .body("paths.'" + op.get(0) + "'." + op.get(1) + ".parameters.name",
                            hasItems("api_key", "site_token"));
        }
        doc.body("paths.'/people/v1/smartgroups/{groupID}/feed/download'.get.parameters.name",
                        not(hasItems("api_key")))
                .body("paths.'" + keys + "'", hasKey("post"))
                .body("paths.'" + keys + "'", hasKey("get"))
                .body("paths.'" + keys + "/{id}'", hasKey("delete"))
                .body("paths.'/tracking/v1/{call}'.get.parameters.find { it.name == 'call' }.in", equalTo("path"))
                .body("paths.'/tracking/v1/{call}'.get.parameters.find { it.name == 'call' }.schema.enum",
                        hasItems("identify", "properties", "event"));
    }
}
