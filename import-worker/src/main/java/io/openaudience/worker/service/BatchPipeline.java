package io.openaudience.worker.service;

import io.openaudience.worker.repository.BatchOrder;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a job's batches in file order on up to {@code writers} connections at once, so PostgreSQL works on the next
 * batch (its COPY, then its member inserts) while the one before it writes its memberships and commits: the member
 * inserts, most of a batch's time, are index work on one backend, and a second backend uses the second core.
 *
 * <p>Batch k+1 waits for batch k twice ({@link BatchOrder}): before touching the keys (members and duplicate keys,
 * people), until k has written its own, and before its checkpoint, until k committed. If k fails, k+1 fails too and
 * rolls back, and the job stops at the last committed batch exactly as with one connection. Commits stay in file
 * order, so the job's {@code processed} is still the resume point.
 */
final class BatchPipeline<R> implements AutoCloseable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Writes and commits one batch of rows numbered from {@code expectedProcessed + 1}; returns the rows counted. */
    interface Writer<R> {
        long write(Connection c, long expectedProcessed, List<R> rows, BatchOrder order)
                throws SQLException, IOException;

        /** Called in file order, on the submitting thread, before the batch starting after row {@code start} runs. */
        default void submitted(long start, List<R> rows) {
        }
    }

    private final Writer<R> writer;
    private final Object jobId;
    private final Connection[] connections;
    private final ExecutorService threads;
    private final Deque<Future<Long>> inFlight = new ArrayDeque<>();
    private long submitted;
    private long expected;
    private long committed;
    private CompletableFuture<Void> lastKeys = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);

    BatchPipeline(DataSource dataSource, Writer<R> writer, Object jobId, long checkpoint, int writers)
            throws SQLException {
        this.writer = writer;
        this.jobId = jobId;
        this.expected = checkpoint;
        this.committed = checkpoint;
        this.connections = new Connection[Math.max(1, writers)];
        try {
            for (int i = 0; i < connections.length; i++) {
                connections[i] = dataSource.getConnection();
            }
        } catch (SQLException e) {
            closeConnections();
            throw e;
        }
        this.threads = Executors.newFixedThreadPool(connections.length, r -> {
            Thread t = new Thread(r, "import-writer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Hands the next batch to a writer; first waits for the batch that last used that writer's connection. */
    void submit(List<R> rows) throws SQLException, IOException {
        if (inFlight.size() == connections.length) {
            awaitOldest();
        }
        Connection c = connections[(int) (submitted % connections.length)];
        CompletableFuture<Void> keys = new CompletableFuture<>();
        CompletableFuture<Void> commit = new CompletableFuture<>();
        BatchOrder order = new FutureOrder(lastKeys, keys, lastCommit);
        long start = expected;
        writer.submitted(start, rows);
        inFlight.add(threads.submit(() -> {
            try {
                long result = writer.write(c, start, rows, order);
                keys.complete(null);
                commit.complete(null);
                return result;
            } catch (Exception | Error e) {
                keys.completeExceptionally(e);
                commit.completeExceptionally(e);
                throw e;
            }
        }));
        submitted++;
        expected += rows.size();
        lastKeys = keys;
        lastCommit = commit;
    }

    /** Waits for every batch in flight; returns the job's checkpoint. Throws the first failure in file order. */
    long drain() throws SQLException, IOException {
        while (!inFlight.isEmpty()) {
            awaitOldest();
        }
        return committed;
    }

    private void awaitOldest() throws SQLException, IOException {
        Future<Long> oldest = inFlight.poll();
        try {
            committed += oldest.get();
        } catch (ExecutionException e) {
            // The later batches fail after this one (they wait for it) and roll back: let them, then report this one.
            drainQuietly();
            throw rethrown(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing job " + jobId, e);
        }
    }

    private void drainQuietly() {
        while (!inFlight.isEmpty()) {
            try {
                inFlight.poll().get();
            } catch (ExecutionException ignored) {
                // Follows from the failure being reported.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static RuntimeException rethrown(Throwable cause) throws SQLException, IOException {
        if (cause instanceof SQLException e) {
            throw e;
        }
        if (cause instanceof IOException e) {
            throw e;
        }
        if (cause instanceof RuntimeException e) {
            return e;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }

    /** Lets the batches in flight end (they are valid rows: a reader failure is not theirs), then closes. */
    @Override
    public void close() {
        drainQuietly();
        threads.shutdown();
        try {
            threads.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnections();
    }

    private void closeConnections() {
        for (Connection c : connections) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // Returned to the pool broken; the pool validates it.
                }
            }
        }
    }

    /** The order of one batch after the one submitted before it. */
    private record FutureOrder(CompletableFuture<Void> earlierKeys, CompletableFuture<Void> keys,
                               CompletableFuture<Void> earlierCommit) implements BatchOrder {

        @Override
        public void awaitEarlierKeys() throws SQLException {
            await(earlierKeys);
        }

        @Override
        public void keysDone() {
            keys.complete(null);
        }

        @Override
        public void awaitEarlierCommit() throws SQLException {
            await(earlierCommit);
        }

        private static void await(CompletableFuture<Void> earlier) throws SQLException {
            try {
                earlier.get();
            } catch (ExecutionException e) {
                throw new SQLException("an earlier batch of the job failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for an earlier batch", e);
            }
        }
    }
}
