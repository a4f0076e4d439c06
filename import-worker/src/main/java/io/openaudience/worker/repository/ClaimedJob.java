package io.openaudience.worker.repository;

import java.util.UUID;

/**
 * A job this worker holds the lease of: its tenant and target, the upload to read, the checkpoint it resumes from
 * ({@code processed} rows already committed) and the owner token that fences every write against a takeover.
 */
public record ClaimedJob(UUID id, long subscriptionId, String initiativeId, String type, Long segmentId,
                         UUID uploadId, String format, long processed, int attempts, String owner)
        implements LeasedJob {

    public boolean linksSegment() {
        return "segment_users".equals(type);
    }
}
