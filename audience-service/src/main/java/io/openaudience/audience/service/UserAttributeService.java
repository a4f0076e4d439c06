package io.openaudience.audience.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.openaudience.audience.AppUser;
import io.openaudience.audience.AttributeDefinition;
import io.openaudience.audience.PageRequest;
import io.openaudience.audience.UserAttribute;
import io.openaudience.audience.UserAttributeWrite;
import io.openaudience.audience.repository.AppUserRepository;
import io.openaudience.audience.repository.AttributeDefinitionRepository;
import io.openaudience.audience.repository.UserAttributeRepository;
import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.audience.InvalidAttributeValueException;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * People's attribute values (rows 7–10, 23–25): every value goes through {@link AttributeRules} against its
 * definition, {@code encrypted_*} values are sealed with the {@link AttributeCipher} (masked in lists, opened in single
 * reads), and a write naming an unknown user_id creates the person, as a bulk CSV would.
 */
@ApplicationScoped
public class UserAttributeService {

    /** Most values one multi-attribute POST or DELETE may name. */
    public static final int MAX_BULK = 100;
    private static final String VALUE_INDEX = "user_attribute_definition_user_uq";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AttributeDefinitionRepository definitions;
    private final UserAttributeRepository values;
    private final AppUserRepository people;
    private final AttributeCipher cipher;

    public UserAttributeService(AttributeDefinitionRepository definitions, UserAttributeRepository values,
                                AppUserRepository people, AttributeCipher cipher) {
        this.definitions = definitions;
        this.values = values;
        this.people = people;
        this.cipher = cipher;
    }

    /** A value as a response shows it: the row and its value (plaintext, or the mask in lists). */
    public record Shown(UserAttribute attribute, JsonNode value) {
    }

    /** The result of a single write: what it stored and whether it created the value (201) or replaced it (200). */
    public record Written(Shown shown, boolean created) {
    }

    /** A page of a person's values and how many match in all. */
    public record ShownPage(List<Shown> items, long total) {
    }

    /** One entry of a multi-attribute write. */
    public record Entry(String definitionId, JsonNode value) {
    }

    @WithSession
    public Uni<ShownPage> list(Tenant tenant, String userId, String type, String name, PageRequest page) {
        return person(tenant, userId).chain(user -> values.page(tenant, user.id, type, name, page.pageNo(),
                        page.pageSize())
                .chain(items -> values.count(tenant, user.id, type, name)
                        .map(total -> new ShownPage(items.stream().map(this::masked).toList(), total))));
    }

    @WithSession
    public Uni<Shown> get(Tenant tenant, String definitionId, String userId) {
        return definition(tenant, definitionId, null)
                .chain(d -> person(tenant, userId)
                        .chain(user -> values.findFor(tenant, d.id, user.id)))
                .onItem().ifNull().failWith(UserAttributeService::valueNotFound)
                .map(this::opened);
    }

    @WithSession
    public Uni<Shown> byId(Tenant tenant, String attributeId) {
        return values.findFor(tenant, attributeId)
                .onItem().ifNull().failWith(UserAttributeService::valueNotFound)
                .map(this::opened);
    }

    /** Creates or replaces the person's value of the definition (row 9). */
    @WithTransaction
    public Uni<Written> put(Tenant tenant, String definitionId, String userId, UserAttributeWrite body) {
        People.checkedUserId(userId);
        if (body == null || body.attribute() == null || !body.attribute().isObject()) {
            throw ApiException.badRequest("attribute", "attribute must be an object {value}");
        }
        JsonNode raw = body.attribute().get("value");
        return definition(tenant, definitionId, LockModeType.PESSIMISTIC_READ)
                .chain(d -> {
                    JsonNode value = normalized(d, raw, "attribute.value");
                    return lockedPerson(tenant, userId)
                            .chain(user -> values.findFor(tenant, d.id, user.id)
                                    .chain(existing -> {
                                        boolean created = existing == null;
                                        UserAttribute a = created ? newValue(tenant, d, user) : existing;
                                        if (body.customerOverridden() != null) {
                                            a.customerOverridden = body.customerOverridden();
                                        }
                                        store(a, value);
                                        return values.persistAndFlush(a)
                                                .map(saved -> new Written(new Shown(saved, value), created));
                                    }));
                })
                .onFailure(e -> UniqueViolations.is(e, VALUE_INDEX)).transform(e -> concurrentWrite());
    }

