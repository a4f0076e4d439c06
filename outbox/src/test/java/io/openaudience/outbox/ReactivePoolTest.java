package io.openaudience.outbox;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queries made while the database refuses connections fail once: with the pool's wait for a connection on (the
 * library default), each such query is failed a second time when that wait ends, which Vert.x reports as an uncaught
 * "Result is already complete"; ReactivePool's options turn the wait off, and nothing is reported.
 */
class ReactivePoolTest {

    private static final long WAIT_MS = 300;

    private final Vertx vertx = Vertx.vertx();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void theLibraryDefaultFailsAQueryTwiceWhenNoConnectionCanBeOpened() throws Exception {
        vertx.exceptionHandler(uncaught::add);
        Pool pool = refusedPool(new PoolOptions().setConnectionTimeout((int) WAIT_MS)
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS));
        assertQueryRefused(pool);
        Thread.sleep(3 * WAIT_MS);
        // What this class works around: if a vertx-sql-client upgrade fixes it, ReactivePool's change can go.
        assertTrue(uncaught.stream().anyMatch(e -> String.valueOf(e.getMessage()).contains("already complete")),
                "expected the library's double failure; got " + uncaught);
    }

    @Test
    void reactivePoolOptionsFailAQueryOnceWhenNoConnectionCanBeOpened() throws Exception {
        vertx.exceptionHandler(uncaught::add);
        PoolOptions configured = new PoolOptions().setMaxSize(4).setConnectionTimeout((int) WAIT_MS)
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        PoolOptions options = ReactivePool.options(configured);
        assertEquals(4, options.getMaxSize());
        assertEquals(ReactivePool.MAX_WAITERS, options.getMaxWaitQueueSize());
        Pool pool = refusedPool(options);
        assertQueryRefused(pool);
        assertQueryRefused(pool);
        Thread.sleep(3 * WAIT_MS);
        assertEquals(List.of(), uncaught);
    }

    /** A pool pointed at a local port nobody listens on: every connection attempt is refused at once. */
    private Pool refusedPool(PoolOptions options) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return PgPool.pool(vertx, List.of(new PgConnectOptions().setHost("127.0.0.1").setPort(port)
                .setDatabase("none").setUser("none").setPassword("none")), options);
    }

    private static void assertQueryRefused(Pool pool) {
        Throwable failure = pool.query("SELECT 1").execute().toCompletionStage().toCompletableFuture()
                .handle((rows, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();
        assertTrue(failure != null && String.valueOf(failure.getMessage()).contains("Connection refused"),
                "expected the connection to be refused, got " + failure);
    }
}
