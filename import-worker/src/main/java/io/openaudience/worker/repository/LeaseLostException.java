package io.openaudience.worker.repository;

import java.util.UUID;

/** Another worker took the job over (our lease expired): everything this worker had not committed is dropped. */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(UUID jobId) {
        super("lease of import job " + jobId + " lost");
    }
}
