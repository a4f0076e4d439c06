package io.openaudience.segments;

import io.openaudience.testsupport.Db;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.TestTokens;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;

/** What the import tests share: tenants, segments and job rows written over JDBC, and a plain Kafka consumer. */
public final class ImportFixtures {

    public static final String INITIATIVE = "DEE";

    private ImportFixtures() {
    }

    /** A subscription no other test uses, so row counts per tenant are exact. */
    public static long freshSubscription() {
        return Db.newTenantNumber();
    }

    public static RequestSpecification as(long subscription, String initiative) {
        return given().auth().oauth2(TestTokens.shorterLoop(subscription, initiative)).header("initiativeId", initiative);
    }

    public static long segment(long subscription, String initiative, String value) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO segments.segment (subscription_id, initiative_id, value) VALUES (?, ?, ?) RETURNING id")) {
            ps.setLong(1, subscription);
            ps.setString(2, initiative);
            ps.setString(3, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static long count(String sql, Object... args) throws SQLException {
        return Db.count(sql, args);
    }

    /** Whether the job's outbox row was published at its first attempt (no error recorded). */
    public static boolean published(UUID job) {
        try {
            return count("SELECT count(*) FROM segments.outbox WHERE message_key = ? "
                    + "AND published_at IS NOT NULL AND last_error IS NULL", job.toString()) == 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(String sql, Object... args) throws SQLException {
        Db.execute(sql, args);
    }

    public static UUID jobId(Response accepted) {
        return UUID.fromString(accepted.path("data.jobId"));
    }

    /** Waits until the condition holds or fails the test after the timeout. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        Db.await(timeout, what, condition);
    }

    /**
     * Runs a retention purge until {@code sql} counts {@code expected}, or fails the test after 10 s. The purge's own
     * scheduled run (a minute after start, then at its interval) may delete the same rows at the same moment, and a
     * purge that waited for that delete finds the rows gone (0 deleted): so a test checks the rows, not what one call
     * returns.
     */
    public static void purgeUntil(Supplier<Uni<Long>> purge, long expected, String sql, Object... args)
            throws InterruptedException {
        await(Duration.ofSeconds(10), "purged: " + sql, () -> {
            purge.get().await().atMost(Duration.ofSeconds(30));
            try {
                return count(sql, args) == expected;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The stored upload of a job, reassembled from its chunks in order. */
    public static byte[] storedUpload(UUID jobId) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT ch.data FROM segments.upload_chunk ch JOIN segments.import_job j ON j.upload_id = ch.upload_id "
                        + "WHERE j.id = ? ORDER BY ch.seq")) {
            ps.setObject(1, jobId);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.writeBytes(rs.getBytes(1));
                }
            }
            return out.toByteArray();
        }
    }
}
