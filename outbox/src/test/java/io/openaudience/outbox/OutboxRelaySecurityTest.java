package io.openaudience.outbox;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The relay's producer authenticates like the service's other Kafka clients (deploy/k8s: SCRAM over SASL). */
class OutboxRelaySecurityTest {

    @Test
    void takesTheServicesKafkaAuthentication() {
        Config config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(Map.of(
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "kafka.bootstrap.servers", "broker:9092"), "test", 100)).build();

        assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                OutboxRelay.clientSecurity(config));
    }

    @Test
    void addsNothingWhenTheBrokerIsOpen() {
        assertEquals(Map.of(), OutboxRelay.clientSecurity(new SmallRyeConfigBuilder().build()));
    }
}
