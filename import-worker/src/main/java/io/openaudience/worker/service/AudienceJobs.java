package io.openaudience.worker.service;

import io.openaudience.common.audience.ObjectIds;
import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.repository.AudienceJobRepository;
import io.openaudience.worker.repository.ClaimedAudienceJob;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Audience jobs ({@code audience.job}) as the dispatcher claims and runs them. When a job that changes a group ends,
 * the next queued job of that group (which waited for it) is claimed and run in its place.
 */
@ApplicationScoped
public class AudienceJobs implements JobKind<ClaimedAudienceJob> {

    private static final Logger LOG = Logger.getLogger(AudienceJobs.class);

    private final AudienceJobRepository jobs;
    private final AudienceJobRunner runner;
    private final RunningJobs running;
    private final WorkerConfig config;

    public AudienceJobs(AudienceJobRepository jobs, AudienceJobRunner runner, RunningJobs running,
                        WorkerConfig config) {
        this.jobs = jobs;
        this.runner = runner;
        this.running = running;
        this.config = config;
    }

    @Override
    public String name() {
        return "audience job";
    }

    @Override
    public Optional<ClaimedAudienceJob> claim(String jobId, String owner) throws SQLException {
        if (!ObjectIds.isObjectId(jobId)) {
            return Optional.empty();
        }
        return jobs.claim(jobId, owner, config.lease(), config.maxRunningPerTenant());
    }

    @Override
    public Optional<ClaimedAudienceJob> claimNext(String owner) throws SQLException {
        return jobs.claimNext(owner, config.lease(), config.queuedGrace(), config.maxRunningPerTenant());
    }

    @Override
    public void run(ClaimedAudienceJob job) {
        ClaimedAudienceJob current = job;
        while (true) {
            runner.run(current);
            if (!current.changesGroup()) {
                return;
            }
            try {
                Optional<ClaimedAudienceJob> next = jobs.claimNextOfGroup(current, running.newOwner(), config.lease());
                if (next.isEmpty()) {
                    return;
                }
                current = next.get();
                LOG.infof("audience job %s follows %s on group %s", current.id(), job.id(), current.groupId());
            } catch (SQLException e) {
                LOG.warnf(e, "cannot claim the next job of group %s; the sweeper will", current.groupId());
                return;
            }
        }
    }

    /** The recounts of {@code refresh-total-users}: claimed by id whatever the tenant's cap, other jobs never. */
    public JobKind<ClaimedAudienceJob> refreshes() {
        return new JobKind<>() {
            @Override
            public String name() {
                return "refresh job";
            }

            @Override
            public Optional<ClaimedAudienceJob> claim(String jobId, String owner) throws SQLException {
                return ObjectIds.isObjectId(jobId) ? jobs.claimRefresh(jobId, owner, config.lease())
                        : Optional.empty();
            }

            @Override
            public Optional<ClaimedAudienceJob> claimNext(String owner) {
                return Optional.empty();
            }

            @Override
            public void run(ClaimedAudienceJob job) {
                runner.run(job);
            }
        };
    }
}
