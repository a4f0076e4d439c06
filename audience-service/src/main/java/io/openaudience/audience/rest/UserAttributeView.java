package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.UserAttribute;
import io.openaudience.audience.service.UserAttributeService;
import io.openaudience.common.time.IsoMillis;

import java.util.List;

/** A person's attribute value as the Fynd SDK's {@code UserAttribute} model has it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserAttributeView(@JsonProperty("_id") String id, String name,
                                @JsonProperty("user_id") String userId,
                                @JsonProperty("application_id") String applicationId,
                                @JsonProperty("user_attribute_definition_id") String definitionId,
                                String type,
                                @JsonProperty("customer_overridden") boolean customerOverridden,
                                Value attribute,
                                @JsonProperty("created_at") String createdAt,
                                @JsonProperty("updated_at") String updatedAt) {

    /** {@code {key: the definition's slug, value}} (the seed's UserAttributeKeyValue). */
    public record Value(String key, JsonNode value) {
    }

    static UserAttributeView of(UserAttributeService.Shown shown) {
        UserAttribute a = shown.attribute();
        return new UserAttributeView(a.id, a.definition.name, a.user.userId, a.applicationId, a.definition.id,
                a.definition.type, a.customerOverridden, new Value(a.definition.slug, shown.value()),
                IsoMillis.format(a.createdAt), IsoMillis.format(a.updatedAt));
    }

    /** The answer of the multi-attribute write (the SDK's {@code BulkUserAttribute}). */
    public record Bulk(boolean success, List<UserAttributeView> attributes) {
    }
}
