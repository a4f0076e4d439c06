package io.openaudience.worker.service;

import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.repository.ClaimedJob;
import io.openaudience.worker.repository.ImportJobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Segments' import jobs ({@code segments.import_job}) as the dispatcher claims and runs them. */
@ApplicationScoped
public class SegmentImportJobs implements JobKind<ClaimedJob> {

    private static final Logger LOG = Logger.getLogger(SegmentImportJobs.class);

    private final ImportJobRepository jobs;
    private final ImportJobRunner runner;
    private final WorkerConfig config;

    public SegmentImportJobs(ImportJobRepository jobs, ImportJobRunner runner, WorkerConfig config) {
        this.jobs = jobs;
        this.runner = runner;
        this.config = config;
    }

    @Override
    public String name() {
        return "import job";
    }

    @Override
    public Optional<ClaimedJob> claim(String jobId, String owner) throws SQLException {
        return jobs.claim(UUID.fromString(jobId), owner, config.lease(), config.maxRunningPerTenant());
    }

    @Override
    public Optional<ClaimedJob> claimNext(String owner) throws SQLException {
        return jobs.claimNext(owner, config.lease(), config.queuedGrace(), config.maxRunningPerTenant());
    }

    @Override
    public void run(ClaimedJob job) {
        runner.run(job);
    }

    @Override
    public void idle() {
        try {
            for (UUID id : jobs.finishedWithSeenKeys()) {
                jobs.purgeSeen(id);
            }
        } catch (SQLException e) {
            LOG.debugf(e, "purge of duplicate keys failed");
        }
    }
}
