package io.openaudience.worker.repository;

import java.util.UUID;

/** The segment a job imports into was deleted while it ran: the batch is rolled back and the job ends failed. */
public class SegmentDeletedException extends TargetGoneException {

    public static final String REASON = "the segment no longer exists";

    public SegmentDeletedException(UUID jobId) {
        super(jobId, REASON);
    }
}
