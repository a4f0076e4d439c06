package io.openaudience.audience.filter;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The values a compiled filter binds, collected in order while it is compiled: each {@link #bind} returns the
 * placeholder to write in the SQL, {@code ?} for JDBC or {@code $n} for the Vert.x / reactive PostgreSQL client.
 * Values are String, BigDecimal, OffsetDateTime (UTC) or Boolean; the compiler casts every placeholder to its type.
 */
public final class Params {

    private final List<Object> values = new ArrayList<>();
    private final boolean numbered;
    private final int first;

    private Params(boolean numbered, int first) {
        this.numbered = numbered;
        this.first = first;
    }

    /** JDBC placeholders ({@code ?}); bind {@link #values()} in order, e.g. with {@link #bindTo}. */
    public static Params jdbc() {
        return new Params(false, 1);
    }

    /**
     * Numbered placeholders starting at {@code $first} (so a statement can bind its own values before the filter's):
     * pass {@code Tuple.from(yourValues + values())}.
     */
    public static Params numbered(int first) {
        if (first < 1) {
            throw new IllegalArgumentException("placeholders start at $1");
        }
        return new Params(true, first);
    }

    /** Collects a value and returns its placeholder. */
    public String bind(Object value) {
        if (!(value instanceof String || value instanceof BigDecimal || value instanceof OffsetDateTime
                || value instanceof Boolean)) {
            throw new IllegalArgumentException("a filter binds String, BigDecimal, OffsetDateTime or Boolean, not "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        values.add(value);
        return numbered ? "$" + (first + values.size() - 1) : "?";
    }

    /** The values bound so far, in placeholder order. */
    public List<Object> values() {
        return Collections.unmodifiableList(values);
    }

    /** Sets the values on a JDBC statement from parameter index {@code firstIndex} on; returns the next free index. */
    public int bindTo(PreparedStatement statement, int firstIndex) throws SQLException {
        int i = firstIndex;
        for (Object v : values) {
            statement.setObject(i++, v);
        }
        return i;
    }
}
