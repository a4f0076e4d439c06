package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.AttributeType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators of people (properties of every JSON type, odd strings included), typed and odd attribute values,
 * event stats, and of GoSquared filters and Fynd conditions, valid and invalid, whose values often hit the data.
 */
final class RandomData {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String HOSTILE = "'; DROP TABLE audience.app_user; --";

    static final String[] TEXTS = {"", " ", "pro", "Pro", "PRO", "pro plus", "free", "42", " 42 ", "042", "4.2e1",
        "-0", "+.5", "5.", ".5e-3", "1e999", "1e-999", "1e1000", "1.5E+3", "--1", "1,5", "abc", "2024-05-01",
        "2024-05-01T10:00:00Z", "2024-05-01t10:00z", " 2024-05-01T10:00:00.1234567+05:30 ", "2024-02-30",
        "2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01T00:00:00-15:59", "9999-12-31T23:59:59.999999+15:59",
        "2024-05-01T24:00:00Z", "2024-05-01T10:00:00+16:00", "2024-05-01 10:00:00Z", "2024-13-01", "20240501",
        "ÉCOLE", "école", "İstanbul", "istanbul", "straße", "STRASSE", "ΣΊΣΥΦΟΣ", "σίσυφος", "日本語", "emoji 😀",
        "😀", "a%b_c", "%", "_", "it's", "back\\slash", "tab\there", "line\nbreak", "true", "FALSE", " true ",
        "trueish", "null", HOSTILE, "?", "$1", "\u212a", "\u017f", "Ǆ", "ǅ"};
    static final String[] KEYS = {"plan", "age", "score", "signup", "tags", "flag", "nested", "empty", "späť", "a.b",
        "it's", HOSTILE, "x?y", "$1", "level"};
    static final String[] EVENTS = {"pageview", "purchase", "signup", "Pageview", "' OR 1=1 --"};

    final Random r;
    final Instant now;

    RandomData(Random r, Instant now) {
        this.r = r;
        this.now = now;
    }

    <T> T pick(T[] values) {
        return values[r.nextInt(values.length)];
    }

    <T> T pick(List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    boolean chance(double p) {
        return r.nextDouble() < p;
    }

    /** An instant near now (microseconds), sometimes exactly N days or hours ago (the boundaries of relative dates). */
    Instant instant() {
        if (chance(0.15)) {
            return now.minus(r.nextInt(40), chance(0.5) ? ChronoUnit.DAYS : ChronoUnit.HOURS);
        }
        return now.minus((long) (r.nextDouble() * 400 * 86_400_000_000L), ChronoUnit.MICROS);
    }

    /** A date-ish string: the day, the instant, or the instant with an offset, of a time near now. */
    String dateText() {
        Instant at = chance(0.3) ? now.minus(r.nextInt(40), ChronoUnit.DAYS) : instant();
        return switch (r.nextInt(4)) {
            case 0 -> at.toString().substring(0, 10);
            case 1 -> at.toString();
            case 2 -> OffsetDateTime.ofInstant(at, ZoneOffset.ofHoursMinutes(5, 30))
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            default -> AttributeRules.formatDate(at);
        };
    }

    BigDecimal decimal() {
        return switch (r.nextInt(6)) {
            case 0 -> BigDecimal.valueOf(r.nextInt(201) - 100);
            case 1 -> BigDecimal.valueOf(r.nextInt(20001) - 10000, 2);
            case 2 -> BigDecimal.valueOf(r.nextInt(50));
            case 3 -> new BigDecimal(pick(new String[]{"1E+20", "1E-7", "0.1", "-0.0", "1E+999", "12.50", "7.5"}));
            default -> BigDecimal.valueOf(r.nextInt(10));
        };
    }

    String text() {
        return switch (r.nextInt(5)) {
            case 0 -> dateText();
            case 1 -> decimal().toPlainString();
            default -> pick(TEXTS);
        };
    }

    JsonNode scalar() {
        return switch (r.nextInt(8)) {
            case 0, 1 -> NODES.numberNode(decimal());
            case 2 -> NODES.booleanNode(r.nextBoolean());
            default -> NODES.textNode(text());
        };
    }

    /** Any JSON value a client might store in a property. */
    JsonNode value() {
        int k = r.nextInt(20);
        if (k == 0) {
            return NODES.nullNode();
        }
        if (k == 1) {
            ObjectNode o = NODES.objectNode();
            o.set("a", scalar());
            return o;
        }
        if (k <= 4) {
            ArrayNode a = NODES.arrayNode();
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                a.add(chance(0.1) ? NODES.arrayNode().add(scalar()) : chance(0.05) ? NODES.nullNode() : scalar());
            }
            return a;
        }
        return scalar();
    }

