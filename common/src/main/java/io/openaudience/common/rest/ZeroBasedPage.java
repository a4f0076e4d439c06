package io.openaudience.common.rest;

import io.openaudience.common.error.ApiException;

/**
 * The paging rule of the Shorter Loop {@code /api/v2} family (API.md): {@code page} 0-based, default 0;
 * {@code size} 1 to a maximum, with a default; anything else is a 400 naming the parameter.
 */
public record ZeroBasedPage(int page, int size) {

    /** The page the query parameters ask for (either may be absent), or a 400 naming the bad one. */
    public static ZeroBasedPage of(Integer page, Integer size, int defaultSize, int maxSize) {
        int p = page == null ? 0 : page;
        int s = size == null ? defaultSize : size;
        if (p < 0) {
            throw ApiException.badRequest("page", "page must be 0 or more");
        }
        if (s < 1 || s > maxSize) {
            throw ApiException.badRequest("size", "size must be between 1 and " + maxSize);
        }
        return new ZeroBasedPage(p, s);
    }

    /** Rows to skip before this page. */
    public long offset() {
        return (long) page * size;
    }
}
