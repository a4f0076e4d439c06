package io.openaudience.worker.service;

import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.repository.JobTable;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jobs this instance is running now, of every job table, the heartbeat that keeps their leases, the leases it
 * gives back, and the owner tokens its claims fence their writes with.
 */
@ApplicationScoped
public class RunningJobs {

    private static final Logger LOG = Logger.getLogger(RunningJobs.class);

    private record Lease(JobTable table, String owner) {
    }

    private record PendingRelease(JobTable table, String owner, long until) {
    }

    private final DataSource dataSource;
    private final WorkerConfig config;
    private final Map<Object, Lease> running = new ConcurrentHashMap<>();
    private final Map<Object, PendingRelease> releases = new ConcurrentHashMap<>();
    private final String instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong claims = new AtomicLong();

    public RunningJobs(DataSource dataSource, WorkerConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** A fresh owner token per claim ({@code <pid@host>/<instance>#<n>}): the fencing token of its writes. */
    public String newOwner() {
        return instanceId + "#" + claims.incrementAndGet();
    }

    void started(JobTable table, Object jobId, String owner) {
        running.put(jobId, new Lease(table, owner));
    }

    void ended(Object jobId) {
        running.remove(jobId);
    }

    /** Extends the lease of every job this instance is running. */
    public void heartbeat() {
        running.forEach((id, lease) -> {
            try (Connection c = dataSource.getConnection()) {
                if (!lease.table().heartbeat(c, id, lease.owner(), config.lease())) {
                    LOG.debugf("job %s is no longer ours (finished or taken over)", id);
                }
            } catch (SQLException e) {
                LOG.warnf(e, "heartbeat of job %s failed", id);
            }
        });
    }

    /**
     * Gives the lease of a job that stopped on an unexpected error back, so that the sweeper retries it soon. If the
     * database cannot be reached now (the usual reason for the error), {@link #releasePending()} tries again at every
     * tick until it can, or until the lease would have expired by itself anyway.
     */
    void release(JobTable table, Object jobId, String owner) {
        releases.put(jobId, new PendingRelease(table, owner, System.nanoTime() + config.lease().toNanos()));
        releasePending();
    }

    /** Gives back the leases still to be given back; those the database cannot take now stay for the next tick. */
    public void releasePending() {
        releases.forEach((id, release) -> {
            try (Connection c = dataSource.getConnection()) {
                release.table().release(c, id, release.owner());
                releases.remove(id, release);
            } catch (SQLException e) {
                if (System.nanoTime() - release.until() > 0) {
                    releases.remove(id, release);
                }
                LOG.debugf("cannot give the lease of job %s back yet: %s", id, e.getMessage());
            }
        });
    }
}
