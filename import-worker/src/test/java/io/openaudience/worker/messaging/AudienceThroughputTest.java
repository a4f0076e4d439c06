package io.openaudience.worker.messaging;

import io.openaudience.testsupport.Infra;
import io.openaudience.worker.AudienceFixtures;
import io.openaudience.worker.AudienceFixtures.Tenant;
import io.openaudience.worker.FileServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.sql.Connection;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.openaudience.worker.AudienceFixtures.awaitFinished;
import static io.openaudience.worker.AudienceFixtures.createGroup;
import static io.openaudience.worker.AudienceFixtures.group;
import static io.openaudience.worker.AudienceFixtures.newTenant;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A rough throughput probe of a group CSV import with production batch sizes, run only on request
 * ({@code -Dbench.audience.rows=1000000}); the benchmark of record goes through the real services.
 */
@QuarkusTest
@TestProfile(AudienceThroughputTest.ProductionBatches.class)
@EnabledIfSystemProperty(named = "bench.audience.rows", matches = "[0-9]+")
class AudienceThroughputTest {

    /** Production batch sizes (the test profile writes 100 rows a batch). */
    public static class ProductionBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("import-worker.batch-size", "50000", "import-worker.fetch.max-bytes", "1000000000");
        }
    }

    @Test
    void aLargeGroupCsv() throws Exception {
        long rows = Long.getLong("bench.audience.rows");
        Tenant t = newTenant();
        String group = createGroup(t, "large");
        try (FileServer files = new FileServer()) {
            files.on("/large.csv", exchange -> {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 1 << 16)) {
                    out.write("user_id,email\n".getBytes(StandardCharsets.UTF_8));
                    for (long i = 1; i <= rows; i++) {
                        out.write(("bench-" + i + ",bench." + i + "@example.com\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
            });
            long t0 = System.nanoTime();
            String job = AudienceFixtures.run(t, "group_import", group, files.url("/large.csv"), "{}");
            Map<String, Object> row = awaitFinished(job);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals("completed", row.get("status"), () -> "job " + row);
            assertEquals(rows, group(group).get("total_users"));
            // The same rows COPYed into a bare table, same database, same moment: what the machine gives now.
            long c0 = System.nanoTime();
            try (Connection c = Infra.connect()) {
                c.createStatement().execute("CREATE TEMP TABLE bare (user_id TEXT, email TEXT)");
                StringBuilder csv = new StringBuilder();
                for (long i = 1; i <= rows; i++) {
                    csv.append("bench-").append(i).append(",bench.").append(i).append("@example.com\n");
                }
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bare FROM STDIN (FORMAT csv)",
                        new StringReader(csv.toString()));
            }
            double baseline = (System.nanoTime() - c0) / 1e9;
            System.out.printf("AUDIENCE THROUGHPUT: %d rows in %.2f s = %.0f rows/s; bare COPY %.2f s = %.0f rows/s; "
                    + "ratio %.3f%n", rows, seconds, rows / seconds, baseline, rows / baseline, baseline / seconds);
        }
    }
}
