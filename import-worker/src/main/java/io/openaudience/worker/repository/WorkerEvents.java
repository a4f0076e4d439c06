package io.openaudience.worker.repository;

import io.openaudience.common.messaging.AudienceEvent;
import io.openaudience.common.messaging.TraceHeaders;
import io.openaudience.common.messaging.Topics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * The {@code audience-events} of the worker's changes, written to the outbox of the schema it changed
 * ({@code segments.outbox} or {@code audience.outbox}, part of its documented bulk path) in the caller's transaction,
 * so an event exists if and only if its change committed; segments-service's and audience-service's relays publish
 * them (contract: common/README.md, "audience-events").
 */
public final class WorkerEvents {

    private static final String APPEND = "INSERT INTO %s (topic, message_key, payload, headers) VALUES (?, ?, ?, ?)";
    private static final String SEGMENT_JOB = "SELECT type, status, segment_id, total, processed, succeeded, failed, "
            + "segment_count, failure_reason, started_at, finished_at FROM segments.import_job WHERE id = ?";
    private static final String SEGMENT_COUNT = "SELECT user_count FROM segments.segment WHERE id = ?";
    private static final String AUDIENCE_JOB = "SELECT type, status, group_id, total, processed, succeeded, failed, "
            + "failure_reason, started_at, finished_at FROM audience.job WHERE id = ?";
    private static final String GROUP = "SELECT total_users, total_users_refreshed_at FROM audience.user_group "
            + "WHERE id = ? AND company_id = ? AND application_id = ?";

    private WorkerEvents() {
    }

    /**
     * A segments import job ended (read back from its row, in the transaction that ended it); one that linked
     * members to a segment also reports that segment's membership change (all its batches, counted once at the end).
     */
    public static void segmentJobFinished(Connection c, ClaimedJob job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SEGMENT_JOB)) {
            ps.setObject(1, job.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                long segmentId = rs.getLong("segment_id");
                Long segment = rs.wasNull() ? null : segmentId;
                long linked = rs.getLong("segment_count");
                append(c, "segments.outbox", AudienceEvent.of(AudienceEvent.SOURCE_SEGMENTS,
                        AudienceEvent.IMPORT_FINISHED, "jobs/" + job.id(), AudienceEvent.data(
                                "service", "segments", "jobId", job.id().toString(),
                                "subscriptionId", job.subscriptionId(), "initiativeId", job.initiativeId(),
                                "jobType", rs.getString("type"), "status", rs.getString("status"),
                                "segmentId", segment, "total", nullable(rs, "total"),
                                "processed", rs.getLong("processed"), "succeeded", rs.getLong("succeeded"),
                                "failed", rs.getLong("failed"), "segmentLinked", segment == null ? null : linked,
                                "failureReason", rs.getString("failure_reason"),
                                "startedAt", instant(rs.getTimestamp("started_at")),
                                "finishedAt", instant(rs.getTimestamp("finished_at")))));
                if (segment != null && linked > 0) {
                    append(c, "segments.outbox", AudienceEvent.of(AudienceEvent.SOURCE_SEGMENTS,
                            AudienceEvent.MEMBERSHIP_CHANGED, "segments/" + segment, AudienceEvent.data(
                                    "subscriptionId", job.subscriptionId(), "initiativeId", job.initiativeId(),
                                    "segmentId", segment, "cause", "import", "jobId", job.id().toString(),
                                    "added", linked, "removed", 0L, "userCount", segmentCount(c, segment))));
                }
            }
        }
    }

    /** An audience job (group import or update, attribute update, evaluation) ended; read back from its row. */
    public static void audienceJobFinished(Connection c, ClaimedAudienceJob job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AUDIENCE_JOB)) {
            ps.setString(1, job.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                append(c, "audience.outbox", AudienceEvent.of(AudienceEvent.SOURCE_AUDIENCE,
                        AudienceEvent.IMPORT_FINISHED, "jobs/" + job.id(), AudienceEvent.data(
                                "service", "audience", "jobId", job.id(), "companyId", job.companyId(),
                                "applicationId", job.applicationId(), "jobType", rs.getString("type"),
                                "status", rs.getString("status"), "groupId", rs.getString("group_id"),
                                "total", nullable(rs, "total"), "processed", rs.getLong("processed"),
                                "succeeded", rs.getLong("succeeded"), "failed", rs.getLong("failed"),
                                "failureReason", rs.getString("failure_reason"),
                                "startedAt", instant(rs.getTimestamp("started_at")),
                                "finishedAt", instant(rs.getTimestamp("finished_at")))));
            }
        }
    }

    /**
     * The job's group was recounted: its total_users and when, as they stand in this transaction, and for an
     * evaluation the members it added and removed (null when not known).
     */
    public static void groupRefreshed(Connection c, ClaimedAudienceJob job, Long added, Long removed)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GROUP)) {
            ps.setString(1, job.groupId());
            ps.setString(2, job.companyId());
            ps.setString(3, job.applicationId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                append(c, "audience.outbox", AudienceEvent.of(AudienceEvent.SOURCE_AUDIENCE,
                        AudienceEvent.GROUP_REFRESHED, "groups/" + job.groupId(), AudienceEvent.data(
                                "companyId", job.companyId(), "applicationId", job.applicationId(),
                                "groupId", job.groupId(), "jobId", job.id(), "jobType", job.type(),
                                "totalUsers", rs.getLong(1), "added", added, "removed", removed,
                                "refreshedAt", instant(rs.getTimestamp(2)))));
            }
        }
    }

    private static Long segmentCount(Connection c, long segmentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SEGMENT_COUNT)) {
            ps.setLong(1, segmentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void append(Connection c, String table, AudienceEvent event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(APPEND.formatted(table))) {
            ps.setString(1, Topics.AUDIENCE_EVENTS);
            ps.setString(2, event.key());
            ps.setString(3, event.toJson());
            ps.setString(4, TraceHeaders.currentJson(AudienceEvent.RECORD_HEADERS));
            ps.executeUpdate();
        }
    }

    private static Long nullable(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static String instant(Timestamp time) {
        return time == null ? null : time.toInstant().toString();
    }
}
