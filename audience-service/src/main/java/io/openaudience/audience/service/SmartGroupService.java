package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.PeopleSort;
import io.openaudience.audience.PersonPaths;
import io.openaudience.audience.SmartGroup;
import io.openaudience.audience.config.GoSquaredConfig;
import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterException;
import io.openaudience.audience.filter.GoSquaredFilters;
import io.openaudience.audience.repository.FilterContextRepository;
import io.openaudience.audience.repository.SmartGroupRepository;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * GoSquared smart groups: a name, filters checked by the audience-filter engine when saved (and parsed again whenever
 * the group is read), and display prefs; the GoSquared id is the slugified name, made unique with {@code -1},
 * {@code -2} … and never changed afterwards.
 */
@ApplicationScoped
public class SmartGroupService {

    public static final int MAX_NAME_LENGTH = 255;
    /** Longest slug before a collision suffix. */
    public static final int MAX_SLUG_LENGTH = 64;
    /** How often a create that lost the race for an id tries the next free one. */
    private static final int SLUG_ATTEMPTS = 5;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SmartGroupRepository groups;
    private final FilterContextRepository contexts;
    private final GoSquaredConfig config;

    public SmartGroupService(SmartGroupRepository groups, FilterContextRepository contexts, GoSquaredConfig config) {
        this.groups = groups;
        this.contexts = contexts;
        this.config = config;
    }

    /** A checked create or replace body. */
    private record Draft(String name, JsonNode filters, ObjectNode prefs) {
    }

    @WithTransaction
    public Uni<SmartGroup> create(Tenant tenant, JsonNode body) {
        Draft draft = draft(body);
        return checkFilters(tenant, draft.filters())
                .chain(() -> groups.countFor(tenant))
                .chain(count -> {
                    if (count >= config.maxSmartGroups()) {
                        throw ApiException.conflict("name", "the application already has " + config.maxSmartGroups()
                                + " smart groups");
                    }
                    SmartGroup g = new SmartGroup();
                    g.id = ObjectIds.next();
                    g.companyId = tenant.companyId();
                    g.applicationId = tenant.applicationId();
                    g.name = draft.name();
                    g.filters = draft.filters();
                    g.prefs = draft.prefs();
                    g.createdAt = AttributeDefinitionService.now();
                    g.updatedAt = g.createdAt;
                    String base = slug(draft.name());
                    return groups.lockSlug(tenant, base).chain(() -> insert(tenant, g, base, 1));
                });
    }

    /** Replaces name, filters and prefs; the id stays what it was (a rename does not move the group). */
    @WithTransaction
    public Uni<SmartGroup> replace(Tenant tenant, String slug, JsonNode body) {
        Draft draft = draft(body);
        return group(tenant, slug)
                .call(g -> checkFilters(tenant, draft.filters()))
                .invoke(g -> {
                    g.name = draft.name();
                    g.filters = draft.filters();
                    g.prefs = draft.prefs();
                    g.updatedAt = AttributeDefinitionService.now();
                })
                .call(g -> groups.flush());
    }

    @WithSession
    public Uni<List<SmartGroup>> list(Tenant tenant) {
        return groups.all(tenant);
    }

    @WithSession
    public Uni<SmartGroup> get(Tenant tenant, String slug) {
        return group(tenant, slug);
    }

    /** The tenant's group with this id; 404 when there is none (or it is another application's). */
    public Uni<SmartGroup> group(Tenant tenant, String slug) {
        return groups.bySlug(tenant, slug).onItem().ifNull().failWith(() -> ApiException.notFound("smart group"));
    }

    /** GoSquared filters parsed by the engine; a filter it refuses is a 400 naming its path and why. */
    static Filter parse(JsonNode filters, FilterContext context) {
        try {
            return GoSquaredFilters.parse(filters, context);
        } catch (FilterException e) {
            throw ApiException.badRequest(e.path(), e.path() + ": " + e.reason());
        }
    }

