package io.openaudience.segments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Limits of the email requests segments-service accepts (`segments.email.*`). */
@ConfigMapping(prefix = "segments.email")
public interface EmailConfig {

    /** Topic the outbox relay publishes the chunks to (notification-service consumes it). */
    @WithDefault("email-requests")
    String topic();

    /** Largest accepted subject, in characters (RFC 5322 caps a header line at 998). */
    @WithDefault("998")
    int maxSubjectLength();

    /** Largest accepted HTML body, in UTF-8 bytes; stored once per request (chunk 0 carries it). */
    @WithDefault("262144")
    int maxBodyBytes();

    /** How long an accepted request keeps its subject and body (its counts stay); notification-service has its own. */
    @WithDefault("90d")
    Duration retention();

    /** How often the retention job runs (read by its @Scheduled expression). */
    @WithDefault("1h")
    Duration retentionInterval();

    /** Requests whose subject and body the retention job clears per statement. */
    @WithDefault("5000")
    int retentionBatchSize();

    /** Most user ids one selected-members or re-invite request may name. */
    @WithDefault("100000")
    int maxSelectedUsers();
}
