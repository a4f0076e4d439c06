package io.openaudience.audience.filter;

import io.openaudience.audience.filter.Filter.Cmp;
import io.openaudience.audience.filter.Filter.Span;
import io.openaudience.audience.filter.Filter.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Compiles a {@link Filter} to a PostgreSQL boolean expression over {@code audience.app_user u}. Every value, JSON key,
 * event name and definition id goes through {@link Params}; the SQL text holds only the compiler's own constants.
 * Stored JSON values of any type are read with {@code jsonb_typeof} guards, so no stored value raises a cast error.
 */
public final class FilterSql {

    private static final String NUMBER_RE = literal(Values.NUMBER_RE);
    private static final String BLANKS = "E' \\t\\r\\n'";
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

    private final FilterContext context;
    private final Params params;
    private int aliases;

    private FilterSql(FilterContext context, Params params) {
        this.context = context;
        this.params = params;
    }

    /**
     * The expression that is true exactly for the people of the context's tenant that pass the filter, its values
     * bound to {@code params}; use it as {@code SELECT … FROM audience.app_user u WHERE <expression>}.
     */
    public static String where(Filter filter, FilterContext context, Params params) {
        FilterSql sql = new FilterSql(context, params);
        return "u.company_id = " + sql.text(context.companyId()) + " AND u.application_id = "
                + sql.text(context.applicationId()) + " AND " + sql.node(filter);
    }

    private String node(Filter f) {
        if (f instanceof Filter.All all) {
            return join(all.parts(), " AND ", "TRUE");
        }
        if (f instanceof Filter.Any any) {
            return join(any.parts(), " OR ", "FALSE");
        }
        return leaf((Filter.Leaf) f);
    }

    private String join(List<Filter> parts, String op, String empty) {
        if (parts.isEmpty()) {
            return empty;
        }
        List<String> sql = new ArrayList<>();
        for (Filter part : parts) {
            sql.add(node(part));
        }
        return "(" + String.join(op, sql) + ")";
    }

    private String leaf(Filter.Leaf leaf) {
        Filter.Source source = leaf.source();
        Test test = leaf.test();
        if (source instanceof Filter.Event event) {
            return event(event, test, leaf.negated());
        }
        if (source instanceof Filter.Attribute attribute) {
            String a = "fa" + ++aliases;
            // definition_id is CHAR(24): compared as bpchar, not text, so that its index serves.
            String exists = "EXISTS (SELECT 1 FROM audience.user_attribute " + a + " WHERE " + a
                    + ".user_pk = u.id AND " + a + ".definition_id = CAST(" + params.bind(attribute.definitionId())
                    + " AS bpchar) AND " + json(() -> a + ".value", test) + ")";
            return leaf.negated() ? "NOT " + exists : exists;
        }
        String positive;
        if (source instanceof Filter.Property property) {
            positive = json(() -> "(u.properties -> " + text(property.key()) + ")", test);
        } else {
            positive = column(((Filter.Column) source).column(), test);
        }
        // A person without the value passes a negated test: NULL (no value) counts as not passing the positive one.
        return leaf.negated() ? "(" + positive + ") IS NOT TRUE" : "(" + positive + ")";
    }

    private String column(Filter.PersonColumn column, Test test) {
        String c = column.sql();
        if (test instanceof Filter.Defined) {
            return c + " IS NOT NULL";
        }
        if (test instanceof Filter.Text t && column.kind() == Filter.PersonColumn.Kind.TEXT) {
            return textTest(c, t);
        }
        return column.kind() == Filter.PersonColumn.Kind.NUMBER ? wholeNumbers(c, test) : compare(c, test, false);
    }

