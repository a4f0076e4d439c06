package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.AttributeDefinition;
import io.openaudience.common.time.IsoMillis;

/** An attribute definition as Fynd returns it (the SDK's {@code UserAttributeDefinition}, plus default_value). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttributeDefinitionView(@JsonProperty("_id") String id, String name, String slug, String description,
                                      @JsonProperty("application_id") String applicationId, String type,
                                      JsonNode validations,
                                      @JsonProperty("default_value") JsonNode defaultValue,
                                      @JsonProperty("customer_editable") boolean customerEditable,
                                      boolean encrypted, boolean pinned,
                                      @JsonProperty("pin_order") Integer pinOrder,
                                      @JsonProperty("is_locked") boolean locked,
                                      @JsonProperty("created_at") String createdAt,
                                      @JsonProperty("modified_at") String modifiedAt) {

    static AttributeDefinitionView of(AttributeDefinition d) {
        return new AttributeDefinitionView(d.id, d.name, d.slug, d.description, d.applicationId, d.type,
                d.validations, d.defaultValue, d.customerEditable, d.encrypted, d.pinned, d.pinOrder, d.locked,
                IsoMillis.format(d.createdAt), IsoMillis.format(d.modifiedAt));
    }
}
