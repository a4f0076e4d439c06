package io.openaudience.audience;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Bodies of the user group and attribute bulk update requests, as Fynd's clients send them (snake_case). */
public final class GroupRequests {

    private GroupRequests() {
    }

    /**
     * Row 15: a bulk group {@code {name, description, category?, file_url, tags?}}, or a conditional one {@code {name,
     * description, category?, type: "conditional", conditions, conditions_type?, tags?}}.
     */
    public record NewGroup(String name, String description, String category,
                           @JsonProperty("file_url") String fileUrl, List<String> tags, String type,
                           JsonNode conditions, @JsonProperty("conditions_type") JsonNode conditionsType) {
    }

    /**
     * Row 17: only what is present changes; {@code file_url} (a CSV with an {@code action} column) or
     * {@code user_data} changes a bulk group's members through a {@code group_update} job, {@code conditions} /
     * {@code conditions_type} a conditional group's through a {@code group_evaluate} job.
     */
    public record GroupPatch(String name, String description, List<String> tags,
                             @JsonProperty("file_url") String fileUrl,
                             @JsonProperty("user_data") List<UserData> userData, String type, JsonNode conditions,
                             @JsonProperty("conditions_type") JsonNode conditionsType) {
    }

    /**
     * Row 22: a full update; {@code file_url} makes a bulk group's members exactly the file's people,
     * {@code conditions} (absent = unchanged) re-evaluates a conditional group.
     */
    public record GroupReplace(String name, String description, String category, List<String> tags,
                               @JsonProperty("file_url") String fileUrl, String type, JsonNode conditions,
                               @JsonProperty("conditions_type") JsonNode conditionsType) {
    }

    /** One person to add to or remove from a group, named by user id, email or phone (CONTRACT.md §1). */
    public record UserData(@JsonProperty("user_id") String userId, String email,
                           @JsonProperty("phone_number") String phoneNumber,
                           @JsonProperty("country_code") String countryCode, String action) {
    }

    /** Row 6: {@code {file_url, attributes: [{key, value}]}}; {@code key} is a definition's slug or {@code _id}. */
    public record BulkAttributeUpdate(@JsonProperty("file_url") String fileUrl, List<AttributeValue> attributes) {
    }

    /** One attribute every person of the bulk update's file gets. */
    public record AttributeValue(String key, JsonNode value) {
    }
}
