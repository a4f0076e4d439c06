package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.SmartGroup;

import java.util.List;

/**
 * A GoSquared SmartGroup (API.md §3): {@code {id, name, filters, prefs: {sortField, sortDir, fields}, _links}}; the
 * filters as the client saved them.
 */
public record SmartGroupView(String id, String name, JsonNode filters, JsonNode prefs,
                             @JsonProperty("_links") List<Link> links) {

    /** A related resource: its relation, path and method. */
    public record Link(String rel, String href, String method) {
    }

    static SmartGroupView of(SmartGroup g) {
        String self = GoSquaredPaths.SMART_GROUPS + "/" + g.slug;
        return new SmartGroupView(g.slug, g.name, g.filters, g.prefs, List.of(
                new Link("self", self, "GET"),
                new Link("people", self + "/people", "GET"),
                new Link("feed", self + "/feed", "GET")));
    }

    /** {@code {list, cardinality}}: GoSquared's list envelope. */
    public record Listing<T>(List<T> list, long cardinality) {
    }
}
