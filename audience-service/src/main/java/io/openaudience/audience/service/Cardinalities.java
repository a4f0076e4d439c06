package io.openaudience.audience.service;

import io.openaudience.audience.config.GoSquaredConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code cardinality} of the people lists: an exact count, made once for the requests that ask for the same one at
 * the same time. A count that took at least {@code slow} to make is kept: for {@code reuse}, or ten times as long as
 * it took if that is longer, it answers every request for it; after that the next request starts a new count and, like
 * the others until it is made, is answered with the kept one. A quick count is made afresh for every page, so a small group's count follows every change at once; a
 * large group's (seconds at a million people, bench/people/README.md) is paid once per {@code reuse} in the background
 * instead of by every page, which would cost each page the whole group's evaluation.
 */
@ApplicationScoped
public class Cardinalities {

    static final int CAPACITY = 1_000;
    /** A kept count serves at least this many times as long as it took to make. */
    static final int RECOUNT_SHARE = 10;
    private static final Logger LOG = Logger.getLogger(Cardinalities.class);

    private final long slowMillis;
    private final long reuseMillis;
    private final LongSupplier clock;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    @Inject
    public Cardinalities(GoSquaredConfig config) {
        this(config.people().cardinalitySlow(), config.people().cardinalityReuse(), System::currentTimeMillis);
    }

    Cardinalities(Duration slow, Duration reuse, LongSupplier clock) {
        this.slowMillis = slow.toMillis();
        this.reuseMillis = reuse.toMillis();
        this.clock = clock;
    }

    /** The count under {@code key} (the tenant and what was counted): kept, in flight, or a new one. */
    public Uni<Long> count(String key, Supplier<Uni<Long>> counter) {
        long now = clock.getAsLong();
        if (counts.size() >= CAPACITY) {
            counts.values().removeIf(c -> c.idle(now));
            if (counts.size() >= CAPACITY) {
                counts.clear();
            }
        }
        Count count = counts.computeIfAbsent(key, Count::new);
        Uni<Long> answer = count.answer(now, counter);
        Context caller = Vertx.currentContext();
        // A shared count completes on the context of the request that started it: each request goes on on its own.
        return caller == null ? answer : answer.emitOn(task -> caller.runOnContext(v -> task.run()));
    }

    int size() {
        return counts.size();
    }

    private final class Count {

        private final String key;
        /** The last slow count and until when it is current; null when none is kept. */
        private Long kept;
        private long until;
        /** The count being made, shared by the requests that wait for it; null when none is. */
        private Uni<Long> making;

        Count(String key) {
            this.key = key;
        }

        synchronized Uni<Long> answer(long now, Supplier<Uni<Long>> counter) {
            if (kept != null && now < until) {
                return Uni.createFrom().item(kept);
            }
            Uni<Long> pending = making;
            if (pending == null) {
                pending = make(now, counter);
                making = pending;
                if (kept != null) {
                    pending.subscribe().with(n -> { }, failure -> LOG.debugf(failure, "recount of %s failed", key));
                }
            }
            return kept != null ? Uni.createFrom().item(kept) : pending;
        }

        /** Neither kept nor being made, or kept but out of date for a whole {@code reuse} more. */
        synchronized boolean idle(long now) {
            return making == null && (kept == null || now >= until + reuseMillis);
        }

        private Uni<Long> make(long started, Supplier<Uni<Long>> counter) {
            return Uni.createFrom().<Long>deferred(counter::get)
                    .onItemOrFailure().invoke((n, failure) -> made(started, n, failure))
                    .memoize().indefinitely();
        }

        private synchronized void made(long started, Long n, Throwable failure) {
            making = null;
            long now = clock.getAsLong();
            long took = now - started;
            if (failure == null && took >= slowMillis) {
                kept = n;
                // Recounting takes at most a tenth of the time: a count's parallel scan keeps both cores of a small
                // server busy while it runs, and pages share them.
                until = now + Math.max(reuseMillis, RECOUNT_SHARE * took);
            } else if (failure == null || kept == null) {
                kept = null;
                counts.remove(key, this);
            }
        }
    }
}
