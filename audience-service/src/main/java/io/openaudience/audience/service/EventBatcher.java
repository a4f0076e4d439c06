package io.openaudience.audience.service;

import io.openaudience.audience.EventRecord;
import io.openaudience.audience.config.EventsConfig;
import io.openaudience.audience.config.GoSquaredConfig;
import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lets single-event tracking requests share their writes: an event waits up to
 * {@code audience.gosquared.tracking.linger-millis} (or until {@code audience.events.max-batch} are waiting), then
 * each tenant's waiting events are written with one {@link EventService#record} call (one transaction, one statement
 * per table), and every request answers when its batch is committed (or fails with it). The GoSquared client sends
 * one event per request, so without this each event would cost a transaction of its own.
 */
@ApplicationScoped
public class EventBatcher {

    private final EventService events;
    private final Vertx vertx;
    private final int lingerMillis;
    private final int maxBatch;
    private final Object lock = new Object();
    private List<Waiting> waiting = new ArrayList<>();
    private boolean timerSet;

    public EventBatcher(EventService events, Vertx vertx, GoSquaredConfig config, EventsConfig eventsConfig) {
        this.events = events;
        this.vertx = vertx;
        this.lingerMillis = config.tracking().lingerMillis();
        this.maxBatch = eventsConfig.maxBatch();
    }

    /** An event waiting for its batch, and how to answer its request on the request's own context. */
    private record Waiting(Tenant tenant, EventRecord event, Context context, UniEmitter<? super Void> done) {

        void complete() {
            run(() -> done.complete(null));
        }

        void fail(Throwable failure) {
            run(() -> done.fail(failure));
        }

        private void run(Runnable answer) {
            if (context == null) {
                answer.run();
            } else {
                context.runOnContext(v -> answer.run());
            }
        }
    }

    /** Stores the checked event with the others waiting; the item comes once it is committed. */
    public Uni<Void> submit(Tenant tenant, EventRecord event) {
        if (lingerMillis <= 0) {
            return events.record(tenant, List.of(event)).replaceWithVoid();
        }
        return Uni.createFrom().emitter(done -> {
            List<Waiting> full = null;
            boolean schedule = false;
            synchronized (lock) {
                waiting.add(new Waiting(tenant, event, Vertx.currentContext(), done));
                if (waiting.size() >= maxBatch) {
                    full = waiting;
                    waiting = new ArrayList<>();
                } else if (!timerSet) {
                    timerSet = true;
                    schedule = true;
                }
            }
            if (schedule) {
                vertx.setTimer(lingerMillis, id -> flushWaiting());
            }
            if (full != null) {
                write(full);
            }
        });
    }

    private void flushWaiting() {
        List<Waiting> batch;
        synchronized (lock) {
            timerSet = false;
            batch = waiting;
            waiting = new ArrayList<>();
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    /** One {@link EventService#record} per tenant of the batch, in the order the events arrived. */
    private void write(List<Waiting> batch) {
        Map<Tenant, List<Waiting>> byTenant = new LinkedHashMap<>();
        for (Waiting w : batch) {
            byTenant.computeIfAbsent(w.tenant(), t -> new ArrayList<>()).add(w);
        }
        byTenant.forEach((tenant, group) -> events.record(tenant, group.stream().map(Waiting::event).toList())
                .subscribe().with(n -> group.forEach(Waiting::complete), e -> group.forEach(w -> w.fail(e))));
    }
}
