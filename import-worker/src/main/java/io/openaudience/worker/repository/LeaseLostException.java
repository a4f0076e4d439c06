package io.openaudience.worker.repository;

/** Another worker took the job over (our lease expired): everything this worker had not committed is dropped. */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(Object jobId) {
        super("lease of job " + jobId + " lost");
    }
}
