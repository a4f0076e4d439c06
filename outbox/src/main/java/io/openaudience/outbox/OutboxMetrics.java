package io.openaudience.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator watches of the outbox: {@code outbox_backlog_rows} (rows written and not yet acknowledged by
 * Kafka) and {@code outbox_oldest_age_seconds} (how long the oldest of them has waited; 0 when none), tagged with
 * the table. Read from the table on a schedule, so a scrape never waits for the database.
 */
@ApplicationScoped
public class OutboxMetrics {

    private static final Logger LOG = Logger.getLogger(OutboxMetrics.class);

    private final OutboxRepository outbox;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    public OutboxMetrics(OutboxRepository outbox, OutboxConfig config, MeterRegistry registry) {
        this.outbox = outbox;
        Gauge.builder("outbox.backlog.rows", backlog, AtomicLong::get).tag("table", config.table())
                .description("outbox rows not yet published").register(registry);
        Gauge.builder("outbox.oldest.age", oldestAgeMillis, a -> a.get() / 1000.0).tag("table", config.table())
                .baseUnit("seconds").description("age of the oldest unpublished outbox row").register(registry);
    }

    @Scheduled(every = "${openaudience.metrics-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return outbox.backlog().invoke(b -> {
            backlog.set(b.rows());
            oldestAgeMillis.set(b.oldestAgeMillis());
        }).onFailure().invoke(e -> LOG.debugf("outbox backlog not read: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
