package io.openaudience.audience.filter;

import io.openaudience.common.audience.AttributeType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A parsed filter over the people of one application: a tree of {@link All} / {@link Any} over {@link Leaf} tests,
 * each test on one value of a person (a column, a property, an attribute value or the stats of an event). GoSquared
 * filters and Fynd conditions both parse into it, and {@link FilterSql} compiles it.
 */
public sealed interface Filter {

    /** Every part holds (GoSquared filters; Fynd {@code "and"}); no parts = everyone. */
    record All(List<Filter> parts) implements Filter {
        public All {
            parts = List.copyOf(parts);
        }
    }

    /** At least one part holds (Fynd {@code "or"}); no parts = no one. */
    record Any(List<Filter> parts) implements Filter {
        public Any {
            parts = List.copyOf(parts);
        }
    }

    /**
     * The person's value of {@code source} passes {@code test}; {@code negated}: it does not (a person without a value
     * passes every negated test). A JSON array value passes when one of its elements does.
     */
    record Leaf(Source source, Test test, boolean negated) implements Filter {
    }

    /** Where a person's value comes from. */
    sealed interface Source {
    }

    /** A column of {@code app_user}. */
    record Column(PersonColumn column) implements Source {
    }

    /** A key of {@code app_user.properties} (GoSquared {@code custom.<key>} without an attribute definition). */
    record Property(String key) implements Source {
    }

    /** The person's value of an attribute definition ({@code user_attribute}). */
    record Attribute(String definitionId, AttributeType type) implements Source {
    }

    /** The person's stats of the events with this name ({@code person_event_stats}); no events = count 0. */
    record Event(String name, EventField field) implements Source {
    }

    /** The GoSquared person paths stored in columns, with what their values are. */
    enum PersonColumn {
        USER_ID("id", Kind.TEXT, "u.user_id"),
        NAME("name", Kind.TEXT, "u.name"),
        FIRST_NAME("first_name", Kind.TEXT, "u.first_name"),
        LAST_NAME("last_name", Kind.TEXT, "u.last_name"),
        EMAIL("email", Kind.TEXT, "u.email_key"),
        PHONE("phone", Kind.TEXT, "u.phone_key"),
        CREATED_AT("created_at", Kind.DATE, "COALESCE(u.signed_up_at, u.created_at)"),
        LAST_SEEN("last.seen", Kind.DATE, "u.last_seen_at"),
        FIRST_SEEN("first.seen", Kind.DATE, "u.first_seen_at"),
        TOTAL_VISITS("totals.visits", Kind.NUMBER, "u.total_visits"),
        TOTAL_EVENTS("totals.events", Kind.NUMBER, "u.total_events");

        /** What the values of a column are. */
        public enum Kind {
            TEXT, DATE, NUMBER
        }

        private final String path;
        private final Kind kind;
        private final String sql;

        PersonColumn(String path, Kind kind, String sql) {
            this.path = path;
            this.kind = kind;
            this.sql = sql;
        }

        /** The GoSquared filter path ({@code last.seen}). */
        public String path() {
            return path;
        }

        public Kind kind() {
            return kind;
        }

        /** The column expression over {@code app_user u}. */
        public String sql() {
            return sql;
        }
    }

    /** Which stat of an event a filter reads. */
    enum EventField {
        COUNT, FIRST, LAST
    }

    /** What a value must satisfy. */
    sealed interface Test {
    }

    /** Comparisons of numbers and instants. */
    enum Cmp {
        EQ, GT, GTE, LT, LTE
    }

    /** The person has a value (not null). */
    record Defined() implements Test {
    }

    /** Case-insensitive text tests. */
    enum TextOp {
        EQUALS, CONTAINS, STARTS, ENDS
    }

    /** The value's text (a string, a number's plain decimal text, true/false) compared case-insensitively. */
    record Text(TextOp op, String value) implements Test {
    }

    /** The value read as a number (a JSON number or a numeric string) compared with {@code value}. */
    record Number(Cmp op, BigDecimal value) implements Test {
    }

    /** The value read as a number lies in {@code [low, high]}. */
    record NumberRange(BigDecimal low, BigDecimal high) implements Test {
        public NumberRange {
            if (low.compareTo(high) > 0) {
                throw new IllegalArgumentException("empty range " + low + " > " + high);
            }
        }
    }

    /** The value read as an instant compared with {@code value}. */
    record Time(Cmp op, When value) implements Test {
    }

    /** The value read as an instant lies between the start of {@code low} and the end of {@code high}. */
    record TimeRange(Span low, Span high) implements Test {
        public TimeRange {
            if (low.from().isAfter(high.to())) {
                throw new IllegalArgumentException("empty range " + low.from() + " > " + high.to());
            }
        }
    }

    /** The value read as a boolean (JSON true/false, or the strings "true"/"false") equals {@code value}. */
    record Bool(boolean value) implements Test {
    }

    /**
     * GoSquared {@code =} on a custom path: the value's text equals {@code text} case-insensitively, or it reads as a
     * number equal to {@code number}, or as an instant within {@code date} (each when the filter value reads so).
     */
    record Loose(String text, BigDecimal number, Span date) implements Test {
    }

    /** Fynd {@code in}: the value passes one of {@code options}, each an equality ({@link Text}, {@link Number}…). */
    record OneOf(List<Test> options) implements Test {
        public OneOf {
            options = List.copyOf(options);
        }
    }

    /** A moment a time test compares with. */
    sealed interface When {
    }

    /**
     * A closed interval of instants (microsecond precision): a date-time is the point {@code [t, t]}, a date alone its
     * whole UTC day. {@code =} is "within", {@code >} "after the end", {@code <} "before the start".
     */
    record Span(Instant from, Instant to) implements When {
        public Span {
            if (from.isAfter(to)) {
                throw new IllegalArgumentException("empty span " + from + " > " + to);
            }
        }
    }

    /** Now minus {@code number} {@code unit}s (GoSquared {@code direction: "past"}), resolved when compiled. */
    record Ago(long number, ChronoUnit unit) implements When {
    }
}
