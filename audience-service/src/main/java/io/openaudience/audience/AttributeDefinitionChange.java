package io.openaudience.audience;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of a definition create (row 2) or update (row 4), as the Fynd SDK's {@code CreateUserAttributeDefinition}
 * sends it; fields it also sends that the platform does not keep ({@code icon}, {@code masking}, …) are ignored. An
 * absent field is null; {@code default_value: null} arrives as a JSON null node (it clears the default on update).
 */
public record AttributeDefinitionChange(String name, String slug, String description, String type,
                                        JsonNode validations,
                                        @JsonProperty("default_value") JsonNode defaultValue,
                                        @JsonProperty("customer_editable") Boolean customerEditable,
                                        Boolean encrypted, Boolean pinned,
                                        @JsonProperty("pin_order") Integer pinOrder,
                                        @JsonProperty("is_locked") Boolean locked) {
}
