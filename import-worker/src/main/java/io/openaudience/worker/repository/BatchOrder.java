package io.openaudience.worker.repository;

import java.sql.SQLException;

/**
 * How a batch waits for the batch before it when two are written at once on two connections
 * ({@code BatchPipeline}). All waits go from the later batch to the earlier one, never back, so they cannot deadlock:
 * the later batch touches the shared keys (people, members, duplicate keys) only once the earlier one is done with
 * them, and the rows both lock (a segment's user_count, the job's checkpoint) only once it committed.
 */
public interface BatchOrder {

    /** Nothing to wait for: the batch is written alone. */
    BatchOrder ALONE = new BatchOrder() {
    };

    /** Returns once the earlier batch has written its keys (or throws if it failed). */
    default void awaitEarlierKeys() throws SQLException {
    }

    /** This batch has written its keys; a later batch may write its own. */
    default void keysDone() {
    }

    /** Returns once the earlier batch committed (or throws if it failed). */
    default void awaitEarlierCommit() throws SQLException {
    }
}
