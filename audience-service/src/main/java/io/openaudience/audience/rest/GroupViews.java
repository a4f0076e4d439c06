package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.openaudience.audience.repository.GroupMemberRepository.MemberRow;
import io.openaudience.audience.service.GroupMemberService.CursorPage;
import io.openaudience.audience.service.UserGroupService.Category;

import java.util.List;
import java.util.Map;

/** The smaller response bodies of the user group API and the attribute bulk update, in Fynd's names. */
public final class GroupViews {

    private GroupViews() {
    }

    /** Row 11: {@code {items: [tag]}}. */
    public record Tags(List<String> items) {
    }

    /** Row 12: {@code {items: [{key, name, description}]}}. */
    public record Categories(List<Category> items) {
    }

    /** Row 13: {@code {user_groups: {<category key>: [UserGroup]}}}. */
    public record Categorised(@JsonProperty("user_groups") Map<String, List<UserGroupView>> userGroups) {
    }

    /** Row 14: a page of groups. */
    public record GroupList(List<UserGroupView> items, FyndPage page) {
    }

    /** Row 18 and other deletions: {@code {message, success}}. */
    public record Deleted(String message, boolean success) {
    }

    /** Row 20: {@code {message, uid, job_id}}. */
    public record RefreshAccepted(String message, long uid, @JsonProperty("job_id") String jobId) {
    }

    /** Row 6: {@code {success, message, processing_type: "async", job_id, status_code: 202}}. */
    public record BulkUpdateAccepted(boolean success, String message,
                                     @JsonProperty("processing_type") String processingType,
                                     @JsonProperty("job_id") String jobId,
                                     @JsonProperty("status_code") int statusCode) {
    }

    /** Row 19: a page of members. */
    public record Members(List<UserSummary> items, CursorPageView page) {
    }

    /** A member as Fynd's UserSummary: emails and phone numbers are passed through as stored (that shape). */
    public record UserSummary(@JsonProperty("user_id") String userId, @JsonRawValue String emails,
                              @JsonRawValue @JsonProperty("phone_numbers") String phoneNumbers) {
        static UserSummary of(MemberRow row) {
            return new UserSummary(row.userId(), row.emails(), row.phoneNumbers());
        }
    }

    /** Fynd's CursorPage; the vendor marks both cursors nullable, so a missing one is sent as null. */
    public record CursorPageView(String type, int current, int size, @JsonProperty("has_next") boolean hasNext,
                                 @JsonProperty("has_prev") boolean hasPrev,
                                 @JsonProperty("next_cursor") String nextCursor,
                                 @JsonProperty("prev_cursor") String prevCursor) {
        static CursorPageView of(CursorPage p) {
            return new CursorPageView(p.type(), p.current(), p.size(), p.hasNext(), p.hasPrev(), p.nextCursor(),
                    p.prevCursor());
        }
    }
}
