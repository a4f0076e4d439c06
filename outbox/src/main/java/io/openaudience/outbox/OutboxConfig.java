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

    /** How long one publish may take before it counts as failed (bounds the producer's blocking and delivery). */
    @WithDefault("10s")
    Duration sendTimeout();
}
