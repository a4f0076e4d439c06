package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.openaudience.common.audience.AttributeType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property test: thousands of random GoSquared filters, Fynd conditions and nested trees of them over a random dataset;
 * each valid one selects in SQL exactly the people the in-memory evaluator selects, each invalid one is refused with a
 * FilterException (never another exception), and no SQL statement ever fails. Seed and size:
 * {@code -Dfilter.seed=… -Dfilter.cases=…}.
 */
class RandomFiltersTest {

    static final long SEED = Long.getLong("filter.seed", 20_250_601L);
    static final int CASES = Integer.getInteger("filter.cases", 4000);
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final String COMPANY = "random-co";
    static final String APP = "app-" + SEED;

    /** Every attribute type, encrypted ones too, and a slug made of SQL. */
    static final List<FilterContext.Definition> DEFINITIONS = definitions('a');
    static final FilterContext CONTEXT = FilterContext.of(COMPANY, APP, DEFINITIONS, NOW);

    static Connection db;
    static List<Person> people;

    @BeforeAll
    static void seed() throws Exception {
        db = TestDb.fresh(COMPANY);
        RandomData data = new RandomData(new Random(SEED), NOW);
        people = data.people(300, "p", DEFINITIONS);
        TestDb.definitions(db, COMPANY, APP, DEFINITIONS);
        TestDb.people(db, COMPANY, APP, people);
        // Another application of the same company with people alike: never selected.
        TestDb.people(db, COMPANY, APP + "-other", data.people(40, "q", DEFINITIONS));
    }

