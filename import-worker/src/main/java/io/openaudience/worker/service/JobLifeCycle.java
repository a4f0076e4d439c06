package io.openaudience.worker.service;

import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.parse.UnreadableFileException;
import io.openaudience.worker.repository.JobTable;
import io.openaudience.worker.repository.LeaseLostException;
import io.openaudience.worker.repository.LeasedJob;
import io.openaudience.worker.repository.TargetGoneException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;

/**
 * What running any claimed job has in common: its lease is kept by the heartbeat while it runs; a job claimed more
 * than {@code max-attempts} times fails; an unreadable file or a deleted target fails it with the reason; a lost
 * lease stops it without a write; any other error (the database restarted, say) gives the lease back, as soon as the
 * database takes it, so that the sweeper retries the job from its checkpoint soon.
 */
@ApplicationScoped
public class JobLifeCycle {

    private static final Logger LOG = Logger.getLogger(JobLifeCycle.class);

    /** The parts of a run that depend on the kind of job. */
    interface Steps<J extends LeasedJob> {

        /** Runs at most {@code maxBatches} batches from the checkpoint, completes the job at its end; returns that. */
        boolean process(J job, long maxBatches) throws Exception;

        /** Ends the job failed with the reason (and whatever else its end means). */
        void fail(J job, String reason) throws SQLException;
    }

    private final RunningJobs running;
    private final WorkerConfig config;
    private final DeadLetters deadLetters;

    public JobLifeCycle(RunningJobs running, WorkerConfig config, DeadLetters deadLetters) {
        this.running = running;
        this.config = config;
        this.deadLetters = deadLetters;
    }

    /**
     * Runs the job (at most {@code maxBatches} batches); returns whether it reached its end.
     *
     * @param schema the job's schema ({@link DeadLetters#SEGMENTS}, {@link DeadLetters#AUDIENCE}): where a job given
     *               up on is recorded
     */
    <J extends LeasedJob> boolean run(JobTable table, String schema, String kind, J job, long maxBatches,
                                      Steps<J> steps) {
        running.started(table, job.id(), job.owner());
        try {
            if (job.attempts() > config.maxAttempts()) {
                String reason = "gave up after " + (job.attempts() - 1) + " attempts";
                failQuietly(kind, job, reason, steps);
                deadLetters.gaveUp(schema, job.id().toString(), job.attempts() - 1, kind + " " + reason);
                return true;
            }
            boolean finished = steps.process(job, maxBatches);
            if (finished) {
                LOG.infof("%s %s finished (attempt %d)", kind, job.id(), job.attempts());
            }
            return finished;
        } catch (UnreadableFileException e) {
            failQuietly(kind, job, e.getMessage(), steps);
            return true;
        } catch (TargetGoneException e) {
            failQuietly(kind, job, e.reason(), steps);
            return true;
        } catch (LeaseLostException e) {
            LOG.warnf("%s %s was taken over by another worker; stopping here", kind, job.id());
            return false;
        } catch (Exception e) {
            LOG.errorf(e, "%s %s stopped on an unexpected error (attempt %d); it will be retried", kind, job.id(),
                    job.attempts());
            running.release(table, job.id(), job.owner());
            return false;
        } finally {
            running.ended(job.id());
        }
    }

    private static <J extends LeasedJob> void failQuietly(String kind, J job, String reason, Steps<J> steps) {
        try {
            steps.fail(job, reason);
            LOG.infof("%s %s failed: %s", kind, job.id(), reason);
        } catch (SQLException e) {
            LOG.errorf(e, "cannot mark %s %s failed; its lease will expire and it will be retried", kind, job.id());
        }
    }
}
