package io.openaudience.audience.service;

import io.openaudience.common.error.ApiException;

import java.util.Locale;

/** Query parameter values as they arrive (text): numbers and flags parsed, a bad value a 400 naming the parameter. */
public final class QueryValues {

    private QueryValues() {
    }

    /** A whole number from {@code min} to {@code max}; blank → {@code fallback}. */
    public static int integer(String raw, String name, int fallback, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value < min || value > max) {
                throw ApiException.badRequest(name, name + " must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " must be a whole number");
        }
    }

    /** A whole number of at least {@code min}; blank → {@code fallback}. */
    public static int atLeast(String raw, String name, int fallback, int min) {
        return integer(raw, name, fallback, min, Integer.MAX_VALUE);
    }

    /** {@code true/false/1/0} in any case; blank → {@code fallback}. */
    public static boolean bool(String raw, String name, boolean fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name, name + " must be true or false");
        };
    }

    /** A positive 64-bit number (e.g. a group uid); blank → null. */
    public static Long positiveLong(String raw, String name) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value < 1) {
                throw ApiException.badRequest(name, name + " must be a positive whole number");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " must be a positive whole number");
        }
    }
}
