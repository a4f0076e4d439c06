package io.openaudience.worker.service;

import io.openaudience.worker.repository.BatchOrder;
import io.openaudience.worker.repository.Sql;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a job's batches in file order on up to {@code writers} connections at once, so PostgreSQL works on the next
 * batch (its COPY, then its member inserts) while the one before it writes its memberships and commits: the member
 * inserts, most of a batch's time, are index work on one backend, and a second backend uses the second core.
 *
 * <p>Batch k+1 waits for batch k twice ({@link BatchOrder}): before touching the keys (members and duplicate keys,
 * people), until k has written its own, and before its checkpoint, until k committed. If k fails, k+1 can never
 * commit, so it is stopped at once (its connection aborted, its thread interrupted) rather than waited for, and the job
 * stops at the last committed batch exactly as with one connection. Commits stay in file order, so the job's
 * {@code processed} is still the resume point.
 *
 * <p>No wait here is unbounded: a batch that has not ended within {@code stuckAfter} (the job's lease: a batch
 * normally takes a second or two) is taken for stuck on a dead connection, stopped with every batch after it, and the
 * job fails over to a retry from its checkpoint.
 */
final class BatchPipeline<R> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchPipeline.class);
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
    private final Duration stuckAfter;
    private final Connection[] connections;
    private final ExecutorService threads;
    private final Deque<Batch> inFlight = new ArrayDeque<>();
    private long submitted;
    private long expected;
    private long committed;
    private CompletableFuture<Void> lastKeys = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);

    BatchPipeline(DataSource dataSource, Writer<R> writer, Object jobId, long checkpoint, int writers,
                  Duration stuckAfter) throws SQLException {
        this.writer = writer;
        this.jobId = jobId;
        this.stuckAfter = stuckAfter;
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
        BatchOrder order = new FutureOrder(lastKeys, keys, lastCommit, stuckAfter);
        long start = expected;
        Batch batch = new Batch(start, c);
        writer.submitted(start, rows);
        inFlight.add(batch);
        threads.execute(() -> {
            try {
                batch.begin();
                long result = writer.write(c, start, rows, order);
                keys.complete(null);
                commit.complete(null);
                batch.result.complete(result);
            } catch (Exception | Error e) {
                keys.completeExceptionally(e);
                commit.completeExceptionally(e);
                batch.result.completeExceptionally(e);
            } finally {
                batch.end();
            }
        });
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
        Batch oldest = inFlight.peek();
        try {
            long rows = oldest.result.get(stuckAfter.toNanos(), TimeUnit.NANOSECONDS);
            inFlight.poll();
            committed += rows;
        } catch (ExecutionException e) {
            // The batches after this one can never commit (each commits after the one before it): stop them now.
            inFlight.poll();
            stopInFlight();
            throw rethrown(e.getCause());
        } catch (TimeoutException e) {
            stopInFlight();
            throw new SQLException("the batch of job " + jobId + " after row " + oldest.start + " did not end within "
                    + stuckAfter + "; it and the batches after it were stopped (connections aborted)", "08006");
        } catch (InterruptedException e) {
            stopInFlight();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing job " + jobId, e);
        }
    }

    /** Stops every batch in flight and waits (within the bound) until their threads have let go of them. */
    private void stopInFlight() {
        inFlight.forEach(Batch::stop);
        long deadline = System.nanoTime() + stuckAfter.toNanos();
        for (Batch batch : inFlight) {
            try {
                batch.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException ignored) {
                // Expected: it was stopped.
            } catch (TimeoutException e) {
                LOG.errorf("the writer of job %s after row %d did not stop within %s; leaving it", jobId,
                        batch.start, stuckAfter);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        inFlight.clear();
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

    /**
     * Lets the batches in flight end (they are valid rows: a reader failure is not theirs), each within the bound,
     * then closes. Their failures are not reported here: the job is already stopping on the error that closes it.
     */
    @Override
    public void close() {
        try {
            drain();
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.debugf("a batch in flight of job %s failed while the job stopped: %s", jobId, e);
        }
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(stuckAfter.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.errorf("writer threads of job %s did not end within %s", jobId, stuckAfter);
            }
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

    /** One batch being written: its result, and what it takes to stop it (its connection and its thread). */
    private static final class Batch {

        final long start;
        final Connection connection;
        final CompletableFuture<Long> result = new CompletableFuture<>();
        private Thread thread;
        private boolean stopped;

        Batch(long start, Connection connection) {
            this.start = start;
            this.connection = connection;
        }

        synchronized void begin() throws SQLException {
            if (stopped) {
                throw new SQLException("stopped before it started: an earlier batch failed");
            }
            thread = Thread.currentThread();
        }

        synchronized void end() {
            thread = null;
            // An interruption meant for this batch must not reach the next batch the thread runs.
            Thread.interrupted();
        }

        /**
         * Ends the batch wherever it waits: closing its connection's socket fails a statement or a read in progress
         * (a dead server may never answer), interrupting its thread ends a wait for an earlier batch or for the
         * driver's lock on the connection.
         */
        synchronized void stop() {
            if (result.isDone()) {
                return;
            }
            stopped = true;
            Sql.abort(connection);
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** The order of one batch after the one submitted before it. */
    private record FutureOrder(CompletableFuture<Void> earlierKeys, CompletableFuture<Void> keys,
                               CompletableFuture<Void> earlierCommit, Duration bound) implements BatchOrder {

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

        private void await(CompletableFuture<Void> earlier) throws SQLException {
            try {
                earlier.get(bound.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new SQLException("an earlier batch of the job failed", e.getCause());
            } catch (TimeoutException e) {
                throw new SQLException("an earlier batch of the job did not end within " + bound);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for an earlier batch", e);
            }
        }
    }
}
