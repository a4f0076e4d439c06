package io.openaudience.outbox;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Deletes published outbox rows once they are older than {@code outbox-retention.published-after}, in batches of
 * {@code outbox-retention.batch-size} rows (each its own short statement, so the relay is never held up), every
 * {@code outbox-retention.interval}. Unpublished rows are never touched, whatever their age.
 */
@ApplicationScoped
public class OutboxRetention {

    private static final Logger LOG = Logger.getLogger(OutboxRetention.class);
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");
    private static final String DELETE = "DELETE FROM %1$s WHERE id IN (SELECT id FROM %1$s "
            + "WHERE published_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2)";

    private final Pool pool;
    private final String delete;
    private final Duration publishedAfter;
    private final int batchSize;

    public OutboxRetention(Pool pool, @ConfigProperty(name = "outbox.table") String table,
                           @ConfigProperty(name = "outbox-retention.published-after", defaultValue = "7d")
                           Duration publishedAfter,
                           @ConfigProperty(name = "outbox-retention.batch-size", defaultValue = "10000")
                           int batchSize) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("outbox.table must be a schema-qualified table name: " + table);
        }
        this.pool = pool;
        this.delete = DELETE.formatted(table);
        this.publishedAfter = publishedAfter;
        this.batchSize = batchSize;
    }

    @Scheduled(every = "${outbox-retention.interval:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purge().onFailure().invoke(e -> LOG.warnf("outbox retention: %s (retried next time)", e.getMessage()))
                .onFailure().recoverWithItem(0L)
                .replaceWithVoid();
    }

    /** Deletes every published row past the period, a batch at a time; the number deleted. */
    public Uni<Long> purge() {
        return batch(0);
    }

    private Uni<Long> batch(long sofar) {
        return pool.preparedQuery(delete).execute(Tuple.of(publishedAfter.toSeconds(), batchSize))
                .flatMap(rows -> rows.rowCount() < batchSize ? Uni.createFrom().item(sofar + rows.rowCount())
                        : batch(sofar + rows.rowCount()));
    }
}
