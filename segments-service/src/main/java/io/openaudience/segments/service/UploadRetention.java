package io.openaudience.segments.service;

import io.openaudience.segments.config.RetentionConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Deletes the uploaded files of import jobs that ended more than {@code segments.retention.uploads-after} ago, a few
 * uploads per statement (their chunks go with them), every {@code segments.retention.interval}. The job row, its
 * results and its error report stay (V51: the job's upload becomes null); queued and running jobs keep their file.
 */
@ApplicationScoped
public class UploadRetention {

    private static final Logger LOG = Logger.getLogger(UploadRetention.class);
    private static final String DELETE = """
            DELETE FROM segments.upload WHERE id IN (
                SELECT j.upload_id FROM segments.import_job j
                WHERE j.upload_id IS NOT NULL AND j.status IN ('completed', 'completed_with_errors', 'failed')
                  AND j.finished_at < now() - make_interval(secs => $1)
                ORDER BY j.finished_at LIMIT $2)
            """;

    private final Pool pool;
    private final RetentionConfig config;

    public UploadRetention(Pool pool, RetentionConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${segments.retention.interval:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purge().onFailure().invoke(e -> LOG.warnf("upload retention: %s (retried next time)", e.getMessage()))
                .onFailure().recoverWithItem(0L)
                .replaceWithVoid();
    }

    /** Deletes every upload past the period, a batch at a time; the number of uploads deleted. */
    public Uni<Long> purge() {
        return batch(0);
    }

    private Uni<Long> batch(long sofar) {
        int size = config.batchSize();
        return pool.preparedQuery(DELETE).execute(Tuple.of(config.uploadsAfter().toSeconds(), size))
                .flatMap(rows -> rows.rowCount() < size ? Uni.createFrom().item(sofar + rows.rowCount())
                        : batch(sofar + rows.rowCount()));
    }
}