    /** The slug of a name: accents dropped, lower case, runs of other characters as one dash; "group" if empty. */
    static String slug(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > MAX_SLUG_LENGTH) {
            slug = slug.substring(0, MAX_SLUG_LENGTH).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "group" : slug;
    }

    /** The base if free, else the first free {@code base-n}. */
    static String free(String base, Collection<String> used) {
        if (!used.contains(base)) {
            return base;
        }
        for (int n = 1; ; n++) {
            String candidate = base + "-" + n;
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
    }

    private Uni<SmartGroup> insert(Tenant tenant, SmartGroup g, String base, int attempt) {
        return groups.slugsLike(tenant, base).chain(used -> {
            g.slug = free(base, used);
            return groups.insertIfFree(g);
        }).chain(inserted -> {
            if (inserted) {
                return Uni.createFrom().item(g);
            }
            if (attempt >= SLUG_ATTEMPTS) {
                throw ApiException.conflict("name", "smart groups of this name are being created at the same time; "
                        + "retry");
            }
            return insert(tenant, g, base, attempt + 1);
        });
    }

    private Uni<Void> checkFilters(Tenant tenant, JsonNode filters) {
        return contexts.context(tenant, Instant.now()).invoke(context -> parse(filters, context)).replaceWithVoid();
    }

    private static Draft draft(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "body must be a JSON object {name, filters, prefs?}");
        }
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw ApiException.badRequest("name", "name is required (a string)");
        }
        String text = name.asText().strip();
        String problem = TextRules.singleLineProblem(text, MAX_NAME_LENGTH);
        if (problem != null) {
            throw ApiException.badRequest("name", "name " + problem);
        }
        JsonNode filters = body.get("filters");
        if (filters == null || !filters.isArray()) {
            throw ApiException.badRequest("filters", "filters is required (an array of filters)");
        }
        return new Draft(text, filters, prefs(body.get("prefs")));
    }

    /** {@code prefs} with defaults: {@code sortField} a sortable path, {@code sortDir} asc|desc, {@code fields}. */
    private static ObjectNode prefs(JsonNode prefs) {
        if (prefs != null && !prefs.isNull() && !prefs.isObject()) {
            throw ApiException.badRequest("prefs", "prefs must be an object {sortField, sortDir, fields}");
        }
        JsonNode sortField = prefs == null ? null : prefs.get("sortField");
        JsonNode sortDir = prefs == null ? null : prefs.get("sortDir");
        JsonNode fields = prefs == null ? null : prefs.get("fields");
        String field = PeopleSort.DEFAULT.path();
        if (sortField != null && !sortField.isNull()) {
            if (!sortField.isTextual() || !PersonPaths.sortable(sortField.asText())) {
                throw ApiException.badRequest("prefs.sortField", "prefs.sortField must be one of "
                        + String.join(", ", PersonPaths.SORTABLE) + " or custom.<key>");
            }
            field = sortField.asText();
        }
        String dir = "desc";
        if (sortDir != null && !sortDir.isNull()) {
            if (!sortDir.isTextual() || !List.of("asc", "desc").contains(sortDir.asText())) {
                throw ApiException.badRequest("prefs.sortDir", "prefs.sortDir must be asc or desc");
            }
            dir = sortDir.asText();
        }
        ArrayNode list = NODES.arrayNode();
        if (fields != null && !fields.isNull()) {
            if (!fields.isArray()) {
                throw ApiException.badRequest("prefs.fields", "prefs.fields must be an array of person paths");
            }
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                if (!fields.get(i).isTextual()) {
                    throw ApiException.badRequest("prefs.fields[" + i + "]", "prefs.fields[" + i + "] must be a "
                            + "person path such as email or custom.plan");
                }
                paths.add(fields.get(i).asText());
            }
            PeopleService.fields(paths, "prefs.fields").forEach(list::add);
        }
        ObjectNode out = NODES.objectNode();
        out.put("sortField", field);
        out.put("sortDir", dir);
        out.set("fields", list);
        return out;
    }
}
