package io.openaudience.worker.repository;

/** The group a job writes into was deleted while it ran: the batch is rolled back and the job ends failed. */
public class GroupDeletedException extends TargetGoneException {

    public static final String REASON = "the group no longer exists";

    public GroupDeletedException(String jobId) {
        super(jobId, REASON);
    }
}
