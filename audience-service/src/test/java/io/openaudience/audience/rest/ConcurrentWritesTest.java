package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static io.openaudience.audience.rest.UserAttributeResourceTest.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Writes racing for the same new person: one creates, the others update, nothing is duplicated or deadlocked. */
@QuarkusTest
class ConcurrentWritesTest {

    @Test
    void firstValuesOfANewPersonAtOnce() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        List<Integer> statuses = parallel(8, i -> t.as().body("{\"attribute\":{\"value\":\"v" + i + "\"}}")
                .put(VALUE, tier, "racer").then().extract().statusCode());
        assertEquals(1, Collections.frequency(statuses, 201), statuses.toString());
        assertEquals(7, Collections.frequency(statuses, 200), statuses.toString());
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                tier));
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                t.company));
    }

    @Test
    void eventBatchesNamingTheSamePeopleAndANewMonthAtOnce() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        List<Integer> statuses = parallel(6, i -> {
            StringBuilder body = new StringBuilder("[");
            // Each batch names the same 50 people, in a different order.
            for (int k = 0; k < 200; k++) {
                int person = (k * (i + 1) * 7) % 50;
                // A month no other test writes: all six are its first batches and race to create its partition.
                body.append(k == 0 ? "" : ",").append("{\"user_id\":\"p").append(person)
                        .append("\",\"name\":\"n").append(k % 3)
                        .append("\",\"timestamp\":\"2012-03-15T10:00:00Z\"}");
            }
            return t.as().body(body.append("]").toString()).post(PREFIX + "/events").then().extract().statusCode();
        });
        assertEquals(List.of(200, 200, 200, 200, 200, 200), statuses);
        assertEquals(1200, AudienceFixtures.count("select count(*) from audience.event where company_id = ?",
                t.company));
        assertEquals(1200, AudienceFixtures.count("select sum(total_events) from audience.app_user "
                + "where company_id = ?", t.company));
        assertEquals(1200, AudienceFixtures.count("select sum(count) from audience.person_event_stats "
                + "where company_id = ?", t.company));
        assertEquals(50, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                t.company));
    }

    private interface Call {
        int run(int i) throws Exception;
    }

    private static List<Integer> parallel(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<Integer>) () -> call.run(index)));
            }
            List<Integer> out = new ArrayList<>();
            for (Future<Integer> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }
}
