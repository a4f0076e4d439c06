package io.openaudience.audience.rest;

import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.KafkaRecords;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.count;
import static io.openaudience.audience.rest.GroupFixtures.createGroup;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.row;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 20: a refresh queues a {@code group_refresh} job and one {@code refresh-total-users} record keyed by the group;
 * a burst of requests while it is queued shares that job and publishes nothing more.
 */
@QuarkusTest
class GroupRefreshTest {

    @Test
    void aBurstOfRefreshesSharesOneQueuedJobAndOneKafkaRecord() throws Exception {
        String company = freshCompany();
        String group = createGroup(company, "Counted");
        String refresh = prefix(company) + "/user_group/" + group + "/refresh";
        long uid = ((Number) as(company).when().get(prefix(company) + "/user_group/" + group).then()
                .extract().path("uid")).longValue();

        Response first = as(company).when().post(refresh).then().statusCode(202)
                .body("message", equalTo("Refresh of total users queued"))
                .body("uid", equalTo((int) uid))
                .body("job_id", matchesPattern("[0-9a-f]{24}"))
                .extract().response();
        String jobId = first.path("job_id");
        assertTrue(first.header("Location").endsWith(prefix(company) + "/users/jobs/" + jobId));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> jobIds = new HashSet<>();
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> as(company).when().post(refresh).then().statusCode(202).extract().path("job_id"));
            }
            for (Future<String> f : pool.invokeAll(calls)) {
                jobIds.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(Set.of(jobId), jobIds);
        assertEquals(1, count("SELECT count(*) FROM audience.job WHERE group_id = ? AND type = 'group_refresh'",
                group));
        assertEquals("queued", row("SELECT status FROM audience.job WHERE id = ?", jobId).get("status"));
        assertEquals(1, count("SELECT count(*) FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.REFRESH_TOTAL_USERS, group));
        // A refresh does not make the group pending, nor hide the error report of its last import.
        assertEquals("pending", row("SELECT status FROM audience.user_group WHERE id = ?", group).get("status"));
        assertNotEquals(jobId, row("SELECT last_job_id FROM audience.user_group WHERE id = ?", group)
                .get("last_job_id"));

        GroupFixtures.await(Duration.ofSeconds(15), "the refresh published", () -> GroupFixtures.published(group));
        List<ConsumerRecord<String, String>> records = KafkaRecords.all(Topics.REFRESH_TOTAL_USERS, group,
                Duration.ofSeconds(30));
        assertEquals(1, records.size(), records.toString());
        assertEquals("{\"jobId\":\"" + jobId + "\",\"companyId\":\"" + company + "\",\"applicationId\":\""
                + GroupFixtures.APP + "\",\"groupId\":\"" + group + "\"}", records.get(0).value());

        // Once the worker has taken the job, the next request queues (and announces) a new one.
        GroupFixtures.execute("UPDATE audience.job SET status = 'running' WHERE id = ?", jobId);
        String second = as(company).when().post(refresh).then().statusCode(202).extract().path("job_id");
        assertNotEquals(jobId, second);
        assertEquals(second, as(company).when().post(refresh).then().statusCode(202).extract().path("job_id"));
        GroupFixtures.await(Duration.ofSeconds(15), "the second refresh published",
                () -> GroupFixtures.published(group));
        List<ConsumerRecord<String, String>> after = KafkaRecords.all(Topics.REFRESH_TOTAL_USERS, group,
                Duration.ofSeconds(30));
        assertEquals(2, after.size(), after.toString());
        assertTrue(after.get(1).value().contains(second));

        // The refresh job is readable at row 21.
        as(company).when().get(prefix(company) + "/users/jobs/" + second).then().statusCode(200)
                .body("type", equalTo("group_refresh"))
                .body("action_type", equalTo("group_refresh"))
                .body("status", equalTo("queued"))
                .body("groupId", equalTo(group))
                .body("file_name", equalTo(""));
    }
}
