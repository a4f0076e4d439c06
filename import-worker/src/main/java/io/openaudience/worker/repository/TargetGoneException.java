package io.openaudience.worker.repository;

/** What a job writes into (a segment, a group) was deleted while it ran: the batch rolls back, the job fails. */
public abstract class TargetGoneException extends RuntimeException {

    private final String reason;

    protected TargetGoneException(Object jobId, String reason) {
        super(reason + " (job " + jobId + ")", null, false, false);
        this.reason = reason;
    }

    /** The job's failure reason. */
    public String reason() {
        return reason;
    }
}
