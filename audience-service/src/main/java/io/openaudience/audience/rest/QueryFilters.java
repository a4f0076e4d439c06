package io.openaudience.audience.rest;

import io.openaudience.audience.PageRequest;
import io.openaudience.audience.service.QueryValues;
import io.openaudience.common.error.ApiException;

import java.util.Locale;

/**
 * Optional list filters as the Fynd SDK sends them (text: {@code "1"}, {@code "true"}; undefined ones empty): absent or
 * empty = no filter (null), a value that does not parse = 400 naming the query parameter.
 */
final class QueryFilters {

    static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 100;

    private QueryFilters() {
    }

    /** {@code page_no} (default 1, ≥ 1) and {@code page_size} (default 10, 1–100). */
    static PageRequest page(String pageNo, String pageSize) {
        return new PageRequest(QueryValues.atLeast(pageNo, "page_no", 1, 1),
                QueryValues.integer(pageSize, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE));
    }

    /** {@code true/false} or {@code 1/0} (any case); absent or empty = null. */
    static Boolean bool(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name, name + " must be true or false");
        };
    }

    /** A whole number; absent or empty = null. */
    static Integer integer(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(raw.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " must be a whole number");
        }
    }

    /** Text; absent or empty = null; longer than {@code max} characters = 400. */
    static String text(String name, String raw, int max) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.length() > max) {
            throw ApiException.badRequest(name, name + " must be at most " + max + " characters");
        }
        return raw;
    }
}
