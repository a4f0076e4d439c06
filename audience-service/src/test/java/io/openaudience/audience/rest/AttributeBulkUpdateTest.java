package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.KafkaRecords;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.count;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.row;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 6: the bulk update intake resolves every key (slug or {@code _id}) and checks every value with the attribute
 * rules, then answers 202 and queues the {@code attribute_bulk_update} job with normalized values and its message.
 */
@QuarkusTest
class AttributeBulkUpdateTest {

    /** The DEV-ONLY key ring of the test profile (application.properties). */
    private static final String DEV_KEYS = "dev1:udNXOHpi6NWK22+jnevnb9n5h1ZCTftFe8YfAHEc7/c=";

    @Test
    void acceptedUpdateQueuesTheJobWithNormalizedValues() throws Exception {
        String company = freshCompany();
        String score = definition(company, "score", "number", "[{\"type\":\"min\",\"value\":0},"
                + "{\"type\":\"max\",\"value\":100}]");
        String vip = definition(company, "vip", "boolean", "[]");
        String since = definition(company, "member_since", "date", "[]");
        String labels = definition(company, "labels", "string_array", "[{\"type\":\"max_length\",\"value\":5}]");
        String pin = definition(company, "pin", "encrypted_string", "[]");

        Response accepted = as(company).body(Map.of("file_url", "https://127.0.0.1/people.csv", "attributes", List.of(
                        Map.of("key", "score", "value", "42.50"),
                        Map.of("key", vip, "value", "TRUE"),
                        Map.of("key", "member_since", "value", "2024-05-01"),
                        Map.of("key", " labels ", "value", List.of("a", "bc")),
                        Map.of("key", "pin", "value", "1234"))))
                .when().patch(prefix(company) + "/user_attribute/bulk_update")
                .then().statusCode(202)
                .body("success", equalTo(true))
                .body("message", equalTo("Bulk update of user attributes queued"))
                .body("processing_type", equalTo("async"))
                .body("status_code", equalTo(202))
                .body("job_id", matchesPattern("[0-9a-f]{24}"))
                .extract().response();
        String jobId = accepted.path("job_id");
        assertTrue(accepted.header("Location").endsWith(prefix(company) + "/users/jobs/" + jobId));

        Map<String, Object> job = row("SELECT company_id, application_id, type, group_id, file_url, "
                + "params::text AS params, status FROM audience.job WHERE id = ?", jobId);
        assertEquals("attribute_bulk_update", job.get("type"));
        assertEquals(null, job.get("group_id"));
        assertEquals("https://127.0.0.1/people.csv", job.get("file_url"));
        assertEquals("queued", job.get("status"));
        String sealed = new ObjectMapper().readTree((String) job.get("params")).path("attributes").get(4)
                .path("sealed_value").asText();
        assertFalse(((String) job.get("params")).contains("1234"), "the plaintext of the encrypted value");
        assertEquals("{\"attributes\": [{\"value\": 42.5, \"definition_id\": \"" + score + "\"}, "
                + "{\"value\": true, \"definition_id\": \"" + vip + "\"}, "
                + "{\"value\": \"2024-05-01T00:00:00.000Z\", \"definition_id\": \"" + since + "\"}, "
                + "{\"value\": [\"a\", \"bc\"], \"definition_id\": \"" + labels + "\"}, "
                + "{\"sealed_value\": \"" + sealed + "\", \"definition_id\": \"" + pin + "\"}]}",
                job.get("params"));
        assertEquals("\"1234\"", AttributeCipher.of(DEV_KEYS, "dev1").openText(sealed, company, "app1", pin),
                "an encrypted definition's value is stored sealed, never in clear");
        assertEquals(1, count("SELECT count(*) FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.IMPORT_JOBS, jobId));
        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, jobId,
                Duration.ofSeconds(30));
        assertTrue(record.value().contains("\"service\":\"audience\""), record.value());

        as(company).when().get(prefix(company) + "/users/jobs/" + jobId).then().statusCode(200)
                .body("type", equalTo("attribute_bulk_update"))
                .body("file_name", equalTo("people.csv"));
    }

    @Test
    void badKeysAndValuesAre400NamingEachAndQueueNothing() throws Exception {
        String company = freshCompany();
        String score = definition(company, "score", "number", "[{\"type\":\"max\",\"value\":100}]");
        definition(company, "code", "string", "[{\"type\":\"regex\",\"value\":\"[A-Z]{3}\"}]");
        definition(company, "nums", "number_array", "[]");
        definition(company, "note", "string", "[]");
        definition(freshCompany(), "elsewhere", "string", "[]");
        Map<String, Object> missingValue = new HashMap<>();
        missingValue.put("key", "note");
        missingValue.put("value", null);
        List<Object> attributes = List.of(
                Map.of("key", "unknown", "value", 1),
                Map.of("key", "score", "value", 101),
                Map.of("key", "code", "value", "abc"),
                Map.of("key", "nums", "value", List.of(1, "x", 3)),
                Map.of("key", score, "value", 5),
                missingValue,
                Map.of("key", "elsewhere", "value", "x"),
                Map.of("value", 1));
        as(company).body(Map.of("file_url", "https://127.0.0.1/people.csv", "attributes", attributes))
                .when().patch(prefix(company) + "/user_attribute/bulk_update")
                .then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("meta.errors.field", hasItems("attributes[7].key"))
                .body("meta.errors", hasSize(1));
        attributes = attributes.subList(0, 7);
        as(company).body(Map.of("file_url", "https://127.0.0.1/people.csv", "attributes", attributes))
                .when().patch(prefix(company) + "/user_attribute/bulk_update")
                .then().statusCode(400)
                .body("meta.errors.field", hasItems("attributes[0].key", "attributes[1].value",
                        "attributes[2].value", "attributes[3].value[1]", "attributes[4].key",
                        "attributes[5].value", "attributes[6].key"))
                .body("meta.errors", hasSize(7))
                .body("message", containsString("attributes[1].value: must be at most 100"))
                .body("message", containsString("attributes[4].key: names the same definition as attributes[1]"));
        as(company).body(Map.of("attributes", List.of(Map.of("key", "score", "value", 1))))
                .when().patch(prefix(company) + "/user_attribute/bulk_update")
                .then().statusCode(400).body("meta.errors.field", hasItem("file_url"));
        as(company).body(Map.of("file_url", "gopher://127.0.0.1/x", "attributes", List.of()))
                .when().patch(prefix(company) + "/user_attribute/bulk_update")
                .then().statusCode(400).body("meta.errors.field", hasItems("file_url", "attributes"));
        assertEquals(0, count("SELECT count(*) FROM audience.job WHERE company_id = ?", company));

        RestAssured.given().contentType("application/json").body(Map.of("file_url", "https://127.0.0.1/a.csv"))
                .when().patch(prefix(company) + "/user_attribute/bulk_update").then().statusCode(401);
        as(freshCompany()).body(Map.of("file_url", "https://127.0.0.1/a.csv"))
                .when().patch(prefix(company) + "/user_attribute/bulk_update").then().statusCode(403);
    }

    /** Inserts a definition as the attribute package stores them; returns its id. */
    static String definition(String company, String slug, String type, String validations) throws Exception {
        String id = io.openaudience.common.audience.ObjectIds.next();
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audience.attribute_definition (id, company_id, application_id, name, slug, description, "
                        + "type, validations, encrypted) VALUES (?, ?, ?, ?, ?, '', ?, ?::jsonb, ?)")) {
            ps.setString(1, id);
            ps.setString(2, company);
            ps.setString(3, GroupFixtures.APP);
            ps.setString(4, slug);
            ps.setString(5, slug);
            ps.setString(6, type);
            ps.setString(7, validations);
            ps.setBoolean(8, type.startsWith("encrypted_"));
            ps.executeUpdate();
        }
        return id;
    }
}
