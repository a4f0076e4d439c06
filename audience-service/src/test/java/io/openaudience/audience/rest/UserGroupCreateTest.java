package io.openaudience.audience.rest;

import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.KafkaRecords;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.count;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.row;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 15: creating a bulk group answers it {@code pending} and queues its {@code group_import} job with its Kafka
 * message in the same transaction; every bad field is a 400 naming it, a taken name a 409 that writes nothing.
 */
@QuarkusTest
class UserGroupCreateTest {

    @Test
    void createAnswersThePendingGroupAndQueuesItsImport() throws Exception {
        String company = freshCompany();
        Response created = as(company)
                .body(Map.of("name", "  VIP buyers ", "description", "Bought twice", "category", "loyalty",
                        "file_url", "https://files.example.com/exports/vip%20buyers.csv?sig=abc",
                        "tags", List.of("vip", " q3 ", "vip")))
                .when().post(prefix(company) + "/user_group")
                .then().statusCode(201)
                .body("_id", matchesPattern("[0-9a-f]{24}"))
                .body("uid", notNullValue())
                .body("name", equalTo("VIP buyers"))
                .body("description", equalTo("Bought twice"))
                .body("file_url", equalTo("https://files.example.com/exports/vip%20buyers.csv?sig=abc"))
                .body("application_id", equalTo(GroupFixtures.APP))
                .body("type", equalTo("bulk"))
                .body("status", equalTo("pending"))
                .body("category", equalTo("loyalty"))
                .body("tags", equalTo(List.of("vip", "q3")))
                .body("total_users.count", equalTo(0))
                .body("created_at", notNullValue())
                .body("modified_at", notNullValue())
                .body("is_active", equalTo(true))
                .extract().response();
        String id = created.path("_id");
        Map<String, Object> body = created.jsonPath().getMap("");
        // Absent optionals are left out, not sent as null.
        assertFalse(body.containsKey("conditions"), body.toString());
        assertFalse(body.containsKey("error"), body.toString());
        assertFalse(created.jsonPath().getMap("total_users").containsKey("refreshed_at"));
        assertTrue(created.header("Location").endsWith(prefix(company) + "/user_group/" + id),
                created.header("Location"));

        Map<String, Object> group = row("SELECT status, last_job_id, category FROM audience.user_group WHERE id = ?",
                id);
        assertEquals("pending", group.get("status"));
        String jobId = (String) group.get("last_job_id");
        Map<String, Object> job = row("SELECT company_id, application_id, type, group_id, file_url, params::text AS "
                + "params, status, created_by FROM audience.job WHERE id = ?", jobId);
        assertEquals(company, job.get("company_id"));
        assertEquals("group_import", job.get("type"));
        assertEquals(id, job.get("group_id"));
        assertEquals("https://files.example.com/exports/vip%20buyers.csv?sig=abc", job.get("file_url"));
        assertEquals("{}", job.get("params"));
        assertEquals("queued", job.get("status"));
        assertEquals("test-user", job.get("created_by"));
        assertEquals(1, count("SELECT count(*) FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.IMPORT_JOBS, jobId));

        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, jobId, Duration.ofSeconds(30));
        assertEquals("{\"service\":\"audience\",\"jobId\":\"" + jobId + "\",\"companyId\":\"" + company
                + "\",\"applicationId\":\"" + GroupFixtures.APP + "\"}", record.value());

        as(company).when().get(prefix(company) + "/user_group/" + id).then().statusCode(200)
                .body("_id", equalTo(id)).body("status", equalTo("pending"));
        long uid = ((Number) created.path("uid")).longValue();
        as(company).when().get(prefix(company) + "/user_group/" + uid).then().statusCode(200)
                .body("_id", equalTo(id));
    }

    @Test
    void theSdkCannotSendACategorySoItDefaultsToCustom() {
        String company = freshCompany();
        as(company).body(Map.of("name", "Plain", "description", "", "file_url", "http://127.0.0.1:9/a.csv"))
                .when().post(prefix(company) + "/user_group")
                .then().statusCode(201)
                .body("category", equalTo("custom"))
                .body("description", equalTo(""))
                .body("tags", hasSize(0));
    }

    @Test
    void aTakenNameIs409AndWritesNothing() throws Exception {
        String company = freshCompany();
        GroupFixtures.createGroup(company, "Newsletter");
        long jobs = count("SELECT count(*) FROM audience.job WHERE company_id = ?", company);
        long outbox = count("SELECT count(*) FROM audience.outbox");
        as(company).body(Map.of("name", "NEWSLETTER", "description", "x", "file_url", "http://127.0.0.1:9/a.csv"))
                .when().post(prefix(company) + "/user_group")
                .then().statusCode(409)
                .body("code", equalTo("conflict"))
                .body("meta.errors.field", hasItem("name"))
                .body("message", containsString("NEWSLETTER"));
        assertEquals(1, count("SELECT count(*) FROM audience.user_group WHERE company_id = ?", company));
        assertEquals(jobs, count("SELECT count(*) FROM audience.job WHERE company_id = ?", company));
        assertEquals(outbox, count("SELECT count(*) FROM audience.outbox"));
        // Another application of the company may use the name.
        io.restassured.RestAssured.given().auth().oauth2(io.openaudience.testsupport.TestTokens.fynd(company))
                .contentType("application/json")
                .body(Map.of("name", "Newsletter", "description", "x", "file_url", "http://127.0.0.1:9/a.csv"))
                .when().post("/service/platform/user/v1.0/company/" + company + "/application/app2/user_group")
                .then().statusCode(201).body("application_id", equalTo("app2"));
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of(without("name"), "name", "is required"),
                Arguments.of(with("name", "   "), "name", "is required"),
                Arguments.of(with("name", "x".repeat(256)), "name", "at most 255"),
                Arguments.of(with("name", "two\nlines"), "name", "line break"),
                Arguments.of(with("name", "nul\u0000"), "name", "control character"),
                Arguments.of(without("description"), "description", "is required"),
                Arguments.of(with("description", "y".repeat(2001)), "description", "at most 2000"),
                Arguments.of(without("file_url"), "file_url", "is required"),
                Arguments.of(with("file_url", "ftp://127.0.0.1/a.csv"), "file_url", "http or https"),
                Arguments.of(with("file_url", "/relative/a.csv"), "file_url", "http or https"),
                Arguments.of(with("file_url", "http:///a.csv"), "file_url", "host"),
                Arguments.of(with("file_url", "http://127.0.0.1/a b.csv"), "file_url", "not a valid URL"),
                Arguments.of(with("file_url", "http://127.0.0.1/" + "a".repeat(2040)), "file_url", "2048"),
                Arguments.of(with("tags", IntStream.range(0, 21).mapToObj(i -> "t" + i).toList()), "tags",
                        "at most 20"),
                Arguments.of(with("tags", List.of("ok", " ")), "tags[1]", "must not be empty"),
                Arguments.of(with("tags", List.of("z".repeat(65))), "tags[0]", "at most 64"),
                Arguments.of(with("tags", "vip"), "tags", "wrong type"),
                Arguments.of(with("category", "Not A Key!"), "category", "category key"),
                Arguments.of(with("type", "conditional"), "conditions", "is required for a conditional group"),
                Arguments.of(with("type", "smart"), "type", "bulk or conditional"),
                Arguments.of(with("conditions", List.of(Map.of("type", "eq"))), "conditions", "conditional"));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void everyBadFieldIs400NamingIt(Map<String, Object> body, String field, String message) throws Exception {
        String company = freshCompany();
        as(company).body(body).when().post(prefix(company) + "/user_group")
                .then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("meta.errors.field", hasItem(field))
                .body("message", containsString(message))
                .body("request_id", notNullValue());
        assertEquals(0, count("SELECT count(*) FROM audience.user_group WHERE company_id = ?", company));
        assertEquals(0, count("SELECT count(*) FROM audience.job WHERE company_id = ?", company));
    }

    @Test
    void aMissingBodyIs400() {
        String company = freshCompany();
        as(company).when().post(prefix(company) + "/user_group").then().statusCode(400)
                .body("code", equalTo("invalid_request"));
        as(company).body("{\"name\": ").when().post(prefix(company) + "/user_group").then().statusCode(400)
                .body("code", equalTo("invalid_request")).body("request_id", notNullValue());
    }

    @Test
    void withoutATokenIs401AndWithAnotherCompanysTokenIs403() {
        String company = freshCompany();
        Map<String, Object> body = valid();
        io.restassured.RestAssured.given().contentType("application/json").body(body)
                .when().post(prefix(company) + "/user_group").then().statusCode(401)
                .body("code", equalTo("unauthorized"));
        as("other" + company).body(body).when().post(prefix(company) + "/user_group").then().statusCode(403)
                .body("code", equalTo("forbidden"));
    }

    private static Map<String, Object> valid() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Group");
        body.put("description", "A group");
        body.put("file_url", "http://127.0.0.1:9/a.csv");
        return body;
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = valid();
        body.put(field, value);
        return Collections.unmodifiableMap(body);
    }

    private static Map<String, Object> without(String field) {
        Map<String, Object> body = valid();
        body.remove(field);
        return Collections.unmodifiableMap(body);
    }
}
