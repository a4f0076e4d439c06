package io.openaudience.worker.repository;

import io.openaudience.testsupport.Infra;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transaction helper on the real PostgreSQL of the tests, when the server ends the connection in the middle of a
 * COPY (what a restart does to it): the batch fails at once with the server's reason, instead of its rollback waiting
 * forever for the driver's COPY lock on the connection.
 */
class SqlTest {

    @Test
    void aConnectionKilledMidCopyFailsTheTransactionInsteadOfHangingIt() throws Exception {
        try (Connection c = Infra.connect(); Connection admin = Infra.connect()) {
            int pid;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(SQLException.class,
                    () -> Sql.inTransaction(c, () -> {
                        try (Statement st = c.createStatement()) {
                            st.execute("CREATE TEMP TABLE copied (n INT) ON COMMIT DROP");
                        }
                        Sql.copy(c, "COPY copied (n) FROM STDIN", IntStream.rangeClosed(1, 100_000)::iterator,
                                (line, n) -> {
                                    if (n == 50_000) {
                                        terminate(admin, pid);
                                    }
                                    line.append(n);
                                });
                        return null;
                    })));
            assertTrue(e.getMessage().contains("copy") || e.getMessage().contains("terminating"), e.getMessage());
            assertFalse(c.isValid(1), "the connection is done for");
        }
    }

    @Test
    void aCopyThatFailsOnTheClientIsCancelledAndTheConnectionStaysUsable() throws Exception {
        try (Connection c = Infra.connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE copied (n INT)");
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Sql.inTransaction(c, () -> {
                Sql.copy(c, "COPY copied (n) FROM STDIN", IntStream.rangeClosed(1, 100_000)::iterator, (line, n) -> {
                    if (n == 70_000) {
                        throw new IllegalStateException("bad row " + n);
                    }
                    line.append(n);
                });
                return null;
            }));
            assertEquals("bad row 70000", e.getMessage());
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM copied")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "nothing of the failed COPY is kept");
            }
        }
    }

    private static void terminate(Connection admin, int pid) {
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ", 10000)")) {
            rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
