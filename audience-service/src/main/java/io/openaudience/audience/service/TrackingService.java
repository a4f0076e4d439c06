package io.openaudience.audience.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.EventRecord;
import io.openaudience.audience.PersonPaths;
import io.openaudience.audience.config.EventsConfig;
import io.openaudience.audience.repository.TrackingRepository;
import io.openaudience.audience.repository.TrackingRepository.Profile;
import io.openaudience.audience.repository.TrackingRepository.SlugDefinition;
import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.audience.Contacts;
import io.openaudience.common.audience.InvalidAttributeValueException;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GoSquared's tracking intake ({@code /tracking/v1/identify|properties|event}, API.md §3), as the {@code gosquared}
 * npm client sends it. {@code properties}: the reserved ones ({@code email, name, first_name, last_name, phone,
 * created_at} and the other profile fields) set the person's columns, every other key (top level or under
 * {@code custom}) merges into {@code custom} key by key, {@code null} removing it; a custom key that is the slug of
 * an attribute definition of the application is that attribute's value (checked by {@link AttributeRules}, sealed when
 * encrypted). Events go through {@link EventService#record} via the {@link EventBatcher}. The write is one transaction
 * on the pool, not Panache: upserts that create and lock the person in one statement ({@code INSERT … ON CONFLICT
 * DO UPDATE … RETURNING}) and write each attribute value the same way, which entity operations cannot express.
 */
@ApplicationScoped
public class TrackingService {

    /** Longest text of a profile field such as {@code description}. */
    public static final int MAX_PROFILE_TEXT = 4096;
    /** Longest custom key. */
    public static final int MAX_KEY_LENGTH = PersonPaths.MAX_CUSTOM_KEY_LENGTH;
    private static final Set<String> NAMES = Set.of("name", "first_name", "last_name");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Pool pool;
    private final TrackingRepository people;
    private final EventBatcher batcher;
    private final EventsConfig eventsConfig;
    private final AttributeCipher cipher;

    public TrackingService(Pool pool, TrackingRepository people, EventBatcher batcher, EventsConfig eventsConfig,
                           AttributeCipher cipher) {
        this.pool = pool;
        this.people = people;
        this.batcher = batcher;
        this.eventsConfig = eventsConfig;
        this.cipher = cipher;
    }

    /** A field the body carried: its value, null when it is to be cleared. */
    private record Present<T>(T value) {
    }

    /** One custom key: its value ({@code null} node = remove) and where the body had it, for error names. */
    private record Custom(JsonNode value, String at) {
    }

    /** The checked properties of an identify/properties body. */
    private record Change(String userId, Map<String, Present<String>> names, Present<String> email,
                          Present<String> phone, Present<OffsetDateTime> createdAt, Map<String, JsonNode> profile,
                          Map<String, Custom> custom) {
    }

    /** A value for an attribute definition, normalized (and sealed when the definition is encrypted). */
    private record Value(String definitionId, String json, byte[] ciphertext, String keyId) {
    }

    /**
     * {@code identify} and {@code properties}: the same write here (people are not anonymous in this platform and
     * {@code visitor_id} is not kept).
     */
    public Uni<Void> properties(Tenant tenant, JsonNode body) {
        Change change = change(body);
        return pool.withTransaction(c -> write(c, tenant, change));
    }

    /**
     * {@code event}: {@code {person_id?, event: {name, data?}, timestamp?}}; {@code href} is {@code event.data.href}.
     * Without a {@code person_id} the event belongs to no person and is accepted without being stored.
     */
    public Uni<Void> event(Tenant tenant, JsonNode body) {
        Instant now = Instant.now();
        EventRecord event = event(body, now);
        return event == null ? Uni.createFrom().voidItem() : batcher.submit(tenant, event);
    }

    private Uni<Void> write(SqlConnection c, Tenant tenant, Change change) {
        List<String> keys = new ArrayList<>(change.custom().keySet());
        Uni<List<SlugDefinition>> definitions = keys.isEmpty() ? Uni.createFrom().item(List.of())
                : people.definitions(c, tenant, keys);
        return definitions.chain(found -> {
            Map<String, SlugDefinition> bySlug = new HashMap<>();
            found.forEach(d -> bySlug.put(d.slug(), d));
            List<FieldError> errors = new ArrayList<>();
            List<Value> values = new ArrayList<>();
            List<String> cleared = new ArrayList<>();
            ObjectNode set = NODES.objectNode();
            List<String> removed = new ArrayList<>();
            change.custom().forEach((key, custom) -> {
                SlugDefinition d = bySlug.get(key);
                if (d == null) {
                    if (custom.value().isNull()) {
                        removed.add(key);
                    } else {
                        set.set(key, custom.value());
                    }
                } else if (custom.value().isNull()) {
                    cleared.add(d.id());
                } else {
                    Value v = value(tenant, d, custom, errors);
                    if (v != null) {
                        values.add(v);
                    }
                }
            });
            AttributeDefinitionService.failOn(errors);
            return people.lock(c, tenant, change.userId())
                    .chain(profile -> people.update(c, merged(profile, change, set, removed))
                            .onFailure(e -> UniqueViolations.is(e, "app_user_email_uq"))
                            .transform(e -> ApiException.conflict("properties.email", "properties.email belongs to "
                                    + "another person"))
                            .onFailure(e -> UniqueViolations.is(e, "app_user_phone_uq"))
                            .transform(e -> ApiException.conflict("properties.phone", "properties.phone belongs to "
                                    + "another person"))
                            .chain(() -> values(c, tenant, profile.id(), values, cleared)));
        });
    }

    private Uni<Void> values(SqlConnection c, Tenant tenant, long userPk, List<Value> values, List<String> cleared) {
        Uni<Void> chain = cleared.isEmpty() ? Uni.createFrom().voidItem() : people.deleteValues(c, userPk, cleared);
        for (Value v : values) {
            chain = chain.chain(() -> people.putValue(c, tenant, v.definitionId(), userPk, v.json(), v.ciphertext(),
                    v.keyId()));
        }
        return chain;
    }

    /** The value checked against the definition's type and validations (400 naming where the body had it). */
    private Value value(Tenant tenant, SlugDefinition d, Custom custom, List<FieldError> errors) {
        AttributeType type = AttributeType.of(d.type())
                .orElseThrow(() -> new IllegalStateException("stored type " + d.type() + " is unknown"));
        JsonNode normalized;
        try {
            normalized = AttributeRules.normalize(type, AttributeRules.storedValidations(d.validations()),
                    custom.value());
        } catch (InvalidAttributeValueException e) {
            String at = custom.at() + (e.path() == null ? "" : e.path());
            errors.add(FieldError.of(at, at + " " + e.getMessage() + " (the " + d.type() + " attribute " + d.slug()
                    + ")"));
            return null;
        }
        if (type.encrypted()) {
            AttributeCipher.Sealed sealed = cipher.seal(normalized.toString(), tenant.companyId(),
                    tenant.applicationId(), d.id());
            return new Value(d.id(), null, sealed.bytes(), sealed.keyId());
        }
        return new Value(d.id(), normalized.toString(), null, null);
    }

    /** The stored profile with the change applied; 400 when the merged properties grow past their limit. */
    private static Profile merged(Profile p, Change change, ObjectNode set, List<String> removed) {
        String name = p.name();
        String firstName = p.firstName();
        String lastName = p.lastName();
        for (Map.Entry<String, Present<String>> e : change.names().entrySet()) {
            switch (e.getKey()) {
                case "name" -> name = e.getValue().value();
                case "first_name" -> firstName = e.getValue().value();
                default -> lastName = e.getValue().value();
            }
        }
        String emails = p.emails();
        String emailKey = p.emailKey();
        if (change.email() != null) {
            String email = change.email().value();
            ArrayNode list = withPrimary(array(p.emails()), email == null ? null : contact("email", email),
                    entry -> Contacts.emailKey(entry.path("email").asText()));
            emails = list.toString();
            emailKey = list.isEmpty() ? null : Contacts.emailKey(list.get(0).get("email").asText());
        }
        String phones = p.phones();
        String phoneKey = p.phoneKey();
        if (change.phone() != null) {
            String phone = change.phone().value();
            ArrayNode list = withPrimary(array(p.phones()), phone == null ? null : contact("phone", phone),
                    TrackingService::phoneKey);
            phones = list.toString();
            phoneKey = list.isEmpty() ? null : phoneKey(list.get(0));
        }
        OffsetDateTime signedUp = change.createdAt() == null ? p.signedUpAt() : change.createdAt().value();
        ObjectNode profile = object(p.profile());
        change.profile().forEach((key, value) -> {
            if (value.isNull()) {
                profile.remove(key);
            } else {
                profile.set(key, value);
            }
        });
        ObjectNode properties = object(p.properties());
        properties.setAll(set);
        removed.forEach(properties::remove);
        if (properties.toString().getBytes(StandardCharsets.UTF_8).length > AppUserService.MAX_PROPERTIES_BYTES) {
            throw ApiException.badRequest("properties", "properties: the person's custom properties would exceed "
                    + AppUserService.MAX_PROPERTIES_BYTES + " bytes of JSON");
        }
        return new Profile(p.id(), name, firstName, lastName, emails, emailKey, phones, phoneKey, signedUp,
                profile.toString(), properties.toString());
    }

    /**
     * The contact list with {@code primary} as its first, primary entry (an entry with the same key is replaced, the
     * others stay as secondary ones); without one, the old primary entry is dropped and the next one takes its place.
     */
    private static ArrayNode withPrimary(ArrayNode list, ObjectNode primary,
                                         java.util.function.Function<JsonNode, String> key) {
        ArrayNode out = NODES.arrayNode();
        String newKey = primary == null ? null : key.apply(primary);
        if (primary != null) {
            // The same address again keeps what is known of it (verified, active), with the text as now sent.
            for (JsonNode entry : list) {
                if (key.apply(entry).equals(newKey)) {
                    ObjectNode kept = ((ObjectNode) entry).deepCopy();
                    kept.setAll(primary.deepCopy().retain(primary.has("email") ? "email" : "phone", "primary"));
                    kept.remove("country_code");
                    primary = kept;
                    break;
                }
            }
            out.add(primary);
        }
        for (JsonNode entry : list) {
            boolean wasPrimary = entry.path("primary").asBoolean(false);
            if (primary == null && wasPrimary || key.apply(entry).equals(newKey)) {
                continue;
            }
            ObjectNode copy = ((ObjectNode) entry).deepCopy();
            copy.put("primary", false);
            out.add(copy);
        }
        if (primary == null && !out.isEmpty()) {
            ((ObjectNode) out.get(0)).put("primary", true);
        }
        return out;
    }

    private static ObjectNode contact(String field, String value) {
        ObjectNode entry = NODES.objectNode();
        entry.put(field, value);
        entry.put("primary", true);
        entry.put("verified", false);
        entry.put("active", true);
        return entry;
    }

    private static String phoneKey(JsonNode entry) {
        JsonNode code = entry.get("country_code");
        return Contacts.phoneKey(code == null || code.isNull() ? null : code.asText(), entry.path("phone").asText());
    }

    /** The checked properties of an identify/properties body; every problem is named at once (400). */
    private static Change change(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "body must be a JSON object {person_id, properties}");
        }
        List<FieldError> errors = new ArrayList<>();
        String userId = personId(body, errors);
        if (userId == null && errors.isEmpty()) {
            errors.add(FieldError.of("person_id", "person_id is required"));
        }
        ObjectNode properties = AppUserService.properties(body.get("properties"), "properties",
                AppUserService.MAX_PROPERTIES_BYTES, errors);
        if (properties == null) {
            AttributeDefinitionService.failOn(errors);
        }
        Map<String, Present<String>> names = new LinkedHashMap<>();
        Present<String> email = null;
        Present<String> phone = null;
        Present<OffsetDateTime> createdAt = null;
        Map<String, JsonNode> profile = new LinkedHashMap<>();
        Map<String, Custom> custom = new LinkedHashMap<>();
        Map<String, Custom> explicit = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            String at = "properties." + key;
            if (key.equals("id")) {
                continue;
            } else if (NAMES.contains(key)) {
                Present<String> text = text(value, at, AppUserService.MAX_NAME_LENGTH, true, errors);
                if (text != null) {
                    names.put(key, text);
                }
            } else if (key.equals("email")) {
                email = text(value, at, Integer.MAX_VALUE, true, errors);
                if (email != null && email.value() != null && !Contacts.isEmail(email.value())) {
                    errors.add(FieldError.of(at, at + " must be a valid email address"));
                }
            } else if (key.equals("phone")) {
                phone = text(value.isIntegralNumber() ? NODES.textNode(value.asText()) : value, at, 64, true, errors);
                if (phone != null && phone.value() != null && !Contacts.isPhone(phone.value())) {
                    errors.add(FieldError.of(at, at + " must be a phone number (digits, optionally with +, spaces, "
                            + "dots, dashes or brackets)"));
                }
            } else if (key.equals("created_at")) {
                createdAt = date(value, at, errors);
            } else if (PersonPaths.PROFILE.contains(key)) {
                if (value.isNull() || value.isTextual() && TextRules.problem(value.asText(), MAX_PROFILE_TEXT) == null
                        || value.isNumber() || value.isBoolean()) {
                    profile.put(key, value);
                } else {
                    errors.add(FieldError.of(at, at + " must be a string of at most " + MAX_PROFILE_TEXT
                            + " characters, a number or a boolean"));
                }
            } else if (key.equals("custom")) {
                if (value.isNull()) {
                    continue;
                }
                if (!value.isObject()) {
                    errors.add(FieldError.of(at, at + " must be an object of custom properties"));
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> c = value.fields(); c.hasNext(); ) {
                    Map.Entry<String, JsonNode> ce = c.next();
                    customKey(ce.getKey(), at + "." + ce.getKey(), ce.getValue(), explicit, errors);
                }
            } else {
                customKey(key, at, value, custom, errors);
            }
        }
        // A key under "custom" is the client's explicit choice; it wins over the same key at the top level.
        custom.putAll(explicit);
        AttributeDefinitionService.failOn(errors);
        return new Change(userId, names, email, phone, createdAt, profile, custom);
    }

    private static void customKey(String key, String at, JsonNode value, Map<String, Custom> into,
                                  List<FieldError> errors) {
        String problem = key.isEmpty() ? "must not be empty" : TextRules.singleLineProblem(key, MAX_KEY_LENGTH);
        if (problem != null) {
            errors.add(FieldError.of(at, at + ": the key " + problem));
            return;
        }
        into.put(key, new Custom(value, at));
    }

    private static Present<String> text(JsonNode value, String at, int max, boolean singleLine,
                                        List<FieldError> errors) {
        if (value.isNull()) {
            return new Present<>(null);
        }
        if (!value.isTextual()) {
            errors.add(FieldError.of(at, at + " must be a string"));
            return null;
        }
        String text = value.asText().strip();
        String problem = singleLine ? TextRules.singleLineProblem(text, max) : TextRules.problem(text, max);
        if (problem != null) {
            errors.add(FieldError.of(at, at + " " + problem));
            return null;
        }
        return new Present<>(text.isEmpty() ? null : text);
    }

    private static Present<OffsetDateTime> date(JsonNode value, String at, List<FieldError> errors) {
        if (value.isNull()) {
            return new Present<>(null);
        }
        Instant instant = value.isTextual() ? AttributeRules.date(value.asText().strip()) : null;
        if (instant == null) {
            errors.add(FieldError.of(at, at + " must be an ISO-8601 date or date-time"));
            return null;
        }
        return new Present<>(instant.atOffset(ZoneOffset.UTC));
    }

    /** The event of an event body, checked; null when it names no person. */
    private EventRecord event(JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "body must be a JSON object {person_id, event: {name, data}}");
        }
        List<FieldError> errors = new ArrayList<>();
        String userId = personId(body, errors);
        JsonNode event = body.get("event");
        if (event == null || !event.isObject()) {
            errors.add(FieldError.of("event", "event must be an object {name, data}"));
            AttributeDefinitionService.failOn(errors);
        }
        JsonNode name = event.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) {
            errors.add(FieldError.of("event.name", "event.name must be a string"));
        }
        ObjectNode data = AppUserService.properties(event.get("data"), "event.data", eventsConfig.maxPropertiesBytes(),
                errors);
        Instant occurredAt = now;
        JsonNode timestamp = body.get("timestamp");
        if (timestamp != null && !timestamp.isNull()) {
            occurredAt = timestamp.isTextual() ? AttributeRules.date(timestamp.asText().strip()) : null;
            if (occurredAt == null) {
                errors.add(FieldError.of("timestamp", "timestamp must be an ISO-8601 date-time"));
            }
        }
        if (userId == null) {
            // Not stored, but still a well-formed event: a client sending a nameless one should hear of it.
            String problem = name == null || name.isNull() || name.asText().isBlank() ? "is required"
                    : TextRules.singleLineProblem(name.asText(), EventService.MAX_NAME_LENGTH);
            if (problem != null) {
                errors.add(FieldError.of("event.name", "event.name " + problem));
            }
            AttributeDefinitionService.failOn(errors);
            return null;
        }
        AttributeDefinitionService.failOn(errors);
        JsonNode href = data.get("href");
        EventRecord record = new EventRecord(userId, name == null || name.isNull() ? null : name.asText(), occurredAt,
                href != null && href.isTextual() ? href.asText() : null, json(data));
        List<FieldError> problems = new ArrayList<>();
        for (FieldError e : EventService.check(record, "", now, eventsConfig.maxPropertiesBytes())) {
            String field = switch (e.field()) {
                case "user_id" -> "person_id";
                case "name" -> "event.name";
                case "properties" -> "event.data";
                case "href" -> "event.data.href";
                default -> e.field();
            };
            problems.add(FieldError.of(field, field + e.message().substring(e.field().length())));
        }
        AttributeDefinitionService.failOn(problems);
        return record;
    }

    /** {@code person_id}: text or a whole number (the same id as text); absent, null or empty = none. */
    private static String personId(JsonNode body, List<FieldError> errors) {
        JsonNode id = body.get("person_id");
        if (id == null || id.isNull() || id.isTextual() && id.asText().isEmpty()) {
            return null;
        }
        if (!id.isTextual() && !id.isIntegralNumber()) {
            errors.add(FieldError.of("person_id", "person_id must be a string"));
            return null;
        }
        String userId = id.asText();
        String problem = People.userIdProblem(userId);
        if (problem != null) {
            errors.add(FieldError.of("person_id", "person_id " + problem));
            return null;
        }
        return userId;
    }

    private static ArrayNode array(String json) {
        JsonNode node = parse(json);
        return node.isArray() ? (ArrayNode) node : NODES.arrayNode();
    }

    private static ObjectNode object(String json) {
        JsonNode node = parse(json);
        return node.isObject() ? (ObjectNode) node : NODES.objectNode();
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? NODES.missingNode() : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a jsonb column did not hold JSON", e);
        }
    }

    private static String json(JsonNode node) {
        return node.toString();
    }
}
