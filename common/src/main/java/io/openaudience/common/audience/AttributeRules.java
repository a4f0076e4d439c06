package io.openaudience.common.audience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.text.TextRules;
import io.openaudience.common.time.IsoMillis;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The one owner of what a user attribute value may be: its type (API.md §2 attribute types) and the definition's
 * {@code validations} ({@code min, max, min_length, max_length, regex, min_date, max_date}). audience-service checks
 * every value it writes with it (PUT, the multi-attribute POST) and import-worker every value of a bulk update or a
 * group CSV, so the synchronous and the bulk paths accept exactly the same values.
 * <p>
 * Values come in normalized: numbers as JSON numbers, booleans as JSON booleans, dates as UTC instants
 * {@code yyyy-MM-ddTHH:mm:ss.SSSZ} (text, so they sort as text), arrays as JSON arrays. A number may arrive as a numeric
 * string and a boolean as {@code "true"/"false"} (form-driven clients and CSV cells send text).
 */
public final class AttributeRules {

    /** Longest string value (or array element) in characters. */
    public static final int MAX_STRING_LENGTH = 4096;
    /** Most elements an array value may hold. */
    public static final int MAX_ARRAY_SIZE = 256;
    /** Most validations a definition may carry, and the longest regex. */
    public static final int MAX_VALIDATIONS = 20;
    public static final int MAX_REGEX_LENGTH = 512;
    /** A regex may read the value this many times its length (plus a constant) before it counts as too costly. */
    private static final int REGEX_STEPS_PER_CHAR = 2000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    /** One validation of a definition: {@code {type, value}} with the value already checked for its type. */
    public record Validation(String type, JsonNode value) {
    }

    private AttributeRules() {
    }

    /**
     * Checks a definition's {@code validations} (array or null) against its type and returns them parsed; problems
     * are added to {@code errors}, named {@code validations[i].type|value}.
     */
    public static List<Validation> checkValidations(AttributeType type, JsonNode validations, List<FieldError> errors) {
        List<Validation> parsed = new ArrayList<>();
        if (validations == null || validations.isNull()) {
            return parsed;
        }
        if (!validations.isArray()) {
            errors.add(FieldError.of("validations", "must be an array of {type, value}"));
            return parsed;
        }
        if (validations.size() > MAX_VALIDATIONS) {
            errors.add(FieldError.of("validations", "at most " + MAX_VALIDATIONS + " validations"));
            return parsed;
        }
        for (int i = 0; i < validations.size(); i++) {
            String at = "validations[" + i + "]";
            JsonNode v = validations.get(i);
            if (!v.isObject() || !v.path("type").isTextual()) {
                errors.add(FieldError.of(at + ".type", "must be one of min, max, min_length, max_length, regex, "
                        + "min_date, max_date"));
                continue;
            }
            String kind = v.get("type").asText();
            JsonNode value = v.get("value");
            String problem = validationProblem(type, kind, value);
            if (problem != null) {
                errors.add(FieldError.of(at + (problem.startsWith("type:") ? ".type" : ".value"),
                        problem.startsWith("type:") ? problem.substring(5) : problem));
                continue;
            }
            parsed.add(new Validation(kind, normalizedValidationValue(kind, value)));
        }
        return parsed;
    }

    /** Parses validations stored by {@link #checkValidations} (trusted: they were checked when written). */
    public static List<Validation> storedValidations(JsonNode validations) {
        List<Validation> parsed = new ArrayList<>();
        if (validations != null && validations.isArray()) {
            validations.forEach(v -> parsed.add(new Validation(v.path("type").asText(), v.get("value"))));
        }
        return parsed;
    }

    /** Parses stored validations from their JSON text (the {@code validations} column). */
    public static List<Validation> storedValidations(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return storedValidations(JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored validations are not JSON", e);
        }
    }

