package io.openaudience.notification.service;

import io.openaudience.notification.repository.LedgerRepository;
import io.openaudience.notification.repository.LedgerRepository.ClaimedRecipient;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger writes of sent mails, grouped: a mark is written at once when no write is under way, else it joins the
 * next one, which starts as soon as the current one returned (group commit: one statement and one WAL flush for all
 * the mails sent meanwhile, instead of one commit per mail). Each caller's {@link Uni} completes when its own mark is
 * written, so a mail counts as sent only once the ledger says so. A failed write is retried until the earliest lease
 * of its batch ends (past that the sweeper may have handed a recipient on).
 */
@ApplicationScoped
public class SentMarks {

    private static final Logger LOG = Logger.getLogger(SentMarks.class);

    private final LedgerRepository ledger;
    private final List<Pending> pending = new ArrayList<>();
    private boolean writing;

    public SentMarks(LedgerRepository ledger) {
        this.ledger = ledger;
    }

    /** Records the recipient's mail as sent; {@code leaseEnds} (epoch ms) bounds the retries of a failed write. */
    public Uni<Void> mark(ClaimedRecipient recipient, long leaseEnds) {
        return Uni.createFrom().emitter(emitter -> {
            boolean start;
            synchronized (this) {
                pending.add(new Pending(recipient, leaseEnds, emitter));
                start = !writing;
                writing = true;
            }
            if (start) {
                writeNext();
            }
        });
    }

    private void writeNext() {
        List<Pending> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                writing = false;
                return;
            }
            batch = new ArrayList<>(pending);
            pending.clear();

        }
        long leaseEnds = batch.stream().mapToLong(Pending::leaseEnds).min().orElseThrow();
        ledger.markSent(batch.stream().map(Pending::recipient).toList())
                .onFailure().invoke(e -> LOG.warnf("recording %d mails as sent failed, retrying: %s", batch.size(),
                        e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).expireAt(leaseEnds)
                .subscribe().with(ok -> {
                    batch.forEach(p -> p.emitter().complete(null));
                    writeNext();
                }, failure -> {
                    batch.forEach(p -> p.emitter().fail(failure));
                    writeNext();
                });
    }

    private record Pending(ClaimedRecipient recipient, long leaseEnds, UniEmitter<? super Void> emitter) {
    }
}
