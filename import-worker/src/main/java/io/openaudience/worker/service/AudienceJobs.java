package io.openaudience.worker.service;

import io.openaudience.common.audience.ObjectIds;
import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.repository.AudienceJobRepository;
import io.openaudience.worker.repository.ClaimedAudienceJob;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;
import java.util.Optional;

/** Audience jobs ({@code audience.job}) as the dispatcher claims and runs them. */
@ApplicationScoped
public class AudienceJobs implements JobKind<ClaimedAudienceJob> {

    private final AudienceJobRepository jobs;
    private final AudienceJobRunner runner;
    private final WorkerConfig config;

    public AudienceJobs(AudienceJobRepository jobs, AudienceJobRunner runner, WorkerConfig config) {
        this.jobs = jobs;
        this.runner = runner;
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
        runner.run(job);
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