    /**
     * Sets several values of one person at once (row 23): all or nothing, every entry checked before anything is
     * written. The answer lists the stored values with encrypted ones masked, as lists do.
     */
    @WithTransaction
    public Uni<List<Shown>> putAll(Tenant tenant, String userId, JsonNode attributes) {
        People.checkedUserId(userId);
        List<Entry> entries = entries(attributes);
        List<String> ids = entries.stream().map(Entry::definitionId).distinct().toList();
        return definitions.find("companyId = ?1 and applicationId = ?2 and id in ?3", tenant.companyId(),
                        tenant.applicationId(), ids)
                .withLock(LockModeType.PESSIMISTIC_READ).list()
                .chain(found -> {
                    Map<String, AttributeDefinition> byId = new HashMap<>();
                    found.forEach(d -> byId.put(d.id, d));
                    List<FieldError> errors = new ArrayList<>();
                    Map<String, JsonNode> normalized = new LinkedHashMap<>();
                    for (int i = 0; i < entries.size(); i++) {
                        Entry entry = entries.get(i);
                        AttributeDefinition d = byId.get(entry.definitionId());
                        String at = "attributes[" + i + "]";
                        if (d == null) {
                            errors.add(FieldError.of(at + ".definition_id", at + ".definition_id names no attribute "
                                    + "definition of this application"));
                            continue;
                        }
                        try {
                            normalized.put(d.id, normalized(d, entry.value(), at + ".value"));
                        } catch (ApiException e) {
                            errors.addAll(e.errors());
                        }
                    }
                    AttributeDefinitionService.failOn(errors);
                    return lockedPerson(tenant, userId)
                            .chain(user -> values.forUser(tenant, user.id, normalized.keySet())
                                    .chain(existing -> {
                                        Map<String, UserAttribute> current = new HashMap<>();
                                        existing.forEach(a -> current.put(a.definition.id, a));
                                        List<UserAttribute> rows = new ArrayList<>();
                                        normalized.forEach((id, value) -> {
                                            UserAttribute a = current.get(id);
                                            if (a == null) {
                                                a = newValue(tenant, byId.get(id), user);
                                            }
                                            store(a, value);
                                            rows.add(a);
                                        });
                                        return values.persist(rows).chain(() -> values.flush())
                                                .map(v -> rows.stream().map(this::masked).toList());
                                    }));
                })
                .onFailure(e -> UniqueViolations.is(e, VALUE_INDEX)).transform(e -> concurrentWrite());
    }

