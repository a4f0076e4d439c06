package io.openaudience.audience.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Settings of the GoSquared People API and its tracking intake ({@code audience.gosquared.*}). */
@ConfigMapping(prefix = "audience.gosquared")
public interface GoSquaredConfig {

    /** Most active API keys an application may hold; issuing another is a 409 until one is revoked. */
    @WithDefault("100")
    int maxApiKeys();

    /** Most smart groups an application may hold (the list is answered whole, as GoSquared does). */
    @WithDefault("1000")
    int maxSmartGroups();

    /** The people lists. */
    People people();

    /** The smart-group feed export. */
    Feed feed();

    /** The tracking intake. */
    Tracking tracking();

    /** Paging bounds of {@code /people/v1/people} and a smart group's people. */
    interface People {

        /** Largest {@code count} of {@code limit} for a JSON answer. */
        @WithDefault("1000")
        int maxCount();

        /** Largest {@code count} of {@code limit} with {@code presenter=csv} (streamed). */
        @WithDefault("100000")
        int maxCsvCount();

        /** A {@code cardinality} that took at least this long to count is reused ({@code Cardinalities}). */
        @WithDefault("1S")
        Duration cardinalitySlow();

        /** How long a slow {@code cardinality} is reused for the same list. */
        @WithDefault("10S")
        Duration cardinalityReuse();
    }

    /** Signed download links of a smart group's pageview events. */
    interface Feed {

        /**
         * HMAC-SHA256 key signing the links (env {@code GOSQUARED_FEED_SECRET}, at least 32 characters); only the dev
         * and test profiles have a (dev-only) default, elsewhere start-up fails without one.
         */
        Optional<String> secret();

        /** How long a link is valid. */
        @WithDefault("15M")
        Duration ttl();

        /** Longest {@code from}..{@code to} range of one export. */
        @WithDefault("P60D")
        Duration maxRange();
    }

    /** How single-event tracking requests are written. */
    interface Tracking {

        /**
         * How long an event waits for others to share its write (one {@code EventService.record} per tenant and
         * batch); 0 writes every request on its own.
         */
        @WithDefault("5")
        int lingerMillis();
    }
}
