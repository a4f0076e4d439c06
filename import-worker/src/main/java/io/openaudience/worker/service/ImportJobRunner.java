package io.openaudience.worker.service;

import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.parse.CsvRowSource;
import io.openaudience.worker.parse.ImportRow;
import io.openaudience.worker.parse.JsonRowSource;
import io.openaudience.worker.parse.RowSource;
import io.openaudience.worker.parse.RowValidator;
import io.openaudience.worker.repository.BatchWriter;
import io.openaudience.worker.repository.ClaimedJob;
import io.openaudience.worker.repository.ImportJobRepository;
import io.openaudience.worker.repository.SegmentDeletedException;
import io.openaudience.worker.repository.UploadChunkInputStream;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Runs one claimed import job to its end: streams the stored file through the parser and the row rules, writes it
 * batch by batch from the job's checkpoint (rows already committed are read past, not written again), and marks the
 * job completed, completed_with_errors or failed.
 */
@ApplicationScoped
public class ImportJobRunner implements JobLifeCycle.Steps<ClaimedJob> {

    private static final Logger LOG = Logger.getLogger(ImportJobRunner.class);

    private final DataSource dataSource;
    private final ImportJobRepository jobs;
    private final WorkerConfig config;
    private final JobLifeCycle lifeCycle;
    private final WorkerMetrics metrics;

    public ImportJobRunner(DataSource dataSource, ImportJobRepository jobs, WorkerConfig config,
                           JobLifeCycle lifeCycle, WorkerMetrics metrics) {
        this.dataSource = dataSource;
        this.jobs = jobs;
        this.config = config;
        this.lifeCycle = lifeCycle;
        this.metrics = metrics;
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
        return lifeCycle.run(ImportJobRepository.TABLE, DeadLetters.SEGMENTS, "import job", job, maxBatches, this);
    }

    @Override
    public boolean process(ClaimedJob job, long maxBatches) throws IOException, SQLException {
        if (job.linksSegment() && (job.segmentId() == null || !jobs.segmentExists(job))) {
            throw new SegmentDeletedException(job.id());
        }
        BatchWriter writer = new BatchWriter(config.resultRows(), config.lease());
        boolean finished;
        try (RowSource<ImportRow> source = open(job);
             BatchPipeline<ImportRow> pipeline = new BatchPipeline<>(dataSource,
                     (c, start, rows, order) -> committed(writer.write(c, job, start, rows, order)), job.id(),
                     job.processed(), config.writers(), config.lease())) {
            finished = BatchLoop.run(source, pipeline, job.processed(), maxBatches, config.batchSize(),
                    config.progressInterval(), RowValidator::validate);
        }
        if (finished) {
            jobs.complete(job);
            purge(job.id());
        }
        return finished;
    }

    private long committed(BatchWriter.BatchResult batch) {
        metrics.rows("segments", batch.rows(), batch.failed());
        return batch.rows();
    }

    @Override
    public void fail(ClaimedJob job, String reason) throws SQLException {
        jobs.fail(job, reason);
        purge(job.id());
    }

    private RowSource<ImportRow> open(ClaimedJob job) throws IOException {
        InputStream in = new BufferedInputStream(new UploadChunkInputStream(dataSource, job.uploadId()), 1 << 16);
        return "json".equals(job.format()) ? new JsonRowSource(in) : new CsvRowSource(in, config.csv().limits());
    }

    private void purge(UUID jobId) {
        try {
            jobs.purgeSeen(jobId);
        } catch (SQLException e) {
            LOG.warnf(e, "cannot purge the duplicate keys of import job %s; the sweeper will", jobId);
        }
    }
}
