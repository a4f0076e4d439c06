package io.openaudience.worker.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the worker puts what it gave up on, so that it never blocks what comes after: a Kafka record it cannot read
 * (at once: reading it again gives the same answer) and a job that kept failing until its attempts ran out. Each goes
 * to the {@code dead_letter} table of the schema it belongs to, with the reason, and is counted in the metric
 * {@value #METRIC} and in the {@link DeadLetterHealth} check (reported, never DOWN: the worker is still healthy).
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    /** Counter, tagged {@code schema} and {@code cause} ({@code unreadable}, {@code gave_up}). */
    public static final String METRIC = "import_worker.dead_letters";
    public static final String SEGMENTS = "segments";
    public static final String AUDIENCE = "audience";
    private static final int MAX_PAYLOAD = 10_000;
    private static final String INSERT = "INSERT INTO %s.dead_letter (topic, kafka_partition, kafka_offset, "
            + "message_key, payload, job_id, reason, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    /** The latest dead letter, for the health check. */
    public record Last(String schema, String reason, Instant at) {
    }

    private final DataSource dataSource;
    private final MeterRegistry registry;
    private final AtomicLong total = new AtomicLong();
    private final AtomicReference<Last> last = new AtomicReference<>();

    public DeadLetters(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    /** A record that cannot be read: kept with its coordinates, then skipped. */
    public void unreadable(String schema, ConsumerRecord<String, String> record, String reason) {
        LOG.errorf("skipping unreadable record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                reason);
        store(schema, "unreadable", record, null, reason, 1);
    }

    /** A job that failed {@code attempts} times and is now marked failed. */
    public void gaveUp(String schema, String jobId, int attempts, String reason) {
        store(schema, "gave_up", null, jobId, reason, attempts);
    }

    /** Dead letters since this instance started. */
    public long total() {
        return total.get();
    }

    /** The latest one, or null. */
    public Last last() {
        return last.get();
    }

    private void store(String schema, String cause, ConsumerRecord<String, String> record, String jobId,
                       String reason, int attempts) {
        total.incrementAndGet();
        last.set(new Last(schema, reason, Instant.now()));
        Counter.builder(METRIC).description("Kafka records and jobs the worker gave up on")
                .tag("schema", schema).tag("cause", cause).register(registry).increment();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(INSERT.formatted(schema))) {
            c.setAutoCommit(true);
            if (record == null) {
                ps.setNull(1, Types.VARCHAR);
                ps.setNull(2, Types.INTEGER);
                ps.setNull(3, Types.BIGINT);
                ps.setNull(4, Types.VARCHAR);
                ps.setNull(5, Types.VARCHAR);
            } else {
                ps.setString(1, record.topic());
                ps.setInt(2, record.partition());
                ps.setLong(3, record.offset());
                ps.setString(4, record.key() == null ? null : cut(record.key(), 1000));
                ps.setString(5, record.value() == null ? null : cut(record.value(), MAX_PAYLOAD));
            }
            ps.setString(6, jobId);
            ps.setString(7, cut(reason, MAX_PAYLOAD));
            ps.setInt(8, attempts);
            ps.executeUpdate();
        } catch (SQLException e) {
            // The metric and the log still tell; the record itself is not retried (it would block its partition).
            LOG.errorf(e, "cannot store a dead letter in %s (%s)", schema, reason);
        }
    }

    /** PostgreSQL refuses NUL in text: a payload may hold anything. */
    private static String cut(String value, int max) {
        String v = value.length() > max ? value.substring(0, max) : value;
        return v.replace('\u0000', '\uFFFD');
    }
}
