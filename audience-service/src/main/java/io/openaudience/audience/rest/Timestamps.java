package io.openaudience.audience.rest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the Fynd views write instants: UTC with milliseconds ({@code 2024-05-01T10:00:00.000Z}), as Fynd does. */
final class Timestamps {

    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

    private Timestamps() {
    }

    static String iso(OffsetDateTime time) {
        return time == null ? null : ISO_MILLIS.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
