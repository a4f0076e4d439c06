package io.openaudience.audience.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.time.IsoMillis;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * GoSquared's {@code dateFormat}: a Moment.js format string applied to the dates of a Person, in UTC. The common
 * tokens are supported ({@code YYYY YY M MM MMM MMMM D DD Do d ddd dddd H HH h hh m mm s ss S SS SSS A a Z ZZ X x},
 * {@code [literal]}); other ASCII letters are refused (400 naming {@code dateFormat}) rather than printed as they are,
 * so a typo shows. Without a format dates are ISO-8601 with milliseconds ({@code 2026-12-01T10:00:00.000Z}).
 */
public final class MomentFormat {

    public static final int MAX_LENGTH = 100;
    /** Tokens longest first, so {@code MMMM} is not read as {@code MM MM}. */
    private static final List<String> TOKENS = List.of("MMMM", "dddd", "YYYY", "SSS", "MMM", "ddd", "Do", "YY", "MM",
            "DD", "HH", "hh", "mm", "ss", "SS", "ZZ", "M", "D", "d", "H", "h", "m", "s", "S", "A", "a", "Z", "X", "x");

    /** The ISO default. */
    public static final MomentFormat ISO_MILLIS = new MomentFormat(List.of(IsoMillis::format));

    private final List<Function<OffsetDateTime, String>> parts;

    private MomentFormat(List<Function<OffsetDateTime, String>> parts) {
        this.parts = parts;
    }

    /** The format of a {@code dateFormat} value; blank = ISO. */
    public static MomentFormat of(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return ISO_MILLIS;
        }
        if (pattern.length() > MAX_LENGTH) {
            throw bad("is longer than " + MAX_LENGTH + " characters");
        }
        List<Function<OffsetDateTime, String>> parts = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '[') {
                int end = pattern.indexOf(']', i);
                if (end < 0) {
                    throw bad("has a [ without its ]");
                }
                String literal = pattern.substring(i + 1, end);
                parts.add(t -> literal);
                i = end + 1;
                continue;
            }
            String token = token(pattern, i);
            if (token != null) {
                parts.add(part(token));
                i += token.length();
                continue;
            }
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
                throw bad("has the unsupported token " + c + " (escape text as [text])");
            }
            String literal = String.valueOf(c);
            parts.add(t -> literal);
            i++;
        }
        return new MomentFormat(List.copyOf(parts));
    }

    /** The instant written in this format, in UTC; null stays null. */
    public String format(OffsetDateTime time) {
        if (time == null) {
            return null;
        }
        OffsetDateTime utc = time.withOffsetSameInstant(ZoneOffset.UTC);
        StringBuilder out = new StringBuilder();
        for (Function<OffsetDateTime, String> part : parts) {
            out.append(part.apply(utc));
        }
        return out.toString();
    }

    private static String token(String pattern, int at) {
        for (String token : TOKENS) {
            if (pattern.startsWith(token, at)) {
                return token;
            }
        }
        return null;
    }

    private static Function<OffsetDateTime, String> part(String token) {
        return switch (token) {
            case "YYYY" -> t -> String.format("%04d", t.getYear());
            case "YY" -> t -> String.format("%02d", Math.floorMod(t.getYear(), 100));
            case "M" -> t -> String.valueOf(t.getMonthValue());
            case "MM" -> t -> two(t.getMonthValue());
            case "MMM" -> t -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case "MMMM" -> t -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case "D" -> t -> String.valueOf(t.getDayOfMonth());
            case "DD" -> t -> two(t.getDayOfMonth());
            case "Do" -> t -> ordinal(t.getDayOfMonth());
            case "d" -> t -> String.valueOf(t.getDayOfWeek().getValue() % 7);
            case "ddd" -> t -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case "dddd" -> t -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case "H" -> t -> String.valueOf(t.getHour());
            case "HH" -> t -> two(t.getHour());
            case "h" -> t -> String.valueOf(twelve(t.getHour()));
            case "hh" -> t -> two(twelve(t.getHour()));
            case "m" -> t -> String.valueOf(t.getMinute());
            case "mm" -> t -> two(t.getMinute());
            case "s" -> t -> String.valueOf(t.getSecond());
            case "ss" -> t -> two(t.getSecond());
            case "S" -> t -> String.valueOf(t.getNano() / 100_000_000);
            case "SS" -> t -> two(t.getNano() / 10_000_000);
            case "SSS" -> t -> String.format("%03d", t.getNano() / 1_000_000);
            case "A" -> t -> t.getHour() < 12 ? "AM" : "PM";
            case "a" -> t -> t.getHour() < 12 ? "am" : "pm";
            case "Z" -> t -> "+00:00";
            case "ZZ" -> t -> "+0000";
            case "X" -> t -> String.valueOf(t.toEpochSecond());
            case "x" -> t -> String.valueOf(t.toInstant().toEpochMilli());
            default -> throw new IllegalStateException(token);
        };
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }

    private static int twelve(int hour) {
        int h = hour % 12;
        return h == 0 ? 12 : h;
    }

    private static String ordinal(int day) {
        String suffix = day % 100 >= 11 && day % 100 <= 13 ? "th"
                : switch (day % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return day + suffix;
    }

    private static ApiException bad(String problem) {
        return ApiException.badRequest("dateFormat", "dateFormat " + problem);
    }
}
