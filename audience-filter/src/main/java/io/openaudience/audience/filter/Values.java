package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the filter engine reads a value as a number, an instant or text: the Java side of the rules the compiled SQL
 * applies to stored values (the same regular expressions stand in {@link FilterSql} and in
 * {@code V30__filter_functions.sql}), used here for the values a filter compares with.
 */
final class Values {

    /** Longest string that may read as a number or a date. */
    static final int MAX_READ_LENGTH = 64;
    /** A plain decimal number between optional spaces, tabs, CRs and LFs; digits are ASCII only. */
    static final String NUMBER_RE = "^[ \\t\\r\\n]*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?"
            + "[ \\t\\r\\n]*$";
    /** {@code yyyy-MM-dd}, optionally {@code THH:mm[:ss[.fraction]]} with {@code Z} or {@code ±HH:mm}. */
    static final String DATE_RE = "^[ \\t\\r\\n]*([0-9]{4})-([0-9]{2})-([0-9]{2})"
            + "([Tt]([0-9]{2}):([0-9]{2})(:([0-9]{2})(\\.([0-9]{1,9}))?)?([Zz]|([+-])([0-9]{2}):([0-9]{2})))?"
            + "[ \\t\\r\\n]*$";
    private static final Pattern NUMBER = Pattern.compile(NUMBER_RE);
    private static final Pattern DATE = Pattern.compile(DATE_RE);
    /** Filter numbers must fit PostgreSQL's numeric with room to spare. */
    private static final int MAX_DIGITS = 1000;

    private Values() {
    }

    /** A string as a number under {@link #NUMBER_RE} (at most 64 characters); null if it is not one. */
    static BigDecimal number(String s) {
        if (s.length() > MAX_READ_LENGTH || !NUMBER.matcher(s).matches()) {
            return null;
        }
        return new BigDecimal(s.strip());
    }

    /** A JSON number, or a string that reads as one; null otherwise or when out of range. */
    static BigDecimal number(JsonNode v) {
        BigDecimal n = null;
        if (v.isNumber()) {
            n = v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue()) ? null : v.decimalValue();
        } else if (v.isTextual()) {
            n = number(v.textValue());
        }
        return n != null && inRange(n) ? n : null;
    }

    static boolean inRange(BigDecimal n) {
        return n.scale() <= MAX_DIGITS && n.precision() - n.scale() <= MAX_DIGITS;
    }

    /**
     * A string as a span of time under {@link #DATE_RE}: a date-time is the point it names (fractions beyond
     * microseconds dropped), a date alone its whole UTC day; null if it is neither, or names no real moment (month 13,
     * February 30, hour 24, year 0, an offset beyond ±15:59).
     */
    static Filter.Span date(String s) {
        if (s.length() > MAX_READ_LENGTH) {
            return null;
        }
        Matcher m = DATE.matcher(s);
        if (!m.matches()) {
            return null;
        }
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        Instant midnight = LocalDate.of(year, month, day).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (m.group(4) == null) {
            return new Filter.Span(midnight, midnight.plus(1, ChronoUnit.DAYS).minus(1, ChronoUnit.MICROS));
        }
        int hour = Integer.parseInt(m.group(5));
        int minute = Integer.parseInt(m.group(6));
        int second = m.group(8) == null ? 0 : Integer.parseInt(m.group(8));
        String fraction = m.group(10) == null ? "" : m.group(10);
        long micros = Long.parseLong((fraction + "000000").substring(0, 6));
        int offsetMinutes = 0;
        if (m.group(12) != null) {
            int oh = Integer.parseInt(m.group(13));
            int om = Integer.parseInt(m.group(14));
            if (oh > 15 || om > 59) {
                return null;
            }
            offsetMinutes = (m.group(12).equals("-") ? -1 : 1) * (oh * 60 + om);
        }
        if (hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        Instant at = midnight.plusSeconds(hour * 3600L + minute * 60L + second - offsetMinutes * 60L)
                .plus(micros, ChronoUnit.MICROS);
        return new Filter.Span(at, at);
    }

    /** A JSON scalar's text: a string as it is, a number in plain decimal notation, true/false; null otherwise. */
    static String text(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber()) {
            BigDecimal n = number(v);
            return n == null ? null : n.toPlainString();
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "true" : "false";
        }
        return null;
    }

    /** JSON true/false, or the string true/false in any case between spaces; null otherwise. */
    static Boolean bool(JsonNode v) {
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            String s = lower(v.textValue().replaceAll("^[ \\t\\r\\n]+|[ \\t\\r\\n]+$", ""));
            if (s.equals("true")) {
                return true;
            }
            if (s.equals("false")) {
                return false;
            }
        }
        return null;
    }

    /** Lower case one code point at a time, as PostgreSQL's lower() does in a UTF-8 locale. */
    static String lower(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.appendCodePoint(Character.toLowerCase(cp)));
        return out.toString();
    }
}
