package io.openaudience.outbox;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The relay's retry schedule: doubling from the base, capped. */
class OutboxRelayBackoffTest {

    @Test
    void backoffDoublesAndIsCapped() {
        OutboxConfig config = new OutboxConfig() {
            public String table() {
                return "test.outbox";
            }

            public String clientId() {
                return "test";
            }

            public boolean enabled() {
                return true;
            }

            public String pollInterval() {
                return "1s";
            }

            public int batchSize() {
                return 10;
            }

            public Duration lease() {
                return Duration.ofSeconds(60);
            }

            public Duration backoffBase() {
                return Duration.ofSeconds(1);
            }

            public Duration backoffMax() {
                return Duration.ofSeconds(60);
            }

            public int maxAttempts() {
                return 5;
            }

            public Duration sendTimeout() {
                return Duration.ofSeconds(10);
            }
        };
        OutboxRelay relay = new OutboxRelay(null, config, "127.0.0.1:1",
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                new OutboxTracing(io.opentelemetry.api.OpenTelemetry.noop().getTracer("test")));
        assertEquals(Duration.ofSeconds(1), relay.backoff(1));
        assertEquals(Duration.ofSeconds(2), relay.backoff(2));
        assertEquals(Duration.ofSeconds(32), relay.backoff(6));
        assertEquals(Duration.ofSeconds(60), relay.backoff(7));
        assertEquals(Duration.ofSeconds(60), relay.backoff(1000));
    }
}
