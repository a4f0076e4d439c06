package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A measurement, not a check: how many single-event {@code POST /tracking/v1/event} requests a second (the npm
 * client's one event per request) the intake stores, with {@code bench.concurrency} requests in flight, each
 * authenticated by its key. Runs only with {@code -Dbench.tracking=true} (figures in the README).
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "bench.tracking", matches = "true")
class TrackingThroughputTest {

    @Test
    void singleEventRequestsPerSecond() throws Exception {
        int events = Integer.getInteger("bench.events.count", 20_000);
        int concurrency = Integer.getInteger("bench.concurrency", 64);
        int people = Integer.getInteger("bench.people", 5_000);
        GoSquaredFixtures t = new GoSquaredFixtures();
        HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(4))
                .build();
        URI uri = URI.create("http://127.0.0.1:" + RestAssured.port + "/tracking/v1/event?api_key=" + t.apiKey
                + "&site_token=" + t.siteToken);
        run(http, uri, 500, concurrency, people, 1_000_000);
        long start = System.nanoTime();
        int failed = run(http, uri, events, concurrency, people, 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("TRACKING-BENCH %d single-event requests in %.2f s = %.0f events/s (%d in flight, %d "
                + "people)%n", events, seconds, events / seconds, concurrency, people);
        assertEquals(0, failed);
        assertEquals(Boolean.getBoolean("bench.get") ? 0 : events + 500, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
    }

    /** Sends {@code count} events with at most {@code concurrency} in flight; returns how many were not 200. */
    private static int run(HttpClient http, URI uri, int count, int concurrency, int people, int offset)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<?>[] all = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            int n = offset + i;
            String body = "{\"person_id\":\"p" + (n * 7919L) % people + "\",\"event\":{\"name\":\""
                    + (n % 5 == 0 ? "pageview" : "e" + n % 9) + "\",\"data\":{\"href\":\"https://shop.example/p/"
                    + n % 300 + "\",\"n\":" + n + "}}}";
            inFlight.acquire();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json");
            // bench.get=true: the credential check alone (GET), the ceiling of HTTP and authentication here.
            all[i] = http.sendAsync(Boolean.getBoolean("bench.get") ? request.GET().build()
                            : request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        inFlight.release();
                        if (e != null || r.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                    });
        }
        CompletableFuture.allOf(all).exceptionally(e -> null).join();
        return failed.get();
    }
}
