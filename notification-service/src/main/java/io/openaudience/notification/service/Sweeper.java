package io.openaudience.notification.service;

import io.openaudience.notification.repository.LedgerRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Takes back the claims of instances that died mid-round (their lease expired), applies dead letters to the
 * notifications still expecting chunks, and closes the notifications whose every chunk is recorded and every
 * recipient is final; refreshes the dead-letter count.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final LedgerRepository ledger;
    private final DeadLetters deadLetters;

    public Sweeper(LedgerRepository ledger, DeadLetters deadLetters) {
        this.ledger = ledger;
        this.deadLetters = deadLetters;
    }

    // Not while the service stops: its pool closes under the round (a WARN a second until the JVM exits).
    @Scheduled(every = "${notification-service.sweep-interval:2s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return ledger.expireLeases()
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("took back %d recipients whose lease expired", n);
                    }
                })
                .call(deadLetters::settleAll)
                .chain(ledger::completeFinished)
                .call(deadLetters::refresh)
                .onFailure().invoke(e -> LOG.warnf("sweep failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
