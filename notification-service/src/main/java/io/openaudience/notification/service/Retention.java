package io.openaudience.notification.service;

import io.openaudience.notification.config.NotificationConfig;
import io.openaudience.notification.repository.LedgerRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.stream.Collectors;

/**
 * Deletes what is past `retention`: the ledger rows of notifications no longer sending, then those notifications
 * with their subject and body, then old dead letters; in batches, each its own statement, until none is left.
 * The suppression list is kept for good (it is the record of who unsubscribed).
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final LedgerRepository ledger;
    private final NotificationConfig config;

    public Retention(LedgerRepository ledger, NotificationConfig config) {
        this.ledger = ledger;
        this.config = config;
    }

    @Scheduled(every = "${notification-service.retention-interval:1h}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        return purge().invoke(n -> {
                    if (n > 0) {
                        LOG.infof("retention deleted %d rows older than %s", n, config.retention());
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("retention failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes batch after batch until nothing is past retention; returns how many rows went. */
    public Uni<Long> purge() {
        int batch = config.retentionBatchSize();
        return Multi.createBy().repeating().uni(() -> ledger.deleteExpired(config.retention(), batch))
                .whilst(n -> n > 0)
                .collect().with(Collectors.summingLong(Integer::longValue));
    }
}
