package io.openaudience.audience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * A {@code jsonb} column as a Jackson tree. Hibernate Reactive's own JSON type binds through Vert.x {@code JsonObject}
 * and fails on top-level arrays (hibernate-reactive#4156), so these columns travel as text: the entity declares
 * {@code @ColumnTransformer(read = "cast(col as text)", write = "cast(cast(? as text) as jsonb)")} and this converter
 * turns the text into a tree and back.
 */
@Converter
public class JsonColumn implements AttributeConverter<JsonNode, String> {

    /** The write side of every jsonb column mapped with this converter. */
    public static final String WRITE = "cast(cast(? as text) as jsonb)";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String convertToDatabaseColumn(JsonNode value) {
        return value == null ? null : value.toString();
    }

    @Override
    public JsonNode convertToEntityAttribute(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a jsonb column did not hold JSON", e);
        }
    }
}
