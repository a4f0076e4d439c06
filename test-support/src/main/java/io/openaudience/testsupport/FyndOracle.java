package io.openaudience.testsupport;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fynd conditions worked out in plain Java over known values: the expectation tests check the SQL of the filter
 * engine against (its semantics as {@code audience-filter/README.md} "Fynd conditions" states them), written without
 * any of its code. Values are {@link BigDecimal}, {@link String}, {@link Boolean}, {@link Instant} or a {@link List}
 * of them (array types); a missing value is null.
 */
public final class FyndOracle {

    /** The value type of a definition, as far as conditions care. */
    public enum Kind {
        NUMBER, STRING, BOOLEAN, DATE
    }

    /**
     * One condition: the definition (by a name the test chooses), its kind, the operator and the value as the SDK
     * sends it: one string, {@code "low,high"} for {@code btw}, a comma-separated list for {@code in}/{@code nin}.
     */
    public record Condition(String definition, Kind kind, String op, String value) {
    }

    private FyndOracle() {
    }

    /** Whether a person with these values (by definition name) meets all ({@code or} false) or any of them. */
    public static boolean matches(List<Condition> conditions, boolean or, Map<String, Object> values) {
        if (conditions.isEmpty()) {
            return true;
        }
        for (Condition c : conditions) {
            boolean m = matches(c, values.get(c.definition()));
            if (m && or) {
                return true;
            }
            if (!m && !or) {
                return false;
            }
        }
        return !or;
    }

    /** Whether a stored value (null = none; a list for array types) meets the condition. */
    public static boolean matches(Condition c, Object stored) {
        return switch (c.op()) {
            case "is" -> stored != null;
            case "nis" -> stored == null;
            case "ne" -> !positive(c, "eq", stored);
            case "nct" -> !positive(c, "cnt", stored);
            case "nin" -> !positive(c, "in", stored);
            default -> positive(c, c.op(), stored);
        };
    }

    private static boolean positive(Condition c, String op, Object stored) {
        if (stored == null) {
            return false;
        }
        if (stored instanceof List<?> list) {
            return list.stream().anyMatch(e -> e != null && test(c.kind(), op, c.value(), e));
        }
        return test(c.kind(), op, c.value(), stored);
    }

    private static boolean test(Kind kind, String op, String value, Object v) {
        switch (op) {
            case "in":
                for (String part : value.split(",", -1)) {
                    if (test(kind, "eq", part.strip(), v)) {
                        return true;
                    }
                }
                return false;
            case "btw": {
                String[] range = value.split(",", -1);
                return test(kind, "gte", range[0].strip(), v) && test(kind, "lte", range[1].strip(), v);
            }
            default:
                break;
        }
        return switch (kind) {
            case NUMBER -> number(op, new BigDecimal(value.strip()), (BigDecimal) v);
            case STRING -> text(op, value.toLowerCase(Locale.ROOT), ((String) v).toLowerCase(Locale.ROOT));
            case BOOLEAN -> op.equals("eq") && Boolean.parseBoolean(value.strip()) == (Boolean) v;
            case DATE -> date(op, value.strip(), (Instant) v);
        };
    }

    private static boolean number(String op, BigDecimal value, BigDecimal v) {
        int cmp = v.compareTo(value);
        return switch (op) {
            case "eq" -> cmp == 0;
            case "gt" -> cmp > 0;
            case "gte" -> cmp >= 0;
            case "lt" -> cmp < 0;
            case "lte" -> cmp <= 0;
            default -> throw new IllegalArgumentException(op + " on a number");
        };
    }

    private static boolean text(String op, String value, String v) {
        return switch (op) {
            case "eq" -> v.equals(value);
            case "cnt" -> v.contains(value);
            case "sw" -> v.startsWith(value);
            case "ew" -> v.endsWith(value);
            default -> throw new IllegalArgumentException(op + " on a string");
        };
    }

    /** A date alone is its whole UTC day: eq = on it, gt = after its end, gte = from its start, lt/lte likewise. */
    private static boolean date(String op, String value, Instant v) {
        Instant from;
        Instant until;
        if (value.length() == 10) {
            from = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            until = from.plusSeconds(86_400);
        } else {
            from = Instant.parse(value);
            until = from.plusNanos(1_000);
        }
        return switch (op) {
            case "eq" -> !v.isBefore(from) && v.isBefore(until);
            case "gt" -> !v.isBefore(until);
            case "gte" -> !v.isBefore(from);
            case "lt" -> v.isBefore(from);
            case "lte" -> v.isBefore(until);
            default -> throw new IllegalArgumentException(op + " on a date");
        };
    }

    /** A value as the JSON of {@code user_attribute.value} (dates as ISO-8601 UTC strings). */
    public static String json(Object value) {
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(e -> parts.add(json(e)));
            return "[" + String.join(",", parts) + "]";
        }
        if (value instanceof BigDecimal n) {
            return n.toPlainString();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Instant i) {
            return "\"" + i + "\"";
        }
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : ((String) value).toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
