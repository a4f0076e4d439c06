package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.execute;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our responses checked against the Joi models of the Fynd JavaScript SDK ({@code @gofynd/fdk-client-javascript}
 * 3.4.2, the checks its {@code strictResponseCheck} runs) with Node. Skipped where Node or the unpacked SDK is
 * missing ({@code deploy/local/checks} after its {@code npm ci}, {@code /tmp/sdk}, or {@code FYND_SDK_USER_MODEL}).
 */
@QuarkusTest
class FyndSdkShapesTest {

    private static final String MODEL = "node_modules/@gofynd/fdk-client-javascript/sdk/platform/User/"
            + "UserPlatformModel.js";
    /** Where the SDK may be unpacked: deploy/local/checks (after its npm ci), or /tmp/sdk. */
    private static final List<String> CANDIDATES = List.of("../deploy/local/checks/" + MODEL, "/tmp/sdk/" + MODEL);
    private static final String CHECK = """
            const M = require(process.argv[2]);
            let input = '';
            process.stdin.on('data', d => input += d);
            process.stdin.on('end', () => {
              const { schema, body } = JSON.parse(input);
              const { error } = M[schema]().validate(body, { abortEarly: false, allowUnknown: true });
              console.log(error ? error.message : 'ok');
            });
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path script;
    private static String model;

    @BeforeAll
    static void sdk() throws IOException {
        String env = System.getenv("FYND_SDK_USER_MODEL");
        model = env != null && !env.isBlank() ? env
                : CANDIDATES.stream().filter(c -> Files.exists(Path.of(c))).findFirst().orElse(null);
        assumeTrue(model != null && Files.exists(Path.of(model)), "the Fynd SDK is not unpacked at " + CANDIDATES);
        model = Path.of(model).toAbsolutePath().toString();
        assumeTrue(nodeAvailable(), "node is not installed");
        script = Files.createTempFile("joi-check", ".js");
        Files.writeString(script, CHECK);
    }

    @Test
    void groupsAndJobsSatisfyTheSdkResponseModels() throws Exception {
        String company = freshCompany();
        Map<String, Object> created = as(company).body(Map.of("name", "SDK", "description", "checked",
                        "file_url", "https://127.0.0.1/sdk.csv", "tags", List.of("a")))
                .when().post(prefix(company) + "/user_group").then().statusCode(201).extract().jsonPath().getMap("");
        assertValid("UserGroupResponseSchema", created);
        String id = (String) created.get("_id");
        String jobId = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id).get("last_job_id");
        execute("INSERT INTO audience.job_error (job_id, row_no, reason) VALUES (?, 2, 'no identifier')", jobId);
        execute("UPDATE audience.job SET status = 'completed_with_errors', total = 2, processed = 2, succeeded = 1, "
                + "failed = 1, started_at = now(), finished_at = now() WHERE id = ?", jobId);
        execute("UPDATE audience.user_group SET status = 'completed', error_count = 1, total_users = 1, "
                + "total_users_refreshed_at = now() WHERE id = ?", id);

        assertValid("UserGroupResponseSchema", as(company).when().get(prefix(company) + "/user_group/" + id)
                .then().statusCode(200).extract().jsonPath().getMap(""));
        assertValid("UserGroupResponseSchema", as(company).body(Map.of("description", "patched"))
                .when().patch(prefix(company) + "/user_group/" + id).then().statusCode(200)
                .extract().jsonPath().getMap(""));
        assertValid("UserGroupListResponseSchema", as(company).when().get(prefix(company) + "/user_group")
                .then().statusCode(200).extract().jsonPath().getMap(""));
        assertValid("BulkActionModel", as(company).when().get(prefix(company) + "/users/jobs/" + jobId)
                .then().statusCode(200).extract().jsonPath().getMap(""));
        String refreshJob = as(company).when().post(prefix(company) + "/user_group/" + id + "/refresh").then()
                .statusCode(202).extract().path("job_id");
        assertValid("BulkActionModel", as(company).when().get(prefix(company) + "/users/jobs/" + refreshJob)
                .then().statusCode(200).extract().jsonPath().getMap(""));
        // The check is real: a value of the wrong type fails it.
        assertEquals("\"error\" must be of type object", check("UserGroupResponseSchema",
                Map.of("_id", id, "error", "none")));
    }

    @Test
    void conditionalGroupsAndFilteredUsersSatisfyTheSdkResponseModels() throws Exception {
        String company = freshCompany();
        String age = GroupFixtures.definition(company, "age", "number", null);
        String tags = GroupFixtures.definition(company, "tags", "string_array", null);
        String secret = GroupFixtures.definition(company, "secret", "string", "\"encrypted\":true");
        Map<String, Object> created = as(company).body(Map.of("name", "SDK conditional", "description", "",
                        "type", "conditional", "conditions_type", "or", "conditions", List.of(
                                Map.of("user_attribute_definition_id", age, "type", "btw", "value", List.of(1, 9)),
                                Map.of("definition_id", tags, "type", "in", "value", List.of("a,b", "c")),
                                Map.of("definition_id", tags, "type", "nis"),
                                Map.of("definition_id", age, "type", "gt", "value", 2.5))))
                .when().post(prefix(company) + "/user_group").then().statusCode(201).extract().jsonPath().getMap("");
        assertValid("UserGroupResponseSchema", created);
        assertValid("UserGroupListResponseSchema", as(company).queryParam("type", "conditional").when()
                .get(prefix(company) + "/user_group").then().statusCode(200).extract().jsonPath().getMap(""));

        long pk = GroupFixtures.person(company, "u1", "u1@example.com", "919876543210");
        GroupFixtures.value(company, age, pk, "5");
        GroupFixtures.value(company, tags, pk, "[\"a\"]");
        GroupFixtures.value(company, secret, pk, "\"s\"");
        execute("UPDATE audience.user_attribute SET value = NULL, ciphertext = 'x'::bytea, key_id = 'dev1' "
                + "WHERE definition_id = ?", secret);
        Map<String, Object> filtered = as(company).body(Map.of("query", Map.of("type", "and", "limit", 10, "page", 1,
                        "conditions", List.of(Map.of("definition_id", age, "type", "lte", "value", "5")),
                        "definition_ids", List.of(age, tags, secret))))
                .when().post(prefix(company) + "/user_attribute/users").then().statusCode(200)
                .extract().jsonPath().getMap("");
        assertEquals(1, ((List<?>) filtered.get("items")).size(), filtered.toString());
        assertValid("UserAttributeFiltered", filtered);
        // The check is real: a number where that model wants a string (country_code) fails it.
        assertEquals("\"items[0].phone_numbers[0].country_code\" must be a string", check("UserAttributeFiltered",
                Map.of("items", List.of(Map.of("phone_numbers", List.of(Map.of("country_code", 91)))))));
    }

    private static void assertValid(String schema, Object body) throws Exception {
        assertEquals("ok", check(schema, body), schema + ": " + JSON.writeValueAsString(body));
    }

    private static String check(String schema, Object body) throws Exception {
        Process node = new ProcessBuilder("node", script.toString(), model).redirectErrorStream(true).start();
        node.getOutputStream().write(JSON.writeValueAsBytes(Map.of("schema", schema, "body", body)));
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            throw new AssertionError("node did not finish");
        }
        return out;
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
