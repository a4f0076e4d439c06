package io.openaudience.audience.rest;

import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.KafkaRecords;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.count;
import static io.openaudience.audience.rest.GroupFixtures.createGroup;
import static io.openaudience.audience.rest.GroupFixtures.finishJobsOf;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.row;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Rows 17, 18 and 22: PATCH and PUT change a group and, with {@code file_url} or {@code user_data}, queue its
 * {@code group_update} job (never while another job writes the group's members); DELETE removes the group and every
 * member in one transaction.
 */
@QuarkusTest
class UserGroupUpdateTest {

    @Test
    void patchOfNameDescriptionAndTagsQueuesNothing() throws Exception {
        String company = freshCompany();
        String id = createGroup(company, "Before");
        finishJobsOf(id);
        String modified = as(company).when().get(path(company, id)).then().extract().path("modified_at");
        long jobs = count("SELECT count(*) FROM audience.job WHERE group_id = ?", id);
        as(company).body(Map.of("name", "After", "description", "new words", "tags", List.of("x", "y")))
                .when().patch(path(company, id))
                .then().statusCode(200)
                .body("_id", equalTo(id))
                .body("name", equalTo("After"))
                .body("description", equalTo("new words"))
                .body("tags", equalTo(List.of("x", "y")))
                .body("status", equalTo("completed"))
                .body("category", equalTo("custom"))
                .body("modified_at", not(equalTo(modified)));
        assertEquals(jobs, count("SELECT count(*) FROM audience.job WHERE group_id = ?", id));
        as(company).body(Map.of("description", "only this")).when().patch(path(company, id)).then().statusCode(200)
                .body("name", equalTo("After")).body("description", equalTo("only this"))
                .body("tags", equalTo(List.of("x", "y")));
    }

    @Test
    void patchWithAFileQueuesAPatchUpdateAndIsRefusedWhileAnotherJobWritesTheGroup() throws Exception {
        String company = freshCompany();
        String id = createGroup(company, "Members");
        String importJob = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id)
                .get("last_job_id");

        // The creation's import is still queued: a second writer is refused, naming the job; metadata may change.
        as(company).body(Map.of("file_url", "https://127.0.0.1/changes.csv")).when().patch(path(company, id))
                .then().statusCode(409)
                .body("code", equalTo("conflict"))
                .body("meta.errors.field", hasItem("file_url"))
                .body("message", containsString(importJob));
        GroupFixtures.execute("UPDATE audience.job SET status = 'running' WHERE id = ?", importJob);
        as(company).body(Map.of("user_data", List.of(Map.of("email", "a@example.com", "action", "add"))))
                .when().patch(path(company, id)).then().statusCode(409)
                .body("meta.errors.field", hasItem("user_data"));
        as(company).body(Map.of("name", "Renamed meanwhile")).when().patch(path(company, id)).then().statusCode(200);

        finishJobsOf(id);
        GroupFixtures.execute("UPDATE audience.user_group SET error_count = 3 WHERE id = ?", id);
        as(company).body(Map.of("file_url", "https://127.0.0.1/changes.csv")).when().patch(path(company, id))
                .then().statusCode(200)
                .body("status", equalTo("pending"))
                .body("file_url", equalTo("https://127.0.0.1/changes.csv"));
        Map<String, Object> group = row("SELECT last_job_id, error_count FROM audience.user_group WHERE id = ?", id);
        String jobId = (String) group.get("last_job_id");
        assertNotEquals(importJob, jobId);
        assertEquals(0L, group.get("error_count"));
        Map<String, Object> job = row("SELECT type, group_id, file_url, params::text AS params, status "
                + "FROM audience.job WHERE id = ?", jobId);
        assertEquals("group_update", job.get("type"));
        assertEquals(id, job.get("group_id"));
        assertEquals("https://127.0.0.1/changes.csv", job.get("file_url"));
        assertEquals("{\"mode\": \"patch\"}", job.get("params"));
        assertEquals("queued", job.get("status"));
        assertEquals(1, count("SELECT count(*) FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.IMPORT_JOBS, jobId));
        KafkaRecords.first(Topics.IMPORT_JOBS, jobId, Duration.ofSeconds(30));
    }

    @Test
    void patchWithUserDataCarriesTheEntriesInTheJob() throws Exception {
        String company = freshCompany();
        String id = createGroup(company, "By hand");
        finishJobsOf(id);
        List<Map<String, Object>> userData = List.of(
                Map.of("user_id", " u-1 ", "action", "add"),
                Map.of("email", "Ana@Example.com", "action", "REMOVE"),
                Map.of("phone_number", "98765 43210", "country_code", "+91", "action", ""));
        as(company).body(Map.of("user_data", userData)).when().patch(path(company, id)).then().statusCode(200)
                .body("status", equalTo("pending"))
                .body("file_url", equalTo("http://127.0.0.1:1/By-hand.csv"));
        String jobId = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id).get("last_job_id");
        Map<String, Object> job = row("SELECT type, file_url, params::text AS params FROM audience.job WHERE id = ?",
                jobId);
        assertEquals("group_update", job.get("type"));
        assertEquals(null, job.get("file_url"));
        assertEquals("{\"mode\": \"patch\", \"user_data\": [{\"action\": \"add\", \"user_id\": \"u-1\"}, "
                + "{\"email\": \"Ana@Example.com\", \"action\": \"remove\"}, {\"action\": \"add\", "
                + "\"country_code\": \"+91\", \"phone_number\": \"98765 43210\"}]}", job.get("params"));
    }

    @Test
    void badPatchesAre400NamingTheField() throws Exception {
        String company = freshCompany();
        String id = createGroup(company, "Strict");
        finishJobsOf(id);
        List<Map<String, Object>> userData = new ArrayList<>();
        userData.add(Map.of("action", "add"));
        userData.add(Map.of("email", "a@example.com", "action", "delete"));
        userData.add(Map.of("email", "not-an-email", "action", "add"));
        userData.add(Map.of("user_id", "u", "country_code", "91", "action", "add"));
        userData.add(Map.of("phone_number", "12", "action", "add"));
        userData.add(Map.of("user_id", "u2"));
        as(company).body(Map.of("user_data", userData)).when().patch(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItems("user_data[0]", "user_data[1].action", "user_data[2].email",
                        "user_data[3].country_code", "user_data[4].phone_number", "user_data[5].action"))
                .body("meta.errors", hasSize(6));
        List<Map<String, String>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(Map.of("user_id", "u" + i, "action", "add"));
        }
        as(company).body(Map.of("user_data", tooMany)).when().patch(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItem("user_data")).body("message", containsString("1000"));
        as(company).body(Map.of("user_data", List.of())).when().patch(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItem("user_data"));
        as(company).body(Map.of("file_url", "https://127.0.0.1/a.csv", "user_data",
                        List.of(Map.of("user_id", "u", "action", "add"))))
                .when().patch(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItem("user_data"));
        as(company).body(Map.of("file_url", "file:///etc/passwd")).when().patch(path(company, id)).then()
                .statusCode(400).body("meta.errors.field", hasItem("file_url"));
        as(company).body(Map.of("name", "")).when().patch(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItem("name"));
        as(company).body(Map.of("type", "conditional")).when().patch(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItem("type"));
        as(company).body(Map.of("tags", List.of(""))).when().patch(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItem("tags[0]"));
        assertEquals(1, count("SELECT count(*) FROM audience.job WHERE group_id = ?", id));
        assertEquals("Strict", row("SELECT name FROM audience.user_group WHERE id = ?", id).get("name"));
    }

    @Test
    void renamingToAnotherGroupsNameIs409() throws Exception {
        String company = freshCompany();
        createGroup(company, "Taken");
        String id = createGroup(company, "Free");
        as(company).body(Map.of("name", "taken")).when().patch(path(company, id)).then().statusCode(409)
                .body("meta.errors.field", hasItem("name"));
        as(company).body(Map.of("name", "taken")).when().put(path(company, id)).then().statusCode(409);
        // Its own name in another case is not a conflict.
        as(company).body(Map.of("name", "FREE")).when().patch(path(company, id)).then().statusCode(200)
                .body("name", equalTo("FREE"));
    }

    @Test
    void putReplacesTheFieldsAndAFileReplacesTheMembers() throws Exception {
        String company = freshCompany();
        Map<String, Object> body = new HashMap<>(Map.of("name", "Full", "description", "long text", "category",
                "loyalty", "file_url", "http://127.0.0.1:9/full.csv", "tags", List.of("a", "b")));
        String id = as(company).body(body).when().post(prefix(company) + "/user_group").then().statusCode(201)
                .extract().path("_id");
        finishJobsOf(id);
        as(company).body(Map.of("name", "Full again")).when().put(path(company, id)).then().statusCode(200)
                .body("name", equalTo("Full again"))
                .body("description", equalTo(""))
                .body("tags", hasSize(0))
                .body("category", equalTo("loyalty"))
                .body("status", equalTo("completed"));
        assertEquals(1, count("SELECT count(*) FROM audience.job WHERE group_id = ?", id));

        as(company).body(Map.of("description", "no name")).when().put(path(company, id)).then().statusCode(400)
                .body("meta.errors.field", hasItem("name"));
        Response replaced = as(company).body(Map.of("name", "Full", "description", "d", "tags", List.of("t"),
                        "file_url", "https://127.0.0.1/everyone.csv"))
                .when().put(path(company, id)).then().statusCode(200)
                .body("status", equalTo("pending"))
                .body("file_url", equalTo("https://127.0.0.1/everyone.csv"))
                .extract().response();
        assertEquals("Full", replaced.path("name"));
        String jobId = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id).get("last_job_id");
        Map<String, Object> job = row("SELECT type, file_url, params::text AS params FROM audience.job WHERE id = ?",
                jobId);
        assertEquals("group_update", job.get("type"));
        assertEquals("{\"mode\": \"replace\"}", job.get("params"));
        as(company).body(Map.of("name", "Full", "file_url", "https://127.0.0.1/again.csv"))
                .when().put(path(company, id)).then().statusCode(409)
                .body("meta.errors.field", hasItem("file_url"));
    }

    @Test
    void concurrentMemberChangesLeaveExactlyOneJob() throws Exception {
        String company = freshCompany();
        String id = createGroup(company, "Raced");
        finishJobsOf(id);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String url = "https://127.0.0.1/file-" + i + ".csv";
                calls.add(() -> as(company).body(Map.of("file_url", url)).when().patch(path(company, id))
                        .then().extract().statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(5, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdown();
        }
        assertEquals(1, count("SELECT count(*) FROM audience.job WHERE group_id = ? AND status = 'queued'", id));
        String jobId = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id).get("last_job_id");
        assertEquals(1, count("SELECT count(*) FROM audience.job WHERE id = ? AND status = 'queued'", jobId));
    }

    @Test
    void aWriterTheCheckCannotSeeYetIsCaughtByTheIndexAndNothingIsWritten() throws Exception {
        String company = freshCompany();
        String id = createGroup(company, "Backstop");
        finishJobsOf(id);
        String lastJob = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id)
                .get("last_job_id");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (java.sql.Connection other = io.openaudience.testsupport.Infra.connect()) {
            // Another writer's job, not committed yet: the intake's check does not see it, its insert waits on it.
            other.setAutoCommit(false);
            try (java.sql.PreparedStatement insert = other.prepareStatement("INSERT INTO audience.job (id, "
                    + "company_id, application_id, type, group_id) VALUES (?, ?, ?, 'group_update', ?)")) {
                insert.setString(1, io.openaudience.common.audience.ObjectIds.next());
                insert.setString(2, company);
                insert.setString(3, GroupFixtures.APP);
                insert.setString(4, id);
                insert.executeUpdate();
            }
            Future<Response> patch = pool.submit(() -> as(company)
                    .body(Map.of("file_url", "https://127.0.0.1/late.csv")).when().patch(path(company, id)));
            GroupFixtures.await(Duration.ofSeconds(20), "the intake waiting on the other writer's job",
                    () -> waitingOnLock());
            other.commit();
            patch.get().then().statusCode(409).body("meta.errors.field", hasItem("file_url"));
        } finally {
            pool.shutdown();
        }
        Map<String, Object> group = row("SELECT status, last_job_id, file_url FROM audience.user_group WHERE id = ?",
                id);
        assertEquals("completed", group.get("status"));
        assertEquals(lastJob, group.get("last_job_id"));
        assertEquals("http://127.0.0.1:1/Backstop.csv", group.get("file_url"));
        assertEquals(0, count("SELECT count(*) FROM audience.outbox o WHERE o.topic = ? AND NOT EXISTS "
                + "(SELECT 1 FROM audience.job j WHERE j.id = o.message_key)", Topics.IMPORT_JOBS));
    }

    private static boolean waitingOnLock() {
        try {
            return count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    + "AND query ILIKE '%insert into audience.job%'") > 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deleteRemovesTheGroupAndEveryMemberAndFailsItsQueuedJobs() throws Exception {
        String company = freshCompany();
        String id = createGroup(company, "Doomed");
        String keep = createGroup(company, "Kept");
        List<Long> people = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            people.add(GroupFixtures.person(company, "p" + i, "p" + i + "@example.com", null));
        }
        GroupFixtures.addMembers(company, id, people);
        GroupFixtures.addMembers(company, keep, people.subList(0, 2));
        as(company).when().post(path(company, id) + "/refresh").then().statusCode(202);

        as(company).when().delete(path(company, id)).then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", equalTo("User group deleted"));
        assertEquals(0, count("SELECT count(*) FROM audience.user_group WHERE id = ?", id));
        assertEquals(0, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", id));
        assertEquals(2, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", keep));
        assertEquals(5, count("SELECT count(*) FROM audience.app_user WHERE company_id = ?", company));
        assertEquals(0, count("SELECT count(*) FROM audience.job WHERE group_id = ? AND status = 'queued'", id));
        assertEquals(2, count("SELECT count(*) FROM audience.job WHERE group_id = ? AND status = 'failed' "
                + "AND failure_reason = 'the group was deleted'", id));
        as(company).when().get(path(company, id)).then().statusCode(404);
        as(company).when().delete(path(company, id)).then().statusCode(404);
        as(company).when().get(path(company, keep)).then().statusCode(200);
    }

    private static String path(String company, String id) {
        return prefix(company) + "/user_group/" + id;
    }
}
