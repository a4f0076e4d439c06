package io.openaudience.common.messaging;

/**
 * "Recount this user group" (and, for a conditional group, re-evaluate its conditions), keyed by group id on
 * {@code refresh-total-users}; {@code jobId} is the refresh job whose status the client reads.
 */
public record RefreshTotalUsersMessage(String jobId, String companyId, String applicationId, String groupId) {
}
