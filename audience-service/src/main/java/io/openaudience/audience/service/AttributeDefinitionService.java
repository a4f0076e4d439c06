package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.AttributeDefinition;
import io.openaudience.audience.AttributeDefinitionChange;
import io.openaudience.audience.AttributeDefinitionFilter;
import io.openaudience.audience.PageRequest;
import io.openaudience.audience.repository.AttributeDefinitionRepository;
import io.openaudience.audience.repository.UserAttributeRepository;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.audience.InvalidAttributeValueException;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules of attribute definitions (rows 1–5): what a name, slug, type, validations and default value may be, slug
 * uniqueness, locked definitions, and no type change while people hold values of the definition.
 */
@ApplicationScoped
public class AttributeDefinitionService {

    /** Lower-case letter first, then lower-case letters, digits and underscores; at most 64 characters. */
    public static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /**
     * Column names a group CSV already uses for the person (contract decision 2): an attribute with such a slug could
     * never be set from a file, so these slugs are refused.
     */
    public static final Set<String> RESERVED_SLUGS = Set.of("user_id", "email", "phone_number", "country_code",
            "action");
    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_DESCRIPTION_LENGTH = 2000;
    public static final int MAX_PIN_ORDER = 1_000_000;
    private static final String SLUG_INDEX = "attribute_definition_slug_uq";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AttributeDefinitionRepository definitions;
    private final UserAttributeRepository values;

    public AttributeDefinitionService(AttributeDefinitionRepository definitions, UserAttributeRepository values) {
        this.definitions = definitions;
        this.values = values;
    }

    /** A page of definitions and how many match in all. */
    public record DefinitionPage(List<AttributeDefinition> items, long total) {
    }

    @WithSession
    public Uni<DefinitionPage> list(Tenant tenant, AttributeDefinitionFilter filter, PageRequest page) {
        return definitions.page(tenant, filter, page.pageNo(), page.pageSize())
                .chain(items -> definitions.count(tenant, filter).map(total -> new DefinitionPage(items, total)));
    }

    @WithSession
    public Uni<AttributeDefinition> get(Tenant tenant, String id) {
        return definitions.findFor(tenant, id).onItem().ifNull().failWith(AttributeDefinitionService::notFound);
    }

    @WithTransaction
    public Uni<AttributeDefinition> create(Tenant tenant, AttributeDefinitionChange body) {
        if (body == null) {
            throw ApiException.badRequest("body", "a JSON object with name, slug, description and type is required");
        }
        List<FieldError> errors = new ArrayList<>();
        String name = name(body.name(), errors);
        String slug = slug(body.slug(), errors);
        String description = description(body.description(), errors);
        AttributeType type = null;
        if (body.type() == null || body.type().isBlank()) {
            errors.add(FieldError.of("type", "type is required (one of " + AttributeType.names() + ")"));
        } else {
            type = type(body.type(), body.encrypted(), errors);
        }
        List<AttributeRules.Validation> validations = List.of();
        JsonNode defaultValue = null;
        if (type != null) {
            int before = errors.size();
            validations = AttributeRules.checkValidations(type, body.validations(), errors);
            // A default is checked only against validations that all parsed, or its error would mislead.
            if (body.defaultValue() != null && !body.defaultValue().isNull() && errors.size() == before) {
                defaultValue = defaultValue(type, validations, body.defaultValue(), errors);
            }
        }
        Integer pinOrder = pinOrder(body.pinOrder(), errors);
        failOn(errors);

        AttributeDefinition d = new AttributeDefinition();
        d.id = ObjectIds.next();
        d.companyId = tenant.companyId();
        d.applicationId = tenant.applicationId();
        d.name = name;
        d.slug = slug;
        d.description = description;
        d.type = type.wire();
        d.encrypted = type.encrypted();
        d.validations = stored(validations);
        d.defaultValue = defaultValue;
        d.customerEditable = Boolean.TRUE.equals(body.customerEditable());
        d.pinned = Boolean.TRUE.equals(body.pinned());
        d.pinOrder = pinOrder;
        d.locked = Boolean.TRUE.equals(body.locked());
        d.createdAt = now();
        d.modifiedAt = d.createdAt;
        return definitions.slugTaken(tenant, slug)
                .invoke(taken -> {
                    if (taken) {
                        throw duplicateSlug(slug);
                    }
                })
                .chain(() -> definitions.persistAndFlush(d))
                // Two creates of one slug at once: the loser meets the unique index at the flush.
                .onFailure(e -> UniqueViolations.is(e, SLUG_INDEX)).transform(e -> duplicateSlug(slug));
    }

