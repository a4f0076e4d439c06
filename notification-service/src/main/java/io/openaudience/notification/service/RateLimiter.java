package io.openaudience.notification.service;

import io.openaudience.notification.config.NotificationConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Spaces sends evenly at the configured messages per second: each permit gets the next free slot, and the caller
 * waits (without blocking a thread) until its slot. A rate of 0 turns it off.
 */
@ApplicationScoped
public class RateLimiter {

    private final long intervalNanos;
    private long nextSlot = System.nanoTime();

    public RateLimiter(NotificationConfig config) {
        this.intervalNanos = config.rate() > 0 ? (long) (1_000_000_000L / config.rate()) : 0;
    }

    public Uni<Void> acquire() {
        if (intervalNanos == 0) {
            return Uni.createFrom().voidItem();
        }
        long wait = reserve() - System.nanoTime();
        // Vert.x timers refuse delays under 1 ms (IllegalArgumentException): a slot less than 1 ms away is taken now.
        return wait < 1_000_000L ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }

    private synchronized long reserve() {
        long now = System.nanoTime();
        long slot = Math.max(now, nextSlot);
        nextSlot = slot + intervalNanos;
        return slot;
    }
}
