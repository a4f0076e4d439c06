package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.filter.Filter.Cmp;
import io.openaudience.audience.filter.Filter.Span;
import io.openaudience.audience.filter.Filter.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The in-memory evaluator the compiled SQL is checked against: the semantics of the module README written a second
 * time, plainly, without sharing code with the compiler (its readings of numbers, dates and text are its own).
 */
final class Evaluator {

    private static final Pattern NUMBER = Pattern.compile("[ \t\r\n]*([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)"
            + "(?:[eE][+-]?[0-9]{1,3})?)[ \t\r\n]*");
    private static final Pattern DATE = Pattern.compile("[ \t\r\n]*(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt](\\d{2}):(\\d{2})"
            + "(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(?:([Zz])|([+-])(\\d{2}):(\\d{2})))?[ \t\r\n]*");

    private final Instant now;

    Evaluator(Instant now) {
        this.now = now;
    }

    boolean matches(Filter f, Person p) {
        if (f instanceof Filter.All all) {
            return all.parts().stream().allMatch(part -> matches(part, p));
        }
        if (f instanceof Filter.Any any) {
            return any.parts().stream().anyMatch(part -> matches(part, p));
        }
        Filter.Leaf leaf = (Filter.Leaf) f;
        boolean positive = positive(leaf.source(), leaf.test(), p);
        return leaf.negated() != positive;
    }

    private boolean positive(Filter.Source source, Test test, Person p) {
        if (source instanceof Filter.Column c) {
            return column(c.column(), test, p);
        }
        if (source instanceof Filter.Property prop) {
            return json(p.properties.get(prop.key()), test);
        }
        if (source instanceof Filter.Attribute a) {
            Person.Value v = p.attributes.get(a.definitionId());
            return v != null && !v.sealed() && json(v.json(), test);
        }
        Filter.Event e = (Filter.Event) source;
        Person.Stats s = p.events.get(e.name());
        if (test instanceof Filter.Defined) {
            return s != null;
        }
        return switch (e.field()) {
            case COUNT -> number(BigDecimal.valueOf(s == null ? 0 : s.count()), test);
            case FIRST -> s != null && time(s.first(), test);
            case LAST -> s != null && time(s.last(), test);
        };
    }

    private boolean column(Filter.PersonColumn column, Test test, Person p) {
        Object v = switch (column) {
            case USER_ID -> p.userId;
            case NAME -> p.name;
            case FIRST_NAME -> p.firstName;
            case LAST_NAME -> p.lastName;
            case EMAIL -> p.emailKey;
            case PHONE -> p.phoneKey;
            case CREATED_AT -> p.signedUpAt != null ? p.signedUpAt : p.createdAt;
            case LAST_SEEN -> p.lastSeenAt;
            case FIRST_SEEN -> p.firstSeenAt;
            case TOTAL_VISITS -> BigDecimal.valueOf(p.totalVisits);
            case TOTAL_EVENTS -> BigDecimal.valueOf(p.totalEvents);
        };
        if (v == null) {
            return false;
        }
        if (test instanceof Filter.Defined) {
            return true;
        }
        if (v instanceof String s) {
            return text(s, (Filter.Text) test);
        }
        if (v instanceof Instant i) {
            return time(i, test);
        }
        return number((BigDecimal) v, test);
    }

