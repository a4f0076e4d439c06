package io.openaudience.common.time;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How every API of the platform writes an instant: UTC with milliseconds, {@code 2024-10-24T08:11:55.000Z} (the
 * vendors' seeds). Written by hand for the years 1–9999, since list pages write one per row and
 * {@link DateTimeFormatter} was 5 % of the segment list's CPU; other years, and parsing, go through
 * {@link #FORMATTER}, which says the same.
 */
public final class IsoMillis {

    public static final DateTimeFormatter FORMATTER = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private IsoMillis() {
    }

    /** The instant in UTC with milliseconds; null stays null. */
    public static String format(OffsetDateTime time) {
        return time == null ? null : format(time.toInstant());
    }

    /** The instant in UTC with milliseconds (truncated, not rounded); null stays null. */
    public static String format(Instant instant) {
        if (instant == null) {
            return null;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1 || year > 9999) { // the pattern's yyyy is the year of the era: year 0 prints 0001
            return FORMATTER.format(instant);
        }
        char[] c = new char[24];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** An instant this class wrote; a {@link java.time.format.DateTimeParseException} for any other text. */
    public static Instant parse(String text) {
        return Instant.from(FORMATTER.parse(text));
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
