package io.openaudience.worker.service;

import io.openaudience.worker.repository.LeasedJob;

import java.sql.SQLException;
import java.util.Optional;

/** A kind of job the dispatcher claims and runs (segments' imports, audience jobs), each from its own job table. */
public interface JobKind<J extends LeasedJob> {

    /** How logs name a job of this kind. */
    String name();

    /** Claims the job of a Kafka message if it can run now (queued or abandoned, its tenant under the cap). */
    Optional<J> claim(String jobId, String owner) throws SQLException;

    /** Claims the fairest due job for the sweeper: its lease expired, or it stayed queued past the grace. */
    Optional<J> claimNext(String owner) throws SQLException;

    /** Runs a claimed job to its end (or until it fails, stops or loses its lease). */
    void run(J job);

    /** The sweeper found nothing to claim of any kind: time for housekeeping. */
    default void idle() {
    }
}
