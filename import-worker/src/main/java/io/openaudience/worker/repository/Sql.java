package io.openaudience.worker.repository;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The JDBC helpers every set-based writer of the worker uses: timed updates and fields in COPY text format. */
public final class Sql {

    private static final Logger LOG = Logger.getLogger(Sql.class);
    /** Longest text of a rejected row kept in an error report (binary garbage can be megabytes). */
    public static final int MAX_REPORTED = 1000;

    private Sql() {
    }

    /** Binds the parameters of one statement. */
    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Work done in a transaction; may commit along the way (the helper commits what is left at its end). */
    public interface Work<T, E extends Exception> {
        T run() throws SQLException, E;
    }

    /** Runs the work in a transaction on the connection: committed at its end, rolled back on any failure. */
    public static <T, E extends Exception> T inTransaction(Connection c, Work<T, E> work) throws SQLException, E {
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (Throwable e) {
            // Whatever went wrong, nothing of it is committed (turning auto-commit back on would commit it).
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Writes one row as a COPY text line (fields separated by tabs, no line end). */
    public interface Line<R> {
        void write(StringBuilder line, R row);
    }

    /** Streams the rows into {@code COPY … FROM STDIN} (text format), one line each; its time is logged at DEBUG. */
    public static <R> void copy(Connection c, String copy, Iterable<R> rows, Line<R> format)
            throws SQLException, IOException {
        long t0 = System.nanoTime();
        StringBuilder line = new StringBuilder(256);
        long n = 0;
        try (OutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class), copy, 1 << 16)) {
            for (R row : rows) {
                line.setLength(0);
                format.write(line, row);
                line.append('\n');
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
                n++;
            }
        }
        LOG.debugf("%5d ms  %s (%d rows)", (System.nanoTime() - t0) / 1_000_000, copy, (Object) n);
    }

    /** Runs one statement and returns its row count; its time is logged at DEBUG. */
    public static long update(Connection c, String sql, Binder binder) throws SQLException {
        long t0 = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeLargeUpdate();
        } finally {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("%5d ms  %s", (System.nanoTime() - t0) / 1_000_000, sql.substring(0, Math.min(60,
                        sql.length())));
            }
        }
    }

    /** Appends a value in COPY text format: \N for null, backslash escapes for the separators. */
    public static StringBuilder field(StringBuilder sb, String value) {
        if (value == null) {
            return sb.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb;
    }

    /** A rejected value as an error report keeps it: at most {@link #MAX_REPORTED} characters, NUL as U+FFFD. */
    public static String reported(String value) {
        if (value == null) {
            return null;
        }
        String v = value.length() > MAX_REPORTED ? value.substring(0, MAX_REPORTED) : value;
        return v.replace('\u0000', '\uFFFD');
    }
}
