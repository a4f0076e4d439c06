package io.openaudience.worker.service;

import io.openaudience.worker.parse.RowSource;
import io.openaudience.worker.parse.UnreadableFileException;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The loop every file job runs: read past the rows its checkpoint says are committed, then collect validated rows
 * into batches and hand them to the pipeline; a batch also ends early when collecting it takes longer than the
 * progress interval, so progress moves every few seconds even when the file arrives slowly.
 */
final class BatchLoop {

    private BatchLoop() {
    }

    /**
     * Runs the rows of {@code source} after the first {@code checkpoint} through {@code pipeline}; stops after
     * {@code maxBatches} batches (returns false, the job left running) or at the end of the file (returns true).
     * A file that cannot be read on fails after the rows before the break are committed.
     */
    static <S, R> boolean run(RowSource<S> source, BatchPipeline<R> pipeline, long checkpoint, long maxBatches,
                              int batchSize, Duration progressInterval, Function<S, R> validate)
            throws IOException, SQLException {
        long skipped = 0;
        while (skipped < checkpoint && source.next() != null) {
            skipped++;
        }
        if (skipped < checkpoint) {
            throw new UnreadableFileException("the file has fewer rows than the job's checkpoint " + checkpoint);
        }
        long intervalNanos = progressInterval.toNanos();
        long batches = 0;
        List<R> batch = new ArrayList<>(Math.min(batchSize, 65536));
        long started = System.nanoTime();
        while (true) {
            if (batches >= maxBatches) {
                pipeline.drain();
                return false;
            }
            S row;
            try {
                row = source.next();
            } catch (UnreadableFileException e) {
                // Rows before the point the file broke are good: keep them, then fail the job.
                if (!batch.isEmpty()) {
                    pipeline.submit(batch);
                }
                pipeline.drain();
                throw e;
            }
            if (row != null) {
                batch.add(validate.apply(row));
            }
            boolean full = batch.size() >= batchSize
                    || (!batch.isEmpty() && (batch.size() & 1023) == 0 && System.nanoTime() - started > intervalNanos);
            if (row == null || full) {
                if (!batch.isEmpty()) {
                    pipeline.submit(batch);
                    batches++;
                    batch = new ArrayList<>(Math.min(batchSize, 65536));
                }
                started = System.nanoTime();
                if (row == null) {
                    pipeline.drain();
                    return true;
                }
            }
        }
    }
}
