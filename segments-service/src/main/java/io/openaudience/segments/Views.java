package io.openaudience.segments;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The JSON shapes of the Shorter Loop segments API (seeds 000–002), built from rows in one place. */
public final class Views {

    private Views() {
    }

    /** A segment as listed by {@code GET /api/v2/segments}. */
    public record SegmentSummary(long id, String value, String createdAt, long userCount) {
    }

    /** A segment as answered by create (no updatedAt, as in the seeds) and update. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SegmentView(long id, String value, String createdAt, String updatedAt) {
    }

    /** Seed 002: a segment, one page of its members and the total number of members. */
    public record SegmentWithUsers(long id, String value, String createdAt, List<UserWithSegments> users,
                                   long userCount) {
    }

    public record UserWithSegments(long id, String email,
                                   @JsonProperty("user_subscriptions") List<UserSubscription> userSubscriptions,
                                   List<SegmentOption> segmentOptions) {
    }

    public record UserSubscription(String firstName, String userRole, String status) {
    }

    public record SegmentOption(String value, @JsonProperty("user_segment") UserSegment userSegment) {
    }

    /** A membership row; initiativeId is the initiative's number (seed 002), not the key of the header. */
    public record UserSegment(long userId, long segmentOptionId, long initiativeId, long teamId,
                              long subscriptionId, String createdAt, String updatedAt) {
    }

    /** A member as answered by the bulk create endpoints (seed 000). */
    public record MemberView(long id, String email, String role, String firstName, String createdAt,
                             String updatedAt) {
    }

    /** One entry of {@code inviteResults}: either {@code user} or {@code error} is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InviteResult(boolean success, MemberView user, String email, Integer row, String error) {

        public static InviteResult ok(MemberView user) {
            return new InviteResult(true, user, null, null, null);
        }

        public static InviteResult failed(String email, int row, String error) {
            return new InviteResult(false, null, email, row, error);
        }
    }

    public record BulkCreateResult(List<InviteResult> inviteResults, int segmentCount) {
    }

    public record CountResult(long count) {
    }
}
