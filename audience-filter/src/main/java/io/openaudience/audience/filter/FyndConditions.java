package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.openaudience.audience.filter.Filter.Cmp;
import io.openaudience.audience.filter.Filter.Test;
import io.openaudience.audience.filter.Filter.TextOp;
import io.openaudience.common.audience.AttributeType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Parses Fynd conditional-group {@code conditions} ({@code [{definition_id | user_attribute_definition_id, type:
 * <operator>, value}]} combined by {@code "and" | "or"}) into a {@link Filter} over the attribute values of the
 * application, checking each value against the type of its definition.
 */
public final class FyndConditions {

    /** Most conditions one group may have. */
    public static final int MAX_CONDITIONS = 100;
    /** Most values an {@code in} / {@code nin} list may hold. */
    public static final int MAX_IN_VALUES = 100;

    /** The Fynd operators. */
    private enum Op {
        EQ, NE, GT, LT, GTE, LTE, CNT, NCT, IS, NIS, SW, EW, BTW, IN, NIN;

        final String wire = name().toLowerCase(Locale.ROOT);

        static final String NAMES = Arrays.stream(values()).map(o -> o.wire).collect(Collectors.joining(", "));

        static Op of(String wire) {
            return Arrays.stream(values()).filter(o -> o.wire.equals(wire)).findFirst().orElse(null);
        }
    }

    private FyndConditions() {
    }