    /**
     * A test on a JSON value ({@code v} renders it anew each time, binding its own parameters), dispatched on its JSON
     * type so each branch reads it only as that type can be read; an array passes when one of its elements does,
     * tested by the functions of V30 (a subquery over the elements would be a correlated SubPlan, which keeps the
     * whole scan out of parallel plans).
     */
    private String json(Supplier<String> v, Test test) {
        if (test instanceof Filter.Defined) {
            return "jsonb_typeof(" + v.get() + ") <> 'null'";
        }
        StringBuilder sql = new StringBuilder("CASE jsonb_typeof(").append(v.get()).append(") WHEN 'array' THEN ")
                .append(elements(v, test));
        for (String type : new String[]{"string", "number", "boolean"}) {
            String branch = scalar(v, type, test);
            if (branch != null) {
                sql.append(" WHEN '").append(type).append("' THEN ").append(branch);
            }
        }
        return sql.append(" END").toString();
    }

    /** A test on a JSON scalar of the given type; null when no value of that type can pass. */
    private String scalar(Supplier<String> v, String type, Test test) {
        if (test instanceof Filter.Text t) {
            return textTest(v.get() + " #>> '{}'", t);
        }
        if (test instanceof Filter.Number || test instanceof Filter.NumberRange) {
            String n = numberOf(v, type);
            return n == null ? null : compare(n, test, true);
        }
        if (test instanceof Filter.Time || test instanceof Filter.TimeRange) {
            return type.equals("string") ? compare(instantOf(v), test, true) : null;
        }
        if (test instanceof Filter.Bool b) {
            String x = boolOf(v, type);
            return x == null ? null : x + " = " + bool(b.value());
        }
        if (test instanceof Filter.Loose loose) {
            StringBuilder sql = new StringBuilder("(lower(" + v.get() + " #>> '{}') = lower(" + text(loose.text())
                    + ")");
            String n = loose.number() == null ? null : numberOf(v, type);
            if (n != null) {
                sql.append(" OR ").append(n).append(" = ").append(number(loose.number()));
            }
            if (loose.date() != null && type.equals("string")) {
                sql.append(" OR ").append(compare(instantOf(v), new Filter.Time(Cmp.EQ, loose.date()), true));
            }
            return sql.append(")").toString();
        }
        if (test instanceof Filter.OneOf oneOf) {
            return oneOf(v, type, oneOf.options());
        }
        throw new IllegalArgumentException("a JSON value cannot take " + test);
    }

    /**
     * Fynd {@code in}: an IN list where the options are texts, numbers or booleans; else one test per option. (The
     * value is rendered before the options: JDBC placeholders bind in the order they stand.)
     */
    private String oneOf(Supplier<String> v, String type, List<Test> options) {
        List<String> list = new ArrayList<>();
        if (options.stream().allMatch(o -> o instanceof Filter.Text t && t.op() == Filter.TextOp.EQUALS)) {
            String value = "lower(" + v.get() + " #>> '{}') IN (";
            options.forEach(o -> list.add("lower(" + text(((Filter.Text) o).value()) + ")"));
            return value + String.join(", ", list) + ")";
        }
        if (options.stream().allMatch(o -> o instanceof Filter.Number n && n.op() == Cmp.EQ)) {
            String n = numberOf(v, type);
            if (n == null) {
                return null;
            }
            options.forEach(o -> list.add(number(((Filter.Number) o).value())));
            return n + " IN (" + String.join(", ", list) + ")";
        }
        if (options.stream().allMatch(o -> o instanceof Filter.Bool)) {
            String b = boolOf(v, type);
            if (b == null) {
                return null;
            }
            options.forEach(o -> list.add(bool(((Filter.Bool) o).value())));
            return b + " IN (" + String.join(", ", list) + ")";
        }
        if (options.stream().allMatch(o -> o instanceof Filter.Time t && t.op() == Cmp.EQ)) {
            if (!type.equals("string")) {
                return null;
            }
            // Read the instant once, not once per option.
            String value = instantOf(v) + " <@ ANY (ARRAY[";
            options.forEach(o -> list.add(range(span(((Filter.Time) o).value()))));
            return value + String.join(", ", list) + "])";
        }
        for (Test option : options) {
            String sql = scalar(v, type, option);
            if (sql != null) {
                list.add(sql);
            }
        }
        return list.isEmpty() ? null : "(" + String.join(" OR ", list) + ")";
    }

