package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.filter.Filter.Span;
import io.openaudience.common.text.TextRules;

import java.math.BigDecimal;

/** Reading the members of filter JSON with errors that name the member and show the bad value. */
final class Json {

    /** Longest text a filter may compare with (as long as the longest attribute string). */
    static final int MAX_VALUE_LENGTH = 4096;
    private static final int SHOWN = 80;

    private Json() {
    }

    /** Whether the member is there and not null. */
    static boolean present(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v != null && !v.isNull();
    }

    /** A required string member. */
    static String text(JsonNode object, String field, String at) throws FilterException {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            throw new FilterException(at + "." + field, "is required");
        }
        if (!v.isTextual()) {
            throw new FilterException(at + "." + field, "must be a string, got " + show(v));
        }
        return v.textValue();
    }

    /** Refuses text PostgreSQL cannot take or that is too long (NUL, other C0 controls, unpaired surrogates). */
    static void checkText(String text, int max, String at) throws FilterException {
        String problem = TextRules.problem(text, max);
        if (problem != null) {
            throw new FilterException(at, problem);
        }
    }

    /** A string in quotes for a message, cut short. */
    static String quote(String s) {
        return "\"" + (s.length() > SHOWN ? s.substring(0, SHOWN) + "…" : s) + "\"";
    }

    /** A JSON value for a message, cut short. */
    static String show(JsonNode v) {
        String s = v.isTextual() ? quote(v.textValue()) : v.toString();
        return s.length() > SHOWN + 2 ? s.substring(0, SHOWN) + "…" : s;
    }

    /** {@code [low, high]} of numbers (errors named {@code at[0]}, {@code at[1]}), refusing low above high. */
    static Filter.Test numberRange(JsonNode range, String at) throws FilterException {
        BigDecimal low = number(range.get(0), at + "[0]");
        BigDecimal high = number(range.get(1), at + "[1]");
        if (low.compareTo(high) > 0) {
            throw new FilterException(at, "the range starts after it ends: " + low.toPlainString() + " > "
                    + high.toPlainString());
        }
        return new Filter.NumberRange(low, high);
    }

    /** From the start of {@code [0]} to the end of {@code [1]}, refusing a range that ends before it starts. */
    static Filter.Test timeRange(JsonNode range, String at) throws FilterException {
        Span low = date(range.get(0), at + "[0]");
        Span high = date(range.get(1), at + "[1]");
        if (low.from().isAfter(high.to())) {
            throw new FilterException(at, "the range starts after it ends: " + low.from() + " > " + high.to());
        }
        return new Filter.TimeRange(low, high);
    }

    /** A number (JSON or a numeric string) a filter compares with. */
    static BigDecimal number(JsonNode value, String at) throws FilterException {
        BigDecimal n = Values.number(value);
        if (n == null) {
            throw new FilterException(at, "must be a number, got " + show(value));
        }
        return n;
    }

    /** A date or date-time string a filter compares with. */
    static Span date(JsonNode value, String at) throws FilterException {
        Span d = value.isTextual() ? Values.date(value.textValue()) : null;
        if (d == null) {
            throw new FilterException(at, "must be an ISO-8601 date (2024-05-01 or 2024-05-01T10:00:00Z), got "
                    + show(value));
        }
        return d;
    }
}
