package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.KafkaRecords;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.count;
import static io.openaudience.audience.rest.GroupFixtures.definition;
import static io.openaudience.audience.rest.GroupFixtures.execute;
import static io.openaudience.audience.rest.GroupFixtures.finishJobsOf;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static io.openaudience.audience.rest.GroupFixtures.row;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows 15–17, 20 and 22 for conditional groups: conditions checked at the intake by the filter engine (every problem a
 * 400 naming its path, nothing written), stored and shown in the SDK's {@code Conditions} shape, a
 * {@code group_evaluate} job with its message; updates re-evaluate only when the conditions change; a refresh joins an
 * evaluation that has not started or queues a {@code group_refresh} that makes the group pending.
 */
@QuarkusTest
class ConditionalGroupTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A company with an attribute definition of every kind a condition can name (by slug → id). */
    private static Map<String, String> definitions(String company) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("age", definition(company, "age", "number", null));
        ids.put("plan", definition(company, "plan", "string", null));
        ids.put("vip", definition(company, "vip", "boolean", null));
        ids.put("signup", definition(company, "signup", "date", null));
        ids.put("tags", definition(company, "tags", "string_array", null));
        ids.put("secret", definition(company, "secret", "string", "\"encrypted\":true"));
        return ids;
    }

    private static Map<String, Object> condition(String idField, String id, String type, Object value) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(idField, id);
        c.put("type", type);
        if (value != null) {
            c.put("value", value);
        }
        return c;
    }

    private static Map<String, Object> group(String name, Object conditions) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("description", "people who match");
        body.put("type", "conditional");
        body.put("conditions", conditions);
        return body;
    }

    @Test
    void aConditionalGroupIsAnsweredPendingWithItsConditionsAndQueuesItsEvaluation() throws Exception {
        String company = freshCompany();
        Map<String, String> d = definitions(company);
        Map<String, Object> body = group("  Young or gold ", List.of(
                condition("user_attribute_definition_id", d.get("age"), "btw", "10,20"),
                condition("definition_id", d.get("plan"), "in", List.of("gold, plus", "silver")),
                condition("definition_id", d.get("tags"), "in", List.of("a", "b")),
                condition("user_attribute_definition_id", d.get("signup"), "is", "ignored"),
                condition("user_attribute_definition_id", d.get("age"), "gt", 30.5),
                condition("user_attribute_definition_id", d.get("vip"), "eq", true)));
        body.put("conditions_type", "OR");
        body.put("tags", List.of("auto"));

        Response created = as(company).body(body).when().post(prefix(company) + "/user_group")
                .then().statusCode(201)
                .body("_id", matchesPattern("[0-9a-f]{24}"))
                .body("name", equalTo("Young or gold"))
                .body("type", equalTo("conditional"))
                .body("status", equalTo("pending"))
                .body("conditions_type", equalTo("or"))
                .body("total_users.count", equalTo(0))
                .extract().response();
        String id = created.path("_id");
        assertTrue(created.header("Location").endsWith(prefix(company) + "/user_group/" + id));
        Map<String, Object> shown = created.jsonPath().getMap("");
        assertFalse(shown.containsKey("file_url"), shown.toString());
        assertEquals(List.of(
                Map.of("user_attribute_definition_id", d.get("age"), "type", "btw", "value", "10,20", "key", "age"),
                Map.of("user_attribute_definition_id", d.get("plan"), "type", "in",
                        "value", "[\"gold, plus\",\"silver\"]", "key", "plan"),
                Map.of("user_attribute_definition_id", d.get("tags"), "type", "in", "value", "a,b", "key", "tags"),
                Map.of("user_attribute_definition_id", d.get("signup"), "type", "is", "key", "signup"),
                Map.of("user_attribute_definition_id", d.get("age"), "type", "gt", "value", "30.5", "key", "age"),
                Map.of("user_attribute_definition_id", d.get("vip"), "type", "eq", "value", "true", "key", "vip")),
                created.jsonPath().getList("conditions"));

        Map<String, Object> stored = row("SELECT conditions::text AS conditions, conditions_type, type, file_url, "
                + "status, last_job_id FROM audience.user_group WHERE id = ?", id);
        assertEquals("or", stored.get("conditions_type"));
        assertNull(stored.get("file_url"));
        // Stored as given, under the SDK's id name: a list stays a list (its comma-holding value intact).
        assertEquals(JSON.readTree("[{\"user_attribute_definition_id\":\"" + d.get("age") + "\",\"type\":\"btw\","
                + "\"value\":\"10,20\",\"key\":\"age\"},{\"user_attribute_definition_id\":\"" + d.get("plan")
                + "\",\"type\":\"in\",\"value\":[\"gold, plus\",\"silver\"],\"key\":\"plan\"},"
                + "{\"user_attribute_definition_id\":\"" + d.get("tags") + "\",\"type\":\"in\",\"value\":[\"a\",\"b\"],"
                + "\"key\":\"tags\"},{\"user_attribute_definition_id\":\"" + d.get("signup") + "\",\"type\":\"is\","
                + "\"key\":\"signup\"},{\"user_attribute_definition_id\":\"" + d.get("age") + "\",\"type\":\"gt\","
                + "\"value\":30.5,\"key\":\"age\"},{\"user_attribute_definition_id\":\"" + d.get("vip")
                + "\",\"type\":\"eq\",\"value\":true,\"key\":\"vip\"}]"),
                JSON.readTree((String) stored.get("conditions")));
        String jobId = (String) stored.get("last_job_id");
        Map<String, Object> job = row("SELECT type, group_id, file_url, params::text AS params, status "
                + "FROM audience.job WHERE id = ?", jobId);
        assertEquals("group_evaluate", job.get("type"));
        assertEquals(id, job.get("group_id"));
        assertNull(job.get("file_url"));
        assertEquals("{}", job.get("params"));
        assertEquals("queued", job.get("status"));
        assertEquals(1, count("SELECT count(*) FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.IMPORT_JOBS, jobId));
        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.IMPORT_JOBS, jobId,
                Duration.ofSeconds(30));
        assertTrue(record.value().contains("\"jobId\":\"" + jobId + "\""), record.value());

        as(company).when().get(prefix(company) + "/user_group/" + id).then().statusCode(200)
                .body("conditions", equalTo(created.jsonPath().getList("conditions")))
                .body("conditions_type", equalTo("or"));
        as(company).queryParam("type", "conditional").when().get(prefix(company) + "/user_group").then()
                .statusCode(200).body("items._id", equalTo(List.of(id)));
        as(company).queryParam("type", "bulk").when().get(prefix(company) + "/user_group").then()
                .statusCode(200).body("page.item_total", equalTo(0));
    }

    /** One bad request: how it changes a valid body, and the field and words of the 400. */
    private record Bad(String what, Function<Map<String, Object>, Map<String, Object>> body, String field,
                       String message) {
    }

    @Test
    void everyBadConditionIs400NamingItsPathAndWritesNothing() throws Exception {
        String company = freshCompany();
        Map<String, String> d = definitions(company);
        String foreign = definition(freshCompany(), "plan", "string", null);
        String age = d.get("age");
        List<Bad> cases = List.of(
                new Bad("unknown id", b -> with(b, List.of(condition("user_attribute_definition_id",
                        "aaaaaaaaaaaaaaaaaaaaaaaa", "eq", "1"))), "conditions[0].user_attribute_definition_id",
                        "unknown attribute definition"),
                new Bad("another tenant's definition", b -> with(b, List.of(condition("definition_id", foreign,
                        "eq", "gold"))), "conditions[0].definition_id", "unknown attribute definition"),
                new Bad("encrypted", b -> with(b, List.of(condition("definition_id", d.get("secret"), "eq", "x"))),
                        "conditions[0].definition_id", "encrypted"),
                new Bad("unknown operator", b -> with(b, List.of(condition("definition_id", age, "==", "1"))),
                        "conditions[0].type", "unknown operator"),
                new Bad("no operator", b -> with(b, List.of(Map.of("definition_id", age, "value", "1"))),
                        "conditions[0].type", "is required"),
                new Bad("cnt on a number", b -> with(b, List.of(condition("definition_id", age, "cnt", "1"))),
                        "conditions[0].type", "applies to string"),
                new Bad("gt on a string", b -> with(b, List.of(condition("definition_id", d.get("plan"), "gt", "a"))),
                        "conditions[0].type", "applies to number and date"),
                new Bad("not a number", b -> with(b, List.of(condition("definition_id", age, "eq", "abc"))),
                        "conditions[0].value", "must be a number"),
                new Bad("no value", b -> with(b, List.of(condition("definition_id", age, "eq", null))),
                        "conditions[0].value", "is required"),
                new Bad("bad list element", b -> with(b, List.of(condition("definition_id", age, "in",
                        List.of("1", "x")))), "conditions[0].value[1]", "must be a number"),
                new Bad("bad list element in text", b -> with(b, List.of(condition("definition_id", age, "nin",
                        "1, x"))), "conditions[0].value[1]", "must be a number"),
                new Bad("range of one", b -> with(b, List.of(condition("definition_id", age, "btw", "5"))),
                        "conditions[0].value", "range"),
                new Bad("range backwards", b -> with(b, List.of(condition("definition_id", age, "btw", "20,10"))),
                        "conditions[0].value", "starts after"),
                new Bad("not a date", b -> with(b, List.of(condition("definition_id", d.get("signup"), "gt",
                        "2024-13-01"))), "conditions[0].value", "ISO-8601"),
                new Bad("not a boolean", b -> with(b, List.of(condition("definition_id", d.get("vip"), "eq",
                        "yes"))), "conditions[0].value", "true or false"),
                new Bad("second of two", b -> with(b, List.of(condition("definition_id", age, "eq", "1"),
                        condition("definition_id", age, "lt", "many"))), "conditions[1].value", "must be a number"),
                new Bad("not an object", b -> with(b, List.of("age eq 1")), "conditions[0]", "must be an object"),
                new Bad("not a list", b -> with(b, Map.of("definition_id", age)), "conditions", "array"),
                new Bad("empty", b -> with(b, List.of()), "conditions", "at least one condition"),
                new Bad("missing", b -> with(b, null), "conditions", "is required"),
                new Bad("101 conditions", b -> with(b, java.util.Collections.nCopies(101,
                        condition("definition_id", age, "is", null))), "conditions", "at most 100"),
                new Bad("combination", b -> put(b, "conditions_type", "xor"), "conditions_type", "and or or"),
                new Bad("combination type", b -> put(b, "conditions_type", 5), "conditions_type", "and or or"),
                new Bad("file_url", b -> put(b, "file_url", "https://127.0.0.1/a.csv"), "file_url",
                        "come from its conditions"),
                new Bad("name too", b -> put(b, "name", " "), "name", "is required"));
        for (Bad bad : cases) {
            Map<String, Object> body = bad.body().apply(group("Bad", List.of(condition("definition_id", age, "gt",
                    "1"))));
            as(company).body(body).when().post(prefix(company) + "/user_group").then()
                    .statusCode(400)
                    .body("code", equalTo("invalid_request"))
                    .body("meta.errors.field", hasItem(bad.field()))
                    .body("meta.errors.message", hasItem(containsString(bad.message())))
                    .body("request_id", matchesPattern(".+"));
        }
        // Every problem at once: a field and a condition.
        Map<String, Object> both = with(group(" ", null), List.of(condition("definition_id", age, "eq", "abc")));
        as(company).body(both).when().post(prefix(company) + "/user_group").then().statusCode(400)
                .body("meta.errors.field", hasItems("name", "conditions[0].value"));
        assertEquals(0, count("SELECT count(*) FROM audience.user_group WHERE company_id = ?", company));
        assertEquals(0, count("SELECT count(*) FROM audience.job WHERE company_id = ?", company));
        assertEquals(0, count("SELECT count(*) FROM audience.outbox WHERE payload LIKE ?", "%" + company + "%"));
    }

    /** Whatever JSON arrives as conditions, the answer is 201 or a 400 naming a conditions path — never a 5xx. */
    @Test
    void randomConditionsAreNeverAServerError() {
        String company = freshCompany();
        Map<String, String> d = definitions(company);
        List<Object> ids = new ArrayList<>(d.values());
        ids.add("0123456789abcdef01234567");
        ids.add(42);
        List<Object> operators = List.of("eq", "ne", "gt", "lt", "gte", "lte", "cnt", "nct", "is", "nis", "sw", "ew",
                "btw", "in", "nin", "EQ", "", 7);
        List<Object> values = List.of("1", "x", "10,20", "2024-05-01", "true", "a, b, c", "", 3, 2.5, true,
                List.of(), List.of("1", "2"), List.of(1, "b"), Map.of("a", 1), "\u0000", "9".repeat(1200),
                "2024-02-30", List.of(List.of(1)));
        Random random = new Random(11);
        int created = 0;
        for (int i = 0; i < 120; i++) {
            List<Object> conditions = new ArrayList<>();
            for (int k = random.nextInt(4); k >= 0; k--) {
                Map<String, Object> c = new HashMap<>();
                c.put(random.nextBoolean() ? "definition_id" : "user_attribute_definition_id",
                        ids.get(random.nextInt(ids.size())));
                if (random.nextInt(8) > 0) {
                    c.put("type", operators.get(random.nextInt(operators.size())));
                }
                if (random.nextInt(5) > 0) {
                    c.put("value", values.get(random.nextInt(values.size())));
                }
                conditions.add(random.nextInt(30) == 0 ? "junk" : c);
            }
            Map<String, Object> body = group("Random " + i, conditions);
            if (random.nextInt(5) == 0) {
                body.put("conditions_type", List.of("and", "or", "AND", "", "nor").get(random.nextInt(5)));
            }
            int status = as(company).body(body).when().post(prefix(company) + "/user_group").then()
                    .statusCode(lessThan(500)).extract().statusCode();
            assertTrue(status == 201 || status == 400, "status " + status + " for " + body);
            created += status == 201 ? 1 : 0;
        }
        assertTrue(created > 0 && created < 120, created + " of 120 random groups were valid");
    }

    @Test
    void updatesReEvaluateOnlyWhenTheConditionsChange() throws Exception {
        String company = freshCompany();
        Map<String, String> d = definitions(company);
        List<Map<String, Object>> gold = List.of(condition("definition_id", d.get("plan"), "eq", "gold"));
        String id = as(company).body(group("Gold", gold)).post(prefix(company) + "/user_group").then()
                .statusCode(201).extract().path("_id");
        String path = prefix(company) + "/user_group/" + id;
        List<Map<String, Object>> silver = List.of(condition("user_attribute_definition_id", d.get("plan"), "eq",
                "silver"));

        // One writer per group: the evaluation is still queued.
        as(company).body(Map.of("conditions", silver)).when().patch(path).then().statusCode(409)
                .body("meta.errors.field", hasItem("conditions"));
        assertEquals(1, count("SELECT count(*) FROM audience.job WHERE group_id = ?", id));
        finishJobsOf(id);

        // The same conditions (in the other id spelling) change nothing and queue nothing.
        as(company).body(Map.of("conditions", List.of(condition("user_attribute_definition_id", d.get("plan"),
                "eq", "gold")), "description", "same")).when().patch(path).then().statusCode(200)
                .body("status", equalTo("completed")).body("description", equalTo("same"));
        assertEquals(1, count("SELECT count(*) FROM audience.job WHERE group_id = ?", id));

        String before = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id)
                .get("last_job_id");
        as(company).body(Map.of("conditions", silver)).when().patch(path).then().statusCode(200)
                .body("status", equalTo("pending"))
                .body("conditions[0].value", equalTo("silver"))
                .body("conditions_type", equalTo("and"));
        Map<String, Object> g = row("SELECT last_job_id, status FROM audience.user_group WHERE id = ?", id);
        assertNotEquals(before, g.get("last_job_id"));
        assertEquals("group_evaluate", row("SELECT type FROM audience.job WHERE id = ?", g.get("last_job_id"))
                .get("type"));
        assertEquals(1, count("SELECT count(*) FROM audience.outbox WHERE message_key = ?", g.get("last_job_id")));
        finishJobsOf(id);

        // The combination alone is a change of conditions too.
        as(company).body(Map.of("conditions_type", "or")).when().patch(path).then().statusCode(200)
                .body("conditions_type", equalTo("or")).body("conditions[0].value", equalTo("silver"))
                .body("status", equalTo("pending"));
        assertEquals(3, count("SELECT count(*) FROM audience.job WHERE group_id = ? AND type = 'group_evaluate'",
                id));
        finishJobsOf(id);

        // What belongs to bulk groups, or does not fit, is refused naming it; nothing changes.
        as(company).body(Map.of("file_url", "https://127.0.0.1/a.csv")).when().patch(path).then().statusCode(400)
                .body("meta.errors.field", hasItem("file_url"));
        as(company).body(Map.of("user_data", List.of(Map.of("user_id", "u1", "action", "add")))).when().patch(path)
                .then().statusCode(400).body("meta.errors.field", hasItem("user_data"));
        as(company).body(Map.of("type", "bulk")).when().patch(path).then().statusCode(400)
                .body("meta.errors.field", hasItem("type"));
        as(company).body(Map.of("conditions", List.of())).when().patch(path).then().statusCode(400)
                .body("meta.errors.field", hasItem("conditions"));
        as(company).body(Map.of("conditions", List.of(condition("definition_id", d.get("age"), "eq", "old"))))
                .when().patch(path).then().statusCode(400).body("meta.errors.field", hasItem("conditions[0].value"));
        as(company).body(Map.of("conditions_type", "nand")).when().patch(path).then().statusCode(400)
                .body("meta.errors.field", hasItem("conditions_type"));
        as(company).body(Map.of("name", "Silver", "description", "x", "file_url", "https://127.0.0.1/a.csv"))
                .when().put(path).then().statusCode(400).body("meta.errors.field", hasItem("file_url"));
        // An empty file_url (the SDK may send one) is no file; the rest applies.
        as(company).body(Map.of("name", "Silver", "file_url", "", "type", "conditional")).when().patch(path).then()
                .statusCode(200).body("name", equalTo("Silver")).body("status", equalTo("completed"));
        assertEquals(3, count("SELECT count(*) FROM audience.job WHERE group_id = ?", id));

        // PUT: conditions absent stay (and the SDK's full update has no conditions_type); new ones re-evaluate.
        as(company).body(Map.of("name", "Silver", "description", "replaced")).when().put(path).then()
                .statusCode(200).body("description", equalTo("replaced")).body("conditions[0].value",
                        equalTo("silver")).body("conditions_type", equalTo("or")).body("status", equalTo("completed"));
        as(company).body(Map.of("name", "Silver", "description", "replaced", "conditions", gold)).when().put(path)
                .then().statusCode(200).body("conditions[0].value", equalTo("gold")).body("status",
                        equalTo("pending")).body("conditions_type", equalTo("or"));
        assertEquals(4, count("SELECT count(*) FROM audience.job WHERE group_id = ?", id));

        // A bulk group takes no conditions.
        String bulk = GroupFixtures.createGroup(company, "Bulk one");
        as(company).body(Map.of("conditions", gold)).when().patch(prefix(company) + "/user_group/" + bulk).then()
                .statusCode(400).body("meta.errors.field", hasItem("conditions"));
        as(company).body(Map.of("conditions_type", "or")).when().patch(prefix(company) + "/user_group/" + bulk)
                .then().statusCode(400).body("meta.errors.field", hasItem("conditions_type"));
        as(company).body(Map.of("name", "Bulk one", "type", "conditional", "conditions", gold)).when()
                .put(prefix(company) + "/user_group/" + bulk).then().statusCode(400)
                .body("meta.errors.field", hasItem("type"));
    }

    @Test
    void aRefreshJoinsAnEvaluationThatHasNotStartedElseQueuesAGroupRefresh() throws Exception {
        String company = freshCompany();
        Map<String, String> d = definitions(company);
        Response created = as(company).body(group("Refreshed", List.of(condition("definition_id", d.get("vip"), "eq",
                "true")))).post(prefix(company) + "/user_group").then().statusCode(201).extract().response();
        String id = created.path("_id");
        long uid = ((Number) created.path("uid")).longValue();
        String evaluation = (String) row("SELECT last_job_id FROM audience.user_group WHERE id = ?", id)
                .get("last_job_id");
        String refresh = prefix(company) + "/user_group/" + id + "/refresh";

        as(company).when().post(refresh).then().statusCode(202).body("job_id", equalTo(evaluation))
                .body("uid", equalTo((int) uid));
        assertEquals(0, count("SELECT count(*) FROM audience.job WHERE group_id = ? AND type = 'group_refresh'", id));
        assertEquals(0, count("SELECT count(*) FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.REFRESH_TOTAL_USERS, id));

        // Once the evaluation started, a refresh is a job of its own: the group's last, pending; one per burst.
        execute("UPDATE audience.job SET status = 'running' WHERE id = ?", evaluation);
        String jobId = as(company).when().post(refresh).then().statusCode(202).extract().path("job_id");
        assertNotEquals(evaluation, jobId);
        as(company).when().post(refresh).then().statusCode(202).body("job_id", equalTo(jobId));
        Map<String, Object> job = row("SELECT type, status FROM audience.job WHERE id = ?", jobId);
        assertEquals("group_refresh", job.get("type"));
        assertEquals("queued", job.get("status"));
        Map<String, Object> g = row("SELECT status, last_job_id FROM audience.user_group WHERE id = ?", id);
        assertEquals("pending", g.get("status"));
        assertEquals(jobId, g.get("last_job_id"));
        assertEquals(1, count("SELECT count(*) FROM audience.outbox WHERE topic = ? AND message_key = ?",
                Topics.REFRESH_TOTAL_USERS, id));
        ConsumerRecord<String, String> record = KafkaRecords.first(Topics.REFRESH_TOTAL_USERS, id,
                Duration.ofSeconds(30));
        assertEquals("{\"jobId\":\"" + jobId + "\",\"companyId\":\"" + company + "\",\"applicationId\":\""
                + GroupFixtures.APP + "\",\"groupId\":\"" + id + "\"}", record.value());
        as(company).when().get(prefix(company) + "/users/jobs/" + jobId).then().statusCode(200)
                .body("type", equalTo("group_refresh")).body("action_type", equalTo("group_refresh"));
    }

    @Test
    void anotherTenantsConditionalGroupIs404OnEveryRoute() {
        String company = freshCompany();
        Map<String, String> d = definitions(company);
        String id = as(company).body(group("Mine", List.of(condition("definition_id", d.get("age"), "gt", "1"))))
                .post(prefix(company) + "/user_group").then().statusCode(201).extract().path("_id");
        String other = freshCompany();
        String path = prefix(other) + "/user_group/" + id;
        as(other).when().get(path).then().statusCode(404).body("code", equalTo("not_found"));
        as(other).body(Map.of("conditions_type", "or")).when().patch(path).then().statusCode(404);
        as(other).body(Map.of("name", "x", "description", "y")).when().put(path).then().statusCode(404);
        as(other).when().post(path + "/refresh").then().statusCode(404);
        as(other).when().delete(path).then().statusCode(404);
        as(company).when().get(prefix(company) + "/user_group/" + id).then().statusCode(200)
                .body("conditions_type", equalTo("and"));
    }

    private static Map<String, Object> with(Map<String, Object> body, Object conditions) {
        return put(body, "conditions", conditions);
    }

    private static Map<String, Object> put(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }
}
