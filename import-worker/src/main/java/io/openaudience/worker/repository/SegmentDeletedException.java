package io.openaudience.worker.repository;

import java.util.UUID;

/** The segment a job imports into was deleted while it ran: the batch is rolled back and the job ends failed. */
public class SegmentDeletedException extends RuntimeException {

    public SegmentDeletedException(UUID jobId) {
        super("the segment of import job " + jobId + " no longer exists");
    }
}
