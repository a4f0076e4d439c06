package io.openaudience.worker.repository;

/** A job this worker claimed: its id, the owner token that fences its writes, its checkpoint and claim count. */
public interface LeasedJob {

    Object id();

    String owner();

    /** Rows already committed: where the job resumes. */
    long processed();

    /** Claims so far, this one included. */
    int attempts();
}
