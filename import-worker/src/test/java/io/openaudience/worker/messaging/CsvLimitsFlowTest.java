package io.openaudience.worker.messaging;

import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.worker.ImportFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.openaudience.testsupport.Streams.concat;
import static io.openaudience.testsupport.Streams.repeated;
import static io.openaudience.testsupport.Streams.text;
import static io.openaudience.worker.ImportFixtures.awaitFinished;
import static io.openaudience.worker.ImportFixtures.count;
import static io.openaudience.worker.ImportFixtures.errors;
import static io.openaudience.worker.ImportFixtures.newSubscription;
import static io.openaudience.worker.ImportFixtures.query;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CSV upload with a 256 MiB field and a row of millions of commas (generated while stored, never held): those rows
 * are rejected with the limit they broke, their kept values cut, the other rows imported, and the worker goes on with
 * another tenant's job and stays ready.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class CsvLimitsFlowTest {

    private static final String INITIATIVE = "init-1";

    @Test
    void hugeFieldsAndRowsFailTheirRowsNotTheWorker() throws Exception {
        long big = newSubscription();
        long small = newSubscription();
        long field = 256L << 20;
        long commas = 5_000_000;
        InputStream file = concat(text("name,email\nFirst,first@example.com\n"), repeated('a', field),
                text(",huge@example.com\nSecond,second@example.com\n"), repeated(',', commas),
                text("\nThird,third@example.com\n"));
        long size = 35 + field + 44 + commas + 25;
        UUID bigJob = ImportFixtures.queueJob(big, INITIATIVE, null, "csv", file, size, 1 << 20);
        ImportFixtures.publish(bigJob, big, INITIATIVE);
        UUID smallJob = ImportFixtures.importFile(small, INITIATIVE, null, "csv",
                "email\nother@example.com\n".getBytes(StandardCharsets.UTF_8));

        Map<String, Object> other = awaitFinished(smallJob);
        assertEquals("completed", other.get("status"));
        Map<String, Object> row = awaitFinished(bigJob);
        assertEquals("completed_with_errors", row.get("status"), String.valueOf(row));
        assertEquals(5L, row.get("processed"));
        assertEquals(3L, row.get("succeeded"));
        assertEquals(List.of(
                "2: the row has a field longer than 100000 characters (column 1)",
                "4: the row has more than 1000 columns"), errors(bigJob));
        // The kept raw values are cut (Sql.reported), never the 256 MiB field.
        assertEquals(1000L, count("SELECT max(length(name)) FROM segments.import_job_error WHERE job_id = ?",
                bigJob));
        assertEquals(3L, count("SELECT count(*) FROM segments.member WHERE subscription_id = ?", big));
        assertEquals("third@example.com", query("SELECT email FROM segments.member WHERE subscription_id = ? "
                + "AND first_name = 'Third'", big).get(0).get("email"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
