package io.openaudience.worker.service;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline's waits are bounded: a failed batch stops the batches after it instead of waiting for them, and a batch
 * that never ends is given up after the bound. The writers stand in for JDBC calls that only an interrupt (the
 * driver's wait for its connection lock) or nothing at all (a read from a dead socket) would end.
 */
class BatchPipelineTest {

    private static final List<String> ROWS = List.of("a", "b");

    @Test
    void aFailedBatchStopsTheBatchAfterItAtOnce() throws Exception {
        CountDownLatch laterBlocked = new CountDownLatch(1);
        AtomicBoolean laterInterrupted = new AtomicBoolean();
        BatchPipeline.Writer<String> writer = (c, start, rows, order) -> {
            if (start == 0) {
                await(laterBlocked);
                throw new SQLException("batch 1 lost its connection");
            }
            // Batch 2 blocked where no earlier batch's failure reaches it, like a rollback waiting for the driver's
            // lock on a connection that died mid-COPY: only an interrupt ends it.
            laterBlocked.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                laterInterrupted.set(true);
                throw new SQLException("interrupted", e);
            }
            return rows.size();
        };
        // A bound far above the test's own: the stop must come from the failure, not from the bound.
        try (BatchPipeline<String> pipeline = new BatchPipeline<>(connections(), writer, "job-1", 0, 2,
                Duration.ofMinutes(5))) {
            pipeline.submit(ROWS);
            pipeline.submit(ROWS);
            SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(SQLException.class, pipeline::drain));
            assertEquals("batch 1 lost its connection", e.getMessage());
        }
        assertTrue(laterInterrupted.get(), "the batch after the failed one was stopped");
    }

    @Test
    void aBatchThatNeverEndsIsGivenUpAfterTheBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean laterFailed = new AtomicBoolean();
        BatchPipeline.Writer<String> writer = (c, start, rows, order) -> {
            if (start == 0) {
                // A read from a socket whose server is gone: deaf to interrupts, ends only when the test is over.
                awaitUninterruptibly(release);
                throw new SQLException("socket closed");
            }
            try {
                order.awaitEarlierCommit();
            } catch (SQLException e) {
                laterFailed.set(true);
                throw e;
            }
            return rows.size();
        };
        Duration bound = Duration.ofMillis(500);
        try {
            long t0 = System.nanoTime();
            BatchPipeline<String> pipeline = new BatchPipeline<>(connections(), writer, "job-2", 0, 2, bound);
            SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try (pipeline) {
                    pipeline.submit(ROWS);
                    pipeline.submit(ROWS);
                    return assertThrows(SQLException.class, pipeline::drain);
                }
            });
            assertTrue(e.getMessage().contains("did not end within"), e.getMessage());
            assertTrue(laterFailed.get(), "the batch waiting for the stuck one was stopped");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "bounded by a few times the bound");
        } finally {
            release.countDown();
        }
    }

    private static void await(CountDownLatch latch) throws SQLException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new SQLException("test latch timed out");
            }
        } catch (InterruptedException e) {
            throw new SQLException(e);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A data source of connections that do nothing (the writers above never use them). */
    private static DataSource connections() {
        return (DataSource) Proxy.newProxyInstance(BatchPipelineTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> Proxy.newProxyInstance(BatchPipelineTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("unwrap")) {
                                    throw new SQLException("not a driver connection");
                                }
                                return null;
                            });
                    case "getLogWriter" -> new PrintWriter(System.out);
                    case "getParentLogger" -> Logger.getGlobal();
                    default -> null;
                });
    }
}
