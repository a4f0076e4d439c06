package io.openaudience.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.notification.repository.LedgerRepository;
import io.openaudience.notification.service.Dispatcher;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Consumes {@code email-requests}: each chunk is written to the ledger in one transaction before its offset is
 * committed (the method's Uni completes after the commit; the throttled strategy commits only then). A redelivered
 * or replayed chunk finds its marker and changes nothing, so nothing is sent twice. While the database is down the
 * chunk is retried with backoff rather than dropped.
 */
@ApplicationScoped
public class EmailRequestConsumer {

    private static final Logger LOG = Logger.getLogger(EmailRequestConsumer.class);

    private static final Set<String> KINDS = Set.of("segment", "selected", "reinvite");

    private final LedgerRepository ledger;
    private final Dispatcher dispatcher;
    private final ObjectMapper json;

    public EmailRequestConsumer(LedgerRepository ledger, Dispatcher dispatcher, ObjectMapper json) {
        this.ledger = ledger;
        this.dispatcher = dispatcher;
        this.json = json;
    }

    // A span of its own, child of the record's (whose headers carry the producer's trace): the job's work and logs
    // join the trace of the request that queued it.
    @WithSpan("email-requests process")
    @Incoming(Topics.EMAIL_REQUESTS_CHANNEL)
    public Uni<Void> consume(String payload) {
        EmailRequestMessage message;
        try {
            message = json.readValue(payload, EmailRequestMessage.class);
        } catch (IOException e) {
            // A message that can never be read must not block the partition.
            LOG.errorf("ignoring unreadable email-requests message: %.500s", payload);
            return Uni.createFrom().voidItem();
        }
        if (message.notificationId() == null || message.initiativeId() == null || !KINDS.contains(message.kind())) {
            LOG.errorf("ignoring email-requests message without notification id or initiative, or of unknown kind: "
                    + "%.500s", payload);
            return Uni.createFrom().voidItem();
        }
        return ledger.record(message)
                .invoke(recorded -> {
                    if (recorded) {
                        dispatcher.kick();
                    } else {
                        LOG.infof("chunk %d of notification %s was already recorded", message.chunk(),
                                message.notificationId());
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("recording chunk %d of %s failed, retrying: %s", message.chunk(),
                        message.notificationId(), e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .replaceWithVoid();
    }
}
