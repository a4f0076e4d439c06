package io.openaudience.audience.filter;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.common.audience.AttributeType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every operator and path on five people whose expected matches were worked out by hand; each case is checked against
 * the compiled SQL and against the in-memory evaluator. A copy of a person in another tenant must never match.
 */
class FixedDatasetTest {

    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES).build();
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final String COMPANY = "fixed-co";
    static final String APP = "app1";

    static final String PLAN = "f00000000000000000000001";
    static final String AGE = "f00000000000000000000002";
    static final String VIP = "f00000000000000000000003";
    static final String BIRTHDAY = "f00000000000000000000004";
    static final String SCORES = "f00000000000000000000005";
    static final String TAGS = "f00000000000000000000006";
    static final String SECRET = "f00000000000000000000007";

    static final List<FilterContext.Definition> DEFINITIONS = List.of(
            new FilterContext.Definition(PLAN, "plan", AttributeType.STRING),
            new FilterContext.Definition(AGE, "age", AttributeType.NUMBER),
            new FilterContext.Definition(VIP, "vip", AttributeType.BOOLEAN),
            new FilterContext.Definition(BIRTHDAY, "birthday", AttributeType.DATE),
            new FilterContext.Definition(SCORES, "scores", AttributeType.NUMBER_ARRAY),
            new FilterContext.Definition(TAGS, "tags", AttributeType.STRING_ARRAY),
            new FilterContext.Definition(SECRET, "secret", AttributeType.ENCRYPTED_STRING));
    static final FilterContext CONTEXT = FilterContext.of(COMPANY, APP, DEFINITIONS, NOW);

    static Connection db;
    static List<Person> people;

    @BeforeAll
    static void seed() throws Exception {
        db = TestDb.fresh(COMPANY);
        people = people();
        TestDb.definitions(db, COMPANY, APP, DEFINITIONS);
        TestDb.people(db, COMPANY, APP, people);
        // The same person in another tenant of the same company: filters must never reach it.
        Person twin = person("alice-elsewhere", "{company: 'Acme', age: '34'}", "2024-01-10T00:00:00Z");
        twin.name = "Alice Smith";
        twin.emailKey = "alice@example.com";
        twin.lastSeenAt = Instant.parse("2025-05-31T12:00:00Z");
        twin.events.put("pageview", new Person.Stats(20, Instant.parse("2024-01-15T10:00:00Z"),
                Instant.parse("2025-05-31T12:00:00Z")));
        TestDb.people(db, COMPANY, "other-app", List.of(twin));
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    static Person person(String id, String properties, String createdAt) throws Exception {
        return new Person(id, (ObjectNode) JSON.readTree(properties), Instant.parse(createdAt));
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    static List<Person> people() throws Exception {
        Person alice = person("alice", "{company: 'Acme', age: '34', signup: '2024-01-15', tags: ['a', 'b']}",
                "2024-01-10T00:00:00Z");
        alice.name = "Alice Smith";
        alice.firstName = "Alice";
        alice.lastName = "Smith";
        alice.emailKey = "alice@example.com";
        alice.phoneKey = "447700900001";
        alice.signedUpAt = Instant.parse("2024-01-15T10:00:00Z");
        alice.firstSeenAt = Instant.parse("2024-01-15T10:00:00Z");
        alice.lastSeenAt = Instant.parse("2025-05-31T12:00:00Z");
        alice.totalVisits = 10;
        alice.totalEvents = 50;
        alice.attributes.put(PLAN, new Person.Value(json("'Pro'"), false));
        alice.attributes.put(AGE, new Person.Value(json("34"), false));
        alice.attributes.put(VIP, new Person.Value(json("true"), false));
        alice.attributes.put(BIRTHDAY, new Person.Value(json("'1990-05-01T00:00:00.000Z'"), false));
        alice.attributes.put(SCORES, new Person.Value(json("[1, 5, 9]"), false));
        alice.attributes.put(TAGS, new Person.Value(json("['red', 'Green']"), false));
        alice.events.put("pageview", new Person.Stats(20, Instant.parse("2024-01-15T10:00:00Z"),
                Instant.parse("2025-05-31T12:00:00Z")));
        alice.events.put("purchase", new Person.Stats(2, Instant.parse("2025-03-01T00:00:00Z"),
                Instant.parse("2025-05-20T00:00:00Z")));

        Person bob = person("bob", "{company: 'acme inc', age: 29, vip: false}", "2024-06-01T00:00:00Z");
        bob.name = "Bob Jones";
        bob.firstName = "Bob";
        bob.lastName = "Jones";
        bob.emailKey = "bob@example.org";
        bob.lastSeenAt = Instant.parse("2025-04-01T12:00:00Z");
        bob.totalVisits = 1;
        bob.totalEvents = 3;
        bob.attributes.put(PLAN, new Person.Value(json("'free'"), false));
        bob.attributes.put(AGE, new Person.Value(json("29"), false));
        bob.attributes.put(VIP, new Person.Value(json("false"), false));
        bob.events.put("pageview", new Person.Stats(3, Instant.parse("2025-03-01T00:00:00Z"),
                Instant.parse("2025-04-01T12:00:00Z")));

        Person carol = person("carol", "{company: null, age: 'forty', score: 7.5}", "2024-01-01T00:00:00Z");
        carol.firstName = "Carol";
        carol.phoneKey = "15551234567";
        carol.signedUpAt = Instant.parse("2023-12-31T23:59:59Z");
        carol.attributes.put(PLAN, new Person.Value(json("'PRO plus'"), false));
        carol.attributes.put(SCORES, new Person.Value(json("[]"), false));
        carol.attributes.put(TAGS, new Person.Value(json("[]"), false));

        Person dave = person("dave", "{}", "2025-01-01T00:00:00Z");
        dave.name = "Dave";
        dave.emailKey = "dave@example.com";
        dave.firstSeenAt = Instant.parse("2025-01-01T00:00:00Z");
        // A number definition holding a numeric string (an older writer): it still reads as 41.
        dave.attributes.put(AGE, new Person.Value(json("'41'"), false));
        dave.attributes.put(BIRTHDAY, new Person.Value(json("'2000-02-29T00:00:00.000Z'"), false));
        dave.attributes.put(SECRET, new Person.Value(json("'sealed'"), true));
        dave.events.put("signup", new Person.Stats(1, Instant.parse("2025-05-01T00:00:00Z"),
                Instant.parse("2025-05-01T00:00:00Z")));
        dave.totalEvents = 1;

        Person eve = person("eve", "{company: 'ÉCOLE', age: 41.0, nested: {a: 1}, signup: '2025-05-30T12:00:00Z'}",
                "2025-05-30T00:00:00Z");
        eve.name = "Ève Été";
        eve.emailKey = "eve@example.com";
        eve.firstSeenAt = Instant.parse("2025-05-30T00:00:00Z");
        eve.lastSeenAt = Instant.parse("2025-05-30T12:00:00Z");
        eve.totalVisits = 2;
        eve.totalEvents = 1;
        eve.attributes.put(PLAN, new Person.Value(json("''"), false));
        eve.attributes.put(TAGS, new Person.Value(json("['blue']"), false));
        eve.attributes.put(SCORES, new Person.Value(json("[10]"), false));
        eve.events.put("pageview", new Person.Stats(1, Instant.parse("2025-05-30T00:00:00Z"),
                Instant.parse("2025-05-30T00:00:00Z")));
        return List.of(alice, bob, carol, dave, eve);
    }

    /** A GoSquared case: the filters JSON and the people expected to match. */
    static DynamicTest gs(String filters, String... expected) {
        return DynamicTest.dynamicTest("gosquared " + filters, () ->
                check(GoSquaredFilters.parse(json(filters.startsWith("[") ? filters : "[" + filters + "]"), CONTEXT),
                        expected));
    }

    /** A Fynd case: the conditions JSON, how they combine, and the people expected to match. */
    static DynamicTest fynd(String type, String conditions, String... expected) {
        return DynamicTest.dynamicTest("fynd " + type + " " + conditions, () ->
                check(FyndConditions.parse(json(conditions.startsWith("[") ? conditions : "[" + conditions + "]"),
                        json("'" + type + "'"), CONTEXT), expected));
    }

    static void check(Filter filter, String... expected) throws Exception {
        Set<String> want = new LinkedHashSet<>(List.of(expected));
        Evaluator evaluator = new Evaluator(NOW);
        Set<String> byEvaluator = people.stream().filter(p -> evaluator.matches(filter, p)).map(p -> p.userId)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertEquals(want, byEvaluator, "evaluator");
        assertEquals(want, TestDb.select(db, filter, CONTEXT), "SQL");
    }

    static final String[] EVERYONE = {"alice", "bob", "carol", "dave", "eve"};

    @TestFactory
    Stream<DynamicTest> goSquaredPersonPaths() {
        return Stream.of(
                gs("{key: 'property', path: 'email', operator: '=', value: 'ALICE@example.com'}", "alice"),
                gs("{key: 'property', path: 'email', operator: '!=', value: 'alice@example.com'}",
                        "bob", "carol", "dave", "eve"),
                gs("{key: 'property', path: 'name', operator: 'contains', value: 'smith'}", "alice"),
                gs("{key: 'property', path: 'name', operator: '!contains', value: 'o'}", "alice", "carol", "dave",
                        "eve"),
                gs("{key: 'property', path: 'name', operator: 'starts', value: 'ève'}", "eve"),
                gs("{key: 'property', path: 'first_name', operator: 'starts', value: 'ca'}", "carol"),
                gs("{key: 'property', path: 'last_name', operator: 'ends', value: 'ES'}", "bob"),
                gs("{key: 'property', path: 'id', operator: '=', value: 'BOB'}", "bob"),
                gs("{key: 'property', path: 'phone', operator: 'starts', value: '+44'}", "alice"),
                gs("{key: 'property', path: 'phone', operator: '=', value: '+1 (555) 123-4567'}", "carol"),
                gs("{key: 'property', path: 'phone', operator: 'defined'}", "alice", "carol"),
                gs("{key: 'property', path: 'name', operator: '!defined'}", "carol"),
                gs("{key: 'property', path: 'created_at', operator: '<', value: '2024-01-01'}", "carol"),
                gs("{key: 'property', path: 'created_at', operator: '=', value: '2024-01-15'}", "alice"),
                gs("{key: 'property', path: 'created_at', operator: '=', value: '2024-01-15T10:00:00Z'}", "alice"),
                gs("{key: 'property', path: 'created_at', operator: '!=', value: '2024-01-15'}",
                        "bob", "carol", "dave", "eve"),
                gs("{key: 'property', path: 'created_at', operator: '>', value: '2024-01-15'}", "bob", "dave", "eve"),
                gs("{key: 'property', path: 'created_at', operator: '><', value: ['2023-12-31', '2024-01-15']}",
                        "alice", "carol"),
                gs("{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: 7, "
                        + "period: 'days'}", "alice", "eve"),
                gs("{key: 'property', path: 'last.seen', operator: '<', direction: 'past', number: 30, "
                        + "period: 'days'}", "bob"),
                gs("{key: 'property', path: 'last.seen', operator: '><', direction: 'past', number: 168, "
                        + "period: 'hours'}", "alice", "eve"),
                gs("{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: 24, "
                        + "period: 'hours'}"),
                gs("{key: 'property', path: 'last.seen', operator: '!defined'}", "carol", "dave"),
                gs("{key: 'property', path: 'first.seen', operator: 'defined'}", "alice", "dave", "eve"),
                gs("{key: 'property', path: 'totals.visits', operator: '>', value: 1}", "alice", "eve"),
                gs("{key: 'property', path: 'totals.visits', operator: '=', value: '10'}", "alice"),
                gs("{key: 'property', path: 'totals.events', operator: '><', value: [0, 3]}", "bob", "carol", "dave",
                        "eve"),
                gs("{key: 'property', path: 'totals.events', operator: '<', value: 1.5}", "carol", "dave", "eve"));
    }

    @TestFactory
    Stream<DynamicTest> goSquaredCustomPaths() {
        return Stream.of(
                gs("{key: 'property', path: 'custom.company', operator: '=', value: 'acme'}", "alice"),
                gs("{key: 'property', path: 'custom.company', operator: 'contains', value: 'ACME'}", "alice", "bob"),
                gs("{key: 'property', path: 'custom.company', operator: '!=', value: 'acme'}", "bob", "carol", "dave",
                        "eve"),
                gs("{key: 'property', path: 'custom.company', operator: 'defined'}", "alice", "bob", "eve"),
                gs("{key: 'property', path: 'custom.company', operator: '!defined'}", "carol", "dave"),
                gs("{key: 'property', path: 'custom.company', operator: 'starts', value: 'éc'}", "eve"),
                gs("{key: 'property', path: 'custom.company', operator: 'ends', value: 'INC'}", "bob"),
                // age is a definition's slug: the attribute values count, not the properties.
                gs("{key: 'property', path: 'custom.age', operator: '>', value: 30}", "alice", "dave"),
                gs("{key: 'property', path: 'custom.age', operator: '=', value: 34}", "alice"),
                gs("{key: 'property', path: 'custom.age', operator: '=', value: '41.00'}", "dave"),
                gs("{key: 'property', path: 'custom.score', operator: '>', value: '7'}", "carol"),
                gs("{key: 'property', path: 'custom.score', operator: '><', value: [7, 8]}", "carol"),
                gs("{key: 'property', path: 'custom.score', operator: 'contains', value: '.5'}", "carol"),
                gs("{key: 'property', path: 'custom.signup', operator: '>', value: '2025-01-01'}", "eve"),
                gs("{key: 'property', path: 'custom.signup', operator: '=', value: '2024-01-15'}", "alice"),
                gs("{key: 'property', path: 'custom.signup', operator: '>', direction: 'past', number: 7, "
                        + "period: 'days'}", "eve"),
                gs("{key: 'property', path: 'custom.signup', operator: '<', direction: 'past', number: 7, "
                        + "period: 'days'}", "alice"),
                gs("{key: 'property', path: 'custom.signup', operator: '><', value: ['2024-01-01', '2024-12-31']}",
                        "alice"),
                gs("{key: 'property', path: 'custom.tags', operator: '=', value: 'green'}", "alice"),
                gs("{key: 'property', path: 'custom.tags', operator: '!contains', value: 'e'}", "bob", "carol",
                        "dave"),
                gs("{key: 'property', path: 'custom.tags', operator: 'defined'}", "alice", "carol", "eve"),
                // secret's definition is encrypted: the path falls back to the properties, where no one has it.
                gs("{key: 'property', path: 'custom.secret', operator: '=', value: 'sealed'}"),
                gs("{key: 'property', path: 'custom.secret', operator: '!defined'}", EVERYONE),
                gs("{key: 'property', path: 'custom.vip', operator: '=', value: false}", "bob"),
                gs("{key: 'property', path: 'custom.vip', operator: '=', value: 'TRUE'}", "alice"),
                gs("{key: 'property', path: 'custom.nested', operator: 'defined'}", "eve"),
                gs("{key: 'property', path: 'custom.nested', operator: '=', value: '{\"a\":1}'}"),
                gs("{key: 'property', path: 'custom.nothing', operator: '!=', value: 'x'}", EVERYONE));
    }

    @TestFactory
    Stream<DynamicTest> goSquaredEvents() {
        return Stream.of(
                gs("{key: 'event', name: 'pageview', field: 'count', operator: '>', value: 2}", "alice", "bob"),
                gs("{key: 'event', name: 'pageview', field: 'count', operator: '<', value: 2}", "carol", "dave", "eve"),
                gs("{key: 'event', name: 'pageview', field: 'count', operator: '=', value: 0}", "carol", "dave"),
                gs("{key: 'event', name: 'pageview', field: 'count', operator: '!=', value: 0}", "alice", "bob",
                        "eve"),
                gs("{key: 'event', name: 'pageview', field: 'count', operator: '!=', value: 3}", "alice", "carol",
                        "dave", "eve"),
                gs("{key: 'event', name: 'pageview', field: 'count', operator: '><', value: [1, 3]}", "bob", "eve"),
                gs("{key: 'event', name: 'pageview', field: 'count', operator: '><', value: [0, 1]}", "carol", "dave",
                        "eve"),
                gs("{key: 'event', name: 'purchase', field: 'last', operator: '>', direction: 'past', number: 30, "
                        + "period: 'days'}", "alice"),
                gs("{key: 'event', name: 'pageview', field: 'first', operator: '<', value: '2025-01-01'}", "alice"),
                gs("{key: 'event', name: 'pageview', field: 'last', operator: '<', direction: 'past', number: 30, "
                        + "period: 'days'}", "bob"),
                gs("{key: 'event', name: 'pageview', field: 'last', operator: '=', value: '2025-05-30'}", "eve"),
                gs("{key: 'event', name: 'pageview', field: 'last', operator: '!=', value: '2025-05-30'}", "alice",
                        "bob", "carol", "dave"),
                gs("{key: 'event', name: 'signup', field: 'count', operator: 'defined'}", "dave"),
                gs("{key: 'event', name: 'signup', field: 'first', operator: '!defined'}", "alice", "bob", "carol",
                        "eve"),
                gs("{key: 'event', name: 'Pageview', field: 'count', operator: '>', value: 0}"),
                gs("[{key: 'property', path: 'custom.company', operator: 'contains', value: 'acme'}, "
                        + "{key: 'property', path: 'last.seen', operator: '>', direction: 'past', number: 7, "
                        + "period: 'days'}, "
                        + "{key: 'event', name: 'pageview', field: 'count', operator: '>', value: 2}]", "alice"),
                gs("[]", EVERYONE));
    }

    @TestFactory
    Stream<DynamicTest> fyndConditions() {
        List<DynamicTest> cases = new ArrayList<>(List.of(
                fynd("and", "{definition_id: '" + PLAN + "', type: 'eq', value: 'pro'}", "alice"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'ne', value: 'pro'}", "bob", "carol", "dave",
                        "eve"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'cnt', value: 'PRO'}", "alice", "carol"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'nct', value: 'pro'}", "bob", "dave", "eve"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'sw', value: 'pro '}", "carol"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'ew', value: 'ee'}", "bob"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'is'}", "alice", "bob", "carol", "eve"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'nis', value: ''}", "dave"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'in', value: ['free', 'PRO']}", "alice", "bob"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'in', value: 'free, pro'}", "alice", "bob"),
                fynd("and", "{definition_id: '" + PLAN + "', type: 'nin', value: ['free']}", "alice", "carol", "dave",
                        "eve"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'gt', value: 30}", "alice", "dave"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'gte', value: '34'}", "alice", "dave"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'lt', value: 34}", "bob"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'lte', value: 29}", "bob"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'btw', value: [29, 34]}", "alice", "bob"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'btw', value: '30,50'}", "alice", "dave"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'eq', value: 29}", "bob"),
                fynd("and", "{definition_id: '" + AGE + "', type: 'in', value: [29, '41']}", "bob", "dave"),
                fynd("and", "{definition_id: '" + VIP + "', type: 'eq', value: true}", "alice"),
                fynd("and", "{definition_id: '" + VIP + "', type: 'eq', value: 'False'}", "bob"),
                fynd("and", "{definition_id: '" + VIP + "', type: 'ne', value: true}", "bob", "carol", "dave", "eve"),
                fynd("and", "{definition_id: '" + BIRTHDAY + "', type: 'gt', value: '1995-01-01'}", "dave"),
                fynd("and", "{definition_id: '" + BIRTHDAY + "', type: 'eq', value: '1990-05-01'}", "alice"),
                fynd("and", "{definition_id: '" + BIRTHDAY + "', type: 'btw', value: ['1990-05-01', '2000-02-29']}",
                        "alice", "dave"),
                fynd("and", "{definition_id: '" + BIRTHDAY + "', type: 'lt', value: '1990-05-02'}", "alice"),
                fynd("and", "{definition_id: '" + BIRTHDAY + "', type: 'lte', value: '1990-05-01'}", "alice"),
                fynd("and", "{definition_id: '" + BIRTHDAY + "', type: 'lt', value: '1990-05-01'}"),
                fynd("and", "{definition_id: '" + BIRTHDAY + "', type: 'in', value: ['2000-02-29', '1980-01-01']}",
                        "dave"),
                fynd("and", "{definition_id: '" + SCORES + "', type: 'gt', value: 8}", "alice", "eve"),
                fynd("and", "{definition_id: '" + SCORES + "', type: 'ne', value: 5}", "bob", "carol", "dave", "eve"),
                fynd("and", "{definition_id: '" + SCORES + "', type: 'in', value: [1, 10]}", "alice", "eve"),
                fynd("and", "{definition_id: '" + SCORES + "', type: 'btw', value: [6, 8]}"),
                fynd("and", "{definition_id: '" + SCORES + "', type: 'is'}", "alice", "carol", "eve"),
                fynd("and", "{definition_id: '" + TAGS + "', type: 'cnt', value: 're'}", "alice"),
                fynd("and", "{definition_id: '" + TAGS + "', type: 'eq', value: 'GREEN'}", "alice"),
                fynd("and", "{definition_id: '" + TAGS + "', type: 'nin', value: ['blue']}", "alice", "bob", "carol",
                        "dave"),
                fynd("or", "[{definition_id: '" + PLAN + "', type: 'eq', value: 'free'}, {definition_id: '" + AGE
                        + "', type: 'gt', value: 40}]", "bob", "dave"),
                fynd("and", "[{definition_id: '" + PLAN + "', type: 'cnt', value: 'pro'}, {definition_id: '" + AGE
                        + "', type: 'gt', value: 30}]", "alice"),
                fynd("OR", "[{user_attribute_definition_id: '" + PLAN + "', type: 'eq', value: 'free'}]", "bob"),
                fynd("", "[]", EVERYONE)));
        return cases.stream();
    }
}