    /**
     * A test that one element of a JSON array passes, on the array's readings by the V30 functions (elements that do
     * not read so are left out): {@code value op ANY (readings)}, so the value is written first, mirrored.
     */
    private String elements(Supplier<String> v, Test test) {
        if (test instanceof Filter.Text t) {
            return "audience.filter_text_any(" + v.get() + ", '" + t.op().name().toLowerCase(java.util.Locale.ROOT) + "', "
                    + text(t.value()) + ")";
        }
        if (test instanceof Filter.Number n) {
            return number(n.value()) + " " + mirrored(n.op()) + " ANY (audience.filter_numbers(" + v.get() + "))";
        }
        if (test instanceof Filter.NumberRange r) {
            return "numrange(" + number(r.low()) + ", " + number(r.high()) + ", '[]') @> ANY (audience.filter_numbers("
                    + v.get() + "))";
        }
        if (test instanceof Filter.TimeRange r) {
            return range(new Span(r.low().from(), r.high().to())) + " @> ANY (audience.filter_instants(" + v.get()
                    + "))";
        }
        if (test instanceof Filter.Time t) {
            Span s = span(t.value());
            String value = switch (t.op()) {
                case EQ -> s.from().equals(s.to()) ? instant(s.from()) + " =" : range(s) + " @>";
                case GT -> instant(s.to()) + " <";
                case GTE -> instant(s.from()) + " <=";
                case LT -> instant(s.from()) + " >";
                case LTE -> instant(s.to()) + " >=";
            };
            return value + " ANY (audience.filter_instants(" + v.get() + "))";
        }
        if (test instanceof Filter.Bool b) {
            return bool(b.value()) + " = ANY (audience.filter_bools(" + v.get() + "))";
        }
        if (test instanceof Filter.Loose loose) {
            StringBuilder sql = new StringBuilder("(lower(" + text(loose.text()) + ") = ANY (audience.filter_texts("
                    + v.get() + "))");
            if (loose.number() != null) {
                sql.append(" OR ").append(elements(v, new Filter.Number(Cmp.EQ, loose.number())));
            }
            if (loose.date() != null) {
                sql.append(" OR ").append(elements(v, new Filter.Time(Cmp.EQ, loose.date())));
            }
            return sql.append(")").toString();
        }
        List<Test> options = ((Filter.OneOf) test).options();
        List<String> list = new ArrayList<>();
        if (options.stream().allMatch(o -> o instanceof Filter.Text t && t.op() == Filter.TextOp.EQUALS)) {
            String value = "audience.filter_texts(" + v.get() + ") && ARRAY[";
            options.forEach(o -> list.add("lower(" + text(((Filter.Text) o).value()) + ")"));
            return value + String.join(", ", list) + "]";
        }
        if (options.stream().allMatch(o -> o instanceof Filter.Number n && n.op() == Cmp.EQ)) {
            String value = "audience.filter_numbers(" + v.get() + ") && ARRAY[";
            options.forEach(o -> list.add(number(((Filter.Number) o).value())));
            return value + String.join(", ", list) + "]";
        }
        options.forEach(o -> list.add(elements(v, o)));
        return "(" + String.join(" OR ", list) + ")";
    }

    /** The operator that, with the value on its left, says what {@code cmp} says with the element on its left. */
    private static String mirrored(Cmp cmp) {
        return switch (cmp) {
            case EQ -> "=";
            case GT -> "<";
            case GTE -> "<=";
            case LT -> ">";
            case LTE -> ">=";
        };
    }

    private String range(Span s) {
        return "tstzrange(" + instant(s.from()) + ", " + instant(s.to()) + ", '[]')";
    }

    /** Case-insensitive text tests ({@code lower()} of the database's UTF-8 locale on both sides). */
    private String textTest(String expr, Filter.Text t) {
        String v = "lower(" + text(t.value()) + ")";
        String x = "lower(" + expr + ")";
        return switch (t.op()) {
            case EQUALS -> x + " = " + v;
            case CONTAINS -> "strpos(" + x + ", " + v + ") > 0";
            case STARTS -> "starts_with(" + x + ", " + v + ")";
            case ENDS -> "starts_with(reverse(" + x + "), reverse(" + v + "))";
        };
    }

