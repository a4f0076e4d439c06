package io.openaudience.worker.fetch;

import io.openaudience.worker.parse.UnreadableFileException;

/** The job's file could not be fetched (or fetched on): refused host, HTTP error, too large, too slow, broken off. */
public class FetchFailedException extends UnreadableFileException {

    public FetchFailedException(String reason) {
        super(reason);
    }
}
