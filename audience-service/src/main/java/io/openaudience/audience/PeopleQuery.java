package io.openaudience.audience;

import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;

/**
 * Which people of an application to read and in what order: a parsed GoSquared filter, an optional search text
 * (part of the id, name or email, case-insensitive), the sort, and the window {@code offset}, {@code count}.
 */
public record PeopleQuery(Filter filter, FilterContext context, String search, PeopleSort sort, long offset,
                          int count) {
}
