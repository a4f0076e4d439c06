package io.openaudience.audience.rest;

import io.openaudience.audience.PageRequest;
import io.openaudience.common.error.ApiException;

import java.util.Locale;

/**
 * Query values as the Fynd SDK sends them (everything is text: {@code "1"}, {@code "true"}), checked and named after
 * the query parameter when they do not parse.
 */
final class QueryValues {

    static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 100;

    private QueryValues() {
    }

    /** {@code page_no} (default 1, ≥ 1) and {@code page_size} (default 10, 1–100). */
    static PageRequest page(String pageNo, String pageSize) {
        Integer no = integer("page_no", pageNo);
        Integer size = integer("page_size", pageSize);
        if (no != null && no < 1) {
            throw ApiException.badRequest("page_no", "page_no must be 1 or more");
        }
        if (size != null && (size < 1 || size > MAX_PAGE_SIZE)) {
            throw ApiException.badRequest("page_size", "page_size must be between 1 and " + MAX_PAGE_SIZE);
        }
        return new PageRequest(no == null ? 1 : no, size == null ? DEFAULT_PAGE_SIZE : size);
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
