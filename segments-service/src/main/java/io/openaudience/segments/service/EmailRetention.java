package io.openaudience.segments.service;

import io.openaudience.segments.config.EmailConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.stream.Collectors;

/**
 * Clears the subject and body of accepted email requests older than `segments.email.retention`, in batches (the
 * request row and its counts stay). The published outbox rows that carried them are the outbox's retention. A batch
 * is one set-based statement on the pool, committed on its own, like {@link UploadRetention}'s.
 */
@ApplicationScoped
public class EmailRetention {

    private static final Logger LOG = Logger.getLogger(EmailRetention.class);
    /* Old requests keep their header and counts, not the tenant's text. */
    private static final String CLEAR_OLD_CONTENT = """
            UPDATE segments.email_request SET subject = NULL, body = NULL
            WHERE id IN (SELECT id FROM segments.email_request
                         WHERE created_at < now() - $1::bigint * interval '1 millisecond'
                           AND (subject IS NOT NULL OR body IS NOT NULL)
                         LIMIT $2)""";

    private final Pool pool;
    private final EmailConfig config;

    public EmailRetention(Pool pool, EmailConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${segments.email.retention-interval:1h}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        return purge().invoke(n -> {
                    if (n > 0) {
                        LOG.infof("cleared the subject and body of %d email requests older than %s", n,
                                config.retention());
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("email request retention failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Clears batch after batch until no old request has content left; returns how many were cleared. */
    public Uni<Long> purge() {
        return Multi.createBy().repeating()
                .uni(() -> pool.preparedQuery(CLEAR_OLD_CONTENT)
                        .execute(Tuple.of(config.retention().toMillis(), config.retentionBatchSize()))
                        .map(rows -> rows.rowCount()))
                .whilst(n -> n > 0)
                .collect().with(Collectors.summingLong(Integer::longValue));
    }
}
