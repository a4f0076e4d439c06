package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.filter.Filter.Cmp;
import io.openaudience.audience.filter.Filter.PersonColumn;
import io.openaudience.audience.filter.Filter.Source;
import io.openaudience.audience.filter.Filter.Span;
import io.openaudience.audience.filter.Filter.Test;
import io.openaudience.audience.filter.Filter.TextOp;
import io.openaudience.common.text.TextRules;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Parses GoSquared smart-group {@code filters} ({@code [{key: "property"|"event", path, operator, value |
 * direction+number+period, name, field}]}, ANDed) into a {@link Filter}, refusing anything it does not understand.
 */
public final class GoSquaredFilters {

    /** Most filters one group may have. */
    public static final int MAX_FILTERS = 100;
    /** Longest relative date: 100 years. */
    static final long MAX_DAYS = 36_500;

    private static final Map<String, PersonColumn> COLUMNS = Arrays.stream(PersonColumn.values())
            .collect(Collectors.toMap(PersonColumn::path, Function.identity()));
    private static final String PATHS = Arrays.stream(PersonColumn.values()).map(PersonColumn::path)
            .collect(Collectors.joining(", ")) + " or custom.<property>";

    /** The GoSquared operators. */
    private enum Op {
        EQ("="), NE("!="), CONTAINS("contains"), NOT_CONTAINS("!contains"), STARTS("starts"), ENDS("ends"),
        GT(">"), LT("<"), BETWEEN("><"), DEFINED("defined"), NOT_DEFINED("!defined");

        final String wire;

        Op(String wire) {
            this.wire = wire;
        }

        static final String NAMES = Arrays.stream(values()).map(o -> o.wire).collect(Collectors.joining(", "));

        static Op of(String wire) {
            return Arrays.stream(values()).filter(o -> o.wire.equals(wire)).findFirst().orElse(null);
        }
    }

    /** What the values of a path are, which decides the operators and values it takes. */
    private enum Family {
        TEXT, DATE, NUMBER, CUSTOM
    }

    private GoSquaredFilters() {
    }

