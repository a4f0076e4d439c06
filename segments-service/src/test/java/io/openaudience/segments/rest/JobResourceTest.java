package io.openaudience.segments.rest;

import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.Infra;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job resource and its CSV error report, after writing progress, results and errors over JDBC exactly as
 * import-worker does (the worker is another module).
 */
@QuarkusTest
class JobResourceTest {

    private static final byte[] CSV = "name,email\nAna,ana@example.com\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void jobShowsProgressFirstResultsAndFirstErrors() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(sub, "DEE", "Pilot");
        UUID job = accept(sub, "/api/v2/segments/" + segment + "/create-users");

        as(sub, "DEE").when().get("/api/v2/jobs/" + job).then().statusCode(200)
                .body("success", equalTo(true))
                .body("data.jobId", equalTo(job.toString()))
                .body("data.type", equalTo("segment_users"))
                .body("data.status", equalTo("queued"))
                .body("data.total", nullValue())
                .body("data.processed", equalTo(0))
                .body("data.segmentId", equalTo((int) segment))
                .body("data.inviteResults", hasSize(0))
                .body("data.errors", hasSize(0))
                .body("data.errorReportUrl", equalTo("/api/v2/jobs/" + job + "/errors"))
                .body("data.createdAt", notNullValue())
                .body("data.startedAt", nullValue());

