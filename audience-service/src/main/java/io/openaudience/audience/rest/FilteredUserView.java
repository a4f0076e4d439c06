package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.openaudience.audience.repository.UserFilterRepository.AttributeRow;
import io.openaudience.audience.repository.UserFilterRepository.PersonRow;
import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.time.IsoMillis;

import java.io.IOException;
import java.util.List;

/**
 * A person selected by a filter (row 26): API.md's UserSummary ({@code user_id, emails, phone_numbers}) plus the
 * fields of the SDK's {@code UserAttributeFilteredList} we have, and, when the request named {@code definition_ids},
 * the person's values of those definitions as {@code UserAttribute}s (encrypted ones masked, as in lists).
 * {@code country_code} is a string here: that model types it so (the users' {@code PhoneNumber} model a number).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FilteredUserView(@JsonProperty("user_id") String userId,
                               @JsonProperty("application_id") String applicationId,
                               @JsonProperty("first_name") String firstName,
                               @JsonProperty("last_name") String lastName, JsonNode emails,
                               @JsonProperty("phone_numbers") JsonNode phoneNumbers,
                               @JsonProperty("created_at") String createdAt,
                               @JsonProperty("updated_at") String updatedAt,
                               List<UserAttributeView> attributes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The view of a person; {@code values} are the requested attribute values (null: none were requested). */
    static FilteredUserView of(PersonRow p, String applicationId, List<AttributeRow> values) {
        return new FilteredUserView(p.userId(), applicationId, p.firstName(), p.lastName(), array(p.emails()),
                phoneNumbers(array(p.phoneNumbers())), IsoMillis.format(p.createdAt()), IsoMillis.format(p.updatedAt()),
                values == null ? null : values.stream().map(v -> attribute(v, p.userId(), applicationId)).toList());
    }

    private static UserAttributeView attribute(AttributeRow v, String userId, String applicationId) {
        JsonNode value = v.sealed() ? TextNode.valueOf(AttributeCipher.MASK) : array(v.value());
        return new UserAttributeView(v.id(), v.name(), userId, applicationId, v.definitionId(), v.type(),
                v.customerOverridden(), new UserAttributeView.Value(v.slug(), value), IsoMillis.format(v.createdAt()),
                IsoMillis.format(v.updatedAt()));
    }

    private static JsonNode phoneNumbers(JsonNode phones) {
        if (phones instanceof ArrayNode list) {
            for (JsonNode phone : list) {
                JsonNode code = phone.get("country_code");
                if (phone instanceof ObjectNode o && code != null && !code.isNull() && !code.isTextual()) {
                    o.put("country_code", code.asText());
                }
            }
        }
        return phones;
    }

    private static JsonNode array(String json) {
        if (json == null) {
            return JSON.createArrayNode();
        }
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON does not parse", e);
        }
    }
}
