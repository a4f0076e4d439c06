package io.openaudience.worker.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator watches of the worker, per kind of job ({@code segments}: segments.import_job, {@code audience}:
 * audience.job): {@code worker_jobs_queued} and {@code worker_queue_lag_seconds} (how long the oldest queued job has
 * waited; 0 when none), read from the job tables on a schedule so a scrape never waits for the database, and
 * {@code worker_rows_total{outcome=accepted|rejected}}, counted as each batch commits (rows/s is its rate).
 */
@ApplicationScoped
public class WorkerMetrics {

    private static final Logger LOG = Logger.getLogger(WorkerMetrics.class);
    private static final Map<String, String> QUEUES = Map.of(
            "segments", "SELECT count(*), coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0) "
                    + "FROM segments.import_job WHERE status = 'queued'",
            "audience", "SELECT count(*), coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0) "
                    + "FROM audience.job WHERE status = 'queued'");

    private final DataSource dataSource;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong[]> queues = Map.of("segments", gauges(), "audience", gauges());

    public WorkerMetrics(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
        queues.forEach((kind, values) -> {
            Gauge.builder("worker.jobs.queued", values[0], AtomicLong::get).tag("kind", kind)
                    .description("jobs waiting for a worker").register(registry);
            Gauge.builder("worker.queue.lag", values[1], a -> a.get() / 1000.0).tag("kind", kind).baseUnit("seconds")
                    .description("how long the oldest queued job has waited").register(registry);
        });
    }

    private static AtomicLong[] gauges() {
        return new AtomicLong[] {new AtomicLong(), new AtomicLong()};
    }

    /** A batch of {@code kind} committed {@code rows} rows, {@code rejected} of them rejected. */
    public void rows(String kind, long rows, long rejected) {
        Counter.builder("worker.rows").tag("kind", kind).tag("outcome", "accepted")
                .description("rows written by committed batches, by outcome").register(registry)
                .increment(rows - rejected);
        Counter.builder("worker.rows").tag("kind", kind).tag("outcome", "rejected")
                .description("rows written by committed batches, by outcome").register(registry)
                .increment(rejected);
    }

    @Scheduled(every = "${openaudience.metrics-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        for (Map.Entry<String, String> queue : QUEUES.entrySet()) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(queue.getValue());
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                queues.get(queue.getKey())[0].set(rs.getLong(1));
                queues.get(queue.getKey())[1].set(rs.getLong(2));
            } catch (SQLException e) {
                LOG.debugf("queue of %s jobs not read: %s", queue.getKey(), e.getMessage());
            }
        }
    }
}
