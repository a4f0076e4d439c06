package io.openaudience.worker.parse;

/** The file cannot be read any further (no email column, malformed JSON, …): the job fails with this reason. */
public class UnreadableFileException extends RuntimeException {

    public UnreadableFileException(String reason) {
        super(reason);
    }
}