    /** The filters (a JSON array; errors are named {@code filters[i].…}) as one {@link Filter.All}. */
    public static Filter parse(JsonNode filters, FilterContext context) throws FilterException {
        if (filters == null || !filters.isArray()) {
            throw new FilterException("filters", "must be an array of filters");
        }
        if (filters.size() > MAX_FILTERS) {
            throw new FilterException("filters", "at most " + MAX_FILTERS + " filters, got " + filters.size());
        }
        List<Filter> parts = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            parts.add(filter(filters.get(i), "filters[" + i + "]", context));
        }
        return new Filter.All(parts);
    }

    private static Filter filter(JsonNode f, String at, FilterContext context) throws FilterException {
        if (!f.isObject()) {
            throw new FilterException(at, "must be an object {key, path, operator, value}");
        }
        String key = Json.text(f, "key", at);
        return switch (key) {
            case "property" -> property(f, at, context);
            case "event" -> event(f, at);
            default -> throw new FilterException(at + ".key", "unknown key " + Json.quote(key)
                    + "; expected property or event");
        };
    }

    private static Filter property(JsonNode f, String at, FilterContext context) throws FilterException {
        String path = Json.text(f, "path", at);
        Source source;
        Family family;
        PersonColumn column = COLUMNS.get(path);
        if (column != null) {
            source = new Filter.Column(column);
            family = Family.valueOf(column.kind().name());
        } else if (path.startsWith("custom.") && path.length() > "custom.".length()) {
            String key = path.substring("custom.".length());
            Json.checkText(key, 255, at + ".path");
            FilterContext.Definition d = context.definitionsBySlug().get(key);
            source = d != null && !d.type().encrypted() ? new Filter.Attribute(d.id(), d.type())
                    : new Filter.Property(key);
            family = Family.CUSTOM;
        } else {
            throw new FilterException(at + ".path", "unknown path " + Json.quote(path) + "; expected " + PATHS);
        }
        Op op = operator(f, at);
        return leaf(source, family, op, f, at, path, column == PersonColumn.PHONE);
    }

    private static Filter event(JsonNode f, String at) throws FilterException {
        String name = Json.text(f, "name", at);
        if (name.isEmpty()) {
            throw new FilterException(at + ".name", "must not be empty");
        }
        Json.checkText(name, 255, at + ".name");
        String field = Json.text(f, "field", at);
        Filter.EventField ef = switch (field) {
            case "count" -> Filter.EventField.COUNT;
            case "first" -> Filter.EventField.FIRST;
            case "last" -> Filter.EventField.LAST;
            default -> throw new FilterException(at + ".field", "unknown field " + Json.quote(field)
                    + "; expected count, first or last");
        };
        Op op = operator(f, at);
        Family family = ef == Filter.EventField.COUNT ? Family.NUMBER : Family.DATE;
        return leaf(new Filter.Event(name, ef), family, op, f, at, "event " + field, false);
    }

    private static Op operator(JsonNode f, String at) throws FilterException {
        String wire = Json.text(f, "operator", at);
        Op op = Op.of(wire);
        if (op == null) {
            throw new FilterException(at + ".operator", "unknown operator " + Json.quote(wire) + "; expected one of "
                    + Op.NAMES);
        }
        return op;
    }

    private static Filter leaf(Source source, Family family, Op op, JsonNode f, String at, String what,
                               boolean digits) throws FilterException {
        if (op == Op.DEFINED || op == Op.NOT_DEFINED) {
            return new Filter.Leaf(source, new Filter.Defined(), op == Op.NOT_DEFINED);
        }
        boolean negated = op == Op.NE || op == Op.NOT_CONTAINS;
        if (Json.present(f, "period") || Json.present(f, "number") || Json.present(f, "direction")) {
            return new Filter.Leaf(source, relative(family, op, f, at, what), false);
        }
        String atValue = at + ".value";
        JsonNode value = f.get("value");
        if (value == null || value.isNull()) {
            throw new FilterException(atValue, "is required for operator " + op.wire);
        }
        Test test = switch (op) {
            case EQ, NE -> switch (family) {
                case TEXT -> new Filter.Text(TextOp.EQUALS, text(value, atValue, digits));
                case DATE -> new Filter.Time(Cmp.EQ, Json.date(value, atValue));
                case NUMBER -> new Filter.Number(Cmp.EQ, Json.number(value, atValue));
                case CUSTOM -> loose(value, atValue);
            };
            case CONTAINS, NOT_CONTAINS, STARTS, ENDS -> {
                if (family != Family.TEXT && family != Family.CUSTOM) {
                    throw new FilterException(at + ".operator", "operator " + op.wire + " applies to text; "
                            + what + " is a " + family.name().toLowerCase() + " path");
                }
                TextOp textOp = op == Op.STARTS ? TextOp.STARTS : op == Op.ENDS ? TextOp.ENDS : TextOp.CONTAINS;
                yield new Filter.Text(textOp, text(value, atValue, digits));
            }
            case GT, LT -> {
                Cmp cmp = op == Op.GT ? Cmp.GT : Cmp.LT;
                yield switch (family) {
                    case TEXT -> throw new FilterException(at + ".operator", "operator " + op.wire
                            + " applies to numbers and dates; " + what + " is a text path");
                    case DATE -> new Filter.Time(cmp, Json.date(value, atValue));
                    case NUMBER -> new Filter.Number(cmp, Json.number(value, atValue));
                    case CUSTOM -> {
                        BigDecimal n = Values.number(value);
                        if (n != null) {
                            yield new Filter.Number(cmp, n);
                        }
                        Span d = value.isTextual() ? Values.date(value.textValue()) : null;
                        if (d == null) {
                            throw new FilterException(atValue, "must be a number or a date for operator " + op.wire
                                    + ", got " + Json.show(value));
                        }
                        yield new Filter.Time(cmp, d);
                    }
                };
            }
            case BETWEEN -> between(family, value, at, what);
            default -> throw new IllegalStateException(op.name());
        };
        return new Filter.Leaf(source, test, negated);
    }

    private static Test between(Family family, JsonNode value, String at, String what) throws FilterException {
        String atValue = at + ".value";
        if (family == Family.TEXT) {
            throw new FilterException(at + ".operator", "operator >< applies to numbers and dates; " + what
                    + " is a text path");
        }
        if (!value.isArray() || value.size() != 2) {
            throw new FilterException(atValue, "operator >< needs a range [low, high], got " + Json.show(value));
        }
        JsonNode low = value.get(0);
        JsonNode high = value.get(1);
        boolean numbers = family == Family.NUMBER
                || family == Family.CUSTOM && Values.number(low) != null && Values.number(high) != null;
        if (numbers) {
            return Json.numberRange(value, atValue);
        }
        if (family == Family.CUSTOM && !(low.isTextual() && Values.date(low.textValue()) != null
                && high.isTextual() && Values.date(high.textValue()) != null)) {
            throw new FilterException(atValue, "operator >< needs two numbers or two dates, got " + Json.show(value));
        }
        return Json.timeRange(value, atValue);
    }

    private static Test relative(Family family, Op op, JsonNode f, String at, String what) throws FilterException {
        if (family != Family.DATE && family != Family.CUSTOM) {
            throw new FilterException(at + ".period", "relative dates apply to date paths; " + what + " is a "
                    + family.name().toLowerCase() + " path");
        }
        JsonNode direction = f.get("direction");
        if (direction != null && !direction.isNull() && !"past".equals(direction.asText(null))) {
            throw new FilterException(at + ".direction", "unknown direction " + Json.show(direction)
                    + "; expected past");
        }
        String period = Json.text(f, "period", at);
        ChronoUnit unit = switch (period) {
            case "days" -> ChronoUnit.DAYS;
            case "hours" -> ChronoUnit.HOURS;
            default -> throw new FilterException(at + ".period", "unknown period " + Json.quote(period)
                    + "; expected days or hours");
        };
        JsonNode number = f.get("number");
        BigDecimal n = number == null ? null : Values.number(number);
        long max = unit == ChronoUnit.DAYS ? MAX_DAYS : MAX_DAYS * 24;
        if (n == null || n.signum() < 0 || n.stripTrailingZeros().scale() > 0
                || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new FilterException(at + ".number", "must be a whole number from 0 to " + max + ", got "
                    + (number == null ? "nothing" : Json.show(number)));
        }
        Cmp cmp = switch (op) {
            case LT -> Cmp.LT;
            case GT, BETWEEN -> Cmp.GT;
            default -> throw new FilterException(at + ".operator", "a relative date takes <, > or ><, not " + op.wire);
        };
        return new Filter.Time(cmp, new Filter.Ago(n.longValueExact(), unit));
    }

    /** GoSquared {@code =} on a custom path: text, and number and date when the value reads so. */
    private static Test loose(JsonNode value, String at) throws FilterException {
        String text = text(value, at, false);
        Span date = value.isTextual() ? Values.date(value.textValue()) : null;
        return new Filter.Loose(text, Values.number(value), date);
    }

    private static String text(JsonNode value, String at, boolean digits) throws FilterException {
        String text = Values.text(value);
        if (text == null) {
            throw new FilterException(at, "must be a string, number or boolean, got " + Json.show(value));
        }
        Json.checkText(text, Json.MAX_VALUE_LENGTH, at);
        if (digits) {
            // Phones are matched on phone_key: the digits of the primary phone with its country code.
            String only = text.replaceAll("[^0-9]", "");
            if (only.isEmpty()) {
                throw new FilterException(at, "a phone filter needs digits, got " + Json.show(value));
            }
            return only;
        }
        return text;
    }
}
