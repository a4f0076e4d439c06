package io.openaudience.notification.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openaudience.notification.repository.DeadLetterRepository;
import io.openaudience.notification.repository.DeadLetterRepository.DeadLetter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes dead letters, applies them to their notifications (none is left waiting for a chunk that will never come),
 * and makes their number visible: the gauge {@code notification.dead.letters} (/q/metrics) and
 * {@link DeadLetterCheck}. The count is read from the table, so it is the same on every instance.
 */
@ApplicationScoped
public class DeadLetters {

    static final String METRIC = "notification.dead.letters";
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final DeadLetterRepository repository;
    private final AtomicLong count = new AtomicLong(-1);

    public DeadLetters(DeadLetterRepository repository, MeterRegistry registry) {
        this.repository = repository;
        Gauge.builder(METRIC, count, c -> Math.max(0, c.get()))
                .description("Email requests given up on and kept in notification.dead_letter")
                .register(registry);
    }

    /**
     * Keeps the letter, retrying while the database is unreachable: a message is never dropped unrecorded. Then
     * applies it to its notification ({@link #settle}).
     */
    public Uni<Void> add(DeadLetter letter) {
        LOG.errorf("dead letter from %s (notification %s, chunk %s) after %d attempts: %s", letter.topic(),
                letter.notificationId(), letter.chunk(), letter.attempts(), letter.reason());
        return repository.insert(letter)
                .onFailure().invoke(e -> LOG.warnf("writing a dead letter failed, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .invoke(() -> count.incrementAndGet())
                .call(this::refresh)
                .call(() -> letter.notificationId() == null ? Uni.createFrom().voidItem()
                        : settle(letter.notificationId()));
    }

    /**
     * Ends what the notification's dead letters decide: a lost chunk counts as received, a lost content chunk fails
     * the notification and its queued recipients. Called when a letter is kept and after each recorded chunk (the
     * letter may be older than the notification); a failure is only logged, since the sweeper settles again.
     */
    public Uni<Void> settle(UUID notificationId) {
        return repository.settle(notificationId)
                .onFailure().invoke(e -> LOG.warnf("applying the dead letters of notification %s failed: %s",
                        notificationId, e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Settles every notification still expecting chunks that has dead letters (the sweeper's safety net). */
    public Uni<Void> settleAll() {
        return repository.unsettled().onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(this::settle)
                .collect().last().replaceWithVoid();
    }

    /** Reads the count again (the sweeper calls this, so other instances' letters show too). */
    public Uni<Void> refresh() {
        return repository.count().invoke(count::set).replaceWithVoid()
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public long count() {
        return Math.max(0, count.get());
    }
}
