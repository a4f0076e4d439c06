package io.openaudience.audience;

/**
 * The order of a people list: a dotted person path ({@code last.seen}, {@code email}, {@code custom.plan} …) and its
 * direction; people without a value come last either way, ties are broken by the internal key.
 */
public record PeopleSort(String path, boolean descending) {

    /** GoSquared's default: most recently seen first. */
    public static final PeopleSort DEFAULT = new PeopleSort("last.seen", true);
}
