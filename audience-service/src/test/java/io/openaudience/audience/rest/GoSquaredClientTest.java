package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real {@code gosquared} npm client (3.1.0, unmodified) against this service: runs
 * {@code deploy/local/checks/gosquared.mjs} with the service under test as its endpoint. Skipped where Node or the
 * installed client is missing ({@code deploy/local/checks} after its {@code npm ci}); CI runs the same script
 * against the local stack.
 */
@QuarkusTest
class GoSquaredClientTest {

    private static final Path CHECKS = Path.of("../deploy/local/checks");

    @Test
    void theNpmClientIdentifiesTracksAndReadsGroups() throws Exception {
        assumeTrue(Files.exists(CHECKS.resolve("node_modules/gosquared/package.json")),
                "the gosquared client is not installed in " + CHECKS.toAbsolutePath() + " (npm ci)");
        assumeTrue(nodeAvailable(), "node is not installed");
        ProcessBuilder run = new ProcessBuilder("node", CHECKS.resolve("gosquared.mjs").toAbsolutePath().toString())
                .redirectErrorStream(true);
        run.environment().put("AUDIENCE_URL", "http://127.0.0.1:" + RestAssured.port);
        Process p = run.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the check did not finish in 120 s:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("gosquared: every call passed"), output);
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
