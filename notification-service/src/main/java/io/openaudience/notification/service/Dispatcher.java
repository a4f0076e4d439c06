package io.openaudience.notification.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openaudience.notification.client.SmtpClient;
import io.openaudience.notification.config.NotificationConfig;
import io.openaudience.notification.repository.LedgerRepository;
import io.openaudience.notification.repository.LedgerRepository.ClaimedRecipient;
import io.openaudience.notification.repository.LedgerRepository.MailContent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Sends what the ledger says is due. Each round claims a batch of recipients under a lease, sends them with
 * bounded concurrency and the configured rate, and records each outcome as soon as the SMTP server answered:
 * sent; retried later (transient: 4xx, connection trouble) with exponential backoff up to max-attempts; failed
 * with the reason (permanent: 5xx, an invalid address). A transient failure also makes the whole dispatcher
 * back off, and the rest of the round is given back untouched, so an SMTP outage does not burn the list. Each send
 * has a deadline (`send-timeout`), a sent mail's ledger write is retried, and a mail whose template cannot be
 * rendered fails with the reason instead of coming back.
 * Rounds follow each other immediately while there is work.
 */
@Startup // created at start, so a send-timeout not under half the lease fails the start instead of every round
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final Pattern ADDRESS = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final LedgerRepository ledger;
    private final SmtpClient mailer;
    private final MailComposer composer;
    private final RateLimiter rateLimiter;
    private final SentMarks sentMarks;
    private final NotificationConfig config;
    private final Counter sent;
    private final Counter failed;
    private final Counter deferred;
    private final Counter skipped;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long smtpRetryAt;
    private volatile long smtpBackoffMillis;

    public Dispatcher(LedgerRepository ledger, SmtpClient mailer, MailComposer composer, RateLimiter rateLimiter,
                      SentMarks sentMarks, NotificationConfig config, MeterRegistry registry) {
        if (config.sendTimeout().multipliedBy(2).compareTo(config.lease()) >= 0) {
            throw new IllegalStateException("notification-service.send-timeout (" + config.sendTimeout()
                    + ") must be shorter than half of notification-service.lease (" + config.lease() + ")");
        }
        this.ledger = ledger;
        this.mailer = mailer;
        this.composer = composer;
        this.rateLimiter = rateLimiter;
        this.sentMarks = sentMarks;
        this.config = config;
        // notification_mails_total{outcome}: what each attempt ended in (deferred = a transient failure, retried).
        this.sent = mails(registry, "sent");
        this.failed = mails(registry, "failed");
        this.deferred = mails(registry, "deferred");
        this.skipped = mails(registry, "skipped");
    }

    private static Counter mails(MeterRegistry registry, String outcome) {
        return Counter.builder("notification.mails").tag("outcome", outcome)
                .description("mail attempts by outcome").register(registry);
    }

    // Not while the service stops: its pool closes under the round (a WARN a second until the JVM exits).
    @Scheduled(every = "${notification-service.poll-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> poll() {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return drain().onFailure().invoke(e -> LOG.warnf("dispatch round failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .eventually(() -> running.set(false)).replaceWithVoid();
    }

    /** Starts a dispatch now (new recipients were recorded) unless one is running; the scheduler is the fallback. */
    public void kick() {
        poll().subscribe().with(ignored -> { }, e -> LOG.warnf("dispatch failed: %s", e.toString()));
    }

    /**
     * Rounds until a round finds less than a full batch (iterated, not nested: a million recipients is 2,000), then
     * closes what that finished, without waiting for the sweeper.
     */
    private Uni<Void> drain() {
        int limit = claimLimit();
        return Multi.createBy().repeating().uni(() -> round(limit)).whilst(n -> n >= limit)
                .collect().last().chain(ledger::completeFinished).replaceWithVoid();
    }

    /** With a rate limit, a round claims no more than can be sent well within one lease. */
    private int claimLimit() {
        if (config.rate() <= 0) {
            return config.batchSize();
        }
        long withinLease = (long) (config.rate() * config.lease().toSeconds() / 4);
        return (int) Math.max(1, Math.min(config.batchSize(), withinLease));
    }

    /** One round; returns how many recipients it claimed. */
    Uni<Integer> round(int limit) {
        if (System.currentTimeMillis() < smtpRetryAt) {
            return Uni.createFrom().item(0);
        }
        // A recipient is only sent while its claim is well within the lease: past half of it the rest of the round
        // is given back, so a slow round never sends what the sweeper may already have handed to another instance.
        long claimedAt = System.currentTimeMillis();
        Round round = new Round(new AtomicBoolean(), claimedAt + config.lease().toMillis() / 2,
                claimedAt + config.lease().toMillis());
        return ledger.claim(limit, config.lease()).chain(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            UUID[] ids = claimed.stream().map(ClaimedRecipient::notificationId).distinct().toArray(UUID[]::new);
            return ledger.contents(ids).chain(contents -> send(claimed, contents, round)).replaceWith(claimed.size());
        });
    }

    private Uni<Void> send(List<ClaimedRecipient> claimed, Map<UUID, MailContent> contents, Round round) {
        return Multi.createFrom().iterable(claimed)
                .onItem().transformToUni(r -> deliver(r, contents.get(r.notificationId()), round))
                .merge(config.concurrency())
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> deliver(ClaimedRecipient r, MailContent content, Round round) {
        return attempt(r, content, round).onFailure().recoverWithUni(e -> {
            // The ledger itself failed (database trouble): the lease brings the recipient back later.
            LOG.warnf("recording the outcome for %s/%d failed: %s", r.notificationId(), r.userId(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> attempt(ClaimedRecipient r, MailContent content, Round round) {
        if (r.suppressed()) {
            return ledger.markSkipped(r, "unsubscribed").invoke(() -> skipped.increment());
        }
        if (!validAddress(r.email())) {
            return ledger.markFailed(r, "invalid address", config.pauseAfter()).invoke(() -> failed.increment());
        }
        MailMessage mail;
        try {
            mail = composer.compose(content, r);
        } catch (RuntimeException e) {
            // Final: the same template fails the same way on every attempt.
            return ledger.markFailed(r, "template cannot be rendered: " + e.getMessage(), config.pauseAfter())
                    .invoke(() -> failed.increment());
        }
        return rateLimiter.acquire().chain(() -> {
            long now = System.currentTimeMillis();
            if (round.smtpTrouble().get() || now < smtpRetryAt || now > round.sendBefore()) {
                return ledger.release(r);
            }
            // The deadline bounds connecting and every reply; it ends before the lease does (checked at start-up).
            return mailer.send(mail).ifNoItem().after(config.sendTimeout()).fail()
                    .onItemOrFailure().transformToUni((ok, failure) -> {
                        if (failure == null) {
                            smtpBackoffMillis = 0;
                            return sent(r, round);
                        }
                        return failed(r, failure, round.smtpTrouble());
                    });
        });
    }

    /**
     * The mail went out: its ledger row must say so, or the recipient would be sent again after the lease.
     * {@link SentMarks} groups the writes of the sends in flight and retries a failed one until the lease ends; a
     * send ends when its own mark is written, so a kill -9 repeats at most the mails being sent.
     */
    private Uni<Void> sent(ClaimedRecipient r, Round round) {
        return sentMarks.mark(r, round.leaseEnds()).invoke(() -> sent.increment());
    }

    private Uni<Void> failed(ClaimedRecipient r, Throwable failure, AtomicBoolean smtpTrouble) {
        String reason = reason(failure);
        if (failure instanceof SMTPException smtp && smtp.isPermanent()) {
            return ledger.markFailed(r, reason, config.pauseAfter()).invoke(() -> failed.increment());
        }
        if (smtpTrouble.compareAndSet(false, true)) {
            // Once per round: the sends in flight with this one fail together and are one outage, not sixteen.
            backOffSmtp();
        }
        if (r.attempts() + 1 >= config.maxAttempts()) {
            return ledger.markFailed(r, "gave up after " + (r.attempts() + 1) + " attempts: " + reason,
                    config.pauseAfter()).invoke(() -> failed.increment());
        }
        return ledger.retryLater(r, reason, retryDelay(r.attempts())).invoke(() -> deferred.increment());
    }

    private void backOffSmtp() {
        long base = config.retryBase().toMillis();
        long next = smtpBackoffMillis == 0 ? base : Math.min(config.smtpBackoffMax().toMillis(), smtpBackoffMillis * 2);
        smtpBackoffMillis = next;
        smtpRetryAt = System.currentTimeMillis() + next;
        LOG.warnf("SMTP trouble: sending pauses for %d ms", next);
    }

    Duration retryDelay(int attemptsBefore) {
        long delay = config.retryBase().toMillis() << Math.min(attemptsBefore, 20);
        return Duration.ofMillis(Math.min(delay, config.retryMax().toMillis()));
    }

    static boolean validAddress(String email) {
        return email != null && email.length() <= 254 && ADDRESS.matcher(email).matches();
    }

    private static String reason(Throwable failure) {
        if (failure instanceof SMTPException smtp) {
            return "SMTP " + smtp.getReplyCode() + " " + smtp.getReplyMessage();
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * One round's shared state: whether SMTP failed transiently, until when its claims may still be sent, and when
     * their lease ends.
     */
    private record Round(AtomicBoolean smtpTrouble, long sendBefore, long leaseEnds) {
    }
}