        // What the worker writes: 3 members linked, 1,002 rows rejected (results for the first 1,005 rows).
        long[] members = new long[3];
        try (Connection c = Infra.connect()) {
            for (int i = 0; i < 3; i++) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO segments.member (subscription_id, email, "
                        + "first_name) VALUES (?, ?, ?) RETURNING id")) {
                    ps.setLong(1, sub);
                    ps.setString(2, "member" + i + "@example.com");
                    ps.setString(3, "Member " + i);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        members[i] = rs.getLong(1);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO segments.import_job_result (job_id, row_no, "
                    + "user_id, email, error) VALUES (?, ?, ?, ?, ?)")) {
                for (int row = 1; row <= 1005; row++) {
                    ps.setObject(1, job);
                    ps.setLong(2, row);
                    boolean ok = row == 1 || row == 3 || row == 5;
                    ps.setObject(3, ok ? members[(row - 1) / 2] : null);
                    ps.setString(4, ok ? "member" + (row - 1) / 2 + "@example.com" : "bad" + row);
                    ps.setString(5, ok ? null : "invalid email");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO segments.import_job_error (job_id, row_no, "
                    + "email, name, reason) VALUES (?, ?, ?, ?, 'invalid email')")) {
                for (int row = 2; row <= 1005; row++) {
                    if (row == 3 || row == 5) {
                        continue;
                    }
                    ps.setObject(1, job);
                    ps.setLong(2, row);
                    ps.setString(3, "bad" + row);
                    ps.setString(4, row == 2 ? null : "Name " + row);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        ImportFixtures.execute("UPDATE segments.import_job SET status = 'completed_with_errors', total = 1005, "
                + "processed = 1005, succeeded = 3, failed = 1002, segment_count = 3, started_at = now(), "
                + "finished_at = now() WHERE id = ?", job);

        Response response = as(sub, "DEE").when().get("/api/v2/jobs/" + job).then().statusCode(200)
                .body("data.status", equalTo("completed_with_errors"))
                .body("data.total", equalTo(1005))
                .body("data.processed", equalTo(1005))
                .body("data.succeeded", equalTo(3))
                .body("data.failed", equalTo(1002))
                .body("data.segmentCount", equalTo(3))
                .body("data.startedAt", notNullValue())
                .body("data.finishedAt", notNullValue())
                .body("data.inviteResults", hasSize(1000))
                .body("data.inviteResults[0].success", equalTo(true))
                .body("data.inviteResults[0].user.id", equalTo((int) members[0]))
                .body("data.inviteResults[0].user.email", equalTo("member0@example.com"))
                .body("data.inviteResults[0].user.role", equalTo("idm_member"))
                .body("data.inviteResults[0].user.firstName", equalTo("Member 0"))
                .body("data.inviteResults[0].user.createdAt", notNullValue())
                .body("data.inviteResults[0].user.updatedAt", notNullValue())
                .body("data.inviteResults[1].success", equalTo(false))
                .body("data.inviteResults[1].row", equalTo(2))
                .body("data.inviteResults[1].email", equalTo("bad2"))
                .body("data.inviteResults[1].error", equalTo("invalid email"))
                .body("data.inviteResults[2].user.id", equalTo((int) members[1]))
                .body("data.inviteResults[999].row", equalTo(1000))
                .body("data.errors", hasSize(100))
                .body("data.errors[0].row", equalTo(2))
                .body("data.errors[0].email", equalTo("bad2"))
                .body("data.errors[0].reason", equalTo("invalid email"))
                .body("data.errors[1].row", equalTo(4))
                .body("data.errors[1].name", equalTo("Name 4"))
                .extract().response();
        // An absent name is left out of the error, not sent as null.
        assertEquals(false, response.jsonPath().getMap("data.errors[0]").containsKey("name"));

        as(sub, "DEE").when().get("/api/v2/jobs/" + job + "/errors").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/csv"));
        String report = as(sub, "DEE").when().get("/api/v2/jobs/" + job + "/errors").asString();
        String[] lines = report.split("\r\n");
        assertEquals(1 + 1002, lines.length);
        assertEquals("row,email,name,reason", lines[0]);
        assertEquals("2,bad2,,invalid email", lines[1]);
        assertEquals("1005,bad1005,Name 1005,invalid email", lines[1002]);
    }

    @Test
    void errorReportIsQuotedAndDefusesFormulas() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        UUID job = accept(sub, "/api/v2/idea-manager/create-users");
        List<String[]> rows = List.of(
                new String[]{"=HYPERLINK(\"http://evil.example\",\"x\")", "Mallory", "invalid email"},
                new String[]{"+1-555-0100", "-minus", "invalid email"},
                new String[]{"@SUM(A1:A9)", "Doe, John", "duplicate \"email\" in file"},
                new String[]{"\tcmd", "\rreturn", "line\nbreak"},
                new String[]{"ok@example.com", "Ana", "already, reported"});
        for (int i = 0; i < rows.size(); i++) {
            ImportFixtures.execute("INSERT INTO segments.import_job_error (job_id, row_no, email, name, reason) "
                    + "VALUES (?, ?, ?, ?, ?)", job, (long) i + 2, rows.get(i)[0], rows.get(i)[1], rows.get(i)[2]);
        }
        Response response = as(sub, "DEE").when().get("/api/v2/jobs/" + job + "/errors")
                .then().statusCode(200).extract().response();
        assertTrue(response.contentType().startsWith("text/csv"), response.contentType());
        assertEquals("row,email,name,reason\r\n"
                + "2,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",Mallory,invalid email\r\n"
                + "3,'+1-555-0100,'-minus,invalid email\r\n"
                + "4,'@SUM(A1:A9),\"Doe, John\",\"duplicate \"\"email\"\" in file\"\r\n"
                + "5,'\tcmd,\"'\rreturn\",\"line\nbreak\"\r\n"
                + "6,ok@example.com,Ana,\"already, reported\"\r\n", response.asString());
    }

    @Test
    void largeErrorReportIsStreamedCompletely() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        UUID job = accept(sub, "/api/v2/idea-manager/create-users");
        ImportFixtures.execute("INSERT INTO segments.import_job_error (job_id, row_no, email, name, reason) "
                + "SELECT ?, g, 'user' || g || '@bad', 'Name ' || g, 'invalid email' FROM generate_series(2, 50001) g",
                job);
        Response response = as(sub, "DEE").when().get("/api/v2/jobs/" + job + "/errors")
                .then().statusCode(200).extract().response();
        // Chunked: the report is written while the cursor is read, without a precomputed length.
        assertEquals("chunked", response.header("Transfer-Encoding"));
        String[] lines = response.asString().split("\r\n");
        assertEquals(50_001, lines.length);
        assertEquals("50001,user50001@bad,Name 50001,invalid email", lines[50_000]);
        as(sub, "DEE").when().get("/api/v2/jobs/" + job).then().statusCode(200).body("data.errors", hasSize(100));
    }

    private static UUID accept(long sub, String path) {
        return ImportFixtures.jobId(as(sub, "DEE").multiPart("metrics", "a.csv", CSV, "text/csv")
                .when().post(path).then().statusCode(202).extract().response());
    }
}
