package io.openaudience.audience.rest;

/** The path prefixes of the GoSquared API family (API.md §3). */
final class GoSquaredPaths {

    static final String PEOPLE = "/people/v1";
    static final String SMART_GROUPS = PEOPLE + "/smartgroups";
    static final String TRACKING = "/tracking/v1";
    static final String CSV = "text/csv";

    private GoSquaredPaths() {
    }
}
