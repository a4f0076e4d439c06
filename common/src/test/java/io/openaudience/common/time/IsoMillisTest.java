package io.openaudience.common.time;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IsoMillisTest {

    @Test
    void writesTheSeedsShapeInUtcWithMillisecondsTruncated() {
        assertEquals("2024-10-24T08:11:55.000Z", IsoMillis.format(Instant.parse("2024-10-24T08:11:55Z")));
        assertEquals("2024-10-24T08:11:55.123Z", IsoMillis.format(Instant.parse("2024-10-24T08:11:55.123999999Z")));
        assertEquals("2024-10-24T06:11:55.007Z",
                IsoMillis.format(OffsetDateTime.of(2024, 10, 24, 8, 11, 55, 7_000_000, ZoneOffset.ofHours(2))));
        assertEquals("0001-01-01T00:00:00.000Z", IsoMillis.format(Instant.parse("0001-01-01T00:00:00Z")));
        assertEquals("9999-12-31T23:59:59.999Z", IsoMillis.format(Instant.parse("9999-12-31T23:59:59.999Z")));
        assertNull(IsoMillis.format((Instant) null));
        assertNull(IsoMillis.format((OffsetDateTime) null));
    }

    @Test
    void saysWhatTheFormatterSaysForAnyInstantIncludingYearsBeyondFourDigits() {
        SplittableRandom random = new SplittableRandom(12);
        long min = Instant.parse("-2000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max), random.nextInt(1_000_000_000));
            assertEquals(IsoMillis.FORMATTER.format(instant), IsoMillis.format(instant), instant.toString());
        }
    }
}
