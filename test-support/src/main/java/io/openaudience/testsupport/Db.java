package io.openaudience.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * What tests read and write straight in the test database ({@link Infra}), outside the service under test: one
 * statement per call on its own connection, parameters bound in order with {@code setObject}. Also the two helpers
 * every module's fixtures need: a tenant no other test uses, and waiting for a condition.
 */
public final class Db {

    // Below 2^31, so tests may compare them with JSON numbers read back as int.
    private static final AtomicLong TENANTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private Db() {
    }

    /** A number no other test of this JVM gets (subscription ids, company ids), so counts per tenant are exact. */
    public static long newTenantNumber() {
        return TENANTS.incrementAndGet();
    }

    /** Every row, each as column label → value, in the statement's order. */
    public static List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = prepare(c, sql, args);
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> out = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    /** The first column of every row as a long. */
    public static List<Long> longs(String sql, Object... args) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = prepare(c, sql, args);
             ResultSet rs = ps.executeQuery()) {
            List<Long> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
            return out;
        }
    }

    /** The first column of the first row as a long (a {@code count(*)}, an id). */
    public static long count(String sql, Object... args) throws SQLException {
        List<Long> values = longs(sql, args);
        if (values.isEmpty()) {
            throw new AssertionError("no row: " + sql);
        }
        return values.get(0);
    }

    /** Runs a statement; returns the number of rows it changed (0 for statements that change none). */
    public static int execute(String sql, Object... args) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = prepare(c, sql, args)) {
            return ps.execute() ? 0 : ps.getUpdateCount();
        }
    }

    /** Waits until the condition holds, checking every 100 ms, or fails the test after the timeout. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }
}
