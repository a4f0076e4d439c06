package io.openaudience.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the outbox relay that publishes a service's committed outbox rows to Kafka. */
@ConfigMapping(prefix = "outbox")
public interface OutboxConfig {

    /** The service's outbox table, schema-qualified (e.g. {@code segments.outbox}); see {@link OutboxRepository}. */
    String table();

    /** Client id of the relay's Kafka producer. */
    @WithDefault("outbox-relay")
    String clientId();

    /** Whether this replica runs the relay at all (any number of replicas may). */
    @WithDefault("true")
    boolean enabled();

    /** How often the relay looks for due rows (read by the @Scheduled expression of the relay). */
    @WithDefault("1s")
    String pollInterval();

    /** Rows claimed per round. */
    @WithDefault("200")
    int batchSize();

    /** How long claimed rows stay reserved for this replica; a replica that dies frees them after this. */
    @WithDefault("60s")
    Duration lease();

    /** First retry delay after a failed publish; doubles per attempt up to {@link #backoffMax()}. */
    @WithDefault("1s")
    Duration backoffBase();

    /** Longest retry delay. */
    @WithDefault("60s")
    Duration backoffMax();

    /**
     * Failed attempts after which a row that Kafka refuses for a reason of its own (too large, an invalid topic name:
     * a non-retriable error) is moved to the dead-letter table, so that the rows of its key behind it go on. Rows that
     * fail because the broker is unreachable, slow or refuses our credentials are never moved: they wait for it.
     */
    @WithDefault("5")
    int maxAttempts();

    /** How long one publish may take before it counts as failed (bounds the producer's blocking and delivery). */
    @WithDefault("10s")
    Duration sendTimeout();
}
