package io.openaudience.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.notification.config.NotificationConfig;
import io.openaudience.notification.repository.DeadLetterRepository.DeadLetter;
import io.openaudience.notification.repository.LedgerRepository;
import io.openaudience.notification.service.DeadLetters;
import io.openaudience.notification.service.Dispatcher;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes {@code email-requests}: each chunk is written to the ledger in one transaction before its offset is
 * committed (the returned Uni completes after the commit; the throttled strategy commits only then). A redelivered
 * or replayed chunk finds its marker and changes nothing, so nothing is sent twice. While the database is
 * unreachable the chunk waits, retried with backoff; a chunk that cannot be read, or that the database rejects
 * `request-max-attempts` times, goes to the dead-letter table with the reason, so it never blocks the partition, and
 * its notification ends without it (DeadLetters.settle).
 */
@ApplicationScoped
public class EmailRequestConsumer {

    private static final Logger LOG = Logger.getLogger(EmailRequestConsumer.class);
    /* SQLSTATE classes that say the database is unavailable, not that it refuses this chunk: wait, never give up. */
    private static final Set<String> UNAVAILABLE = Set.of("08", "40", "53", "55", "57", "58");
    private static final int PAYLOAD_KEPT = 1_000_000;

    private final LedgerRepository ledger;
    private final Dispatcher dispatcher;
    private final DeadLetters deadLetters;
    private final NotificationConfig config;
    private final ObjectMapper json;

    public EmailRequestConsumer(LedgerRepository ledger, Dispatcher dispatcher, DeadLetters deadLetters,
                                NotificationConfig config, ObjectMapper json) {
        this.ledger = ledger;
        this.dispatcher = dispatcher;
        this.deadLetters = deadLetters;
        this.config = config;
        this.json = json;
    }

    // A span of its own, child of the record's (whose headers carry the producer's trace): the job's work and logs
    // join the trace of the request that queued it.
    @WithSpan("email-requests process")
    @Incoming(Topics.EMAIL_REQUESTS_CHANNEL)
    public Uni<Void> consume(Message<String> record) {
        return handle(record.getPayload(), key(record)).chain(() -> Uni.createFrom().completionStage(record.ack()));
    }

    Uni<Void> handle(String payload, String key) {
        EmailRequestMessage message;
        try {
            message = json.readValue(payload, EmailRequestMessage.class);
        } catch (IOException | RuntimeException e) {
            return deadLetter(payload, key, null, 1, "unreadable: " + e.getMessage());
        }
        if (message.notificationId() == null || message.initiativeId() == null || message.kind() == null
                || message.chunk() < 0 || message.chunk() >= Math.max(1, message.chunks())
                || message.chunks() > Math.max(1, message.totalRecipients())) {
            return deadLetter(payload, key, message, 1, "notificationId, initiativeId, kind or a chunk within "
                    + "chunks missing (or more chunks than recipients)");
        }
        AtomicInteger attempts = new AtomicInteger();
        return ledger.record(message)
                .invoke(recorded -> {
                    if (recorded) {
                        dispatcher.kick();
                    } else {
                        LOG.infof("chunk %d of notification %s was already recorded", message.chunk(),
                                message.notificationId());
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("recording chunk %d of %s failed, retrying: %s", message.chunk(),
                        message.notificationId(), e.toString()))
                .onFailure(e -> unavailable(e) || attempts.incrementAndGet() < config.requestMaxAttempts())
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                // Letters of this notification kept before its first chunk was recorded apply now.
                .call(() -> deadLetters.settle(message.notificationId()))
                .onFailure().recoverWithUni(e -> deadLetter(payload, key, message, attempts.get(), e.toString()));
    }

    /** The database is down or restarting (no SQLSTATE, or one of an unavailable class), as opposed to refusing. */
    static boolean unavailable(Throwable failure) {
        return !(failure instanceof PgException pg) || pg.getSqlState() == null
                || UNAVAILABLE.contains(pg.getSqlState().substring(0, Math.min(2, pg.getSqlState().length())));
    }

    private Uni<Void> deadLetter(String payload, String key, EmailRequestMessage message, int attempts,
                                 String reason) {
        String kept = payload == null ? "" : payload.length() > PAYLOAD_KEPT ? payload.substring(0, PAYLOAD_KEPT)
                : payload;
        // A message that names no notification is filed under its key (the producer keys chunks by notification id),
        // with no chunk: DeadLetterRepository counts such letters against the chunks its notification still misses.
        boolean named = message != null && message.notificationId() != null;
        return deadLetters.add(new DeadLetter(Topics.EMAIL_REQUESTS, key,
                named ? message.notificationId() : uuidOrNull(key), named ? message.chunk() : null,
                attempts, reason.replace("\u0000", ""), kept.replace("\u0000", "")));
    }

    private static UUID uuidOrNull(String key) {
        try {
            return key == null ? null : UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String key(Message<String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getKey() == null ? null : m.getKey().toString()).orElse(null);
    }
}
