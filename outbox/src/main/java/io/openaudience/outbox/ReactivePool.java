package io.openaudience.outbox;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Singleton;

/**
 * Creates the reactive PostgreSQL pool of every service that uses this module (segments, audience and notification),
 * with the settings Quarkus derives from {@code quarkus.datasource.*}, except for the pool's wait for a connection,
 * which is turned off.
 * <p>
 * Why: in vertx-sql-client 4.5.x a pooled query arms a timer for that wait and cancels it only when a connection is
 * acquired. When acquiring fails (the database refusing connections during a restart), the query fails at once, as it
 * should, and the timer still fires when the wait ends, failing the already failed query again: Vert.x logs
 * "IllegalStateException: Result is already complete" for every query made during the outage, 30 s later
 * (eclipse-vertx/vertx-sql-client#1706). Without the timer this cannot happen. Nothing is left waiting for good: a
 * query waits for a connection only while the pool holds as many as it may and they are busy (they come back), and
 * while a new one is being opened, which fails by itself when the server refuses or the connect timeout passes.
 */
@Singleton
public class ReactivePool implements PgPoolCreator {

    @Override
    public Pool create(Input input) {
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), options(input.poolOptions()));
    }

    /*
     * Without that wait, a query waiting for a busy pool waits until a connection comes back; the waiters are bounded
     * instead (when the configuration leaves them unbounded), so a database that holds every connection makes the
     * next queries fail at once rather than pile up in memory.
     */
    static final int MAX_WAITERS = 1024;

    /** Quarkus' pool options with the wait for a connection turned off and the waiters bounded (see above). */
    static PoolOptions options(PoolOptions configured) {
        PoolOptions options = new PoolOptions(configured).setConnectionTimeout(0);
        return configured.getMaxWaitQueueSize() < 0 ? options.setMaxWaitQueueSize(MAX_WAITERS) : options;
    }
}
