package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.execute;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.row;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 21: a job with API.md's Job fields and the Fynd SDK's BulkActionModel fields, progress and errors as the worker
 * writes them (seeded over JDBC here), and its streamed CSV error report with every cell defused.
 */
@QuarkusTest
class AudienceJobResourceTest {

    @Test
    void aQueuedImportAndTheSameJobWithProgressAndErrors() throws Exception {
        String company = freshCompany();
        String group = GroupFixtures.createGroup(company, "Imported");
        String jobId = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", group)
                .get("last_job_id");
        String job = prefix(company) + "/users/jobs/" + jobId;

        Response queued = as(company).when().get(job).then().statusCode(200)
                .body("_id", equalTo(jobId))
                .body("jobId", equalTo(jobId))
                .body("type", equalTo("group_import"))
                .body("status", equalTo("queued"))
                .body("processed", equalTo(0))
                .body("succeeded", equalTo(0))
                .body("failed", equalTo(0))
                .body("groupId", equalTo(group))
                .body("errors", hasSize(0))
                .body("errorReportUrl", equalTo(prefix(company) + "/users/jobs/" + jobId + "/errors"))
                .body("createdAt", notNullValue())
                .body("file_name", equalTo("Imported.csv"))
                .body("file_format", equalTo("csv"))
                .body("action_type", equalTo("group_import"))
                .body("created_by.name", equalTo("test-user"))
                .body("created_by.user_id", equalTo("test-user"))
                .body("count.success", equalTo(0))
                .body("count.error", equalTo(0))
                .body("links.file.absolute_url", equalTo("http://127.0.0.1:1/Imported.csv"))
                .body("links.file.relative_url", equalTo("/Imported.csv"))
                .body("links.error.relative_url", equalTo(prefix(company) + "/users/jobs/" + jobId + "/errors"))
                .body("links.error.absolute_url", startsWith("http://"))
                .body("links.error.absolute_url", endsWith(prefix(company) + "/users/jobs/" + jobId + "/errors"))
                .body("application_id", equalTo(GroupFixtures.APP))
                .body("company_id", equalTo(company))
                .body("created_at", notNullValue())
                .body("updated_at", notNullValue())
                .extract().response();
        Map<String, Object> body = queued.jsonPath().getMap("");
        for (String absent : List.of("total", "startedAt", "finishedAt", "failureReason")) {
            assertFalse(body.containsKey(absent), absent + " should be omitted: " + body);
        }
        assertFalse(queued.jsonPath().getMap("count").containsKey("total"));

        execute("INSERT INTO audience.job_error (job_id, row_no, identifier, field, reason) "
                + "SELECT ?, g, 'user' || g || '@example.com', CASE WHEN g % 2 = 0 THEN 'score' END, 'bad row ' || g "
                + "FROM generate_series(2, 151) g", jobId);
        execute("UPDATE audience.job SET status = 'completed_with_errors', total = 1150, processed = 1150, "
                + "succeeded = 1000, failed = 150, started_at = now(), finished_at = now(), updated_at = now() "
                + "WHERE id = ?", jobId);
        execute("UPDATE audience.user_group SET status = 'completed', error_count = 150 WHERE id = ?", group);
        Response done = as(company).when().get(job).then().statusCode(200)
                .body("status", equalTo("completed_with_errors"))
                .body("total", equalTo(1150))
                .body("processed", equalTo(1150))
                .body("succeeded", equalTo(1000))
                .body("failed", equalTo(150))
                .body("count.total", equalTo(1150))
                .body("count.success", equalTo(1000))
                .body("count.error", equalTo(150))
                .body("startedAt", notNullValue())
                .body("finishedAt", notNullValue())
                .body("errors", hasSize(100))
                .body("errors[0].row", equalTo(2))
                .body("errors[0].field", equalTo("score"))
                .body("errors[0].identifier", equalTo("user2@example.com"))
                .body("errors[0].message", equalTo("bad row 2"))
                .body("errors[99].row", equalTo(101))
                .extract().response();
        assertFalse(done.jsonPath().getMap("errors[1]").containsKey("field"), "absent field is omitted");

        // The group shows its last job's error count and where the report is.
        as(company).when().get(prefix(company) + "/user_group/" + group).then().statusCode(200)
                .body("error.count", equalTo(150))
                .body("error.file_url", endsWith(prefix(company) + "/users/jobs/" + jobId + "/errors"));

        String report = as(company).when().get(job + "/errors").then().statusCode(200).extract().asString();
        String[] lines = report.split("\r\n");
        assertEquals(151, lines.length);
        assertEquals("row,identifier,field,reason", lines[0]);
        assertEquals("2,user2@example.com,score,bad row 2", lines[1]);
        assertEquals("151,user151@example.com,,bad row 151", lines[150]);
    }

    @Test
    void theErrorReportQuotesAndDefusesEveryCell() throws Exception {
        String company = freshCompany();
        String group = GroupFixtures.createGroup(company, "Hostile");
        String jobId = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", group)
                .get("last_job_id");
        String[][] rows = {
                {"=cmd()", "=HYPERLINK(\"http://evil.example\",\"x\")", "+1 bad"},
                {"-2+3", "@SUM(A1:A9)", "\tindented"},
                {"Doe, John", "say \"hi\"", "line\nbreak"},
                {"ok@example.com", null, "plain"}};
        for (int i = 0; i < rows.length; i++) {
            execute("INSERT INTO audience.job_error (job_id, row_no, identifier, field, reason) VALUES (?, ?, ?, ?, ?)",
                    jobId, (long) i + 2, rows[i][0], rows[i][1], rows[i][2]);
        }
        Response response = as(company).when().get(prefix(company) + "/users/jobs/" + jobId + "/errors")
                .then().statusCode(200).extract().response();
        assertTrue(response.contentType().startsWith("text/csv"), response.contentType());
        assertEquals("attachment; filename=\"job-" + jobId + "-errors.csv\"", response.header("Content-Disposition"));
        assertEquals("row,identifier,field,reason\r\n"
                + "2,'=cmd(),\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'+1 bad\r\n"
                + "3,'-2+3,'@SUM(A1:A9),'\tindented\r\n"
                + "4,\"Doe, John\",\"say \"\"hi\"\"\",\"line\nbreak\"\r\n"
                + "5,ok@example.com,,plain\r\n", response.asString());
    }

    @Test
    void anotherTenantsJobIsNotFound() throws Exception {
        String company = freshCompany();
        String group = GroupFixtures.createGroup(company, "Private");
        String jobId = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", group)
                .get("last_job_id");
        String stranger = freshCompany();
        as(stranger).when().get(prefix(stranger) + "/users/jobs/" + jobId).then().statusCode(404)
                .body("code", equalTo("not_found"));
        as(stranger).when().get(prefix(stranger) + "/users/jobs/" + jobId + "/errors").then().statusCode(404)
                .body("code", equalTo("not_found"));
        as(company).when().get(prefix(company) + "/users/jobs/not-a-job").then().statusCode(404);
        as(company).when().get(prefix(company) + "/users/jobs/0123456789abcdef01234567/errors").then()
                .statusCode(404);
        RestAssured.given().when().get(prefix(company) + "/users/jobs/" + jobId).then().statusCode(401);
        as(stranger).when().get(prefix(company) + "/users/jobs/" + jobId).then().statusCode(403);
        as(company).when().get(prefix(company) + "/users/jobs/" + jobId).then().statusCode(200);
    }
}