    /** The definitions of a test application, their ids starting with {@code prefix} (ids are global). */
    static List<FilterContext.Definition> definitions(char prefix) {
        String[] slugsAndTypes = {"plan", "string", "level", "number", "vip", "boolean", "birthday", "date", "scores",
            "number_array", "tags", "string_array", "secret", "encrypted_string", "codes", "encrypted_number_array",
            RandomData.HOSTILE, "string"};
        List<FilterContext.Definition> definitions = new ArrayList<>();
        for (int i = 0; i < slugsAndTypes.length; i += 2) {
            definitions.add(new FilterContext.Definition(prefix + String.format("%023d", i / 2 + 1), slugsAndTypes[i],
                    AttributeType.of(slugsAndTypes[i + 1]).orElseThrow()));
        }
        return definitions;
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    /** Counts of what a run saw, so a test can insist that it exercised something. */
    static final class Tally {
        int valid;
        int invalid;
        int someButNotAll;

        String summary() {
            return valid + " valid (" + someButNotAll + " selecting some but not all), " + invalid + " refused";
        }
    }

    /** How one dialect parses the JSON of a case. */
    interface Parse {
        Filter parse(JsonNode json, RandomData data) throws FilterException;
    }

    @Test
    void goSquaredFiltersAgreeWithTheEvaluator() {
        Tally tally = run(SEED + 1, "filters[", 0.7, data -> data.goSquared(people, DEFINITIONS),
                (json, data) -> GoSquaredFilters.parse(json, CONTEXT));
        System.out.println("GoSquared filters: " + tally.summary());
        assertTrue(tally.valid > CASES * 6 / 10 && tally.invalid > CASES / 50 && tally.someButNotAll > CASES / 4,
                tally.summary());
    }

    @Test
    void fyndConditionsAgreeWithTheEvaluator() {
        Tally tally = run(SEED + 2, "conditions[", 0.6, data -> data.fynd(people, DEFINITIONS), (json, data) -> {
            String type = data.chance(0.02) ? "xor" : data.chance(0.5) ? "and" : "or";
            return FyndConditions.parse(json, RandomData.NODES.textNode(type), CONTEXT);
        });
        System.out.println("Fynd conditions: " + tally.summary());
        assertTrue(tally.valid > CASES / 2 && tally.invalid > CASES / 50 && tally.someButNotAll > CASES / 4,
                tally.summary());
    }

    /**
     * Checks {@link #CASES} lists of 1 to 3 generated items ({@code single}: the share of one-item lists); a refusal
     * must name a path under {@code prefix} (or "type").
     */
    private static Tally run(long seed, String prefix, double single, Function<RandomData, JsonNode> item,
                             Parse parse) {
        RandomData data = new RandomData(new Random(seed), NOW);
        Tally tally = new Tally();
        for (int i = 0; i < CASES; i++) {
            ArrayNode json = RandomData.NODES.arrayNode();
            for (int j = data.chance(single) ? 1 : 1 + data.r.nextInt(3); j > 0; j--) {
                json.add(item.apply(data));
            }
            Filter filter;
            try {
                filter = parse.parse(json, data);
            } catch (FilterException e) {
                assertTrue(e.path().startsWith(prefix) || e.path().equals("type"), e.getMessage());
                if (Boolean.getBoolean("filter.show")) {
                    System.out.println("REFUSED " + e.getMessage());
                }
                tally.invalid++;
                continue;
            }
            agree(filter, json, tally);
        }
        return tally;
    }

    /** Trees the APIs do not build (OR of ANDs, both dialects mixed, IN lists over properties) compile right too. */
    @Test
    void nestedTreesAgreeWithTheEvaluator() throws Exception {
        RandomData data = new RandomData(new Random(SEED + 3), NOW);
        Tally tally = new Tally();
        for (int i = 0; i < CASES / 5; i++) {
            Filter tree = tree(data, 3);
            agree(tree, RandomData.NODES.textNode(tree.toString()), tally);
        }
        System.out.println("Nested trees: " + tally.summary());
        assertTrue(tally.someButNotAll > CASES / 25, tally.summary());
    }

    private Filter tree(RandomData data, int depth) {
        if (depth == 0 || data.chance(0.3)) {
            return leaf(data);
        }
        List<Filter> parts = new ArrayList<>();
        int n = data.r.nextInt(4);
        for (int i = 0; i < n; i++) {
            parts.add(tree(data, depth - 1));
        }
        return data.chance(0.5) ? new Filter.All(parts) : new Filter.Any(parts);
    }

    private Filter leaf(RandomData data) {
        while (true) {
            try {
                if (data.chance(0.15)) {
                    List<Filter.Test> options = new ArrayList<>();
                    for (int i = 0; i < 1 + data.r.nextInt(3); i++) {
                        options.add(new Filter.Text(Filter.TextOp.EQUALS, data.text()));
                    }
                    if (data.chance(0.5)) {
                        options.add(new Filter.Number(Filter.Cmp.EQ, data.decimal()));
                    }
                    return new Filter.Leaf(new Filter.Property(data.pick(RandomData.KEYS)),
                            new Filter.OneOf(options), data.chance(0.3));
                }
                if (data.chance(0.5)) {
                    return GoSquaredFilters.parse(RandomData.NODES.arrayNode().add(data.goSquared(people,
                            DEFINITIONS)), CONTEXT);
                }
                return FyndConditions.parse(RandomData.NODES.arrayNode().add(data.fynd(people, DEFINITIONS)),
                        null, CONTEXT);
            } catch (FilterException e) {
                // Only valid leaves make trees.
            }
        }
    }

    private static void agree(Filter filter, JsonNode source, Tally tally) {
        Evaluator evaluator = new Evaluator(NOW);
        Set<String> expected = people.stream().filter(p -> evaluator.matches(filter, p)).map(p -> p.userId)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> actual;
        try {
            actual = new TreeSet<>(TestDb.select(db, filter, CONTEXT));
        } catch (SQLException e) {
            fail("SQL failed for " + source + "\n" + FilterSql.where(filter, CONTEXT, Params.jdbc()) + "\n" + e);
            return;
        }
        if (!expected.equals(actual)) {
            Set<String> onlySql = new LinkedHashSet<>(actual);
            onlySql.removeAll(expected);
            Set<String> onlyEvaluator = new LinkedHashSet<>(expected);
            onlyEvaluator.removeAll(actual);
            String example = people.stream().filter(p -> onlySql.contains(p.userId)
                    || onlyEvaluator.contains(p.userId)).findFirst().map(p -> p.userId + " " + p.properties + " "
                    + p.attributes + " " + p.events).orElse("");
            fail("SQL and evaluator differ for " + source + "\nfilter " + filter + "\nonly SQL " + onlySql
                    + "\nonly evaluator " + onlyEvaluator + "\ne.g. " + example);
        }
        tally.valid++;
        if (!expected.isEmpty() && expected.size() < people.size()) {
            tally.someButNotAll++;
        }
    }
}
