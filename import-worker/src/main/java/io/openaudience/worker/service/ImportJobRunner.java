package io.openaudience.worker.service;

import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.parse.CsvRowSource;
import io.openaudience.worker.parse.ImportRow;
import io.openaudience.worker.parse.JsonRowSource;
import io.openaudience.worker.parse.RowSource;
import io.openaudience.worker.parse.RowValidator;
import io.openaudience.worker.parse.UnreadableFileException;
import io.openaudience.worker.repository.BatchWriter;
import io.openaudience.worker.repository.ClaimedJob;
import io.openaudience.worker.repository.ImportJobRepository;
import io.openaudience.worker.repository.LeaseLostException;
import io.openaudience.worker.repository.SegmentDeletedException;
import io.openaudience.worker.repository.UploadChunkInputStream;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Runs one claimed import job to its end: streams the stored file through the parser and the row rules, writes it
 * batch by batch from the job's checkpoint (rows already committed are read past, not written again), and marks the
 * job completed, completed_with_errors or failed. Keeps the leases of the jobs it is running for the heartbeat.
 */
@ApplicationScoped
public class ImportJobRunner {

    private static final Logger LOG = Logger.getLogger(ImportJobRunner.class);
    private static final String SEGMENT_GONE = "the segment no longer exists";

    private final DataSource dataSource;
    private final ImportJobRepository jobs;
    private final WorkerConfig config;
    private final Map<UUID, String> running = new ConcurrentHashMap<>();

    public ImportJobRunner(DataSource dataSource, ImportJobRepository jobs, WorkerConfig config) {
        this.dataSource = dataSource;
        this.jobs = jobs;
        this.config = config;
    }

    /** Runs the job to its end. */
    public void run(ClaimedJob job) {
        run(job, Long.MAX_VALUE);
    }

    /**
     * Runs at most {@code maxBatches} batches of the job, then returns leaving it running as a worker that died at
     * that point would (used to prove the takeover); returns whether the job reached its end.
     */
    public boolean run(ClaimedJob job, long maxBatches) {
        running.put(job.id(), job.owner());
        try {
            if (job.attempts() > config.maxAttempts()) {
                jobs.fail(job, "gave up after " + (job.attempts() - 1) + " attempts");
                return true;
            }
            if (job.linksSegment() && (job.segmentId() == null || !jobs.segmentExists(job))) {
                jobs.fail(job, SEGMENT_GONE);
                return true;
            }
            boolean finished = process(job, maxBatches);
            if (finished) {
                jobs.complete(job);
                LOG.infof("import job %s finished (attempt %d)", job.id(), job.attempts());
                purge(job.id());
            }
            return finished;
        } catch (UnreadableFileException e) {
            failQuietly(job, e.getMessage());
            return true;
        } catch (SegmentDeletedException e) {
            failQuietly(job, SEGMENT_GONE);
            return true;
        } catch (LeaseLostException e) {
            LOG.warnf("import job %s was taken over by another worker; stopping here", job.id());
            return false;
        } catch (Exception e) {
            LOG.errorf(e, "import job %s stopped on an unexpected error (attempt %d); it will be retried",
                    job.id(), job.attempts());
            try {
                jobs.release(job);
            } catch (SQLException ignored) {
                // The lease then simply expires.
            }
            return false;
        } finally {
            running.remove(job.id());
        }
    }

    private boolean process(ClaimedJob job, long maxBatches) throws IOException, SQLException {
        BatchWriter writer = new BatchWriter(config.resultRows(), config.lease());
        long checkpoint = job.processed();
        long batches = 0;
        try (RowSource source = open(job);
             BatchPipeline pipeline = new BatchPipeline(dataSource, writer, job, checkpoint, config.writers())) {
            long intervalNanos = config.progressInterval().toNanos();
            long skipped = 0;
            ImportRow row = null;
            while (skipped < checkpoint && (row = source.next()) != null) {
                skipped++;
            }
            if (skipped < checkpoint) {
                throw new UnreadableFileException("the file has fewer rows than the job's checkpoint " + checkpoint);
            }
            List<ImportRow> batch = newBatch();
            long started = System.nanoTime();
            while (true) {
                if (batches >= maxBatches) {
                    pipeline.drain();
                    return false;
                }
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
                    batch.add(RowValidator.validate(row));
                }
                boolean full = batch.size() >= config.batchSize()
                        || (!batch.isEmpty() && (batch.size() & 1023) == 0 && System.nanoTime() - started > intervalNanos);
                if (row == null || full) {
                    if (!batch.isEmpty()) {
                        pipeline.submit(batch);
                        batches++;
                        batch = newBatch();
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

    private List<ImportRow> newBatch() {
        return new ArrayList<>(Math.min(config.batchSize(), 65536));
    }

    private RowSource open(ClaimedJob job) throws IOException {
        InputStream in = new BufferedInputStream(new UploadChunkInputStream(dataSource, job.uploadId()), 1 << 16);
        return "json".equals(job.format()) ? new JsonRowSource(in) : new CsvRowSource(in);
    }

    private void failQuietly(ClaimedJob job, String reason) {
        try {
            jobs.fail(job, reason);
            LOG.infof("import job %s failed: %s", job.id(), reason);
            purge(job.id());
        } catch (SQLException e) {
            LOG.errorf(e, "cannot mark import job %s failed; its lease will expire and it will be retried", job.id());
        }
    }

    private void purge(UUID jobId) {
        try {
            jobs.purgeSeen(jobId);
        } catch (SQLException e) {
            LOG.warnf(e, "cannot purge the duplicate keys of import job %s; the sweeper will", jobId);
        }
    }

    /** Extends the lease of every job this instance is running. */
    public void heartbeat() {
        running.forEach((id, owner) -> {
            try {
                if (!jobs.heartbeat(id, owner, config.lease())) {
                    LOG.debugf("import job %s is no longer ours (finished or taken over)", id);
                }
            } catch (SQLException e) {
                LOG.warnf(e, "heartbeat of import job %s failed", id);
            }
        });
    }

    /** Jobs this instance is running now. */
    public int runningCount() {
        return running.size();
    }
}
