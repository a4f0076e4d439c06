package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.UserGroup;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterException;
import io.openaudience.audience.filter.FyndConditions;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A conditional group's conditions at the intake: checked by the filter engine ({@link FyndConditions}) against the
 * application's attribute definitions as they are now, and put in the form {@code user_group.conditions} keeps, which
 * import-worker parses again with the definitions of the moment it evaluates.
 */
public final class GroupConditions {

    /** How conditions combine when the request does not say. */
    public static final String AND = "and";
    /** The request field of the combination ({@code type} is the group's type on this endpoint). */
    public static final String TYPE_FIELD = "conditions_type";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GroupConditions() {
    }

    /** Conditions as stored: a JSON array and {@code and} / {@code or}. */
    public record Stored(ArrayNode conditions, String type) {

        /** The JSON text of {@code user_group.conditions}. */
        public String json() {
            return conditions.toString();
        }

        /** Whether the group has these conditions already (compared as JSON: jsonb does not keep the text). */
        public boolean sameAs(UserGroup group) {
            if (group.conditions == null || !type.equals(group.conditionsType == null ? AND : group.conditionsType)) {
                return false;
            }
            try {
                return conditions.equals(JSON.readTree(group.conditions));
            } catch (IOException e) {
                return false;
            }
        }
    }

    /**
     * Checks the conditions (1–{@value FyndConditions#MAX_CONDITIONS}; errors named {@code conditions},
     * {@code conditions[i].definition_id|user_attribute_definition_id|type|value|value[j]}) and their combination
     * ({@code and} | {@code or}, absent = and; errors named {@code conditions_type}); the stored form, or null when a
     * problem was added to {@code errors}.
     *
     * <p>Each condition is kept as {@code {user_attribute_definition_id, type, value?, key}}: the id under the SDK's
     * name whichever the client used, the operator and the value as sent (a list stays a list, so a value holding a
     * comma survives), no value for {@code is}/{@code nis} (the engine ignores it), and {@code key} = the definition's
     * slug (slugs never change), which the SDK's {@code Conditions} model shows.
     */
    public static Stored check(JsonNode conditions, JsonNode type, List<FilterContext.Definition> definitions,
                               Tenant tenant, List<FieldError> errors) {
        if (conditions == null || conditions.isNull()) {
            errors.add(FieldError.of("conditions", "is required for a conditional group"));
            return null;
        }
        if (conditions.isArray() && conditions.isEmpty()) {
            errors.add(FieldError.of("conditions", "a conditional group needs at least one condition"));
            return null;
        }
        FilterContext context = FilterContext.of(tenant.companyId(), tenant.applicationId(), definitions,
                Instant.now());
        try {
            FyndConditions.parse(conditions, type, context);
        } catch (FilterException e) {
            errors.add(FieldError.of(e.path().equals("type") ? TYPE_FIELD : e.path(), e.reason()));
            return null;
        }
        ArrayNode stored = NODES.arrayNode();
        for (JsonNode c : conditions) {
            String idField = present(c, "definition_id") || !present(c, "user_attribute_definition_id")
                    ? "definition_id" : "user_attribute_definition_id";
            String id = c.get(idField).textValue();
            String operator = c.get("type").textValue();
            ObjectNode kept = stored.addObject();
            kept.put("user_attribute_definition_id", id);
            kept.put("type", operator);
            if (!operator.equals("is") && !operator.equals("nis") && present(c, "value")) {
                kept.set("value", c.get("value"));
            }
            kept.put("key", context.definitionsById().get(id).slug());
        }
        return new Stored(stored, combination(type));
    }

    /** The combination as stored: lower case, absent or empty = and (the engine has accepted it already). */
    private static String combination(JsonNode type) {
        return type == null || type.isNull() || type.textValue().isEmpty() ? AND
                : type.textValue().toLowerCase(Locale.ROOT);
    }

    private static boolean present(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v != null && !v.isNull();
    }
}
