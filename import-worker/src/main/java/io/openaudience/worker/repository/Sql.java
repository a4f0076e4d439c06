package io.openaudience.worker.repository;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
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

    /**
     * Runs the work in a transaction on the connection: committed at its end, rolled back on any failure. If the
     * rollback itself fails (the server or the socket is gone), the connection is aborted, never handed back usable
     * with the transaction open, and the work's own failure is the one thrown.
     */
    public static <T, E extends Exception> T inTransaction(Connection c, Work<T, E> work) throws SQLException, E {
        c.setAutoCommit(false);
        T result;
        try {
            result = work.run();
            c.commit();
        } catch (Throwable e) {
            // Whatever went wrong, nothing of it is committed (turning auto-commit back on would commit it).
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException | RuntimeException rollback) {
                e.addSuppressed(rollback);
                abort(c);
            }
            throw e;
        }
        c.setAutoCommit(true);
        return result;
    }

    /**
     * Closes the connection's socket at once, from any thread, without waiting for anything the connection is doing:
     * a thread reading from it gets an error, and the pool discards it (its validation fails). Agroal's own
     * {@code abort} only detaches its wrapper, so the driver's connection is aborted directly.
     */
    public static void abort(Connection c) {
        try {
            Connection physical = c.unwrap(org.postgresql.jdbc.PgConnection.class);
            physical.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("aborting a connection: %s", e);
        }
    }

    /** Writes one row as a COPY text line (fields separated by tabs, no line end). */
    public interface Line<R> {
        void write(StringBuilder line, R row);
    }

    /**
     * Streams the rows into {@code COPY … FROM STDIN} (text format), one line each; its time is logged at DEBUG.
     *
     * <p>A COPY that fails midway is cancelled before the error goes up: the driver holds a lock on the connection
     * for the length of a COPY and releases it only when the COPY ends or is cancelled, so after a connection lost
     * mid-COPY (server restarted) the transaction's rollback would otherwise wait for that lock forever.
     */
    public static <R> void copy(Connection c, String copy, Iterable<R> rows, Line<R> format)
            throws SQLException, IOException {
        long t0 = System.nanoTime();
        StringBuilder line = new StringBuilder(256);
        byte[] buffer = new byte[1 << 16];
        int buffered = 0;
        long n = 0;
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
        try {
            for (R row : rows) {
                line.setLength(0);
                format.write(line, row);
                line.append('\n');
                byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
                if (buffered + bytes.length > buffer.length) {
                    in.writeToCopy(buffer, 0, buffered);
                    buffered = 0;
                }
                if (bytes.length > buffer.length) {
                    in.writeToCopy(bytes, 0, bytes.length);
                } else {
                    System.arraycopy(bytes, 0, buffer, buffered, bytes.length);
                    buffered += bytes.length;
                }
                n++;
            }
            if (buffered > 0) {
                in.writeToCopy(buffer, 0, buffered);
            }
            in.endCopy();
        } catch (Throwable e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException | RuntimeException cancel) {
                    // Expected: the server answers a cancel with an error, a dead connection fails; either way the
                    // driver has released the connection.
                    e.addSuppressed(cancel);
                }
            }
            throw e;
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
