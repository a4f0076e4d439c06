package io.openaudience.outbox;

import io.openaudience.outbox.OutboxRepository.OutboxRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes committed outbox rows to Kafka, each to its row's topic with its row's key, and marks a row published
 * only after the broker acknowledged it; failures are counted and retried with backoff, so nothing is lost while
 * Kafka is down, and a row Kafka refuses for itself goes to the dead-letter table after {@code outbox.max-attempts}.
 * Safe with several replicas (rows are claimed with SKIP LOCKED) and keeps the order of each key.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int MAX_ERROR_LENGTH = 2000;

    private final OutboxRepository outbox;
    private final OutboxConfig config;
    private final OutboxTracing tracing;
    private final String bootstrapServers;
    private final Counter publishedCount;
    private final Counter failedCount;
    private final Counter deadCount;
    private volatile String lastDeadReason;
    private KafkaProducer<String, String> producer;
    private volatile boolean stopping;
    private volatile boolean kicked;
    private final AtomicBoolean relaying = new AtomicBoolean();

    public OutboxRelay(OutboxRepository outbox, OutboxConfig config,
                       @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                       MeterRegistry registry, OutboxTracing tracing) {
        this.outbox = outbox;
        this.config = config;
        this.tracing = tracing;
        this.bootstrapServers = bootstrapServers;
        this.publishedCount = registry.counter("outbox.relay.published");
        this.failedCount = registry.counter("outbox.relay.failed");
        this.deadCount = registry.counter("outbox.relay.dead");
    }

    /** Rows moved to the dead-letter table since start (readiness shows it: {@link OutboxDeadLetterCheck}). */
    public long deadLettered() {
        return (long) deadCount.count();
    }

    /** Why the latest of them could not be published, or null. */
    public String lastDeadLetterReason() {
        return lastDeadReason;
    }

    /**
     * One relay tick on a worker thread (the producer may block while the broker is unreachable): drains the due
     * rows batch by batch, and stops at the first failure so a Kafka outage costs one bounded attempt per tick.
     */
    @Scheduled(every = "${outbox.poll-interval:1s}", delay = 2, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!config.enabled() || stopping || !relaying.compareAndSet(false, true)) {
            return;
        }
        try {
            do {
                kicked = false;
                Outcome outcome = relayOnce();
                while (outcome == Outcome.MORE && !stopping) {
                    outcome = relayOnce();
                }
                // A commit that kicked while this round ran may have come after its claim: one more round for it.
            } while (kicked && !stopping);
        } catch (RuntimeException e) {
            // A database hiccup: rows stay pending (their lease expires) and the next tick tries again, not a loop.
            LOG.warnf(e, "outbox relay round failed");
            kicked = false;
        } finally {
            relaying.set(false);
        }
        if (kicked && !stopping) {
            // The kick came after the round's last check but while it still held the relay, so it started nothing:
            // serve it now, not at the next tick.
            kick();
        }
    }

    /**
     * Relays now, on a worker thread, after a transaction that wrote outbox rows committed: the message leaves within
     * milliseconds instead of at the next tick. The request that kicks does not wait for it (nor for Kafka); if the
     * kick is lost (a crash, the broker down), the scheduled tick is the fallback.
     */
    public void kick() {
        if (!config.enabled() || stopping) {
            return;
        }
        kicked = true;
        if (!relaying.get()) {
            Infrastructure.getDefaultWorkerPool().execute(this::tick);
        }
    }

    /** Claims one batch and publishes it; tells whether another batch may be waiting. */
    Outcome relayOnce() {
        List<OutboxRow> rows = outbox.claim(config.batchSize(), config.lease()).await().atMost(awaitLimit());
        if (rows.isEmpty()) {
            return Outcome.IDLE;
        }
        // Rows of one key go out one after the other, each only after the previous one was acknowledged; keys are
        // independent of each other, so round i sends the i-th pending row of every key at once.
        Map<String, List<OutboxRow>> byKey = new LinkedHashMap<>();
        for (OutboxRow row : rows) {
            byKey.computeIfAbsent(row.topic() + '\u0000' + row.key(), k -> new ArrayList<>()).add(row);
        }
        List<Long> published = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<Long> unsent = new ArrayList<>();
        Map<String, Iterator<OutboxRow>> queues = new LinkedHashMap<>();
        byKey.forEach((key, list) -> queues.put(key, list.iterator()));
        while (!queues.isEmpty()) {
            Map<String, OutboxRow> round = new LinkedHashMap<>();
            Map<String, CompletableFuture<Void>> sends = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, Iterator<OutboxRow>>> it = queues.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Iterator<OutboxRow>> queue = it.next();
                if (!queue.getValue().hasNext()) {
                    it.remove();
                    continue;
                }
                OutboxRow row = queue.getValue().next();
                round.put(queue.getKey(), row);
                sends.put(queue.getKey(), send(row));
            }
            for (Map.Entry<String, CompletableFuture<Void>> sent : sends.entrySet()) {
                OutboxRow row = round.get(sent.getKey());
                Throwable error = outcome(sent.getValue());
                if (error == null) {
                    published.add(row.id());
                } else {
                    failures.add(new Failure(row, error));
                    // The rest of this key waits: sending it now would overtake the failed row.
                    queues.remove(sent.getKey()).forEachRemaining(r -> unsent.add(r.id()));
                }
            }
        }
        outbox.markPublished(published).await().atMost(awaitLimit());
        int dead = 0;
        boolean brokerTrouble = false;
        for (Failure failure : failures) {
            OutboxRow row = failure.row();
            String reason = describe(failure.error());
            if (poison(failure.error()) && row.attempts() + 1 >= config.maxAttempts()) {
                outbox.deadLetter(row.id(), reason).await().atMost(awaitLimit());
                dead++;
                lastDeadReason = reason;
                LOG.errorf("outbox relay: row %d (topic %s, key %s) moved to the dead-letter table after %d "
                        + "attempts: %s", row.id(), row.topic(), row.key(), row.attempts() + 1, reason);
            } else {
                outbox.markFailed(row.id(), reason, backoff(row.attempts() + 1)).await().atMost(awaitLimit());
                brokerTrouble |= !poison(failure.error());
            }
        }
        outbox.release(unsent).await().atMost(awaitLimit());
        publishedCount.increment(published.size());
        failedCount.increment(failures.size());
        deadCount.increment(dead);
        if (!failures.isEmpty()) {
            LOG.warnf("outbox relay: %d published, %d failed (%s), %d dead-lettered, %d deferred", published.size(),
                    failures.size(), describe(failures.get(0).error()), dead, unsent.size());
        }
        if (brokerTrouble) {
            resetProducer();
            return Outcome.FAILED;
        }
        // Only rows Kafka refused for themselves failed (or none): the broker is fine, the rows behind them go on.
        LOG.debugf("outbox relay: %d published", published.size());
        return rows.size() >= config.batchSize() ? Outcome.MORE : Outcome.IDLE;
    }

    /**
     * Whether Kafka refused the row itself (too large, an invalid topic name …), so that sending it again can only
     * fail again; unreachable or slow brokers, credentials and permissions are the broker's state, not the row's.
     */
    static boolean poison(Throwable error) {
        return error instanceof ApiException && !(error instanceof RetriableException)
                && !(error instanceof AuthenticationException) && !(error instanceof AuthorizationException);
    }

    private CompletableFuture<Void> send(OutboxRow row) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Span span = tracing.start(row);
        done.whenComplete((ignored, error) -> tracing.end(span, error));
        try {
            producer().send(tracing.record(row, span), (metadata, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Waits for the broker's answer; null when acknowledged, else what went wrong. */
    private Throwable outcome(CompletableFuture<Void> send) {
        try {
            send.get(config.sendTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (java.util.concurrent.TimeoutException e) {
            return new java.util.concurrent.TimeoutException("no acknowledgement within " + config.sendTimeout());
        }
    }

    /** Exponential: base, 2·base, 4·base … capped at the configured maximum. */
    Duration backoff(int attempts) {
        long base = config.backoffBase().toMillis();
        long max = config.backoffMax().toMillis();
        long delay = base << Math.min(Math.max(attempts - 1, 0), 20);
        return Duration.ofMillis(Math.min(delay, max));
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            int timeout = (int) config.sendTimeout().toMillis();
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            // Acknowledged means replicated; idempotence keeps one key's records in order within a partition.
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            // Bounded waits: an unreachable broker must turn into a recorded failed attempt, not a stuck relay.
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeout / 2, 1000));
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            props.putAll(clientSecurity(ConfigProvider.getConfig()));
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    /**
     * The broker's authentication as the service's other Kafka clients get it ({@code kafka.security.protocol},
     * {@code kafka.sasl.mechanism}, {@code kafka.sasl.jaas.config}, e.g. from KAFKA_SASL_JAAS_CONFIG: the SCRAM user
     * of deploy/k8s), so the relay may write where the service's KafkaUser may; none set locally and in tests.
     */
    static Map<String, String> clientSecurity(Config config) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config")) {
            config.getOptionalValue("kafka." + key, String.class).ifPresent(value -> settings.put(key, value));
        }
        return settings;
    }

    /** After a failure start from a fresh producer, so no state of the outage (e.g. expired batches) carries over. */
    private synchronized void resetProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    /**
     * Creates the producer right after start, off the start-up thread: otherwise the first message after a (re)start
     * pays for it (class loading, the first connection: up to seconds on a loaded machine) between its 202 and Kafka.
     */
    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    producer();
                } catch (RuntimeException e) {
                    LOG.debugf(e, "outbox relay: producer not created at start; the first round will try again");
                }
            });
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        resetProducer();
    }

    private Duration awaitLimit() {
        return Duration.ofSeconds(30);
    }

    private static String describe(Throwable error) {
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }

    private record Failure(OutboxRow row, Throwable error) {
    }

    /** What a relay round found. */
    enum Outcome {
        IDLE, MORE, FAILED
    }
}