    /**
     * Applies the fields present in the body; absent ones keep their value. The definition row is locked so no value
     * is written under the old type while the type changes (value writers hold it FOR SHARE).
     */
    @WithTransaction
    public Uni<AttributeDefinition> update(Tenant tenant, String id, AttributeDefinitionChange body) {
        if (body == null) {
            throw ApiException.badRequest("body", "a JSON object is required");
        }
        return lockedForChange(tenant, id)
                .chain(d -> {
                    Change change = change(d, body);
                    Uni<Void> typeCheck = change.type().wire().equals(d.type) ? Uni.createFrom().voidItem()
                            : values.anyFor(tenant, d.id).invoke(any -> {
                                if (any) {
                                    throw ApiException.badRequest("type", "the type cannot change while users have "
                                            + "values of this attribute (" + d.type + ")");
                                }
                            }).replaceWithVoid();
                    return typeCheck.map(v -> apply(d, body, change));
                });
    }

    @WithTransaction
    public Uni<Void> delete(Tenant tenant, String id) {
        return lockedForChange(tenant, id)
                .chain(d -> definitions.deleteFor(tenant, id))
                .replaceWithVoid();
    }

    /** The tenant's definition, row-locked for a change: 404 when absent, 403 when {@code is_locked}. */
    private Uni<AttributeDefinition> lockedForChange(Tenant tenant, String id) {
        return definitions.find("companyId = ?1 and applicationId = ?2 and id = ?3", tenant.companyId(),
                        tenant.applicationId(), id)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                .onItem().ifNull().failWith(AttributeDefinitionService::notFound)
                .invoke(d -> {
                    if (d.locked) {
                        throw ApiException.forbidden("attribute definition " + d.slug + " is locked: it cannot be "
                                + "updated or deleted");
                    }
                });
    }

    /** The checked new state of an update, before it is applied. */
    private record Change(String name, String description, AttributeType type,
                          List<AttributeRules.Validation> validations, boolean validationsChanged,
                          JsonNode defaultValue, Integer pinOrder) {
    }

    private Change change(AttributeDefinition d, AttributeDefinitionChange body) {
        List<FieldError> errors = new ArrayList<>();
        if (body.slug() != null && !body.slug().equals(d.slug)) {
            errors.add(FieldError.of("slug", "the slug cannot be changed (it is " + d.slug + ")"));
        }
        String name = body.name() == null ? d.name : name(body.name(), errors);
        String description = body.description() == null ? d.description : description(body.description(), errors);
        AttributeType current = AttributeType.of(d.type)
                .orElseThrow(() -> new IllegalStateException("stored type " + d.type + " is unknown"));
        AttributeType type = current;
        if (body.type() != null) {
            type = type(body.type(), body.encrypted(), errors);
        } else if (body.encrypted() != null && body.encrypted() != current.encrypted()) {
            // Only the encryption flag: the same values, stored encrypted or in the clear.
            type = body.encrypted() ? type(current.wire(), true, errors)
                    : AttributeType.of(current.wire().substring("encrypted_".length())).orElse(current);
        }
        if (type == null) {
            failOn(errors);
        }
        List<AttributeRules.Validation> validations;
        boolean validationsChanged = body.validations() != null || type != current;
        int before = errors.size();
        if (body.validations() != null) {
            validations = AttributeRules.checkValidations(type, body.validations(), errors);
        } else {
            List<FieldError> stale = new ArrayList<>();
            validations = AttributeRules.checkValidations(type, d.validations, stale);
            if (!stale.isEmpty()) {
                errors.add(FieldError.of("validations", "the current validations do not apply to type "
                        + type.wire() + "; send the validations for it"));
            }
        }
        JsonNode defaultValue = d.defaultValue;
        if (errors.size() == before) {
            if (body.defaultValue() != null) {
                defaultValue = body.defaultValue().isNull() ? null
                        : defaultValue(type, validations, body.defaultValue(), errors);
            } else if (defaultValue != null && validationsChanged) {
                List<FieldError> stale = new ArrayList<>();
                defaultValue(type, validations, defaultValue, stale);
                if (!stale.isEmpty()) {
                    errors.add(FieldError.of("default_value", "the current default_value does not fit the new type "
                            + "or validations; send a new default_value (or null)"));
                }
            }
        }
        Integer pinOrder = body.pinOrder() == null ? d.pinOrder : pinOrder(body.pinOrder(), errors);
        failOn(errors);
        return new Change(name, description, type, validations, validationsChanged, defaultValue, pinOrder);
    }

