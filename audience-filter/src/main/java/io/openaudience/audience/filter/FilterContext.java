package io.openaudience.audience.filter;

import io.openaudience.common.audience.AttributeType;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a filter is parsed and compiled against: the tenant, the application's attribute definitions (by id for Fynd
 * conditions, by slug for GoSquared {@code custom.<key>} paths) and the instant relative dates count back from.
 */
public record FilterContext(String companyId, String applicationId, Map<String, Definition> definitionsById,
                            Map<String, Definition> definitionsBySlug, Instant now) {

    /** An attribute definition as the filter needs it: its id, slug and value type. */
    public record Definition(String id, String slug, AttributeType type) {

        public Definition {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(slug, "slug");
            Objects.requireNonNull(type, "type");
        }
    }

    public FilterContext {
        Objects.requireNonNull(companyId, "companyId");
        Objects.requireNonNull(applicationId, "applicationId");
        definitionsById = Map.copyOf(definitionsById);
        definitionsBySlug = Map.copyOf(definitionsBySlug);
        Objects.requireNonNull(now, "now");
    }

    /** The context of one application: its definitions (all of them, encrypted ones included) and now. */
    public static FilterContext of(String companyId, String applicationId, Collection<Definition> definitions,
                                   Instant now) {
        Map<String, Definition> byId = new LinkedHashMap<>();
        Map<String, Definition> bySlug = new LinkedHashMap<>();
        for (Definition d : definitions) {
            byId.put(d.id(), d);
            bySlug.put(d.slug(), d);
        }
        return new FilterContext(companyId, applicationId, byId, bySlug, now);
    }
}
