package io.openaudience.audience.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.PeopleQuery;
import io.openaudience.audience.PeopleSort;
import io.openaudience.audience.PersonPaths;
import io.openaudience.audience.SmartGroup;
import io.openaudience.audience.config.GoSquaredConfig;
import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.repository.FilterContextRepository;
import io.openaudience.audience.repository.PeopleRepository;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * GoSquared people lists ({@code /people/v1/people} with {@code filters}, and a smart group's people): the filter
 * compiled by the audience-filter engine, {@code query}, {@code sort}, {@code limit}, {@code fields},
 * {@code dateFormat}; answered as {@code {list, cardinality}} (an exact count) or streamed as CSV.
 */
@ApplicationScoped
public class PeopleService {

    public static final int DEFAULT_COUNT = 10;
    public static final int MAX_FIELDS = 50;
    public static final int MAX_QUERY_LENGTH = 255;
    /** Rows an export reads per round trip of its cursor. */
    private static final int CSV_FETCH = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PeopleRepository people;
    private final FilterContextRepository contexts;
    private final SmartGroupService groups;
    private final GoSquaredConfig config;
    private final Cardinalities cardinalities;

    public PeopleService(PeopleRepository people, FilterContextRepository contexts, SmartGroupService groups,
                         GoSquaredConfig config, Cardinalities cardinalities) {
        this.people = people;
        this.contexts = contexts;
        this.groups = groups;
        this.config = config;
        this.cardinalities = cardinalities;
    }

    /** The query parameters as they arrived (text; absent = null). */
    public record Options(String query, String fields, String sort, String limit, String dateFormat) {
    }

    /** A page of people and how many pass the filter and the search in all. */
    public record PeoplePage(List<ObjectNode> list, long cardinality) {
    }

    /** The options checked: each bad one is a 400 naming its query parameter. */
    private record Checked(String search, List<String> fields, PeopleSort sort, long offset, int count,
                           MomentFormat dates) {
    }

    /**
     * What a list reads: the filter, its context, and the group's prefs (defaults for sort and fields) if any;
     * {@code key} names the filter as the client gave it (with the tenant), the key of its count.
     */
    private record Source(String key, Filter filter, FilterContext context, PeopleSort sort, List<String> fields) {
    }

    @WithSession
    public Uni<PeoplePage> groupPeople(Tenant tenant, String slug, Options options) {
        Checked checked = check(options, config.people().maxCount());
        return group(tenant, slug).chain(source -> page(source, checked));
    }

    public Uni<PeoplePage> people(Tenant tenant, String filters, Options options) {
        Checked checked = check(options, config.people().maxCount());
        JsonNode parsed = filtersParameter(filters);
        return filtered(tenant, parsed).chain(source -> page(source, checked));
    }

    @WithSession
    public Uni<Multi<String>> groupCsv(Tenant tenant, String slug, Options options) {
        Checked checked = check(options, config.people().maxCsvCount());
        return group(tenant, slug).map(source -> csv(source, checked));
    }

    public Uni<Multi<String>> peopleCsv(Tenant tenant, String filters, Options options) {
        Checked checked = check(options, config.people().maxCsvCount());
        JsonNode parsed = filtersParameter(filters);
        return filtered(tenant, parsed).map(source -> csv(source, checked));
    }

    private Uni<Source> group(Tenant tenant, String slug) {
        return groups.group(tenant, slug).chain(g -> contexts.context(tenant, Instant.now())
                .map(context -> new Source(key(tenant, g.filters), SmartGroupService.parse(g.filters, context),
                        context, prefsSort(g), prefsFields(g))));
    }

    private Uni<Source> filtered(Tenant tenant, JsonNode filters) {
        return contexts.context(tenant, Instant.now())
                .map(context -> new Source(key(tenant, filters), SmartGroupService.parse(filters, context), context,
                        PeopleSort.DEFAULT, List.of()));
    }

    private static String key(Tenant tenant, JsonNode filters) {
        return tenant.companyId() + '\n' + tenant.applicationId() + '\n' + filters;
    }

    private Uni<PeoplePage> page(Source source, Checked checked) {
        PeopleQuery q = query(source, checked);
        List<String> fields = checked.fields() != null ? checked.fields() : source.fields();
        Uni<Long> cardinality = cardinalities.count(source.key() + '\n'
                + (checked.search() == null ? "-" : "+" + checked.search()), () -> people.count(q));
        return Uni.combine().all().unis(people.page(q), cardinality).asTuple()
                .map(t -> new PeoplePage(t.getItem1().stream()
                        .map(row -> Persons.select(Persons.full(row, checked.dates()), fields)).toList(),
                        t.getItem2()));
    }

    private Multi<String> csv(Source source, Checked checked) {
        PeopleQuery q = query(source, checked);
        List<String> fields = checked.fields() != null ? checked.fields() : source.fields();
        List<String> columns = fields.isEmpty() ? PersonPaths.CSV_DEFAULT : fields;
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(Persons.csvHeader(columns)),
                people.stream(q, CSV_FETCH).map(row -> Persons.csvLine(Persons.full(row, checked.dates()),
                        columns)));
    }

    private static PeopleQuery query(Source source, Checked checked) {
        PeopleSort sort = checked.sort() != null ? checked.sort() : source.sort();
        return new PeopleQuery(source.filter(), source.context(), checked.search(), sort, checked.offset(),
                checked.count());
    }

    private static PeopleSort prefsSort(SmartGroup g) {
        JsonNode field = g.prefs.get("sortField");
        JsonNode dir = g.prefs.get("sortDir");
        return field == null || !field.isTextual() ? PeopleSort.DEFAULT
                : new PeopleSort(field.asText(), dir == null || !"asc".equals(dir.asText()));
    }

    private static List<String> prefsFields(SmartGroup g) {
        List<String> fields = new ArrayList<>();
        g.prefs.path("fields").forEach(f -> fields.add(f.asText()));
        return fields;
    }

    private static Checked check(Options o, int maxCount) {
        String search = null;
        if (o.query() != null && !o.query().isBlank()) {
            search = o.query().strip();
            String problem = TextRules.singleLineProblem(search, MAX_QUERY_LENGTH);
            if (problem != null) {
                throw ApiException.badRequest("query", "query " + problem);
            }
        }
        List<String> fields = null;
        if (o.fields() != null && !o.fields().isBlank()) {
            fields = fields(List.of(o.fields().split(",", -1)), "fields");
        }
        PeopleSort sort = o.sort() == null || o.sort().isBlank() ? null : sort(o.sort().strip());
        long[] limit = limit(o.limit(), maxCount);
        return new Checked(search, fields, sort, limit[0], (int) limit[1], MomentFormat.of(o.dateFormat()));
    }

    /** Checked, trimmed, distinct person paths; 400 naming {@code name} for an unknown one or too many. */
    static List<String> fields(List<String> raw, String name) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : raw) {
            String path = f.strip();
            if (path.isEmpty()) {
                continue;
            }
            if (!PersonPaths.isField(path)) {
                throw ApiException.badRequest(name, name + " names the unknown field \"" + shorten(path)
                        + "\"; expected " + String.join(", ", PersonPaths.FIELDS) + " or custom.<key>");
            }
            out.add(path);
        }
        if (out.size() > MAX_FIELDS) {
            throw ApiException.badRequest(name, name + " may name at most " + MAX_FIELDS + " fields");
        }
        return List.copyOf(out);
    }

    /** {@code path[:asc|desc]}; without a direction ascending. */
    private static PeopleSort sort(String raw) {
        String path = raw;
        boolean descending = false;
        int colon = raw.lastIndexOf(':');
        if (colon >= 0) {
            String dir = raw.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw ApiException.badRequest("sort", "sort must be <path>:asc or <path>:desc, got \""
                        + shorten(raw) + "\"");
            }
            path = raw.substring(0, colon).strip();
            descending = dir.equals("desc");
        }
        if (!PersonPaths.sortable(path)) {
            throw ApiException.badRequest("sort", "sort names the unknown path \"" + shorten(path) + "\"; expected "
                    + String.join(", ", PersonPaths.SORTABLE) + " or custom.<key>");
        }
        return new PeopleSort(path, descending);
    }

    /** {@code "offset,count"} or {@code "count"} (default {@code 0,10}); count from 0 to {@code maxCount}. */
    private static long[] limit(String raw, int maxCount) {
        if (raw == null || raw.isBlank()) {
            return new long[]{0, DEFAULT_COUNT};
        }
        String[] parts = raw.split(",", -1);
        if (parts.length > 2) {
            throw ApiException.badRequest("limit", "limit must be \"offset,count\" or \"count\"");
        }
        long offset = parts.length == 2 ? whole(parts[0], Integer.MAX_VALUE, "offset") : 0;
        long count = whole(parts[parts.length - 1], maxCount, "count");
        return new long[]{offset, count};
    }

    private static long whole(String text, long max, String what) {
        try {
            long value = Long.parseLong(text.strip());
            if (value < 0 || value > max) {
                throw ApiException.badRequest("limit", "limit " + what + " must be between 0 and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit", "limit must be \"offset,count\" or \"count\" of whole numbers");
        }
    }

    /** The {@code filters} query parameter: a JSON array of GoSquared filters; absent = everyone. */
    private static JsonNode filtersParameter(String filters) {
        if (filters == null || filters.isBlank()) {
            return JSON.createArrayNode();
        }
        try {
            return JSON.readTree(filters);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("filters", "filters must be a JSON array of filters");
        }
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