    private static AttributeDefinition apply(AttributeDefinition d, AttributeDefinitionChange body, Change change) {
        d.name = change.name();
        d.description = change.description();
        d.type = change.type().wire();
        d.encrypted = change.type().encrypted();
        if (change.validationsChanged()) {
            d.validations = stored(change.validations());
        }
        d.defaultValue = change.defaultValue();
        d.pinOrder = change.pinOrder();
        if (body.customerEditable() != null) {
            d.customerEditable = body.customerEditable();
        }
        if (body.pinned() != null) {
            d.pinned = body.pinned();
        }
        d.modifiedAt = now();
        return d;
    }

    private static String name(String raw, List<FieldError> errors) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty()) {
            errors.add(FieldError.of("name", "name is required"));
            return null;
        }
        String problem = TextRules.singleLineProblem(name, MAX_NAME_LENGTH);
        if (problem != null) {
            errors.add(FieldError.of("name", "name " + problem));
        }
        return name;
    }

    private static String slug(String raw, List<FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            errors.add(FieldError.of("slug", "slug is required"));
            return null;
        }
        if (!SLUG.matcher(raw).matches()) {
            errors.add(FieldError.of("slug", "slug must start with a lower-case letter and hold only lower-case "
                    + "letters, digits and underscores, at most 64 characters"));
        } else if (RESERVED_SLUGS.contains(raw)) {
            errors.add(FieldError.of("slug", "slug " + raw + " is reserved (a column of the group CSV files: "
                    + String.join(", ", RESERVED_SLUGS.stream().sorted().toList()) + ")"));
        }
        return raw;
    }

    private static String description(String raw, List<FieldError> errors) {
        if (raw == null) {
            errors.add(FieldError.of("description", "description is required"));
            return null;
        }
        String problem = TextRules.problem(raw, MAX_DESCRIPTION_LENGTH);
        if (problem != null) {
            errors.add(FieldError.of("description", "description " + problem));
        }
        return raw;
    }

    /** The stored type: {@code encrypted: true} turns a plain type into its encrypted variant. */
    private static AttributeType type(String raw, Boolean encrypted, List<FieldError> errors) {
        Optional<AttributeType> named = AttributeType.of(raw.strip());
        if (named.isEmpty()) {
            errors.add(FieldError.of("type", "type must be one of " + AttributeType.names()));
            return null;
        }
        AttributeType type = named.get();
        if (Boolean.TRUE.equals(encrypted)) {
            Optional<AttributeType> variant = type.encryptedVariant();
            if (variant.isEmpty()) {
                errors.add(FieldError.of("encrypted", type.wire() + " values cannot be encrypted (only string, "
                        + "number and their arrays can)"));
                return null;
            }
            return variant.get();
        }
        if (Boolean.FALSE.equals(encrypted) && type.encrypted()) {
            errors.add(FieldError.of("encrypted", type.wire() + " values are always encrypted"));
            return null;
        }
        return type;
    }

    /** The default checked like a value; a string for an array type is read as a CSV cell would be. */
    private static JsonNode defaultValue(AttributeType type, List<AttributeRules.Validation> validations,
                                         JsonNode raw, List<FieldError> errors) {
        try {
            return type.array() && raw.isTextual() ? AttributeRules.normalizeText(type, validations, raw.asText())
                    : AttributeRules.normalize(type, validations, raw);
        } catch (InvalidAttributeValueException e) {
            String field = "default_value" + (e.path() == null ? "" : e.path());
            errors.add(FieldError.of(field, field + " " + e.getMessage()));
            return null;
        }
    }

    private static Integer pinOrder(Integer raw, List<FieldError> errors) {
        if (raw != null && (raw < 0 || raw > MAX_PIN_ORDER)) {
            errors.add(FieldError.of("pin_order", "pin_order must be between 0 and " + MAX_PIN_ORDER));
        }
        return raw;
    }

    private static ArrayNode stored(List<AttributeRules.Validation> validations) {
        ArrayNode out = NODES.arrayNode();
        for (AttributeRules.Validation v : validations) {
            ObjectNode o = out.addObject();
            o.put("type", v.type());
            o.set("value", v.value());
        }
        return out;
    }

    static void failOn(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors.stream()
                    .map(e -> e.message().startsWith(e.field()) ? e.message() : e.field() + ": " + e.message())
                    .collect(Collectors.joining("; ")), errors);
        }
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    static ApiException notFound() {
        return ApiException.notFound("attribute definition");
    }

    private static ApiException duplicateSlug(String slug) {
        return ApiException.conflict("slug", "an attribute definition with slug " + slug + " already exists");
    }
}
