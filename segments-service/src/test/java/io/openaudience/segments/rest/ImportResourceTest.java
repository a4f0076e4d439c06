package io.openaudience.segments.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.Topics;
import io.openaudience.segments.ImportFixtures;
import io.openaudience.testsupport.KafkaRecords;
import io.openaudience.testsupport.MessageContracts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static io.openaudience.segments.ImportFixtures.count;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import intake end to end on the real PostgreSQL and Kafka: 202 with the job, the upload stored in chunks,
 * job and outbox rows written, and the job message published on `import-jobs` keyed by the job id.
 */
@QuarkusTest
class ImportResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void csvIntoSegmentIsAcceptedStoredInChunksAndPublished() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(sub, "DEE", "Beta testers");
        StringBuilder csv = new StringBuilder("name,email\r\n");
        for (int i = 0; csv.length() < 200_000; i++) {
            csv.append("User ").append(i).append(",user").append(i).append("@example.com\r\n");
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);

        Response response = as(sub, "DEE")
                .multiPart("metrics", "unique_names_emails.csv", bytes, "text/csv")
                .when().post("/api/v2/segments/" + segment + "/create-users")
                .then().statusCode(202)
                .body("success", equalTo(true))
                .body("data.status", equalTo("queued"))
                .extract().response();
        UUID job = ImportFixtures.jobId(response);
        assertEquals("/api/v2/jobs/" + job, response.path("data.statusUrl"));
        assertTrue(response.header("Location").endsWith("/api/v2/jobs/" + job));

        assertEquals(1, count("SELECT count(*) FROM segments.import_job WHERE id = ? AND subscription_id = ? "
                + "AND initiative_id = 'DEE' AND type = 'segment_users' AND status = 'queued' AND segment_id = ?",
                job, sub, segment));
        assertEquals(1, count("SELECT count(*) FROM segments.upload u JOIN segments.import_job j ON j.upload_id = u.id "
                + "WHERE j.id = ? AND u.format = 'csv' AND u.size_bytes = ? AND u.filename = 'unique_names_emails.csv'",
                job, (long) bytes.length));
        // 64 KB chunks in the test profile: ceil(size / 65536) rows, reassembling to the exact bytes.
        assertEquals((bytes.length + 65535) / 65536, count("SELECT count(*) FROM segments.upload_chunk ch "
                + "JOIN segments.import_job j ON j.upload_id = ch.upload_id WHERE j.id = ?", job));
        assertArrayEquals(bytes, ImportFixtures.storedUpload(job));
        assertEquals(1, count("SELECT count(*) FROM segments.outbox WHERE topic = 'import-jobs' AND message_key = ?",
                job.toString()));

        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, job.toString(),
                Duration.ofSeconds(60));
        // The contract with import-worker: exactly the message its tests publish and consume.
        JsonNode message = JSON.readTree(record.value());
        assertEquals(JSON.readTree(MessageContracts.importJob(job, sub, "DEE")), message);
        ImportFixtures.await(Duration.ofSeconds(10), "outbox row marked published",
                () -> ImportFixtures.published(job));
    }

    @Test
    void jsonIntoIdeaManagerIsAcceptedAndPublished() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        String body = "[{\"name\":\"Ana\",\"email\":\"ana@example.com\"},{\"name\":\"Bo\",\"email\":\"bo@example.com\"}]";
        Response response = as(sub, "DEE")
                .multiPart("metrics", "members.json", body.getBytes(StandardCharsets.UTF_8), "application/json")
                .when().post("/api/v2/idea-manager/create-users")
                .then().statusCode(202)
                .body("data.status", equalTo("queued"))
                .extract().response();
        UUID job = ImportFixtures.jobId(response);
        assertTrue(response.header("Location").endsWith("/api/v2/jobs/" + job));
        assertEquals(1, count("SELECT count(*) FROM segments.import_job WHERE id = ? AND type = 'idm_users' "
                + "AND segment_id IS NULL AND subscription_id = ?", job, sub));
        assertEquals(1, count("SELECT count(*) FROM segments.upload u JOIN segments.import_job j ON j.upload_id = u.id "
                + "WHERE j.id = ? AND u.format = 'json'", job));
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), ImportFixtures.storedUpload(job));
        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, job.toString(),
                Duration.ofSeconds(60));
        assertEquals(JSON.readTree(MessageContracts.importJob(job, sub, "DEE")), JSON.readTree(record.value()));
    }

    @Test
    void partNamedFileAndFormatByExtensionAreAccepted() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        Response response = as(sub, "DEE")
                .multiPart("file", "people.json", "[{\"email\":\"x@example.com\"}]".getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream")
                .when().post("/api/v2/idea-manager/create-users")
                .then().statusCode(202).extract().response();
        UUID job = ImportFixtures.jobId(response);
        assertEquals(1, count("SELECT count(*) FROM segments.upload u JOIN segments.import_job j ON j.upload_id = u.id "
                + "WHERE j.id = ? AND u.format = 'json'", job));
    }

    @Test
    void missingFileIs400NamingMetricsAndLeavesNoRows() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(sub, "DEE", "Empty");
        as(sub, "DEE").multiPart("other", "x.csv", "name,email\na,a@example.com\n".getBytes(), "text/csv")
                .when().post("/api/v2/segments/" + segment + "/create-users")
                .then().statusCode(400)
                .body("success", equalTo(false))
                .body("errors[0].field", equalTo("metrics"));
        assertEquals(0, count("SELECT count(*) FROM segments.import_job WHERE subscription_id = ?", sub));
        assertEquals(0, count("SELECT count(*) FROM segments.upload WHERE subscription_id = ?", sub));
    }

    @Test
    void partWithoutFileNameIsAcceptedAndNoMultipartIs415() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        // A small text part without a file name (a plain form field) is taken as the file too.
        String text = "name,email\na,a@example.com\n";
        UUID job = ImportFixtures.jobId(as(sub, "DEE").multiPart("metrics", text)
                .when().post("/api/v2/idea-manager/create-users")
                .then().statusCode(202).extract().response());
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), ImportFixtures.storedUpload(job));
        long other = ImportFixtures.freshSubscription();
        as(other, "DEE").contentType("application/json").body("[{\"email\":\"a@example.com\"}]")
                .when().post("/api/v2/idea-manager/create-users")
                .then().statusCode(415)
                .body("success", equalTo(false));
        assertEquals(0, count("SELECT count(*) FROM segments.upload WHERE subscription_id = ?", other));
    }

    @Test
    void fileAboveTheLimitIs413WithEnvelope() throws Exception {
        long sub = ImportFixtures.freshSubscription();
        // The test profile lowers segments.import.max-file-size to 1M; the HTTP body limit stays above it.
        byte[] big = new byte[1024 * 1024 + 1];
        byte[] header = "name,email\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(header, 0, big, 0, header.length);
        for (int i = header.length; i < big.length; i++) {
            big[i] = (byte) (i % 64 == 63 ? '\n' : 'a');
        }
        as(sub, "DEE").multiPart("metrics", "big.csv", big, "text/csv")
                .when().post("/api/v2/idea-manager/create-users")
                .then().statusCode(413)
                .body("success", equalTo(false))
                .body("message", org.hamcrest.Matchers.containsString("larger than the limit"));
        assertEquals(0, count("SELECT count(*) FROM segments.upload WHERE subscription_id = ?", sub));
    }

}
