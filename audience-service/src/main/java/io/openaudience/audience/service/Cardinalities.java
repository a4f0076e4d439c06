package io.openaudience.audience.service;

import io.openaudience.audience.config.GoSquaredConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code cardinality} of the people lists: an exact count, made once for the requests that ask for the same one at
 * the same time, and reused for {@code reuse} when it took at least {@code slow} to make. A count that is quick is made
 * afresh for every page, so a small group's count follows every change at once; the count of a large group (seconds
 * at a million people, bench/people/README.md) is paid once per {@code reuse} instead of by every page of it, which
 * would cost each page the whole group's evaluation.
 */
@ApplicationScoped
public class Cardinalities {

    static final int CAPACITY = 1_000;

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

    /** The count under {@code key} (the tenant and what was counted): the one in flight or reused, else a new one. */
    public Uni<Long> count(String key, Supplier<Uni<Long>> counter) {
        long now = clock.getAsLong();
        if (counts.size() >= CAPACITY) {
            counts.values().removeIf(c -> !c.usableAt(now));
        }
        Count count = counts.compute(key, (k, known) -> known != null && known.usableAt(now) ? known
                : new Count(k, counter, now));
        Context caller = Vertx.currentContext();
        // A shared count completes on the context of the request that started it: each request goes on on its own.
        return caller == null ? count.value : count.value.emitOn(task -> caller.runOnContext(v -> task.run()));
    }

    int size() {
        return counts.size();
    }

    private final class Count {

        final Uni<Long> value;
        /** Until when it may be handed out: in flight, forever; once made, {@code reuse} if it was slow, else never. */
        volatile long until = Long.MAX_VALUE;

        Count(String key, Supplier<Uni<Long>> counter, long started) {
            this.value = Uni.createFrom().<Long>deferred(counter::get)
                    .onItemOrFailure().invoke((n, failure) -> {
                        long now = clock.getAsLong();
                        if (failure == null && now - started >= slowMillis) {
                            until = now + reuseMillis;
                        } else {
                            until = Long.MIN_VALUE;
                            counts.remove(key, this);
                        }
                    })
                    .memoize().indefinitely();
        }

        boolean usableAt(long now) {
            return now < until;
        }
    }
}
