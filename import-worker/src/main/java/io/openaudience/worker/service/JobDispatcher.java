package io.openaudience.worker.service;

import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.repository.LeasedJob;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Decides which job runs where: Kafka-delivered jobs run on the consumer's worker thread (so the offset is committed
 * after the job's last commit), the sweeper runs abandoned and long-queued jobs of every kind on its own threads, and
 * one semaphore bounds both to {@code concurrency}. Fairness comes from the claim: a tenant at its running-job cap is
 * skipped (its job stays queued for the sweeper), and the sweeper picks the tenant with the fewest running jobs
 * first, taking the kinds of job in turn.
 */
@ApplicationScoped
public class JobDispatcher {

    private static final Logger LOG = Logger.getLogger(JobDispatcher.class);

    private final List<JobKind<?>> kinds;
    private final RunningJobs running;
    private final WorkerConfig config;
    private final Semaphore slots;
    private final ExecutorService sweptJobs;
    private int nextKind;
    private volatile long lastHeartbeat;
    private volatile long lastSweep;

    public JobDispatcher(SegmentImportJobs segmentJobs, AudienceJobs audienceJobs, RunningJobs running,
                         WorkerConfig config) {
        this.kinds = List.of(segmentJobs, audienceJobs);
        this.running = running;
        this.config = config;
        this.slots = new Semaphore(config.concurrency(), true);
        this.sweptJobs = Executors.newFixedThreadPool(config.concurrency(), r -> {
            Thread t = new Thread(r, "import-sweeper-job");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the job of a Kafka message here and now, in a slot, if it can be claimed; a no-op otherwise. */
    public <J extends LeasedJob> void runDelivered(JobKind<J> kind, String jobId)
            throws InterruptedException, SQLException {
        slots.acquire();
        try {
            runIfClaimed(kind, jobId);
        } finally {
            slots.release();
        }
        sweepSoon();
    }

    /**
     * Runs the job of a Kafka message here and now without taking a slot (for jobs that take well under a second,
     * such as a group recount, which should not wait behind long imports); a no-op if it cannot be claimed.
     */
    public <J extends LeasedJob> void runDeliveredAside(JobKind<J> kind, String jobId) throws SQLException {
        runIfClaimed(kind, jobId);
    }

    private <J extends LeasedJob> void runIfClaimed(JobKind<J> kind, String jobId) throws SQLException {
        Optional<J> claimed = kind.claim(jobId, running.newOwner());
        if (claimed.isEmpty()) {
            LOG.debugf("%s %s not claimed (finished, held by a live worker, waiting for an earlier job, or its "
                    + "tenant is at its cap)", kind.name(), jobId);
            return;
        }
        kind.run(claimed.get());
    }

    /** Heartbeats and sweeps when due; one cheap tick so the periods come from {@link WorkerConfig}. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        long now = System.nanoTime();
        if (now - lastHeartbeat >= config.heartbeat().toNanos()) {
            lastHeartbeat = now;
            running.heartbeat();
        }
        running.releasePending();
        if (now - lastSweep >= config.sweepInterval().toNanos()) {
            lastSweep = now;
            sweep();
        }
    }

    /** Claims due jobs, fairest first and the kinds in turn, while this instance has free slots. */
    public void sweep() {
        while (slots.tryAcquire()) {
            Optional<Runnable> claimed = claimNextOfAnyKind();
            if (claimed.isEmpty()) {
                slots.release();
                kinds.forEach(JobKind::idle);
                return;
            }
            Runnable job = claimed.get();
            sweptJobs.execute(() -> {
                try {
                    job.run();
                } finally {
                    slots.release();
                }
                sweepSoon();
            });
        }
    }

    /** The next due job of the kinds in turn; a kind whose table cannot be read now is passed over. */
    private synchronized Optional<Runnable> claimNextOfAnyKind() {
        for (int i = 0; i < kinds.size(); i++) {
            JobKind<?> kind = kinds.get((nextKind + i) % kinds.size());
            Optional<Runnable> claimed;
            try {
                claimed = claimNext(kind);
            } catch (SQLException e) {
                LOG.warnf("sweep of %ss failed: %s", kind.name(), e.getMessage());
                continue;
            }
            if (claimed.isPresent()) {
                nextKind = (nextKind + i + 1) % kinds.size();
                return claimed;
            }
        }
        return Optional.empty();
    }

    private <J extends LeasedJob> Optional<Runnable> claimNext(JobKind<J> kind) throws SQLException {
        return kind.claimNext(running.newOwner()).map(job -> {
            LOG.infof("sweeper took %s %s (attempt %d, resuming after row %d)", kind.name(), job.id(),
                    job.attempts(), job.processed());
            return () -> kind.run(job);
        });
    }

    private void sweepSoon() {
        // A slot just freed up: let the next fair job start without waiting for the next sweep period.
        lastSweep = 0;
    }

    void onStop(@Observes ShutdownEvent event) {
        sweptJobs.shutdownNow();
    }
}