    /**
     * A number or time test on an expression of type numeric or timestamptz. A range test on a {@code computed}
     * expression (a reading of JSON) is a range containment, which computes it once where BETWEEN would twice; on a
     * column it stays BETWEEN, which an index can serve. (The expression comes first: placeholders bind in order.)
     */
    private String compare(String x, Test test, boolean computed) {
        if (test instanceof Filter.Number n) {
            return x + " " + operator(n.op()) + " " + number(n.value());
        }
        if (test instanceof Filter.NumberRange r) {
            return computed ? x + " <@ numrange(" + number(r.low()) + ", " + number(r.high()) + ", '[]')"
                    : x + " BETWEEN " + number(r.low()) + " AND " + number(r.high());
        }
        if (test instanceof Filter.TimeRange r) {
            return between(x, r.low().from(), r.high().to(), computed);
        }
        if (test instanceof Filter.Time t) {
            Span s = span(t.value());
            return switch (t.op()) {
                case EQ -> s.from().equals(s.to()) ? x + " = " + instant(s.from())
                        : between(x, s.from(), s.to(), computed);
                case GT -> x + " > " + instant(s.to());
                case GTE -> x + " >= " + instant(s.from());
                case LT -> x + " < " + instant(s.from());
                case LTE -> x + " <= " + instant(s.to());
            };
        }
        throw new IllegalArgumentException("not a number or time test: " + test);
    }

    private String between(String x, Instant from, Instant to, boolean computed) {
        return computed ? x + " <@ tstzrange(" + instant(from) + ", " + instant(to) + ", '[]')"
                : x + " BETWEEN " + instant(from) + " AND " + instant(to);
    }

    /**
     * A number test on a bigint column, as bigint bounds ({@code > 2.5} is {@code >= 3}) so that the planner can use
     * the column's statistics (a numeric cast of the column would hide them); bounds past the bigint range make the
     * test constant.
     */
    private String wholeNumbers(String x, Test test) {
        BigDecimal low;
        BigDecimal high;
        if (test instanceof Filter.NumberRange r) {
            low = r.low().setScale(0, RoundingMode.CEILING);
            high = r.high().setScale(0, RoundingMode.FLOOR);
        } else {
            Filter.Number n = (Filter.Number) test;
            BigDecimal v = n.value();
            BigDecimal floor = v.setScale(0, RoundingMode.FLOOR);
            BigDecimal ceiling = v.setScale(0, RoundingMode.CEILING);
            low = switch (n.op()) {
                case EQ, GTE -> ceiling;
                case GT -> floor.add(BigDecimal.ONE);
                case LT, LTE -> null;
            };
            high = switch (n.op()) {
                case EQ, LTE -> floor;
                case LT -> ceiling.subtract(BigDecimal.ONE);
                case GT, GTE -> null;
            };
        }
        if (low != null && high != null && low.compareTo(high) > 0
                || low != null && low.compareTo(LONG_MAX) > 0 || high != null && high.compareTo(LONG_MIN) < 0) {
            return "FALSE";
        }
        String atLeast = low == null || low.compareTo(LONG_MIN) <= 0 ? null : x + " >= " + whole(low);
        String atMost = high == null || high.compareTo(LONG_MAX) >= 0 ? null : x + " <= " + whole(high);
        if (atLeast == null && atMost == null) {
            return x + " IS NOT NULL";
        }
        return atLeast == null ? atMost : atMost == null ? atLeast : atLeast + " AND " + atMost;
    }

    private String whole(BigDecimal value) {
        return "CAST(CAST(" + params.bind(value) + " AS numeric) AS bigint)";
    }

    private static String operator(Cmp cmp) {
        return switch (cmp) {
            case EQ -> "=";
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
        };
    }