    /** A value of a definition: usually what AttributeRules stores, sometimes something an older writer left. */
    JsonNode attributeValue(AttributeType type) {
        if (chance(0.08)) {
            return value();
        }
        if (type.array()) {
            ArrayNode a = NODES.arrayNode();
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                a.add(typed(type.kind()));
            }
            return a;
        }
        return typed(type.kind());
    }

    private JsonNode typed(AttributeType.Kind kind) {
        return switch (kind) {
            case NUMBER -> NODES.numberNode(decimal());
            case STRING -> NODES.textNode(pick(TEXTS));
            case BOOLEAN -> NODES.booleanNode(r.nextBoolean());
            case DATE -> NODES.textNode(AttributeRules.formatDate(instant()));
        };
    }

    String maybe(String value) {
        return chance(0.2) ? null : value;
    }

    List<Person> people(int n, String tag, List<FilterContext.Definition> definitions) {
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode props = NODES.objectNode();
            for (String key : KEYS) {
                if (chance(0.4)) {
                    props.set(key, value());
                }
            }
            Person p = new Person(tag + i + (chance(0.2) ? pick(TEXTS) : ""), props, instant());
            p.name = maybe(pick(TEXTS) + (chance(0.5) ? " " + pick(TEXTS) : ""));
            p.firstName = maybe(pick(TEXTS));
            p.lastName = maybe(pick(TEXTS));
            p.emailKey = maybe(tag + i + "." + pick(new String[]{"pro", "Free", "x"}) + "@example.com");
            p.phoneKey = maybe(pick(new String[]{"44", "91", "1"}) + (7_000_000 + i * 7919L % 1_000_000) + i);
            p.signedUpAt = chance(0.5) ? instant() : null;
            p.firstSeenAt = chance(0.7) ? instant() : null;
            p.lastSeenAt = chance(0.8) ? instant() : null;
            p.totalVisits = r.nextInt(30);
            p.totalEvents = r.nextInt(100);
            for (FilterContext.Definition d : definitions) {
                if (chance(0.5)) {
                    p.attributes.put(d.id(), new Person.Value(attributeValue(d.type()), d.type().encrypted()));
                }
            }
            for (String name : EVENTS) {
                if (chance(0.4)) {
                    Instant a = instant();
                    Instant b = instant();
                    p.events.put(name, new Person.Stats(chance(0.05) ? 0 : 1 + r.nextInt(25),
                            a.isBefore(b) ? a : b, a.isBefore(b) ? b : a));
                }
            }
            people.add(p);
        }
        return people;
    }

    // Filters. Values come from the pools, and often from the data itself, so that filters match someone.

    static final String[] GS_OPERATORS = {"=", "!=", "contains", "!contains", "starts", "ends", ">", "<", "><",
        "defined", "!defined"};
    static final String[] PATHS = {"id", "name", "first_name", "last_name", "email", "phone", "created_at",
        "last.seen", "first.seen", "totals.visits", "totals.events"};
    static final String[] FYND_OPERATORS = {"eq", "ne", "gt", "lt", "gte", "lte", "cnt", "nct", "is", "nis", "sw",
        "ew", "btw", "in", "nin"};

    /** A scalar a filter compares with: from the pools, or read off a person of the dataset. */
    JsonNode filterScalar(List<Person> people) {
        if (chance(0.35) && !people.isEmpty()) {
            Person p = pick(people);
            List<JsonNode> seen = new ArrayList<>();
            p.properties.forEach(v -> collect(v, seen));
            p.attributes.values().forEach(v -> collect(v.json(), seen));
            seen.add(NODES.textNode(p.userId));
            if (p.name != null) {
                seen.add(NODES.textNode(p.name.length() > 3 ? p.name.substring(r.nextInt(3)) : p.name));
            }
            if (p.lastSeenAt != null) {
                seen.add(NODES.textNode(p.lastSeenAt.toString()));
            }
            return pick(seen);
        }
        return scalar();
    }

    private static void collect(JsonNode v, List<JsonNode> into) {
        if (v.isArray()) {
            v.forEach(e -> collect(e, into));
        } else if (v.isValueNode() && !v.isNull()) {
            into.add(v);
        }
    }

    /** Mostly a fitting value for the operator; sometimes a wrong shape. */
    JsonNode gsValue(String operator, List<Person> people, char family) {
        if (chance(0.04)) {
            return pick(new JsonNode[]{NODES.nullNode(), NODES.objectNode(), NODES.arrayNode(),
                NODES.arrayNode().add(1).add(2).add(3), NODES.textNode("x\u0000y")});
        }
        if (operator.equals("><")) {
            ArrayNode range = NODES.arrayNode();
            if (family == 'n' || family != 'd' && chance(0.5)) {
                BigDecimal a = decimal();
                BigDecimal b = decimal();
                boolean swap = a.compareTo(b) > 0 && chance(0.9);
                range.add(NODES.numberNode(swap ? b : a)).add(NODES.numberNode(swap ? a : b));
            } else {
                String a = dateText();
                String b = dateText();
                boolean swap = Values.date(a).from().isAfter(Values.date(b).to()) && chance(0.9);
                range.add(swap ? b : a).add(swap ? a : b);
            }
            return chance(0.05) ? range.add(1) : range;
        }
        if (operator.equals(">") || operator.equals("<")) {
            return chance(0.5) ? NODES.numberNode(decimal()) : chance(0.8) ? NODES.textNode(dateText())
                    : filterScalar(people);
        }
        return filterScalar(people);
    }

    ObjectNode goSquared(List<Person> people, List<FilterContext.Definition> definitions) {
        ObjectNode f = NODES.objectNode();
        // What the path holds: d(ate), n(umber), t(ext) or c(ustom); operators and values mostly fit it.
        char family;
        if (chance(0.15)) {
            f.put("key", "event");
            f.put("name", chance(0.02) ? "" : pick(EVENTS));
            String field = chance(0.02) ? "sum" : pick(new String[]{"count", "first", "last"});
            f.put("field", field);
            family = field.equals("count") ? 'n' : 'd';
        } else {
            f.put("key", chance(0.01) ? "person" : "property");
            String path = switch (r.nextInt(10)) {
                case 0, 1, 2, 3 -> pick(PATHS);
                case 4 -> "custom." + pick(definitions).slug();
                default -> chance(0.02) ? pick(new String[]{"custom.", "foo", "custom", "last_seen", "", "Email"})
                        : "custom." + pick(KEYS);
            };
            f.put("path", path);
            family = path.endsWith("_at") || path.endsWith(".seen") ? 'd' : path.startsWith("totals.") ? 'n'
                    : path.startsWith("custom.") ? 'c' : 't';
        }
        String[] fitting = switch (family) {
            case 'd', 'n' -> new String[]{"=", "!=", ">", "<", "><", "defined", "!defined"};
            case 't' -> new String[]{"=", "!=", "contains", "!contains", "starts", "ends", "defined", "!defined"};
            default -> GS_OPERATORS;
        };
        String operator = chance(0.02) ? pick(new String[]{"==", "in", "eq", ""})
                : chance(0.05) ? pick(GS_OPERATORS) : pick(fitting);
        f.put("operator", operator);
        boolean relative = (family == 'd' || family == 'c') && chance(0.3) || chance(0.02);
        if (operator.equals("defined") || operator.equals("!defined")) {
            if (chance(0.3)) {
                f.set("value", filterScalar(people));
            }
        } else if (relative) {
            if (chance(0.97)) {
                f.put("direction", "past");
            } else if (chance(0.5)) {
                f.put("direction", "future");
            }
            f.set("number", chance(0.04) ? pick(new JsonNode[]{NODES.numberNode(-1), NODES.numberNode(1.5),
                NODES.textNode("7"), NODES.numberNode(1_000_000_000)}) : NODES.numberNode(r.nextInt(40)));
            f.put("period", chance(0.02) ? "weeks" : chance(0.5) ? "days" : "hours");
        } else if (chance(0.99)) {
            f.set("value", switch (family) {
                case 'd' -> operator.equals("><") ? gsValue(operator, people, 'd')
                        : NODES.textNode(chance(0.95) ? dateText() : text());
                case 'n' -> operator.equals("><") ? gsValue(operator, people, 'n')
                        : chance(0.8) ? NODES.numberNode(decimal()) : NODES.textNode(decimal().toPlainString());
                default -> gsValue(operator, people, family);
            });
        }
        return f;
    }

    JsonNode fyndValue(String operator, AttributeType.Kind kind, List<Person> people) {
        if (chance(0.05)) {
            return chance(0.5) ? filterScalar(people) : pick(new JsonNode[]{NODES.nullNode(), NODES.objectNode(),
                NODES.arrayNode()});
        }
        switch (operator) {
            case "btw" -> {
                JsonNode a = fyndScalar(kind, people);
                JsonNode b = fyndScalar(kind, people);
                if (chance(0.2) && kind != AttributeType.Kind.STRING) {
                    return NODES.textNode(a.asText() + "," + b.asText());
                }
                ArrayNode range = NODES.arrayNode().add(a).add(b);
                return chance(0.05) ? range.add(a) : range;
            }
            case "in", "nin" -> {
                int n = chance(0.02) ? 101 : 1 + r.nextInt(5);
                ArrayNode list = NODES.arrayNode();
                for (int i = 0; i < n; i++) {
                    list.add(fyndScalar(kind, people));
                }
                if (chance(0.15)) {
                    List<String> parts = new ArrayList<>();
                    list.forEach(v -> parts.add(v.asText()));
                    return NODES.textNode(String.join(",", parts));
                }
                return list;
            }
            default -> {
                return fyndScalar(kind, people);
            }
        }
    }

    private JsonNode fyndScalar(AttributeType.Kind kind, List<Person> people) {
        if (chance(kind == AttributeType.Kind.STRING ? 0.4 : 0.1)) {
            return filterScalar(people);
        }
        return switch (kind) {
            case NUMBER -> chance(0.8) ? NODES.numberNode(decimal()) : NODES.textNode(decimal().toPlainString());
            case STRING -> NODES.textNode(text());
            case BOOLEAN -> chance(0.7) ? NODES.booleanNode(r.nextBoolean()) : NODES.textNode(pick(new String[]{
                "true", "FALSE", " True ", "yes"}));
            case DATE -> NODES.textNode(chance(0.95) ? dateText() : text());
        };
    }

    ObjectNode fynd(List<Person> people, List<FilterContext.Definition> definitions) {
        ObjectNode c = NODES.objectNode();
        FilterContext.Definition d = pick(definitions);
        if (d.type().encrypted() && chance(0.7)) {
            d = definitions.get(0);
        }
        String id = chance(0.02) ? "000000000000000000000000" : d.id();
        c.put(chance(0.1) ? "user_attribute_definition_id" : "definition_id", id);
        String[] fitting = switch (d.type().kind()) {
            case NUMBER, DATE -> new String[]{"eq", "ne", "gt", "lt", "gte", "lte", "btw", "in", "nin", "is", "nis"};
            case STRING -> new String[]{"eq", "ne", "cnt", "nct", "sw", "ew", "in", "nin", "is", "nis"};
            case BOOLEAN -> new String[]{"eq", "ne", "in", "nin", "is", "nis"};
        };
        String operator = chance(0.02) ? pick(new String[]{"=", "contains", "EQ", ""})
                : chance(0.05) ? pick(FYND_OPERATORS) : pick(fitting);
        c.put("type", operator);
        if (!operator.equals("is") && !operator.equals("nis") || chance(0.3)) {
            if (chance(0.98)) {
                c.set("value", fyndValue(operator, d.type().kind(), people));
            }
        }
        if (chance(0.05)) {
            c.put("key", d.slug());
        }
        return c;
    }
}
