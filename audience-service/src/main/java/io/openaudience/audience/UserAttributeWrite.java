package io.openaudience.audience;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of a single value write (row 9), as the Fynd SDK's {@code CreateUserAttribute} sends it:
 * {@code {attribute: {value}, customer_overridden?}}.
 */
public record UserAttributeWrite(JsonNode attribute,
                                 @JsonProperty("customer_overridden") Boolean customerOverridden) {
}
