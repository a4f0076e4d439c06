package io.openaudience.segments.rest;

import io.openaudience.segments.ImportFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static io.openaudience.segments.ImportFixtures.as;
import static io.openaudience.segments.ImportFixtures.count;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file of `import-corpus/` (malformed and awkward inputs) against the segment import: the documented 4xx with
 * the `metrics` field and no rows left behind, or 202 with the upload stored byte for byte for the worker.
 * The expected answers are in `import-corpus/EXPECTED.txt`.
 */
@QuarkusTest
class ImportCorpusTest {

    record Case(String file, String contentType, int status, String message) {
        @Override
        public String toString() {
            return file + " -> " + status;
        }
    }

    static List<Case> corpus() throws IOException {
        try (InputStream in = resource("EXPECTED.txt")) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\\|", -1))
                    .map(f -> new Case(f[0], f[1], Integer.parseInt(f[2]), f[3]))
                    .toList();
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void corpusFileGetsItsDocumentedAnswer(Case c) throws Exception {
        long sub = ImportFixtures.freshSubscription();
        long segment = ImportFixtures.segment(sub, "DEE", "Corpus");
        byte[] bytes;
        try (InputStream in = resource(c.file())) {
            bytes = in.readAllBytes();
        }
        Response response = as(sub, "DEE")
                .multiPart("metrics", c.file(), bytes, c.contentType())
                .when().post("/api/v2/segments/" + segment + "/create-users")
                .then().extract().response();

        assertEquals(c.status(), response.statusCode(), c.file() + ": " + response.asString());
        if (c.status() == 202) {
            UUID job = ImportFixtures.jobId(response);
            assertArrayEquals(bytes, ImportFixtures.storedUpload(job), c.file() + " stored byte for byte");
            assertEquals(1, count("SELECT count(*) FROM segments.outbox WHERE message_key = ?", job.toString()));
        } else {
            assertEquals(Boolean.FALSE, response.path("success"));
            String message = response.path("message");
            assertTrue(message.contains(c.message()), c.file() + ": message was " + message);
            assertEquals("metrics", response.path("errors[0].field"));
            assertEquals(0, count("SELECT count(*) FROM segments.import_job WHERE subscription_id = ?", sub));
            assertEquals(0, count("SELECT count(*) FROM segments.upload WHERE subscription_id = ?", sub));
        }
    }

    private static InputStream resource(String name) {
        InputStream in = ImportCorpusTest.class.getClassLoader().getResourceAsStream("import-corpus/" + name);
        if (in == null) {
            throw new IllegalStateException("missing corpus file " + name);
        }
        return in;
    }
}