    private static String validationProblem(AttributeType type, String kind, JsonNode value) {
        AttributeType.Kind k = type.kind();
        switch (kind) {
            case "min", "max" -> {
                if (k != AttributeType.Kind.NUMBER) {
                    return "type:" + kind + " applies to number types only";
                }
                return number(value) == null ? "must be a number" : null;
            }
            case "min_length", "max_length" -> {
                if (k != AttributeType.Kind.STRING) {
                    return "type:" + kind + " applies to string types only";
                }
                BigDecimal n = number(value);
                return n == null || n.signum() < 0 || n.stripTrailingZeros().scale() > 0
                        || n.compareTo(BigDecimal.valueOf(MAX_STRING_LENGTH)) > 0
                        ? "must be a whole number from 0 to " + MAX_STRING_LENGTH : null;
            }
            case "regex" -> {
                if (k != AttributeType.Kind.STRING) {
                    return "type:regex applies to string types only";
                }
                if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                    return "must be a regular expression";
                }
                if (value.asText().length() > MAX_REGEX_LENGTH) {
                    return "at most " + MAX_REGEX_LENGTH + " characters";
                }
                try {
                    pattern(value.asText());
                    return null;
                } catch (PatternSyntaxException e) {
                    return "is not a valid regular expression: " + e.getDescription();
                }
            }
            case "min_date", "max_date" -> {
                if (k != AttributeType.Kind.DATE) {
                    return "type:" + kind + " applies to the date type only";
                }
                return value != null && value.isTextual() && date(value.asText()) != null ? null
                        : "must be an ISO-8601 date";
            }
            default -> {
                return "type:must be one of min, max, min_length, max_length, regex, min_date, max_date";
            }
        }
    }

    private static JsonNode normalizedValidationValue(String kind, JsonNode value) {
        return switch (kind) {
            case "min", "max" -> numberNode(number(value));
            case "min_length", "max_length" -> LongNode.valueOf(number(value).longValueExact());
            case "min_date", "max_date" -> TextNode.valueOf(IsoMillis.format(date(value.asText())));
            default -> value;
        };
    }

    /**
     * The value in its normalized form if it is a valid value of the type under the validations; else throws
     * {@link InvalidAttributeValueException} saying why ({@code path} {@code "[i]"} for an array element).
     */
    public static JsonNode normalize(AttributeType type, List<Validation> validations, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new InvalidAttributeValueException("is required");
        }
        if (!type.array()) {
            return element(type, validations, value, null);
        }
        if (!value.isArray()) {
            throw new InvalidAttributeValueException("must be an array");
        }
        if (value.size() > MAX_ARRAY_SIZE) {
            throw new InvalidAttributeValueException("at most " + MAX_ARRAY_SIZE + " elements");
        }
        ArrayNode out = NODES.arrayNode(value.size());
        for (int i = 0; i < value.size(); i++) {
            out.add(element(type, validations, value.get(i), "[" + i + "]"));
        }
        return out;
    }

    /**
     * A CSV cell as a value of the type: text for string types, a number, {@code true/false}, a date; for arrays a
     * JSON array ({@code ["a","b"]}) or comma-separated elements. Then {@link #normalize} it.
     */
    public static JsonNode normalizeText(AttributeType type, List<Validation> validations, String cell) {
        if (cell == null) {
            throw new InvalidAttributeValueException("is required");
        }
        if (!type.array()) {
            return normalize(type, validations, TextNode.valueOf(type.kind() == AttributeType.Kind.STRING ? cell
                    : cell.strip()));
        }
        String text = cell.strip();
        JsonNode array;
        if (text.startsWith("[")) {
            try {
                array = JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new InvalidAttributeValueException("must be a JSON array or comma-separated values");
            }
        } else {
            ArrayNode parts = NODES.arrayNode();
            if (!text.isEmpty()) {
                for (String part : text.split(",", -1)) {
                    parts.add(part.strip());
                }
            }
            array = parts;
        }
        return normalize(type, validations, array);
    }

    private static JsonNode element(AttributeType type, List<Validation> validations, JsonNode value, String path) {
        try {
            return switch (type.kind()) {
                case NUMBER -> checkedNumber(validations, value);
                case STRING -> checkedString(validations, value);
                case BOOLEAN -> bool(value);
                case DATE -> checkedDate(validations, value);
            };
        } catch (InvalidAttributeValueException e) {
            throw path == null ? e : new InvalidAttributeValueException(path, e.getMessage());
        }
    }

    private static JsonNode checkedNumber(List<Validation> validations, JsonNode value) {
        BigDecimal n = number(value);
        if (n == null) {
            throw new InvalidAttributeValueException("must be a number");
        }
        for (Validation v : validations) {
            if ("min".equals(v.type()) && n.compareTo(v.value().decimalValue()) < 0) {
                throw new InvalidAttributeValueException("must be at least " + plain(v.value()));
            }
            if ("max".equals(v.type()) && n.compareTo(v.value().decimalValue()) > 0) {
                throw new InvalidAttributeValueException("must be at most " + plain(v.value()));
            }
        }
        return numberNode(n);
    }

    private static JsonNode checkedString(List<Validation> validations, JsonNode value) {
        if (!value.isTextual()) {
            throw new InvalidAttributeValueException("must be a string");
        }
        String s = value.asText();
        String bad = TextRules.problem(s, MAX_STRING_LENGTH);
        if (bad != null) {
            throw new InvalidAttributeValueException(bad);
        }
        int length = s.codePointCount(0, s.length());
        for (Validation v : validations) {
            switch (v.type()) {
                case "min_length" -> {
                    if (length < v.value().asLong()) {
                        throw new InvalidAttributeValueException("must be at least " + v.value().asLong()
                                + " characters long");
                    }
                }
                case "max_length" -> {
                    if (length > v.value().asLong()) {
                        throw new InvalidAttributeValueException("must be at most " + v.value().asLong()
                                + " characters long");
                    }
                }
                case "regex" -> {
                    if (!matches(v.value().asText(), s)) {
                        throw new InvalidAttributeValueException("must match " + v.value().asText());
                    }
                }
                default -> {
                }
            }
        }
        return TextNode.valueOf(s);
    }

    private static JsonNode bool(JsonNode value) {
        if (value.isBoolean()) {
            return BooleanNode.valueOf(value.booleanValue());
        }
        if (value.isTextual()) {
            String s = value.asText().strip().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return BooleanNode.valueOf(s.equals("true"));
            }
        }
        throw new InvalidAttributeValueException("must be true or false");
    }

    private static JsonNode checkedDate(List<Validation> validations, JsonNode value) {
        Instant at = value.isTextual() ? date(value.asText()) : null;
        if (at == null) {
            throw new InvalidAttributeValueException("must be an ISO-8601 date (2024-05-01 or 2024-05-01T10:00:00Z)");
        }
        for (Validation v : validations) {
            if ("min_date".equals(v.type()) && at.isBefore(IsoMillis.parse(v.value().asText()))) {
                throw new InvalidAttributeValueException("must be on or after " + v.value().asText());
            }
            if ("max_date".equals(v.type()) && at.isAfter(IsoMillis.parse(v.value().asText()))) {
                throw new InvalidAttributeValueException("must be on or before " + v.value().asText());
            }
        }
        return TextNode.valueOf(IsoMillis.format(at));
    }

    /** A JSON number, or a string holding a plain decimal number; null otherwise. */
    static BigDecimal number(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            return value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue()) ? null
                    : value.decimalValue();
        }
        if (value.isTextual()) {
            String s = value.asText().strip();
            if (s.isEmpty() || s.length() > 64 || !s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?")) {
                return null;
            }
            return new BigDecimal(s);
        }
        return null;
    }

    private static JsonNode numberNode(BigDecimal n) {
        BigDecimal stripped = n.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 18) {
            return LongNode.valueOf(stripped.longValueExact());
        }
        return DecimalNode.valueOf(stripped);
    }

    private static String plain(JsonNode n) {
        return n.decimalValue().stripTrailingZeros().toPlainString();
    }

    /** An ISO-8601 date ({@code 2024-05-01}, midnight UTC) or date-time with an offset; null if it is neither. */
    public static Instant date(String text) {
        String s = text.strip();
        if (s.length() > 40) {
            return null;
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Formats an instant as normalized date values are stored. */
    public static String formatDate(Instant at) {
        return IsoMillis.format(at);
    }

    private static Pattern pattern(String regex) {
        Pattern p = PATTERNS.get(regex);
        if (p == null) {
            p = Pattern.compile(regex);
            if (PATTERNS.size() > 10_000) {
                PATTERNS.clear();
            }
            PATTERNS.put(regex, p);
        }
        return p;
    }

    /**
     * Whether the whole value matches; a pattern that backtracks catastrophically on it counts as not matching (the
     * value is read through a sequence that gives up after a bounded number of reads), never hangs the caller.
     */
    static boolean matches(String regex, String value) {
        try {
            return pattern(regex).matcher(new BoundedSequence(value,
                    (long) REGEX_STEPS_PER_CHAR * (value.length() + 16))).matches();
        } catch (BoundedSequence.Exhausted e) {
            return false;
        }
    }

    /** A char sequence that throws once read more than a budget of times: a bound on a regex's running time. */
    private static final class BoundedSequence implements CharSequence {

        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final long[] budget;

        BoundedSequence(String text, long budget) {
            this(text, new long[]{budget});
        }

        private BoundedSequence(String text, long[] budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedSequence(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
