package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A measurement, not a check: how many events a second the intake stores through HTTP, batches of 1,000 from a few
 * clients at once. Runs only with {@code -Dbench.events=true} (figures in the README).
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "bench.events", matches = "true")
class EventThroughputTest {

    @Test
    void eventsPerSecond() throws Exception {
        int clients = Integer.getInteger("bench.clients", 4);
        int batches = Integer.getInteger("bench.batches", 25);
        int people = Integer.getInteger("bench.people", 20_000);
        AudienceFixtures t = new AudienceFixtures();
        List<String> bodies = new ArrayList<>();
        for (int b = 0; b < clients * batches; b++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 1000; i++) {
                int n = b * 1000 + i;
                body.append(i == 0 ? "" : ",").append("{\"user_id\":\"p").append((n * 7919L) % people)
                        .append("\",\"name\":\"").append(n % 5 == 0 ? "pageview" : "e" + n % 9)
                        .append("\",\"href\":\"https://shop.example/p/").append(n % 300)
                        .append("\",\"properties\":{\"n\":").append(n).append(",\"plan\":\"pro\"}}");
            }
            bodies.add(body.append("]").toString());
        }
        // Warm-up: one batch, not counted.
        t.as().body(bodies.get(0)).post(PREFIX + "/events").then().statusCode(200);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    t.as().body(bodies.get(client * batches + b)).post(PREFIX + "/events").then().statusCode(200);
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long events = (long) clients * batches * 1000;
        System.out.printf("EVENTS-BENCH %d events in %.2f s = %.0f events/s (%d clients, batches of 1000, %d people)%n",
                events, seconds, events / seconds, clients, people);
        assertEquals(events + 1000, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
        assertEquals(events + 1000, AudienceFixtures.count("select sum(total_events) from audience.app_user "
                + "where company_id = ?", t.company));
    }
}
