package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A conditional group's condition as the Fynd SDK's {@code Conditions} model has it ({@code UserGroupResponseSchema}):
 * every member a string, so a list or range value is written the way the SDK sends one — its elements joined by
 * {@code ","} — unless an element holds a comma itself, which only the JSON array text can say.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupConditionView(@JsonProperty("user_attribute_definition_id") String definitionId, String type,
                                 String value, String key) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The conditions of {@code user_group.conditions} (JSON text as stored), or null for a group without any. */
    static List<GroupConditionView> of(String stored) {
        if (stored == null) {
            return null;
        }
        JsonNode conditions;
        try {
            conditions = JSON.readTree(stored);
        } catch (IOException e) {
            throw new IllegalStateException("stored conditions are not JSON", e);
        }
        List<GroupConditionView> views = new ArrayList<>();
        for (JsonNode c : conditions) {
            views.add(new GroupConditionView(c.path("user_attribute_definition_id").asText(),
                    c.path("type").asText(), text(c.get("value")), c.hasNonNull("key") ? c.get("key").asText() : null));
        }
        return views;
    }

    /** A value as one string: scalars as their text, lists joined by commas (or as JSON when an element has one). */
    static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            return scalar(value);
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode element : value) {
            String part = scalar(element);
            if (part == null || part.contains(",")) {
                return value.toString();
            }
            parts.add(part);
        }
        return String.join(",", parts);
    }

    private static String scalar(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isNumber()) {
            return value.decimalValue().toPlainString();
        }
        if (value.isBoolean()) {
            return String.valueOf(value.booleanValue());
        }
        return value.isNull() ? null : value.toString();
    }
}
