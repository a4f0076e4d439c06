package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.openaudience.audience.UserGroup;
import io.openaudience.common.security.Tenant;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A user group as Fynd returns it (API.md §2 UserGroup, the SDK's UserGroupResponseSchema); absent optionals are
 * omitted, never null. A conditional group also shows its {@code conditions} and how they combine
 * ({@code conditions_type}: and | or).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserGroupView(@JsonProperty("_id") String id, long uid, String name, String description,
                            @JsonProperty("file_url") String fileUrl,
                            @JsonProperty("application_id") String applicationId, String type, String status,
                            String category, List<String> tags, @JsonProperty("total_users") TotalUsers totalUsers,
                            List<GroupConditionView> conditions,
                            @JsonProperty("conditions_type") String conditionsType, GroupError error,
                            @JsonProperty("created_at") OffsetDateTime createdAt,
                            @JsonProperty("modified_at") OffsetDateTime modifiedAt,
                            @JsonProperty("is_active") boolean active) {

    /** How many members the group had when they were last counted, and when that was (absent: never counted). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TotalUsers(long count, @JsonProperty("refreshed_at") OffsetDateTime refreshedAt) {
    }

    /** The rejected rows of the group's last job: how many and where the report is. */
    public record GroupError(long count, @JsonProperty("file_url") String fileUrl) {
    }

    /** The view of a group; {@code base} makes the error report's URL absolute. */
    public static UserGroupView of(UserGroup g, Tenant tenant, URI base) {
        GroupError error = g.errorCount > 0 && g.lastJobId != null
                ? new GroupError(g.errorCount, FyndLinks.absolute(base, FyndLinks.errorsPath(tenant, g.lastJobId)))
                : null;
        return new UserGroupView(g.id, g.uid, g.name, g.description, g.fileUrl, g.applicationId, g.type, g.status,
                g.category, g.tags == null ? List.of() : List.of(g.tags),
                new TotalUsers(g.totalUsers, g.totalUsersRefreshedAt), GroupConditionView.of(g.conditions),
                g.conditions == null ? null : g.conditionsType, error, g.createdAt,
                g.modifiedAt, g.active);
    }
}
