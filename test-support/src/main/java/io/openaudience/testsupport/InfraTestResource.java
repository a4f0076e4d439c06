package io.openaudience.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Points a service under test at the real servers of {@link Infra}: PostgreSQL always, Kafka and SMTP when the
 * service has the messaging extension or the outbox relay (its own Kafka producer), or the mailer extension (or init
 * args {@code kafka}/{@code smtp} say so).
 */
public class InfraTestResource implements QuarkusTestResourceLifecycleManager {

    private boolean withKafka = true;
    private boolean withSmtp = true;

    @Override
    public void init(Map<String, String> initArgs) {
        withKafka = Boolean.parseBoolean(initArgs.getOrDefault("kafka",
                String.valueOf(present("io.smallrye.reactive.messaging.kafka.KafkaConnector")
                        || present("io.openaudience.outbox.OutboxRelay"))));
        withSmtp = Boolean.parseBoolean(initArgs.getOrDefault("smtp",
                String.valueOf(present("io.quarkus.mailer.Mailer"))));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        String jdbc = Infra.jdbcUrl();
        config.put("quarkus.datasource.jdbc.url", jdbc);
        config.put("quarkus.datasource.reactive.url", jdbc.substring("jdbc:".length()));
        config.put("quarkus.datasource.username", Infra.dbUser());
        config.put("quarkus.datasource.password", Infra.dbPassword());
        if (withKafka) {
            config.put("kafka.bootstrap.servers", Infra.kafkaBootstrap());
        }
        if (withSmtp) {
            config.put("quarkus.mailer.host", "127.0.0.1");
            config.put("quarkus.mailer.port", String.valueOf(Infra.smtpPort()));
            config.put("quarkus.mailer.mock", "false");
        }
        return config;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        // The servers live for the whole test JVM: several Quarkus restarts reuse them.
    }
}
