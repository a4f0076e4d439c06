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

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real servers the tests run against, started once per JVM: PostgreSQL (zonky embedded binaries),
 * a KRaft Kafka broker (KafkaClusterTestKit) and a GreenMail SMTP server. Set TEST_JDBC_URL (with
 * TEST_DB_USER/TEST_DB_PASSWORD) or TEST_KAFKA_BOOTSTRAP to use external servers instead.
 */
public final class Infra {

    private static KafkaProducer<String, String> producer;

    private static EmbeddedPostgres postgres;
    private static Path postgresData;
    private static Path postgresBinary;
    private static List<String> postgresArgs;
    private static Process restarted;
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

    /** Publishes one record as given (e.g. with the trace headers a relay would set) and waits for the broker. */
    public static RecordMetadata publish(ProducerRecord<String, String> record) throws Exception {
        return producer().send(record).get();
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

    /**
     * Stops the embedded PostgreSQL the way an operator's {@code pg_ctl stop -m fast} does (SIGINT to the postmaster:
     * every backend is terminated, clients see their connections die), to test what services do during a database
     * outage. {@link #startPostgresAgain()} starts it again on the same port with the same data.
     */
    public static synchronized void stopPostgres() {
        jdbcUrl();
        if (postgres == null) {
            throw new IllegalStateException("an external PostgreSQL (TEST_JDBC_URL) cannot be stopped by tests");
        }
        try {
            if (postgresBinary == null) {
                locatePostgres();
            }
            long pid = Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid"),
                    StandardCharsets.UTF_8).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            run("kill", "-INT", String.valueOf(pid));
            postmaster.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the embedded PostgreSQL", e);
        }
    }

    /** Starts the embedded PostgreSQL stopped by {@link #stopPostgres()} again, with the arguments it had. */
    public static synchronized void startPostgresAgain() {
        if (postgresBinary == null) {
            throw new IllegalStateException("PostgreSQL was not stopped by stopPostgres()");
        }
        try {
            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                // As zonky does: PostgreSQL refuses to run as root, and in a new user namespace it is not.
                command.addAll(List.of("unshare", "-U"));
            }
            command.add(postgresBinary.toString());
            command.addAll(postgresArgs);
            Path log = Files.createTempFile("embedded-pg-restart", ".log");
            Process started = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (restarted == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(Infra::stopRestartedPostgres, "embedded-pg-stop"));
            }
            restarted = started;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try (Connection c = connect()) {
                    return;
                } catch (SQLException e) {
                    if (!started.isAlive() || System.nanoTime() > deadline) {
                        throw new IOException("PostgreSQL did not start again: " + Files.readString(log), e);
                    }
                    Thread.sleep(50);
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL again", e);
        }
    }

    private static synchronized void stopRestartedPostgres() {
        try {
            if (restarted != null && restarted.isAlive()) {
                run("kill", "-INT", String.valueOf(restarted.pid()));
                restarted.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            restarted.destroyForcibly();
        }
    }

    /**
     * Finds the running server's data folder (from the server), its binary (the postmaster's executable) and the
     * arguments zonky started it with (from {@code postmaster.opts}), so that it can be started again as it was.
     */
    private static void locatePostgres() throws SQLException, IOException {
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("SHOW data_directory")) {
            rs.next();
            postgresData = Path.of(rs.getString(1));
        }
        String pid = Files.readAllLines(postgresData.resolve("postmaster.pid"), StandardCharsets.UTF_8).get(0).trim();
        postgresBinary = Files.readSymbolicLink(Path.of("/proc", pid, "exe"));
        String opts = Files.readString(postgresData.resolve("postmaster.opts"), StandardCharsets.UTF_8).trim();
        List<String> args = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(opts);
        while (m.find()) {
            args.add(m.group(1));
        }
        postgresArgs = args;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        File out = Files.createTempFile("infra-cmd", ".out").toFile();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(List.of(command) + " failed: " + Files.readString(out.toPath()));
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
    /**
     * Stops accepting SMTP connections (a refusing server) and returns the stopped server, whose received mails stay
     * readable; {@link #startSmtpAgain()} starts a new, empty one on the same port.
     */
    public static synchronized GreenMail stopSmtp() {
        GreenMail stopped = smtp;
        if (smtp != null) {
            smtp.getSmtp().stopService();
            smtp = null;
        }
        return stopped;
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
