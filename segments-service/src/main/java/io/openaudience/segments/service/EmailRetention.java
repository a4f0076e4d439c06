package io.openaudience.segments.service;

import io.openaudience.segments.config.EmailConfig;
import io.openaudience.segments.repository.EmailRequestRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.stream.Collectors;

/**
 * Clears the subject and body of accepted email requests older than `segments.email.retention`, in batches (the
 * request row and its counts stay). The published outbox rows that carried them are the outbox's retention.
 */
@ApplicationScoped
public class EmailRetention {

    private static final Logger LOG = Logger.getLogger(EmailRetention.class);

    private final Pool pool;
    private final EmailRequestRepository requests;
    private final EmailConfig config;

    public EmailRetention(Pool pool, EmailRequestRepository requests, EmailConfig config) {
        this.pool = pool;
        this.requests = requests;
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
                .uni(() -> requests.clearOldContent(pool, config.retention(), config.retentionBatchSize()))
                .whilst(n -> n > 0)
                .collect().with(Collectors.summingLong(Integer::longValue));
    }
}
