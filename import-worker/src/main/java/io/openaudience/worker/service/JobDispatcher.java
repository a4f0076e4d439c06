package io.openaudience.worker.service;

import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.repository.ClaimedJob;
import io.openaudience.worker.repository.ImportJobRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides which job runs where: Kafka-delivered jobs run on the consumer's worker thread (so the offset is committed
 * after the job's last commit), the sweeper runs abandoned and long-queued jobs on its own threads, and one semaphore
 * bounds both to {@code concurrency}. Fairness comes from the claim: a tenant at its running-job cap is skipped (its
 * job stays queued for the sweeper), and the sweeper picks the tenant with the fewest running jobs first.
 */
@ApplicationScoped
public class JobDispatcher {

    private static final Logger LOG = Logger.getLogger(JobDispatcher.class);

    private final ImportJobRepository jobs;
    private final ImportJobRunner runner;
    private final WorkerConfig config;
    private final Semaphore slots;
    private final ExecutorService sweptJobs;
    private final String instanceId;
    private final AtomicLong claims = new AtomicLong();
    private volatile long lastHeartbeat;
    private volatile long lastSweep;

    public JobDispatcher(ImportJobRepository jobs, ImportJobRunner runner, WorkerConfig config) {
        this.jobs = jobs;
        this.runner = runner;
        this.config = config;
        this.slots = new Semaphore(config.concurrency(), true);
        this.sweptJobs = Executors.newFixedThreadPool(config.concurrency(), r -> {
            Thread t = new Thread(r, "import-sweeper-job");
            t.setDaemon(true);
            return t;
        });
        this.instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString()
                .substring(0, 8);
    }

    /** A fresh owner token per claim: the fencing token of every write of that claim. */
    public String newOwner() {
        return instanceId + "#" + claims.incrementAndGet();
    }

    /** Runs the job of a Kafka message here and now if it can be claimed; a no-op for finished or taken jobs. */
    public void runDelivered(UUID jobId) throws InterruptedException, SQLException {
        slots.acquire();
        try {
            Optional<ClaimedJob> claimed = jobs.claim(jobId, newOwner(), config.lease(), config.maxRunningPerTenant());
            if (claimed.isEmpty()) {
                LOG.debugf("import job %s not claimed (finished, held by a live worker, or its tenant is at its cap)",
                        jobId);
                return;
            }
            runner.run(claimed.get());
        } finally {
            slots.release();
        }
        sweepSoon();
    }

    /** Heartbeats and sweeps when due; one cheap tick so the periods come from {@link WorkerConfig}. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        long now = System.nanoTime();
        if (now - lastHeartbeat >= config.heartbeat().toNanos()) {
            lastHeartbeat = now;
            runner.heartbeat();
        }
        if (now - lastSweep >= config.sweepInterval().toNanos()) {
            lastSweep = now;
            sweep();
        }
    }

    /** Claims due jobs, fairest first, while this instance has free slots. */
    public void sweep() {
        while (slots.tryAcquire()) {
            Optional<ClaimedJob> claimed;
            try {
                claimed = jobs.claimNext(newOwner(), config.lease(), config.queuedGrace(),
                        config.maxRunningPerTenant());
            } catch (SQLException e) {
                slots.release();
                LOG.warnf(e, "sweep failed");
                return;
            }
            if (claimed.isEmpty()) {
                slots.release();
                purgeLeftovers();
                return;
            }
            ClaimedJob job = claimed.get();
            LOG.infof("sweeper took import job %s (attempt %d, resuming after row %d)", job.id(), job.attempts(),
                    job.processed());
            sweptJobs.execute(() -> {
                try {
                    runner.run(job);
                } finally {
                    slots.release();
                }
                sweepSoon();
            });
        }
    }

    private void sweepSoon() {
        // A slot just freed up: let the next fair job start without waiting for the next sweep period.
        lastSweep = 0;
    }

    private void purgeLeftovers() {
        try {
            for (UUID id : jobs.finishedWithSeenKeys()) {
                jobs.purgeSeen(id);
            }
        } catch (SQLException e) {
            LOG.debugf(e, "purge of duplicate keys failed");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        sweptJobs.shutdownNow();
    }
}
