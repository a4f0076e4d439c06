package io.openaudience.worker.service;

import io.openaudience.worker.parse.UnreadableFileException;

/**
 * A conditional group's stored conditions no longer parse against the application's attribute definitions (one was
 * deleted, or changed type): the evaluation writes nothing and its job fails with the condition's path and why.
 */
public class UnusableConditionsException extends UnreadableFileException {

    public UnusableConditionsException(String reason) {
        super(reason);
    }
}