    /** Deletes the person's value of the definition (row 10). */
    @WithTransaction
    public Uni<Void> delete(Tenant tenant, String definitionId, String userId) {
        return definition(tenant, definitionId, null)
                .chain(d -> person(tenant, userId)
                        .chain(user -> values.deleteFor(tenant, user.id, List.of(d.id))))
                .invoke(deleted -> {
                    if (deleted == 0) {
                        throw valueNotFound();
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Deletes the person's values of these definitions (row 24) and returns how many there were; ids of definitions
     * the person has no value of (or that do not exist) delete nothing.
     */
    @WithTransaction
    public Uni<Long> deleteAll(Tenant tenant, String userId, JsonNode definitionIds) {
        List<String> ids = definitionIds(definitionIds);
        return person(tenant, userId).chain(user -> values.deleteFor(tenant, user.id, ids));
    }

    private Uni<AttributeDefinition> definition(Tenant tenant, String id, LockModeType lock) {
        if (!ObjectIds.isObjectId(id)) {
            return Uni.createFrom().failure(AttributeDefinitionService.notFound());
        }
        var query = definitions.find("companyId = ?1 and applicationId = ?2 and id = ?3", tenant.companyId(),
                tenant.applicationId(), id);
        return (lock == null ? query : query.withLock(lock)).firstResult()
                .onItem().ifNull().failWith(AttributeDefinitionService::notFound);
    }

    private Uni<AppUser> person(Tenant tenant, String userId) {
        return people.findFor(tenant, userId).onItem().ifNull().failWith(() -> ApiException.notFound("user"));
    }

    /** The person, created if unknown, locked for the rest of the transaction. */
    private Uni<AppUser> lockedPerson(Tenant tenant, String userId) {
        return people.createIfAbsent(tenant, userId).chain(created -> people.lockFor(tenant, userId));
    }

    private static JsonNode normalized(AttributeDefinition d, JsonNode raw, String field) {
        AttributeType type = AttributeType.of(d.type)
                .orElseThrow(() -> new IllegalStateException("stored type " + d.type + " is unknown"));
        try {
            return AttributeRules.normalize(type, AttributeRules.storedValidations(d.validations), raw);
        } catch (InvalidAttributeValueException e) {
            String at = field + (e.path() == null ? "" : e.path());
            throw ApiException.badRequest(at, at + " " + e.getMessage());
        }
    }

    private static UserAttribute newValue(Tenant tenant, AttributeDefinition d, AppUser user) {
        UserAttribute a = new UserAttribute();
        a.id = ObjectIds.next();
        a.companyId = tenant.companyId();
        a.applicationId = tenant.applicationId();
        a.definition = d;
        a.user = user;
        a.createdAt = AttributeDefinitionService.now();
        return a;
    }

    /** Puts the normalized value in the row: as JSON, or sealed for the tenant and definition when encrypted. */
    private void store(UserAttribute a, JsonNode value) {
        if (a.definition.encrypted) {
            AttributeCipher.Sealed sealed = cipher.seal(value.toString(), a.companyId, a.applicationId,
                    a.definition.id);
            a.value = null;
            a.ciphertext = sealed.bytes();
            a.keyId = sealed.keyId();
        } else {
            a.value = value;
            a.ciphertext = null;
            a.keyId = null;
        }
        a.updatedAt = AttributeDefinitionService.now();
    }

    private Shown opened(UserAttribute a) {
        return new Shown(a, a.ciphertext == null ? a.value : parse(cipher.open(a.keyId, a.ciphertext, a.companyId,
                a.applicationId, a.definition.id)));
    }

    private Shown masked(UserAttribute a) {
        return new Shown(a, a.ciphertext == null ? a.value : TextNode.valueOf(AttributeCipher.MASK));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an opened attribute value is not JSON", e);
        }
    }

    /** The entries of {@code {attributes: [{definition_id, value}]}}, their shape checked; 400 names each problem. */
    private static List<Entry> entries(JsonNode attributes) {
        if (attributes == null || !attributes.isArray() || attributes.isEmpty()) {
            throw ApiException.badRequest("attributes", "attributes must be a non-empty array of "
                    + "{definition_id, value}");
        }
        if (attributes.size() > MAX_BULK) {
            throw ApiException.badRequest("attributes", "attributes may hold at most " + MAX_BULK + " entries");
        }
        List<FieldError> errors = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < attributes.size(); i++) {
            JsonNode item = attributes.get(i);
            String at = "attributes[" + i + "]";
            if (!item.isObject()) {
                errors.add(FieldError.of(at, at + " must be an object {definition_id, value}"));
                continue;
            }
            JsonNode id = item.get("definition_id");
            if (id == null || !id.isTextual() || !ObjectIds.isObjectId(id.asText())) {
                errors.add(FieldError.of(at + ".definition_id", at + ".definition_id must be a definition's 24-hex "
                        + "_id"));
                continue;
            }
            Integer first = seen.putIfAbsent(id.asText(), i);
            if (first != null) {
                errors.add(FieldError.of(at + ".definition_id", at + ".definition_id repeats attributes[" + first
                        + "]"));
                continue;
            }
            entries.add(new Entry(id.asText(), item.get("value")));
        }
        AttributeDefinitionService.failOn(errors);
        return entries;
    }

    private static List<String> definitionIds(JsonNode ids) {
        return list(ids, "definition_ids", node -> node.isTextual() && ObjectIds.isObjectId(node.asText())
                ? node.asText() : null, "must be a definition's 24-hex _id");
    }

    private static <T> List<T> list(JsonNode array, String field, Function<JsonNode, T> item, String itemRule) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw ApiException.badRequest(field, field + " must be a non-empty array");
        }
        if (array.size() > MAX_BULK) {
            throw ApiException.badRequest(field, field + " may hold at most " + MAX_BULK + " entries");
        }
        List<FieldError> errors = new ArrayList<>();
        List<T> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            T value = item.apply(array.get(i));
            if (value == null) {
                errors.add(FieldError.of(field + "[" + i + "]", field + "[" + i + "] " + itemRule));
            } else {
                out.add(value);
            }
        }
        AttributeDefinitionService.failOn(errors);
        return out;
    }

    private static ApiException valueNotFound() {
        return ApiException.notFound("user attribute");
    }

    private static ApiException concurrentWrite() {
        return ApiException.conflict("attribute", "the value was written by another request at the same time; "
                + "retry");
    }
}
