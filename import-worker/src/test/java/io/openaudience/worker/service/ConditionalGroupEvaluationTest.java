package io.openaudience.worker.service;

import io.openaudience.testsupport.FyndOracle;
import io.openaudience.testsupport.FyndOracle.Condition;
import io.openaudience.testsupport.FyndOracle.Kind;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.worker.AudienceFixtures;
import io.openaudience.worker.AudienceFixtures.Tenant;
import io.openaudience.worker.ImportFixtures;
import io.openaudience.worker.repository.AudienceJobRepository;
import io.openaudience.worker.repository.ClaimedAudienceJob;
import io.openaudience.worker.service.AudienceJobRunner;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.openaudience.worker.AudienceFixtures.awaitFinished;
import static io.openaudience.worker.AudienceFixtures.createConditionalGroup;
import static io.openaudience.worker.AudienceFixtures.createDefinition;
import static io.openaudience.worker.AudienceFixtures.createPerson;
import static io.openaudience.worker.AudienceFixtures.group;
import static io.openaudience.worker.AudienceFixtures.members;
import static io.openaudience.worker.AudienceFixtures.newTenant;
import static io.openaudience.worker.AudienceFixtures.queueJob;
import static io.openaudience.worker.AudienceFixtures.run;
import static io.openaudience.worker.AudienceFixtures.setValue;
import static io.openaudience.worker.ImportFixtures.count;
import static io.openaudience.worker.ImportFixtures.execute;
import static io.openaudience.worker.ImportFixtures.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conditional groups evaluated for real ({@code group_evaluate} on {@code import-jobs}, refreshes on
 * {@code refresh-total-users}): members exactly the people {@link FyndOracle} (plain Java, none of the engine's code)
 * finds on a seeded dataset, for every operator and both combinations; a re-evaluation writes only the difference
 * (counted by a trigger on the member table) and an unchanged group no member row at all; a deleted definition fails
 * the job naming it; deletion of the group and a second evaluation of it meet the one running.
 */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class ConditionalGroupEvaluationTest {

    private static final List<String> PLANS = List.of("Gold", "gold", "Silver", "Gold Plus", "platinum", "bronze",
            "GOLDEN", "", "old gold");
    private static final List<String> TAGS = List.of("a", "b", "Sale", "new,arrival", "SALE");
    private static final Instant MAY_FIRST = Instant.parse("2024-05-01T00:00:00Z");
    private static final List<Instant> EDGES = List.of(MAY_FIRST, Instant.parse("2024-05-01T23:59:59.999999Z"),
            Instant.parse("2024-05-02T00:00:00Z"), Instant.parse("2024-04-30T23:59:59Z"));

    @Inject
    AudienceJobRepository jobs;

    @Inject
    AudienceJobRunner runner;

    /** A tenant's definitions (by name), people (user_id → key) and each person's values (by definition name). */
    private record Dataset(Tenant tenant, Map<String, String> definitions, Map<String, Kind> kinds,
                           Map<String, Long> people, Map<String, Map<String, Object>> values) {

        List<String> expected(List<Condition> conditions, boolean or) {
            return values.entrySet().stream().filter(e -> FyndOracle.matches(conditions, or, e.getValue()))
                    .map(Map.Entry::getKey).sorted().toList();
        }

        Condition condition(String definition, String op, String value) {
            return new Condition(definition, kinds.get(definition), op, value);
        }

        /** The conditions as audience-service stores them: {user_attribute_definition_id, type, value?, key}. */
        String stored(List<Condition> conditions) {
            return conditions.stream().map(c -> "{\"user_attribute_definition_id\":\"" + definitions.get(c.definition())
                    + "\",\"type\":\"" + c.op() + "\"" + (c.value() == null ? "" : ",\"value\":"
                    + FyndOracle.json(c.value())) + ",\"key\":\"" + c.definition() + "\"}")
                    .collect(Collectors.joining(",", "[", "]"));
        }

        void set(String userId, String definition, Object value) throws Exception {
            setValue(tenant, definitions.get(definition), people.get(userId), FyndOracle.json(value));
            values.get(userId).put(definition, value);
        }
    }

    private static Dataset dataset(int size, long seed, String prefix) throws Exception {
        Tenant t = newTenant();
        Map<String, Kind> kinds = new LinkedHashMap<>();
        kinds.put("age", Kind.NUMBER);
        kinds.put("plan", Kind.STRING);
        kinds.put("vip", Kind.BOOLEAN);
        kinds.put("signup", Kind.DATE);
        kinds.put("tags", Kind.STRING);
        kinds.put("scores", Kind.NUMBER);
        Map<String, String> types = Map.of("age", "number", "plan", "string", "vip", "boolean", "signup", "date",
                "tags", "string_array", "scores", "number_array");
        Map<String, String> definitions = new LinkedHashMap<>();
        for (String name : kinds.keySet()) {
            definitions.put(name, createDefinition(t, name, types.get(name), "[]", false));
        }
        definitions.put("secret", createDefinition(t, "secret", "encrypted_string", "[]", true));
        Dataset d = new Dataset(t, definitions, kinds, new LinkedHashMap<>(), new LinkedHashMap<>());
        Random random = new Random(seed);
        for (int i = 0; i < size; i++) {
            String userId = prefix + i;
            d.people().put(userId, createPerson(t, userId, null, null));
            d.values().put(userId, new LinkedHashMap<>());
            if (random.nextInt(10) < 7) {
                d.set(userId, "age", random.nextInt(8) == 0 ? new BigDecimal(random.nextInt(100) + ".5")
                        : BigDecimal.valueOf(random.nextInt(100)));
            }
            if (random.nextInt(4) > 0) {
                d.set(userId, "plan", PLANS.get(random.nextInt(PLANS.size())));
            }
            if (random.nextInt(10) < 6) {
                d.set(userId, "vip", random.nextBoolean());
            }
            if (random.nextInt(10) < 7) {
                d.set(userId, "signup", random.nextInt(5) == 0 ? EDGES.get(random.nextInt(EDGES.size()))
                        : MAY_FIRST.plusSeconds(random.nextInt(6 * 86_400) - 3L * 86_400).plusNanos(
                                random.nextInt(1_000_000) * 1_000L));
            }
            if (random.nextInt(10) < 6) {
                List<Object> tags = new ArrayList<>();
                for (int k = random.nextInt(4); k > 0; k--) {
                    tags.add(TAGS.get(random.nextInt(TAGS.size())));
                }
                d.set(userId, "tags", tags);
            }
            if (random.nextInt(2) == 0) {
                List<Object> scores = new ArrayList<>();
                for (int k = random.nextInt(4); k > 0; k--) {
                    scores.add(BigDecimal.valueOf(random.nextInt(21)));
                }
                d.set(userId, "scores", scores);
            }
        }
        return d;
    }

    @Test
    void everyOperatorSelectsExactlyThePeopleTheOracleFinds() throws Exception {
        Dataset d = dataset(150, 20261202L, "p");
        // A twin application holding the same values: none of its people may ever be a member.
        Dataset twin = dataset(40, 20261202L, "twin");
        List<List<Condition>> cases = List.of(
                List.of(d.condition("age", "eq", "30")),
                List.of(d.condition("age", "ne", "30")),
                List.of(d.condition("age", "gt", "50")),
                List.of(d.condition("age", "lt", "20.5")),
                List.of(d.condition("age", "gte", "50")),
                List.of(d.condition("age", "lte", "20")),
                List.of(d.condition("age", "btw", "10,20")),
                List.of(d.condition("age", "in", "3, 30,45.5,60")),
                List.of(d.condition("age", "nin", "3,30,45.5,60")),
                List.of(d.condition("plan", "eq", "GOLD")),
                List.of(d.condition("plan", "ne", "gold")),
                List.of(d.condition("plan", "cnt", "gold")),
                List.of(d.condition("plan", "nct", "GOLD")),
                List.of(d.condition("plan", "sw", "gold")),
                List.of(d.condition("plan", "ew", "D")),
                List.of(d.condition("plan", "in", "gold, silver")),
                List.of(d.condition("plan", "nin", "gold,silver")),
                List.of(d.condition("plan", "is", null)),
                List.of(d.condition("plan", "nis", null)),
                List.of(d.condition("vip", "eq", "true")),
                List.of(d.condition("vip", "ne", "true")),
                List.of(d.condition("vip", "in", "false")),
                List.of(d.condition("signup", "eq", "2024-05-01")),
                List.of(d.condition("signup", "gt", "2024-05-01")),
                List.of(d.condition("signup", "gte", "2024-05-01")),
                List.of(d.condition("signup", "lt", "2024-05-01")),
                List.of(d.condition("signup", "lte", "2024-05-01")),
                List.of(d.condition("signup", "btw", "2024-04-30,2024-05-01")),
                List.of(d.condition("signup", "gt", "2024-05-01T12:00:00Z")),
                List.of(d.condition("signup", "nis", null)),
                List.of(d.condition("tags", "eq", "sale")),
                List.of(d.condition("tags", "ne", "sale")),
                List.of(d.condition("tags", "cnt", "arriv")),
                List.of(d.condition("tags", "in", "a,b")),
                List.of(d.condition("tags", "nin", "a,b")),
                List.of(d.condition("scores", "gt", "15")),
                List.of(d.condition("scores", "ne", "3")),
                List.of(d.condition("scores", "btw", "4,6")),
                List.of(d.condition("age", "gte", "30"), d.condition("plan", "cnt", "gold"),
                        d.condition("vip", "eq", "true")),
                List.of(d.condition("age", "lt", "10"), d.condition("plan", "sw", "plat"),
                        d.condition("tags", "eq", "SALE")));
        int someButNotAll = 0;
        for (int i = 0; i < cases.size(); i++) {
            List<Condition> conditions = cases.get(i);
            boolean or = i == cases.size() - 1;
            List<String> expected = d.expected(conditions, or);
            if (!expected.isEmpty() && expected.size() < d.people().size()) {
                someButNotAll++;
            }
            String group = createConditionalGroup(d.tenant(), "case " + i, d.stored(conditions), or ? "or" : "and");
            String job = run(d.tenant(), "group_evaluate", group, null, "{}");

            Map<String, Object> row = awaitFinished(job);
            String what = "case " + i + " " + conditions;
            assertEquals("completed", row.get("status"), () -> what + ": " + row);
            assertEquals(expected, members(group), what);
            assertEquals((long) expected.size(), row.get("total"), what);
            Map<String, Object> g = group(group);
            assertEquals("completed", g.get("status"), what);
            assertEquals((long) expected.size(), g.get("total_users"), what);
            assertEquals(job, g.get("last_job_id"));
        }
        assertTrue(someButNotAll >= cases.size() - 4, "only " + someButNotAll + " cases select some but not all");
        assertEquals(0L, count("SELECT count(*) FROM audience.user_group_member WHERE company_id = ?",
                twin.tenant().company()));
    }

    /** Stored lists and ranges (a value holding a comma stays one value) evaluate like the SDK's strings. */
    @Test
    void listsAndRangesStoredAsJsonArraysEvaluateElementWise() throws Exception {
        Dataset d = dataset(60, 7L, "l");
        String in = "[{\"user_attribute_definition_id\":\"" + d.definitions().get("tags") + "\",\"type\":\"in\","
                + "\"value\":[\"new,arrival\",\"b\"]},{\"user_attribute_definition_id\":\"" + d.definitions().get("age")
                + "\",\"type\":\"btw\",\"value\":[10,60]}]";
        List<String> expected = d.values().entrySet().stream().filter(e -> {
            Object tags = e.getValue().get("tags");
            Object age = e.getValue().get("age");
            boolean tagged = tags instanceof List<?> l && (l.contains("new,arrival") || l.contains("b"));
            boolean aged = age instanceof BigDecimal a && a.compareTo(BigDecimal.TEN) >= 0
                    && a.compareTo(BigDecimal.valueOf(60)) <= 0;
            return tagged && aged;
        }).map(Map.Entry::getKey).sorted().toList();
        String group = createConditionalGroup(d.tenant(), "lists", in, "and");

        assertEquals("completed", awaitFinished(run(d.tenant(), "group_evaluate", group, null, "{}")).get("status"));
        assertEquals(expected, members(group));
        assertFalse(expected.isEmpty());
    }

    @Test
    void aRefreshOverKafkaWritesOnlyTheDifferenceAndAnUnchangedGroupNoMemberRow() throws Exception {
        Dataset d = dataset(120, 42L, "r");
        List<Condition> conditions = List.of(d.condition("plan", "cnt", "gold"), d.condition("age", "gte", "30"));
        String group = createConditionalGroup(d.tenant(), "refreshed", d.stored(conditions), "and");
        assertEquals("completed", awaitFinished(run(d.tenant(), "group_evaluate", group, null, "{}")).get("status"));
        List<String> before = members(group);
        assertEquals(d.expected(conditions, false), before);
        assertTrue(before.size() >= 3, "the dataset gives the group members: " + before);
        Map<Long, String> rows = memberRows(group);

        try (WriteCounter writes = new WriteCounter(group)) {
            // One member stops matching, one person starts, one non-member changes without matching.
            String leaving = before.get(0);
            String joining = d.values().keySet().stream().filter(u -> !before.contains(u)).findFirst().orElseThrow();
            String unrelated = d.values().keySet().stream().filter(u -> !before.contains(u) && !u.equals(joining))
                    .findFirst().orElseThrow();
            d.set(leaving, "age", BigDecimal.valueOf(12));
            d.set(joining, "plan", "Golden");
            d.set(joining, "age", BigDecimal.valueOf(77));
            d.set(unrelated, "plan", "silver");
            List<String> expected = d.expected(conditions, false);

            String refresh = run(d.tenant(), "group_refresh", group, null, "{}");

            Map<String, Object> row = awaitFinished(refresh);
            assertEquals("completed", row.get("status"), () -> "refresh " + row);
            assertEquals(expected, members(group));
            assertEquals(List.of("DELETE " + d.people().get(leaving), "INSERT " + d.people().get(joining)),
                    writes.since());
            Map<Long, String> after = memberRows(group);
            rows.remove(d.people().get(leaving));
            rows.forEach((pk, version) -> assertEquals(version, after.get(pk), "member " + pk + " was rewritten"));
            assertEquals("completed", group(group).get("status"));
            assertEquals(refresh, group(group).get("last_job_id"));
            assertEquals((long) expected.size(), group(group).get("total_users"));

            // Nothing changed since: the refresh writes no member row at all.
            Map<Long, String> settled = memberRows(group);
            Object stamped = group(group).get("total_users_refreshed_at");
            String again = run(d.tenant(), "group_refresh", group, null, "{}");
            assertEquals("completed", awaitFinished(again).get("status"));
            assertEquals(List.of(), writes.since());
            assertEquals(settled, memberRows(group));
            assertEquals((long) expected.size(), AudienceFixtures.job(again).get("total"));
            assertNotEquals(stamped, group(group).get("total_users_refreshed_at"), "the count is stamped again");
        }
    }

    @Test
    void aDefinitionDeletedSinceFailsTheJobNamingItAndLeavesTheMembers() throws Exception {
        Dataset d = dataset(50, 3L, "x");
        List<Condition> conditions = List.of(d.condition("age", "gt", "10"), d.condition("plan", "is", null));
        String group = createConditionalGroup(d.tenant(), "doomed", d.stored(conditions), "and");
        assertEquals("completed", awaitFinished(run(d.tenant(), "group_evaluate", group, null, "{}")).get("status"));
        List<String> members = members(group);
        assertEquals(d.expected(conditions, false), members);

        String plan = d.definitions().get("plan");
        execute("DELETE FROM audience.attribute_definition WHERE id = ?", plan);
        String refresh = run(d.tenant(), "group_refresh", group, null, "{}");

        Map<String, Object> row = awaitFinished(refresh);
        assertEquals("failed", row.get("status"));
        assertEquals("the group's conditions cannot be evaluated: conditions[1].user_attribute_definition_id: "
                + "unknown attribute definition \"" + plan + "\" (slug plan): it was deleted after the group was "
                + "defined", row.get("failure_reason"));
        assertEquals("failed", group(group).get("status"));
        assertEquals(members, members(group), "a failed evaluation writes nothing");

        // A definition that became encrypted (possible while nobody holds a value) cannot be filtered either.
        Dataset e = dataset(5, 4L, "y");
        String vip = e.definitions().get("vip");
        String other = createConditionalGroup(e.tenant(), "encrypted later",
                e.stored(List.of(e.condition("vip", "eq", "true"))), "and");
        execute("DELETE FROM audience.user_attribute WHERE definition_id = ?", vip);
        execute("UPDATE audience.attribute_definition SET type = 'encrypted_string', encrypted = true WHERE id = ?",
                vip);
        Map<String, Object> failed = awaitFinished(run(e.tenant(), "group_evaluate", other, null, "{}"));
        assertEquals("failed", failed.get("status"));
        assertTrue(((String) failed.get("failure_reason")).contains("conditions[0].user_attribute_definition_id"),
                (String) failed.get("failure_reason"));
        String reason = (String) failed.get("failure_reason");
        assertTrue(reason.contains("encrypted"), reason);
    }

    /**
     * A group deleted while its evaluation waits to start: the deletion holds the group row, the evaluation waits for
     * it, finds the group gone, writes nothing and fails the job.
     */
    @Test
    void aGroupDeletedBeforeTheEvaluationReadsItFailsTheJob() throws Exception {
        Dataset d = dataset(30, 5L, "g");
        String group = createConditionalGroup(d.tenant(), "gone", d.stored(List.of(d.condition("plan", "is", null))),
                "and");
        String jobId = queueJob(d.tenant(), "group_evaluate", group, null, "{}");
        ClaimedAudienceJob claimed = jobs.claim(jobId, "evaluator#1", Duration.ofMinutes(5), 10).orElseThrow();

        try (Connection deleting = Infra.connect()) {
            deleting.setAutoCommit(false);
            try (Statement st = deleting.createStatement()) {
                assertEquals(1, st.executeUpdate("DELETE FROM audience.user_group WHERE id = '" + group + "'"));
                CompletableFuture<Boolean> evaluation = CompletableFuture.supplyAsync(() -> runner.run(claimed, 1));
                ImportFixtures.awaitLockWait(evaluation, "SELECT type, conditions");
                st.executeUpdate("DELETE FROM audience.user_group_member WHERE group_id = '" + group + "'");
                deleting.commit();
                assertTrue(evaluation.get(20, TimeUnit.SECONDS));
            }
        }
        Map<String, Object> row = AudienceFixtures.job(jobId);
        assertEquals("failed", row.get("status"));
        assertEquals("the group no longer exists", row.get("failure_reason"));
        assertEquals(0L, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", group));
    }

    /**
     * A group deleted while its evaluation writes: the deletion waits for the evaluation (which holds the group row
     * FOR KEY SHARE), then deletes the members it wrote; nothing of the group is left.
     */
    @Test
    void aGroupDeletedWhileItIsEvaluatedLeavesNoMembers() throws Exception {
        Dataset d = dataset(40, 6L, "h");
        List<Condition> conditions = List.of(d.condition("plan", "is", null));
        String group = createConditionalGroup(d.tenant(), "deleted midway", d.stored(conditions), "and");
        assertFalse(d.expected(conditions, false).isEmpty());
        String jobId = queueJob(d.tenant(), "group_evaluate", group, null, "{}");
        ClaimedAudienceJob claimed = jobs.claim(jobId, "evaluator#2", Duration.ofMinutes(5), 10).orElseThrow();

        try (Connection holding = Infra.connect(); Connection deleting = Infra.connect()) {
            holding.setAutoCommit(false);
            deleting.setAutoCommit(false);
            // Hold the evaluation at its first member write, after it has read the group and its people.
            holding.createStatement().execute("LOCK TABLE audience.user_group_member IN SHARE MODE");
            CompletableFuture<Boolean> evaluation = CompletableFuture.supplyAsync(() -> runner.run(claimed, 1));
            ImportFixtures.awaitLockWait(evaluation, "DELETE FROM audience.user_group_member x");
            CompletableFuture<Integer> deletion = CompletableFuture.supplyAsync(() -> {
                try (Statement st = deleting.createStatement()) {
                    return st.executeUpdate("DELETE FROM audience.user_group WHERE id = '" + group + "'");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ImportFixtures.awaitLockWait(deletion, "DELETE FROM audience.user_group WHERE");
            holding.commit();
            assertTrue(evaluation.get(20, TimeUnit.SECONDS));
            assertEquals(1, deletion.get(20, TimeUnit.SECONDS));
            try (Statement st = deleting.createStatement()) {
                st.executeUpdate("DELETE FROM audience.user_group_member WHERE group_id = '" + group + "'");
            }
            deleting.commit();
        }
        assertEquals("completed", AudienceFixtures.job(jobId).get("status"));
        assertEquals(0L, count("SELECT count(*) FROM audience.user_group_member WHERE group_id = ?", group));
        assertEquals(0L, count("SELECT count(*) FROM audience.user_group WHERE id = ?", group));
    }

    /**
     * A refresh still queued when an evaluation of its group starts is completed by that evaluation without running;
     * a refresh claimed while the group's evaluation runs waits for it (never two evaluations of one group at once),
     * then evaluates again and sees what changed in between.
     */
    @Test
    void evaluationsOfOneGroupTakeTurnsAndServeTheRefreshesQueuedBeforeThem() throws Exception {
        Dataset d = dataset(60, 8L, "t");
        List<Condition> conditions = List.of(d.condition("vip", "eq", "true"));
        String group = createConditionalGroup(d.tenant(), "turns", d.stored(conditions), "and");
        String queuedBefore = queueJob(d.tenant(), "group_refresh", group, null, "{}");
        String evaluate = queueJob(d.tenant(), "group_evaluate", group, null, "{}");
        assertTrue(runner.run(jobs.claim(evaluate, "evaluator#3", Duration.ofMinutes(5), 10).orElseThrow(), 1));
        Map<String, Object> served = AudienceFixtures.job(queuedBefore);
        assertEquals("completed", served.get("status"));
        assertEquals(0, served.get("attempts"), "the evaluation served it: it never ran");
        assertEquals(AudienceFixtures.job(evaluate).get("total"), served.get("total"));
        assertEquals(d.expected(conditions, false), members(group));

        String again = queueJob(d.tenant(), "group_evaluate", group, null, "{}");
        ClaimedAudienceJob first = jobs.claim(again, "evaluator#4", Duration.ofMinutes(5), 10).orElseThrow();
        String refresh;
        CompletableFuture<Boolean> one;
        CompletableFuture<Boolean> two;
        String changed = d.values().entrySet().stream().filter(e -> !Boolean.TRUE.equals(e.getValue().get("vip")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        try (Connection holding = Infra.connect()) {
            holding.setAutoCommit(false);
            // Hold the first evaluation at its first member write, after it read the people.
            holding.createStatement().execute("LOCK TABLE audience.user_group_member IN SHARE MODE");
            one = CompletableFuture.supplyAsync(() -> runner.run(first, 1));
            ImportFixtures.awaitLockWait(one, "DELETE FROM audience.user_group_member x");
            d.set(changed, "vip", true);
            refresh = queueJob(d.tenant(), "group_refresh", group, null, "{}");
            ClaimedAudienceJob second = jobs.claimRefresh(refresh, "evaluator#5", Duration.ofMinutes(5))
                    .orElseThrow();
            two = CompletableFuture.supplyAsync(() -> runner.run(second, 1));
            ImportFixtures.awaitLockWait(two, "SELECT pg_advisory_xact_lock");
            holding.commit();
        }
        assertTrue(one.get(20, TimeUnit.SECONDS));
        assertTrue(two.get(20, TimeUnit.SECONDS));

        assertEquals("completed", AudienceFixtures.job(again).get("status"));
        assertEquals("completed", AudienceFixtures.job(refresh).get("status"));
        assertEquals(1, AudienceFixtures.job(refresh).get("attempts"));
        List<String> expected = d.expected(conditions, false);
        assertTrue(expected.contains(changed));
        assertEquals(expected, members(group), "the later evaluation saw the change made while the first ran");
        assertEquals("completed", group(group).get("status"));
        assertEquals(refresh, group(group).get("last_job_id"));
    }

    /** The group's members with their row versions ({@code xmin}, {@code ctid}, {@code added_at}). */
    private static Map<Long, String> memberRows(String group) throws Exception {
        Map<Long, String> rows = new LinkedHashMap<>();
        for (Map<String, Object> r : query("SELECT user_pk, xmin::text || ' ' || ctid::text || ' ' || added_at::text "
                + "AS version FROM audience.user_group_member WHERE group_id = ? ORDER BY user_pk", group)) {
            rows.put((Long) r.get("user_pk"), (String) r.get("version"));
        }
        return rows;
    }

    /**
     * Counts every row written to one group's members (insert, update, delete) with a trigger on the member table:
     * exact, unlike the statistics views, which backends report up to seconds late.
     */
    private static final class WriteCounter implements AutoCloseable {

        private final String suffix = Long.toHexString(System.nanoTime());
        private int seen;

        WriteCounter(String group) throws Exception {
            try (Connection c = Infra.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.member_writes_" + suffix + " (n BIGSERIAL, op TEXT, user_pk BIGINT)");
                st.execute("CREATE FUNCTION public.count_member_writes_" + suffix + "() RETURNS trigger "
                        + "LANGUAGE plpgsql AS $$ BEGIN IF coalesce(NEW.group_id, OLD.group_id) = TG_ARGV[0] THEN "
                        + "INSERT INTO public.member_writes_" + suffix + " (op, user_pk) VALUES (TG_OP, "
                        + "coalesce(NEW.user_pk, OLD.user_pk)); END IF; RETURN NULL; END $$");
                st.execute("CREATE TRIGGER member_writes_" + suffix + " AFTER INSERT OR UPDATE OR DELETE "
                        + "ON audience.user_group_member FOR EACH ROW EXECUTE FUNCTION public.count_member_writes_"
                        + suffix + "('" + group + "')");
            }
        }

        /** The writes since the last call, as "OP user_pk" in the order they happened. */
        List<String> since() throws Exception {
            List<String> writes = new ArrayList<>();
            for (Map<String, Object> r : query("SELECT op, user_pk FROM public.member_writes_" + suffix
                    + " WHERE n > ? ORDER BY n", (long) seen)) {
                writes.add(r.get("op") + " " + r.get("user_pk"));
            }
            seen += writes.size();
            return writes;
        }

        @Override
        public void close() throws Exception {
            try (Connection c = Infra.connect(); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER member_writes_" + suffix + " ON audience.user_group_member");
                st.execute("DROP FUNCTION public.count_member_writes_" + suffix + "()");
                st.execute("DROP TABLE public.member_writes_" + suffix);
            }
        }
    }
}
