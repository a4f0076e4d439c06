package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.EventRecord;
import io.openaudience.audience.config.EventsConfig;
import io.openaudience.audience.repository.EventRepository;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event intake (Fynd {@code POST …/events}; GoSquared's tracking intake reuses {@link #record}): checks a batch,
 * then writes the events, the per-person per-name stats and the people's totals in one transaction, one set-based
 * statement per table, creating the people it names that do not exist yet. Plain SQL in transactions on the pool,
 * not Panache: multi-row upserts over {@code unnest}, and partitions created in a transaction of their own first.
 */
@ApplicationScoped
public class EventService {

    /** Events earlier than this are refused (a wrong clock or unit, not history worth keeping). */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far ahead of the server's clock an event may be (clients' clocks drift). */
    public static final Duration MAX_AHEAD = Duration.ofDays(1);
    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_HREF_LENGTH = 2048;

    private final Pool pool;
    private final EventRepository events;
    private final EventsConfig config;
    /** Months whose partition this instance already ensured: the check costs a round trip otherwise. */
    private final Set<YearMonth> partitioned = ConcurrentHashMap.newKeySet();

    public EventService(Pool pool, EventRepository events, EventsConfig config) {
        this.pool = pool;
        this.events = events;
        this.config = config;
    }

    /**
     * Checks and stores the Fynd body: one event object, or an array of up to {@code maxBatch} of them. Nothing is
     * written when any event is invalid; 400 names each problem ({@code [i].field} in an array).
     */
    public Uni<Integer> track(Tenant tenant, JsonNode body) {
        return record(tenant, parse(body, Instant.now()));
    }

    /**
     * Stores checked events of one tenant in one transaction and returns how many. The reusable write path of every
     * intake: the caller has already checked each event with {@link #check}.
     */
    public Uni<Integer> record(Tenant tenant, List<EventRecord> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = batch.size();
        String[] userIds = new String[n];
        String[] names = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] hrefs = new String[n];
        String[] properties = new String[n];
        Map<YearMonth, OffsetDateTime> months = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            EventRecord e = batch.get(i);
            userIds[i] = e.userId();
            names[i] = e.name();
            times[i] = e.occurredAt().atOffset(ZoneOffset.UTC);
            hrefs[i] = e.href();
            properties[i] = e.propertiesJson();
            YearMonth month = YearMonth.from(times[i]);
            if (!partitioned.contains(month)) {
                months.putIfAbsent(month, times[i]);
            }
        }
        long visitGap = config.visitGap().toSeconds();
        // Partitions first, in their own short transaction: creating one locks the parent table until commit.
        List<OffsetDateTime> missing = List.copyOf(months.values());
        Uni<Void> ready = months.isEmpty() ? Uni.createFrom().voidItem()
                : pool.withTransaction(c -> events.ensurePartitions(c, missing))
                .invoke(() -> partitioned.addAll(months.keySet()));
        return ready.chain(() -> pool.withTransaction(c -> events.upsertPeople(c, tenant, userIds, names, times,
                        visitGap)
                .chain(keys -> {
                    Long[] userPks = new Long[n];
                    for (int i = 0; i < n; i++) {
                        userPks[i] = keys.get(userIds[i]);
                    }
                    return events.insertEvents(c, tenant, userPks, names, times, hrefs, properties)
                            .call(() -> events.upsertStats(c, tenant, userPks, names, times));
                })));
    }

    /** The events of a Fynd body, checked; {@code now} stands for events without a timestamp. */
    List<EventRecord> parse(JsonNode body, Instant now) {
        if (body == null || body.isNull()) {
            throw ApiException.badRequest("body", "an event object or an array of events is required");
        }
        boolean single = body.isObject();
        if (!single && !body.isArray()) {
            throw ApiException.badRequest("body", "an event object or an array of events is required");
        }
        if (body.isArray() && body.isEmpty()) {
            throw ApiException.badRequest("body", "the array holds no event");
        }
        if (!single && body.size() > config.maxBatch()) {
            throw ApiException.payloadTooLarge("at most " + config.maxBatch() + " events per request (got "
                    + body.size() + ")");
        }
        List<FieldError> errors = new ArrayList<>();
        List<EventRecord> out = new ArrayList<>();
        Iterable<JsonNode> items = single ? List.of(body) : body;
        int i = 0;
        for (JsonNode item : items) {
            String at = single ? "" : "[" + i + "].";
            EventRecord e = event(item, at, now, errors);
            if (e != null) {
                out.add(e);
            }
            i++;
        }
        AttributeDefinitionService.failOn(errors);
        return out;
    }

    private EventRecord event(JsonNode item, String at, Instant now, List<FieldError> errors) {
        if (!item.isObject()) {
            String field = at.isEmpty() ? "body" : at.substring(0, at.length() - 1);
            errors.add(FieldError.of(field, field + " must be an object {user_id, name, timestamp?, properties?, "
                    + "href?}"));
            return null;
        }
        int before = errors.size();
        JsonNode rawUserId = item.get("user_id");
        // Numeric ids are common in tracking code; they are the same id as text.
        String userId = rawUserId != null && rawUserId.isIntegralNumber() ? rawUserId.asText()
                : string(item, "user_id", at, errors);
        String name = string(item, "name", at, errors);
        String href = string(item, "href", at, errors);
        Instant occurredAt = now;
        JsonNode ts = item.get("timestamp");
        if (ts != null && !ts.isNull()) {
            occurredAt = ts.isTextual() ? AttributeRules.date(ts.asText()) : null;
            if (occurredAt == null) {
                errors.add(FieldError.of(at + "timestamp", at + "timestamp must be an ISO-8601 date-time such as "
                        + "2026-12-01T10:00:00Z"));
            }
        }
        ObjectNode properties = AppUserService.properties(item.get("properties"), at + "properties",
                config.maxPropertiesBytes(), errors);
        if (errors.size() > before) {
            return null;
        }
        EventRecord e = new EventRecord(userId, name, occurredAt, href, properties.toString());
        errors.addAll(check(e, at, now, config.maxPropertiesBytes()));
        return errors.size() > before ? null : e;
    }

    /**
     * What is wrong with an event about to be stored, each problem named {@code at + field}: user_id and name
     * required, single-line text of their column's size, href at most 2048 characters, the time between 2000-01-01
     * and a day after {@code now}, properties a JSON object of at most {@code maxPropertiesBytes}.
     */
    public static List<FieldError> check(EventRecord e, String at, Instant now, int maxPropertiesBytes) {
        List<FieldError> errors = new ArrayList<>();
        String problem = People.userIdProblem(e.userId());
        if (problem != null) {
            errors.add(FieldError.of(at + "user_id", at + "user_id " + problem));
        }
        problem = e.name() == null || e.name().isBlank() ? "is required"
                : TextRules.singleLineProblem(e.name(), MAX_NAME_LENGTH);
        if (problem != null) {
            errors.add(FieldError.of(at + "name", at + "name " + problem));
        }
        if (e.href() != null) {
            problem = TextRules.singleLineProblem(e.href(), MAX_HREF_LENGTH);
            if (problem != null) {
                errors.add(FieldError.of(at + "href", at + "href " + problem));
            }
        }
        if (e.occurredAt().isBefore(EARLIEST) || e.occurredAt().isAfter(now.plus(MAX_AHEAD))) {
            errors.add(FieldError.of(at + "timestamp", at + "timestamp must be between 2000-01-01 and one day "
                    + "from now"));
        }
        if (e.propertiesJson() == null || !e.propertiesJson().startsWith("{")
                || e.propertiesJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxPropertiesBytes) {
            errors.add(FieldError.of(at + "properties", at + "properties must be a JSON object of at most "
                    + maxPropertiesBytes + " bytes"));
        }
        return errors;
    }

    private static String string(JsonNode item, String field, String at, List<FieldError> errors) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(FieldError.of(at + field, at + field + " must be a string"));
            return null;
        }
        return value.asText();
    }
}