    /**
     * The conditions (a JSON array; errors named {@code conditions[i].…}) combined by {@code type} ({@code "and"},
     * {@code "or"}; absent, null or empty = and; errors named {@code type}). No conditions = everyone.
     */
    public static Filter parse(JsonNode conditions, JsonNode type, FilterContext context) throws FilterException {
        boolean or = combination(type);
        if (conditions == null || !conditions.isArray()) {
            throw new FilterException("conditions", "must be an array of conditions");
        }
        if (conditions.size() > MAX_CONDITIONS) {
            throw new FilterException("conditions", "at most " + MAX_CONDITIONS + " conditions, got "
                    + conditions.size());
        }
        List<Filter> parts = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i++) {
            parts.add(condition(conditions.get(i), "conditions[" + i + "]", context));
        }
        return or && !parts.isEmpty() ? new Filter.Any(parts) : new Filter.All(parts);
    }

    private static boolean combination(JsonNode type) throws FilterException {
        if (type == null || type.isNull() || type.isTextual() && type.textValue().isEmpty()) {
            return false;
        }
        String t = type.isTextual() ? type.textValue().toLowerCase(Locale.ROOT) : null;
        if ("and".equals(t) || "or".equals(t)) {
            return t.equals("or");
        }
        throw new FilterException("type", "unknown combination " + Json.show(type) + "; expected and or or");
    }

    private static Filter condition(JsonNode c, String at, FilterContext context) throws FilterException {
        if (!c.isObject()) {
            throw new FilterException(at, "must be an object {definition_id, type, value}");
        }
        String idField = Json.present(c, "definition_id") || !Json.present(c, "user_attribute_definition_id")
                ? "definition_id" : "user_attribute_definition_id";
        String id = Json.text(c, idField, at);
        FilterContext.Definition d = context.definitionsById().get(id);
        if (d == null) {
            throw new FilterException(at + "." + idField, "unknown attribute definition " + Json.quote(id));
        }
        if (d.type().encrypted()) {
            throw new FilterException(at + "." + idField, "attribute definition " + Json.quote(id) + " ("
                    + d.slug() + ") is " + d.type().wire() + ": encrypted values cannot be filtered");
        }
        String wire = Json.text(c, "type", at);
        Op op = Op.of(wire);
        if (op == null) {
            throw new FilterException(at + ".type", "unknown operator " + Json.quote(wire) + "; expected one of "
                    + Op.NAMES);
        }
        Filter.Source source = new Filter.Attribute(d.id(), d.type());
        AttributeType.Kind kind = d.type().kind();
        if (op == Op.IS || op == Op.NIS) {
            return new Filter.Leaf(source, new Filter.Defined(), op == Op.NIS);
        }
        checkApplies(op, d, at);
        String atValue = at + ".value";
        JsonNode value = c.get("value");
        if (value == null || value.isNull()) {
            throw new FilterException(atValue, "is required for operator " + op.wire);
        }
        Test test = switch (op) {
            case EQ, NE -> equality(kind, value, atValue);
            case GT -> ordered(kind, Cmp.GT, value, atValue);
            case GTE -> ordered(kind, Cmp.GTE, value, atValue);
            case LT -> ordered(kind, Cmp.LT, value, atValue);
            case LTE -> ordered(kind, Cmp.LTE, value, atValue);
            case CNT, NCT -> new Filter.Text(TextOp.CONTAINS, text(value, atValue));
            case SW -> new Filter.Text(TextOp.STARTS, text(value, atValue));
            case EW -> new Filter.Text(TextOp.ENDS, text(value, atValue));
            case BTW -> between(kind, value, atValue);
            case IN, NIN -> oneOf(kind, value, atValue);
            default -> throw new IllegalStateException(op.name());
        };
        return new Filter.Leaf(source, test, op == Op.NE || op == Op.NCT || op == Op.NIN);
    }

    private static void checkApplies(Op op, FilterContext.Definition d, String at) throws FilterException {
        AttributeType.Kind kind = d.type().kind();
        boolean ok = switch (op) {
            case GT, LT, GTE, LTE, BTW -> kind == AttributeType.Kind.NUMBER || kind == AttributeType.Kind.DATE;
            case CNT, NCT, SW, EW -> kind == AttributeType.Kind.STRING;
            default -> true;
        };
        if (!ok) {
            String applies = kind(op);
            throw new FilterException(at + ".type", "operator " + op.wire + " applies to " + applies + " attributes; "
                    + d.slug() + " is " + d.type().wire());
        }
    }

    private static String kind(Op op) {
        return switch (op) {
            case CNT, NCT, SW, EW -> "string";
            default -> "number and date";
        };
    }

    private static Test equality(AttributeType.Kind kind, JsonNode value, String at) throws FilterException {
        return switch (kind) {
            case NUMBER -> new Filter.Number(Cmp.EQ, Json.number(value, at));
            case STRING -> new Filter.Text(TextOp.EQUALS, text(value, at));
            case BOOLEAN -> new Filter.Bool(bool(value, at));
            case DATE -> new Filter.Time(Cmp.EQ, Json.date(value, at));
        };
    }

    private static Test ordered(AttributeType.Kind kind, Cmp cmp, JsonNode value, String at) throws FilterException {
        return kind == AttributeType.Kind.NUMBER ? new Filter.Number(cmp, Json.number(value, at))
                : new Filter.Time(cmp, Json.date(value, at));
    }

    private static Test between(AttributeType.Kind kind, JsonNode value, String at) throws FilterException {
        JsonNode range = value.isTextual() ? split(value.textValue()) : value;
        if (!range.isArray() || range.size() != 2) {
            throw new FilterException(at, "operator btw needs a range [low, high] (or \"low,high\"), got "
                    + Json.show(value));
        }
        if (kind == AttributeType.Kind.NUMBER) {
            return Json.numberRange(range, at);
        }
        return Json.timeRange(range, at);
    }

    private static Test oneOf(AttributeType.Kind kind, JsonNode value, String at) throws FilterException {
        JsonNode list = value.isTextual() ? split(value.textValue()) : value;
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_IN_VALUES) {
            throw new FilterException(at, "must be a list of 1 to " + MAX_IN_VALUES + " values (or a comma-separated"
                    + " string), got " + (list.isArray() ? list.size() + " values" : Json.show(value)));
        }
        List<Test> options = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            options.add(equality(kind, list.get(i), at + "[" + i + "]"));
        }
        return new Filter.OneOf(options);
    }

    /** A comma-separated string as a JSON array of its trimmed parts (the SDK sends condition values as strings). */
    private static JsonNode split(String s) {
        var array = JsonNodeFactory.instance.arrayNode();
        for (String part : s.split(",", -1)) {
            array.add(part.strip());
        }
        return array;
    }


    private static String text(JsonNode value, String at) throws FilterException {
        String text = Values.text(value);
        if (text == null) {
            throw new FilterException(at, "must be a string, got " + Json.show(value));
        }
        Json.checkText(text, Json.MAX_VALUE_LENGTH, at);
        return text;
    }

    private static boolean bool(JsonNode value, String at) throws FilterException {
        Boolean b = Values.bool(value);
        if (b == null) {
            throw new FilterException(at, "must be true or false, got " + Json.show(value));
        }
        return b;
    }
}
