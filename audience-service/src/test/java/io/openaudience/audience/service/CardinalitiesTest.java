package io.openaudience.audience.service;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CardinalitiesTest {

    private long now = 1_000_000;
    private final Cardinalities cardinalities = new Cardinalities(Duration.ofSeconds(1), Duration.ofSeconds(10),
            () -> now);
    private final AtomicInteger counted = new AtomicInteger();

    /** A count of {@code n} that takes {@code millis} of the test's clock. */
    private Supplier<Uni<Long>> counter(long n, long millis) {
        return () -> Uni.createFrom().item(() -> {
            counted.incrementAndGet();
            now += millis;
            return n;
        });
    }

    private long count(String key, Supplier<Uni<Long>> counter) {
        return cardinalities.count(key, counter).await().indefinitely();
    }

    @Test
    void aQuickCountIsMadeAfreshEveryTime() {
        assertEquals(5, count("group", counter(5, 999)));
        assertEquals(6, count("group", counter(6, 999)));

        assertEquals(2, counted.get());
        assertEquals(0, cardinalities.size());
    }

    @Test
    void aSlowCountIsReusedForItsWindowThenRecountedWhileItStillAnswers() {
        assertEquals(80_000, count("group", counter(80_000, 1_000)));
        now += 9_999;
        assertEquals(80_000, count("group", counter(80_001, 1_000)));
        assertEquals(1, counted.get());

        now += 1;
        CompletableFuture<Long> recount = new CompletableFuture<>();
        Supplier<Uni<Long>> pending = () -> {
            counted.incrementAndGet();
            return Uni.createFrom().completionStage(recount);
        };
        assertEquals(80_000, count("group", pending), "the kept count answers while the recount runs");
        assertEquals(80_000, count("group", pending));
        assertEquals(2, counted.get(), "one recount for both requests");

        now += 1_000;
        recount.complete(80_002L);
        assertEquals(80_002, count("group", counter(80_003, 1_000)));
        assertEquals(2, counted.get());
    }

    @Test
    void aVerySlowCountIsKeptTenTimesAsLongAsItTook() {
        count("group", counter(80_000, 3_000));
        now += 29_999;
        assertEquals(80_000, count("group", counter(80_001, 3_000)));
        assertEquals(1, counted.get());

        now += 1;
        count("group", counter(80_002, 3_000));
        assertEquals(2, counted.get());
    }

    @Test
    void aSlowGroupThatBecameQuickIsCountedAfreshAgain() {
        count("group", counter(80_000, 1_000));
        now += 10_000;

        count("group", counter(10, 5));

        assertEquals(11, count("group", counter(11, 5)));
        assertEquals(3, counted.get());
    }

    @Test
    void anotherKeyIsAnotherCount() {
        count("tenant-a group", counter(1, 2_000));

        assertEquals(2, count("tenant-b group", counter(2, 2_000)));
        assertEquals(2, counted.get());
    }

    @Test
    void requestsAtTheSameTimeShareOneCount() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        Supplier<Uni<Long>> counter = () -> {
            counted.incrementAndGet();
            return Uni.createFrom().completionStage(result);
        };
        CompletableFuture<Long> first = cardinalities.count("group", counter).subscribeAsCompletionStage();
        CompletableFuture<Long> second = cardinalities.count("group", counter).subscribeAsCompletionStage();

        result.complete(7L);

        assertEquals(7, first.join());
        assertEquals(7, second.join());
        assertEquals(1, counted.get());
        assertEquals(0, cardinalities.size(), "a quick count is not kept once made");
    }

    @Test
    void aFailedCountIsNotKept() {
        Supplier<Uni<Long>> failing = () -> {
            counted.incrementAndGet();
            now += 2_000;
            return Uni.createFrom().failure(new IllegalStateException("connection lost"));
        };
        assertThrows(IllegalStateException.class, () -> count("group", failing));

        assertEquals(3, count("group", counter(3, 10)));
        assertEquals(2, counted.get());
    }
}
