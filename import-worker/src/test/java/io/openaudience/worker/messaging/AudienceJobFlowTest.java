package io.openaudience.worker.messaging;

import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.worker.AudienceFixtures;
import io.openaudience.worker.AudienceFixtures.Tenant;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.openaudience.worker.AudienceFixtures.addMember;
import static io.openaudience.worker.AudienceFixtures.awaitFinished;
import static io.openaudience.worker.AudienceFixtures.createDefinition;
import static io.openaudience.worker.AudienceFixtures.createGroup;
import static io.openaudience.worker.AudienceFixtures.createPerson;
import static io.openaudience.worker.AudienceFixtures.errors;
import static io.openaudience.worker.AudienceFixtures.group;
import static io.openaudience.worker.AudienceFixtures.memberEmails;
import static io.openaudience.worker.AudienceFixtures.members;
import static io.openaudience.worker.AudienceFixtures.newTenant;
import static io.openaudience.worker.AudienceFixtures.people;
import static io.openaudience.worker.AudienceFixtures.run;
import static io.openaudience.worker.AudienceFixtures.serve;
import static io.openaudience.worker.AudienceFixtures.value;
import static io.openaudience.worker.ImportFixtures.count;
import static io.openaudience.worker.ImportFixtures.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audience jobs end to end through the real broker and database: jobs queued with JDBC as audience-service's intake
 * queues them, their outbox payload published with a plain producer, files served by a local HTTP server on
 * 127.0.0.1 (allow-listed in the test profile), and the people, members, values and errors read back.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class AudienceJobFlowTest {

    private static final String DEV_KEY = "dev1:udNXOHpi6NWK22+jnevnb9n5h1ZCTftFe8YfAHEc7/c=";

    @Test
    void aGroupCsvCreatesAndMatchesPeopleSetsAttributesAndReportsRows() throws Exception {
        Tenant t = newTenant();
        createPerson(t, "u-existing", "old@example.com", null);
        createPerson(t, "u-phone", null, "919876543210");
        String plan = createDefinition(t, "plan", "string", "[{\"type\":\"max_length\",\"value\":10}]", false);
        String age = createDefinition(t, "age", "number", "[{\"type\":\"min\",\"value\":0}]", false);
        String secret = createDefinition(t, "secret", "encrypted_string", "[]", true);
        String group = createGroup(t, "vip");
        String url = serve("group-" + group + ".csv", String.join("\r\n",
                "User_ID,Email,phone_number,country_code,Plan,AGE,secret,ignored",
                "u1,a1@example.com,,,gold,30,s3cret,x",
                ",OLD@example.com,,,silver,,,",
                ",,98765 43210,+91,,,,",
                "u-existing,,,,,,,",
                ",new@example.com,,,,,,",
                "u2,bad-email,,,,,,",
                "u3,,,,,-5,,",
                "u4,old@example.com,,,,,,",
                ",,,,,,,",
                ",,,,gold,,,",
                "u5,,,,much too long,,,") + "\r\n");

        String job = run(t, "group_import", group, url, "{}");

        Map<String, Object> row = awaitFinished(job);
        assertEquals("completed_with_errors", row.get("status"), () -> "job " + row);
        assertEquals(10L, row.get("total"));
        assertEquals(10L, row.get("processed"));
        assertEquals(5L, row.get("succeeded"));
        assertEquals(5L, row.get("failed"));
        assertNull(row.get("lease_owner"));
        assertEquals(List.of(
                "6|u2|email|invalid email",
                "7|u3|age|must be at least 0",
                "8|u4|email|email belongs to another user",
                "9|null|null|no user_id, email or phone_number",
                "10|u5|plan|must be at most 10 characters long"), errors(job));

        // Row 2 and 4 name the same person (by email, then by user id): one member.
        String created = AudienceFixtures.userIdByEmail(t, "new@example.com");
        assertTrue(created.matches("[0-9a-f]{24}"), created);
        assertEquals(List.of(created, "u-existing", "u-phone", "u1").stream().sorted().toList(), members(group));
        assertEquals(4L, people(t), "two people created, two matched, none for rejected rows");
        Map<String, Object> u1 = query("SELECT email_key, emails::text AS emails, import_job_id, import_row "
                + "FROM audience.app_user WHERE company_id = ? AND user_id = 'u1'", t.company()).get(0);
        assertEquals("a1@example.com", u1.get("email_key"));
        assertTrue(((String) u1.get("emails")).contains("\"email\": \"a1@example.com\""), (String) u1.get("emails"));
        assertEquals(job, u1.get("import_job_id"));
        assertEquals(1L, u1.get("import_row"));

        Map<String, Object> g = group(group);
        assertEquals("completed", g.get("status"));
        assertEquals(4L, g.get("total_users"));
        assertEquals(5L, g.get("error_count"));
        assertEquals(job, g.get("last_job_id"));
        assertNotNull(g.get("total_users_refreshed_at"));

        assertEquals("\"gold\"", value(t, "u1", plan).get("value"));
        assertEquals("30", value(t, "u1", age).get("value"));
        assertEquals("\"silver\"", value(t, "u-existing", plan).get("value"));
        assertNull(value(t, "u-existing", age), "an empty cell sets nothing");
        Map<String, Object> sealed = value(t, "u1", secret);
        assertNull(sealed.get("value"));
        assertEquals("dev1", sealed.get("key_id"));
        assertEquals("\"s3cret\"", AttributeCipher.of(DEV_KEY, "dev1").open("dev1", (byte[]) sealed.get("ciphertext"),
                t.company(), t.application(), secret));
        assertEquals(0L, count("SELECT count(*) FROM audience.user_attribute a JOIN audience.app_user u "
                + "ON u.id = a.user_pk WHERE u.company_id = ? AND u.user_id IN ('u3', 'u5')", t.company()));
    }

    /**
     * Batches of 100 (test profile) are written two at a time: rows of adjacent batches naming the same email must
     * still resolve in file order, the earlier row creating the person and the later one rejected.
     */
    @Test
    void rowsOfAdjacentBatchesSharingAKeyResolveInFileOrder() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "boundary");
        StringBuilder csv = new StringBuilder("user_id,email\n");
        List<String> expected = new ArrayList<>(List.of("ua"));
        for (int i = 1; i <= 250; i++) {
            switch (i) {
                case 99 -> csv.append("ua,shared@example.com\n");
                case 101 -> csv.append("ub,Shared@Example.com\n");
                case 102 -> csv.append("ua,\n");
                default -> {
                    csv.append('p').append(i).append(",p").append(i).append("@example.com\n");
                    expected.add("p" + i);
                }
            }
        }

        String job = run(t, "group_import", group, serve("boundary-" + group + ".csv", csv.toString()), "{}");

        Map<String, Object> row = awaitFinished(job);
        assertEquals("completed_with_errors", row.get("status"), () -> "job " + row);
        assertEquals(List.of("101|ub|email|email belongs to another user"), errors(job));
        assertEquals(expected.stream().sorted().toList(), members(group));
        assertEquals(248L, people(t));
        assertEquals("ua", AudienceFixtures.userIdByEmail(t, "shared@example.com"));
    }

    /**
     * A new audience (no conflicts expected) whose batch names a new person twice: the unordered plain insert fails
     * on the repeat and the ordered fallback gives the person to the first row.
     */
    @Test
    void aNewPersonNamedTwiceInABatchOfNewPeopleIsCreatedByTheFirstRow() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "repeats");
        String url = serve("repeats-" + group + ".csv", """
                user_id,email
                u1,p1@example.com
                u2,p2@example.com
                u3,P2@example.com
                ,p1@example.com
                u4,p4@example.com
                """);

        String job = run(t, "group_import", group, url, "{}");

        Map<String, Object> row = awaitFinished(job);
        assertEquals("completed_with_errors", row.get("status"), () -> "job " + row);
        assertEquals(List.of("3|u3|email|email belongs to another user"), errors(job));
        assertEquals("u2", AudienceFixtures.userIdByEmail(t, "p2@example.com"));
        assertEquals(List.of("u1", "u2", "u4"), members(group));
        assertEquals(3L, people(t));
    }

    @Test
    void aPatchFileAddsAndRemoves() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "patched");
        for (String name : List.of("a", "b", "c")) {
            addMember(t, group, createPerson(t, "u" + name, name + "@example.com", null));
        }
        String url = serve("patch-" + group + ".csv", """
                email,action
                b@example.com,remove
                d@example.com,add
                c@example.com,
                zz@example.com,remove
                e@example.com,ADD
                E@example.com,remove
                f@example.com,delete
                """);

        String job = run(t, "group_update", group, url, "{\"mode\":\"patch\"}");

        Map<String, Object> row = awaitFinished(job);
        assertEquals("completed_with_errors", row.get("status"), () -> "job " + row);
        assertEquals(5L, row.get("succeeded"));
        assertEquals(List.of("4|zz@example.com|null|no user matches the row",
                "7|f@example.com|action|action must be add or remove"), errors(job));
        // e is added, then removed by a later row of the same batch: the last row decides.
        assertEquals(List.of("a@example.com", "c@example.com", "d@example.com"), memberEmails(group));
        assertNotNull(AudienceFixtures.userIdByEmail(t, "e@example.com"), "the add row created e");
        assertEquals(3L, group(group).get("total_users"));
        assertEquals("completed", group(group).get("status"));
        assertEquals(2L, group(group).get("error_count"));
    }

    @Test
    void aReplaceLeavesExactlyThePeopleOfTheFile() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "replaced");
        long a = createPerson(t, "ua", "a@example.com", null);
        addMember(t, group, a);
        addMember(t, group, createPerson(t, "ub", "b@example.com", null));
        addMember(t, group, createPerson(t, "uc", "c@example.com", null));
        // A mark left by an earlier replace is not this job's.
        query("UPDATE audience.user_group_member SET confirmed_by_job = 'aaaaaaaaaaaaaaaaaaaaaaaa' "
                + "WHERE user_pk = ? RETURNING user_pk", a);
        StringBuilder csv = new StringBuilder("user_id,email\nub,\nud,d@example.com\n");
        List<String> expected = new ArrayList<>(List.of("ub", "ud"));
        for (int i = 1; i <= 250; i++) {
            csv.append("n").append(i).append(",n").append(i).append("@example.com\n");
            expected.add("n" + i);
        }

        String job = run(t, "group_update", group, serve("replace-" + group + ".csv", csv.toString()),
                "{\"mode\":\"replace\"}");

        Map<String, Object> row = awaitFinished(job);
        assertEquals("completed", row.get("status"), () -> "job " + row);
        assertEquals(252L, row.get("total"));
        assertEquals(expected.stream().sorted().toList(), members(group));
        assertEquals(252L, group(group).get("total_users"));
        assertEquals(0L, group(group).get("error_count"));
    }

    @Test
    void userDataPatchesWithoutAFile() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "user data");
        addMember(t, group, createPerson(t, "ua", "a@example.com", null));
        addMember(t, group, createPerson(t, "ub", "b@example.com", null));
        String params = """
                {"mode": "patch", "user_data": [
                  {"user_id": "x1", "action": "add"},
                  {"email": "M@Example.com", "action": "add"},
                  {"phone_number": "555 1234", "country_code": "1", "action": "add"},
                  {"user_id": "ua", "action": "remove"},
                  {"user_id": "nobody", "action": "remove"},
                  {"action": "add"}]}""";

        String job = run(t, "group_update", group, null, params);

        Map<String, Object> row = awaitFinished(job);
        assertEquals("completed_with_errors", row.get("status"), () -> "job " + row);
        assertEquals(6L, row.get("total"));
        assertEquals(List.of("5|nobody|null|no user matches the row",
                "6|null|null|no user_id, email or phone_number"), errors(job));
        String phone = (String) query("SELECT user_id FROM audience.app_user WHERE company_id = ? "
                + "AND phone_key = '15551234'", t.company()).get(0).get("user_id");
        assertEquals(List.of(AudienceFixtures.userIdByEmail(t, "m@example.com"), phone, "ub", "x1").stream().sorted()
                .toList(), members(group));
        assertEquals(4L, group(group).get("total_users"));
    }

    @Test
    void anAttributeBulkUpdateSetsTheValuesOfEveryRowItsColumnsOverride() throws Exception {
        Tenant t = newTenant();
        String plan = createDefinition(t, "plan", "string", "[]", false);
        String score = createDefinition(t, "score", "number", "[]", false);
        String vip = createDefinition(t, "vip", "encrypted_string", "[]", true);
        long u1 = createPerson(t, "u1", "u1@example.com", null);
        query("INSERT INTO audience.user_attribute (company_id, application_id, definition_id, user_pk, value) "
                + "VALUES (?, ?, ?, ?, '\"silver\"') RETURNING id", t.company(), t.application(), plan, u1);
        String secret = createDefinition(t, "secret", "encrypted_number", "[]", true);
        // As audience-service queues it: an encrypted definition's value sealed, never in clear.
        String sealed = AttributeCipher.of(DEV_KEY, "dev1").sealText("7", t.company(), t.application(), secret);
        String params = "{\"attributes\":[{\"definition_id\":\"" + plan + "\",\"value\":\"gold\"},"
                + "{\"definition_id\":\"" + score + "\",\"value\":10},"
                + "{\"definition_id\":\"" + secret + "\",\"sealed_value\":\"" + sealed + "\"}]}";
        String url = serve("bulk-" + plan + ".csv", "user_id,score,vip\nu1,,\nu2,99,yes\nu3,abc,\n");

        String job = run(t, "attribute_bulk_update", null, url, params);

        Map<String, Object> row = awaitFinished(job);
        assertEquals("completed_with_errors", row.get("status"), () -> "job " + row);
        assertEquals(List.of("3|u3|score|must be a number"), errors(job));
        assertEquals("\"gold\"", value(t, "u1", plan).get("value"), "an existing value is replaced");
        assertEquals("10", value(t, "u1", score).get("value"));
        assertEquals("\"gold\"", value(t, "u2", plan).get("value"));
        assertEquals("99", value(t, "u2", score).get("value"), "the row's column overrides the job's value");
        assertEquals("\"yes\"", AttributeCipher.of(DEV_KEY, "dev1").open("dev1",
                (byte[]) value(t, "u2", vip).get("ciphertext"), t.company(), t.application(), vip));
        assertNull(value(t, "u1", vip));
        assertEquals("7", AttributeCipher.of(DEV_KEY, "dev1").open("dev1",
                (byte[]) value(t, "u1", secret).get("ciphertext"), t.company(), t.application(), secret));
        assertEquals(2L, people(t), "u2 created, u3 rejected before it was");
    }

    @Test
    void aHostTheGuardRefusesFailsTheJobAndTheGroup() throws Exception {
        // Two tenants: a tenant's second job would wait for the sweeper while its first runs (one running job each).
        Tenant t = newTenant();
        Tenant u = newTenant();
        String lan = createGroup(t, "lan");
        String metadata = createGroup(u, "metadata");

        String job = run(t, "group_import", lan, "http://10.0.0.5/members.csv", "{}");
        String other = run(u, "group_import", metadata, "http://169.254.169.254/latest/meta-data/", "{}");

        Map<String, Object> row = awaitFinished(job);
        assertEquals("failed", row.get("status"));
        assertEquals("the file_url host 10.0.0.5 is a private address (10.0.0.5); only public addresses are fetched",
                row.get("failure_reason"));
        assertEquals("failed", group(lan).get("status"));
        assertEquals(0L, group(lan).get("total_users"));
        assertTrue(((String) awaitFinished(other).get("failure_reason")).contains("a link-local address"));
        assertEquals("failed", group(metadata).get("status"));
    }

    @Test
    void aMissingOrTooLargeFileFailsTheJobAndTheGroup() throws Exception {
        Tenant t = newTenant();
        Tenant u = newTenant();
        String missing = createGroup(t, "missing");
        String large = createGroup(u, "large");
        StringBuilder big = new StringBuilder("email\n");
        for (int i = 0; big.length() <= 1_100_000; i++) {
            big.append("someone.with.a.long.address.").append(i).append("@example.com\n");
        }

        String notFound = run(t, "group_import", missing, AudienceFixtures.files().url("/no-such-file.csv"), "{}");
        String tooLarge = run(u, "group_import", large, serve("large.csv", big.toString()), "{}");

        Map<String, Object> row = awaitFinished(notFound);
        assertEquals("failed", row.get("status"));
        assertEquals("fetching the file failed: HTTP 404 from 127.0.0.1", row.get("failure_reason"));
        assertEquals("failed", group(missing).get("status"));
        row = awaitFinished(tooLarge);
        assertEquals("failed", row.get("status"));
        assertEquals("the file is larger than 1048576 bytes", row.get("failure_reason"));
        assertEquals("failed", group(large).get("status"));
        assertEquals(List.of(), members(large));
    }

    @Test
    void recountsArriveOnTheirOwnTopicAndABurstCostsOneCount() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "counted");
        for (int i = 0; i < 3; i++) {
            addMember(t, group, createPerson(t, "r" + i, null, null));
        }
        String refresh = AudienceFixtures.queueJob(t, "group_refresh", group, null, "{}");
        for (int i = 0; i < 3; i++) {
            AudienceFixtures.publish(refresh);
        }

        Map<String, Object> row = awaitFinished(refresh);
        assertEquals("completed", row.get("status"));
        assertEquals(3L, row.get("total"));
        assertEquals(1, row.get("attempts"), "the later messages found it completed");
        assertEquals(3L, group(group).get("total_users"));
        assertNotNull(group(group).get("total_users_refreshed_at"));
        assertEquals("completed", group(group).get("status"), "a recount does not touch the group's status");
    }

    @Test
    void unreadableMessagesAreSkippedWithoutBlockingTheirPartition() throws Exception {
        Tenant t = newTenant();
        String group = createGroup(t, "after garbage");
        addMember(t, group, createPerson(t, "g1", null, null));
        String refresh = AudienceFixtures.queueJob(t, "group_refresh", group, null, "{}");
        String job = AudienceFixtures.queueJob(t, "group_import", group, serve("garbage-" + group + ".csv",
                "user_id\ng2\n"), "{}");
        // Same keys as the good messages, so the same partitions, ahead of them.
        Infra.publish(Topics.REFRESH_TOTAL_USERS, group, "not json");
        Infra.publish(Topics.REFRESH_TOTAL_USERS, group, "{\"jobId\":\"not-an-id\"}");
        Infra.publish(Topics.IMPORT_JOBS, job, "{\"service\":\"audience\",\"jobId\":42}");
        Infra.publish(Topics.IMPORT_JOBS, job, "[1,2]");
        AudienceFixtures.publish(job);

        assertEquals("completed", awaitFinished(job).get("status"));
        AudienceFixtures.publish(refresh);
        assertEquals("completed", awaitFinished(refresh).get("status"));
        assertEquals(List.of("g1", "g2"), members(group));
        assertEquals(2L, group(group).get("total_users"));
    }
}
