package io.openaudience.outbox;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures make a row a dead letter: only Kafka refusing the row itself, never the broker's state. */
class OutboxRelayPoisonTest {

    @Test
    void theRowsOwnFaultsArePoison() {
        assertTrue(OutboxRelay.poison(new RecordTooLargeException("1200087 bytes")));
        assertTrue(OutboxRelay.poison(new InvalidTopicException("bad name")));
    }

    @Test
    void theBrokersStateIsNot() {
        assertFalse(OutboxRelay.poison(new TimeoutException("not present in metadata after 3000 ms")));
        assertFalse(OutboxRelay.poison(new NetworkException("disconnected")));
        assertFalse(OutboxRelay.poison(new NotLeaderOrFollowerException("leader moved")));
        assertFalse(OutboxRelay.poison(new SaslAuthenticationException("bad credentials")));
        assertFalse(OutboxRelay.poison(new TopicAuthorizationException(Set.of("import-jobs"))));
        assertFalse(OutboxRelay.poison(new java.util.concurrent.TimeoutException("no acknowledgement within 10s")));
        assertFalse(OutboxRelay.poison(new IllegalStateException("producer closed")));
    }
}