    /** The moment a time test means; a relative one counts back from the context's now. */
    private Span span(Filter.When when) {
        if (when instanceof Filter.Ago ago) {
            Instant at = context.now().minus(ago.number(), ago.unit()).truncatedTo(ChronoUnit.MICROS);
            return new Span(at, at);
        }
        return (Span) when;
    }

    /**
     * Event filters read {@code person_event_stats}; a person without the event has count 0 and no first/last. The
     * form is chosen so the subquery is a semi-join (EXISTS) or an anti-join (NOT EXISTS) on the stats' keys.
     */
    private String event(Filter.Event event, Test test, boolean negated) {
        String s = "fs" + ++aliases;
        String from = "EXISTS (SELECT 1 FROM audience.person_event_stats " + s + " WHERE " + s + ".user_pk = u.id AND "
                + s + ".name = " + text(event.name()) + " AND " + s + ".company_id = " + text(context.companyId())
                + " AND " + s + ".application_id = " + text(context.applicationId());
        if (test instanceof Filter.Defined) {
            return (negated ? "NOT " : "") + from + ")";
        }
        if (event.field() == Filter.EventField.COUNT) {
            // Whether someone with no such events (count 0) passes decides between "has a row that passes" and "has
            // no row that fails".
            boolean zeroPasses = passesAtZero(test) != negated;
            String t = wholeNumbers(s + ".count", test);
            String rowTest = zeroPasses == negated ? t : "NOT (" + t + ")";
            return (zeroPasses ? "NOT " : "") + from + " AND " + rowTest + ")";
        }
        String at = s + (event.field() == Filter.EventField.FIRST ? ".first_at" : ".last_at");
        return (negated ? "NOT " : "") + from + " AND " + compare(at, test, false) + ")";
    }

    private static boolean passesAtZero(Test test) {
        if (test instanceof Filter.NumberRange r) {
            return r.low().signum() <= 0 && r.high().signum() >= 0;
        }
        Filter.Number n = (Filter.Number) test;
        int c = BigDecimal.ZERO.compareTo(n.value());
        return switch (n.op()) {
            case EQ -> c == 0;
            case GT -> c > 0;
            case GTE -> c >= 0;
            case LT -> c < 0;
            case LTE -> c <= 0;
        };
    }

    // Readings of a JSON scalar whose type is known, each NULL when it does not read so, never an error; null when a
    // scalar of that type never reads so.

    private static String numberOf(Supplier<String> v, String type) {
        return switch (type) {
            case "number" -> "CAST(" + v.get() + " AS numeric)";
            case "string" -> "CASE WHEN char_length(" + v.get() + " #>> '{}') <= " + Values.MAX_READ_LENGTH + " AND ("
                    + v.get() + " #>> '{}') ~ " + NUMBER_RE + " THEN CAST(" + v.get() + " #>> '{}' AS numeric) END";
            default -> null;
        };
    }

    private static String instantOf(Supplier<String> v) {
        return "audience.filter_instant(" + v.get() + " #>> '{}')";
    }

    private static String boolOf(Supplier<String> v, String type) {
        return switch (type) {
            case "boolean" -> "CAST(" + v.get() + " AS boolean)";
            case "string" -> "CASE lower(btrim(" + v.get() + " #>> '{}', " + BLANKS + ")) WHEN 'true' THEN TRUE "
                    + "WHEN 'false' THEN FALSE END";
            default -> null;
        };
    }

    // Parameters, each cast to its type so both JDBC and the reactive client bind it the same way.

    private String text(String value) {
        return "CAST(" + params.bind(value) + " AS text)";
    }

    private String number(BigDecimal value) {
        return "CAST(" + params.bind(value) + " AS numeric)";
    }

    private String instant(Instant value) {
        return "CAST(" + params.bind(OffsetDateTime.ofInstant(value, ZoneOffset.UTC)) + " AS timestamptz)";
    }

    private String bool(boolean value) {
        return "CAST(" + params.bind(value) + " AS boolean)";
    }

    /** A regular expression of {@link Values} as an E'' literal (read alike whatever standard_conforming_strings). */
    private static String literal(String regex) {
        return "E'" + regex.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