    /** A JSON value: missing or null has nothing; an array passes when one element does. */
    private boolean json(JsonNode v, Test test) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (test instanceof Filter.Defined) {
            return true;
        }
        List<JsonNode> elements = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(elements::add);
        } else {
            elements.add(v);
        }
        return elements.stream().anyMatch(e -> element(e, test));
    }

    private boolean element(JsonNode e, Test test) {
        if (test instanceof Filter.Text t) {
            String s = textOf(e);
            return s != null && text(s, t);
        }
        if (test instanceof Filter.Number || test instanceof Filter.NumberRange) {
            BigDecimal n = numberOf(e);
            return n != null && number(n, test);
        }
        if (test instanceof Filter.Time || test instanceof Filter.TimeRange) {
            Instant i = instantOf(e);
            return i != null && time(i, test);
        }
        if (test instanceof Filter.Bool b) {
            Boolean v = boolOf(e);
            return v != null && v == b.value();
        }
        if (test instanceof Filter.Loose l) {
            String s = textOf(e);
            BigDecimal n = numberOf(e);
            Instant i = instantOf(e);
            return s != null && lower(s).equals(lower(l.text()))
                    || l.number() != null && n != null && n.compareTo(l.number()) == 0
                    || l.date() != null && i != null && !i.isBefore(l.date().from()) && !i.isAfter(l.date().to());
        }
        if (test instanceof Filter.OneOf o) {
            return o.options().stream().anyMatch(option -> element(e, option));
        }
        throw new IllegalArgumentException(test.toString());
    }

    private static boolean text(String s, Filter.Text t) {
        String x = lower(s);
        String v = lower(t.value());
        return switch (t.op()) {
            case EQUALS -> x.equals(v);
            case CONTAINS -> x.contains(v);
            case STARTS -> x.startsWith(v);
            case ENDS -> x.endsWith(v);
        };
    }

    private static boolean number(BigDecimal n, Test test) {
        if (test instanceof Filter.NumberRange r) {
            return n.compareTo(r.low()) >= 0 && n.compareTo(r.high()) <= 0;
        }
        Filter.Number t = (Filter.Number) test;
        return cmp(n.compareTo(t.value()), t.op());
    }

    private static boolean cmp(int c, Cmp op) {
        return switch (op) {
            case EQ -> c == 0;
            case GT -> c > 0;
            case GTE -> c >= 0;
            case LT -> c < 0;
            case LTE -> c <= 0;
        };
    }

    private boolean time(Instant i, Test test) {
        if (test instanceof Filter.TimeRange r) {
            return !i.isBefore(r.low().from()) && !i.isAfter(r.high().to());
        }
        Filter.Time t = (Filter.Time) test;
        Instant from;
        Instant to;
        if (t.value() instanceof Filter.Ago ago) {
            from = now.minus(ago.number(), ago.unit()).truncatedTo(ChronoUnit.MICROS);
            to = from;
        } else {
            from = ((Span) t.value()).from();
            to = ((Span) t.value()).to();
        }
        return switch (t.op()) {
            case EQ -> !i.isBefore(from) && !i.isAfter(to);
            case GT -> i.isAfter(to);
            case GTE -> !i.isBefore(from);
            case LT -> i.isBefore(from);
            case LTE -> !i.isAfter(to);
        };
    }

    static String lower(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().map(Character::toLowerCase).forEach(b::appendCodePoint);
        return b.toString();
    }

    static String textOf(JsonNode e) {
        if (e.isTextual()) {
            return e.textValue();
        }
        if (e.isNumber()) {
            return new BigDecimal(e.asText()).toPlainString();
        }
        if (e.isBoolean()) {
            return String.valueOf(e.booleanValue());
        }
        return null;
    }

    static BigDecimal numberOf(JsonNode e) {
        if (e.isNumber()) {
            return new BigDecimal(e.asText());
        }
        if (e.isTextual() && e.textValue().length() <= 64) {
            Matcher m = NUMBER.matcher(e.textValue());
            return m.matches() ? new BigDecimal(m.group(1)) : null;
        }
        return null;
    }

    static Boolean boolOf(JsonNode e) {
        if (e.isBoolean()) {
            return e.booleanValue();
        }
        if (e.isTextual()) {
            String s = lower(e.textValue().replaceAll("^[ \t\r\n]+", "").replaceAll("[ \t\r\n]+$", ""));
            return s.equals("true") ? Boolean.TRUE : s.equals("false") ? Boolean.FALSE : null;
        }
        return null;
    }

    /** A stored string as an instant: a date is its midnight UTC. */
    static Instant instantOf(JsonNode e) {
        if (!e.isTextual() || e.textValue().length() > 64) {
            return null;
        }
        Matcher m = DATE.matcher(e.textValue());
        if (!m.matches()) {
            return null;
        }
        int y = Integer.parseInt(m.group(1));
        int mo = Integer.parseInt(m.group(2));
        int d = Integer.parseInt(m.group(3));
        if (y == 0 || mo == 0 || mo > 12 || d == 0 || d > LocalDate.of(y, mo, 1).lengthOfMonth()) {
            return null;
        }
        if (m.group(4) == null) {
            return LocalDate.of(y, mo, d).atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        int h = Integer.parseInt(m.group(4));
        int mi = Integer.parseInt(m.group(5));
        int s = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
        if (h > 23 || mi > 59 || s > 59) {
            return null;
        }
        int offset = 0;
        if (m.group(9) != null) {
            int oh = Integer.parseInt(m.group(10));
            int om = Integer.parseInt(m.group(11));
            if (oh > 15 || om > 59) {
                return null;
            }
            offset = (m.group(9).equals("-") ? -1 : 1) * (oh * 3600 + om * 60);
        }
        String frac = m.group(7) == null ? "" : m.group(7);
        int micros = frac.isEmpty() ? 0 : Integer.parseInt((frac + "00000").substring(0, 6));
        return LocalDateTime.of(y, mo, d, h, mi, s).toInstant(ZoneOffset.ofTotalSeconds(offset))
                .plus(micros, ChronoUnit.MICROS);
    }
}
