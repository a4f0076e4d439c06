package io.openaudience.testsupport;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * The real servers the tests run against, started once per JVM: PostgreSQL (zonky embedded binaries),
 * a KRaft Kafka broker (KafkaClusterTestKit) and a GreenMail SMTP server. Set TEST_JDBC_URL (with
 * TEST_DB_USER/TEST_DB_PASSWORD) or TEST_KAFKA_BOOTSTRAP to use external servers instead.
 */
public final class Infra {

    private static KafkaProducer<String, String> producer;

    private static EmbeddedPostgres postgres;
    private static KafkaClusterTestKit kafka;
    private static GreenMail smtp;
    private static int smtpPort;

    private Infra() {
    }

    public static synchronized String jdbcUrl() {
        String external = System.getenv("TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "300")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
                try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"),
                        "postgres", "postgres")) {
                    c.createStatement().execute("ALTER USER postgres PASSWORD 'postgres'");
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
        }
        return postgres.getJdbcUrl("postgres", "postgres").replaceAll("\\?.*$", "");
    }

    public static String dbUser() {
        return envOr("TEST_DB_USER", "postgres");
    }

    public static String dbPassword() {
        return envOr("TEST_DB_PASSWORD", "postgres");
    }

    /** A plain JDBC connection for tests to read rows back or seed data. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), dbUser(), dbPassword());
    }

    /**
     * Publishes one string record to the test broker with a shared plain producer ({@code acks=all}) and waits
     * until the broker has it: what a service's outbox relay or producer does, for tests that play that part.
     */
    public static RecordMetadata publish(String topic, String key, String value) throws Exception {
        return producer().send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put("bootstrap.servers", kafkaBootstrap());
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            p.put("acks", "all");
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    public static synchronized String kafkaBootstrap() {
        String external = System.getenv("TEST_KAFKA_BOOTSTRAP");
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (kafka == null) {
            try {
                KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                        // With the default replication factor of 3 consumers silently receive nothing.
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("num.partitions", "4")
                        .setConfigProp("auto.create.topics.enable", "true")
                        .build();
                // The test kit deletes its directories in a JVM shutdown hook while the broker, never closed, may
                // still write; losing its metadata log dir makes the broker call Exit.halt(1), and the test JVM
                // then ends with status 1 although every test passed (surefire: "Error occurred in starting fork").
                Exit.setHaltProcedure((status, message) ->
                        System.err.println("in-process Kafka asked to halt (" + status + "): " + message));
                Exit.setExitProcedure((status, message) ->
                        System.err.println("in-process Kafka asked to exit (" + status + "): " + message));
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                kafka = cluster;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the in-process Kafka broker", e);
            }
        }
        return kafka.bootstrapServers();
    }

    /**
     * Stops the in-process Kafka broker (to test what producers do during an outage); the controller keeps running.
     * {@link #startKafkaAgain()} restarts it on the same bootstrap address (the test kit rebinds the same port).
     */
    public static synchronized void stopKafka() {
        kafkaBootstrap();
        if (kafka == null) {
            throw new IllegalStateException("an external Kafka (TEST_KAFKA_BOOTSTRAP) cannot be stopped by tests");
        }
        kafka.brokers().values().forEach(broker -> broker.shutdown());
    }

    public static synchronized void startKafkaAgain() {
        if (kafka == null) {
            throw new IllegalStateException("no in-process Kafka broker to restart");
        }
        try {
            kafka.brokers().values().forEach(broker -> broker.startup());
            kafka.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot restart the in-process Kafka broker", e);
        }
    }

    public static synchronized int smtpPort() {
        if (smtp == null) {
            startSmtp(0);
        }
        return smtpPort;
    }

    /** The SMTP sink; tests read delivered mail back from it. */
    public static synchronized GreenMail smtp() {
        smtpPort();
        return smtp;
    }

    /** Stops the SMTP sink (to test retries); {@link #startSmtpAgain()} brings it back on the same port. */
    public static synchronized void stopSmtp() {
        if (smtp != null) {
            smtp.stop();
            smtp = null;
        }
    }

    public static synchronized void startSmtpAgain() {
        if (smtp == null) {
            startSmtp(smtpPort);
        }
    }

    private static void startSmtp(int port) {
        GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        server.start();
        smtp = server;
        smtpPort = server.getSmtp().getPort();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
