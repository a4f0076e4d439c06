package io.openaudience.audience.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Limits and rules of the event intake ({@code audience.events.*}). */
@ConfigMapping(prefix = "audience.events")
public interface EventsConfig {

    /** Most events one request may carry; more is a 413. */
    @WithDefault("1000")
    int maxBatch();

    /** Largest {@code properties} object of one event, in UTF-8 bytes of its JSON. */
    @WithDefault("16384")
    int maxPropertiesBytes();

    /** A pageview counts as a new visit when the person's previous activity is at least this much older. */
    @WithDefault("30M")
    Duration visitGap();
}
