package io.openaudience.worker.repository;

import io.openaudience.common.db.SegmentLock;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The import_job row's life cycle as the worker sees it: claim with a lease (by id for a Kafka message, or the
 * fairest due job for the sweeper), heartbeat, finish, fail. Every write after the claim is fenced by the owner
 * token, so a worker that lost its lease cannot touch a job another one has taken over.
 */
@ApplicationScoped
public class ImportJobRepository {

    /** The segments' job table: tenant = subscription, the claim reads the upload's format. */
    public static final JobTable TABLE = new JobTable("import_job", List.of("subscription_id"), " FROM upload u",
            "u.id = j.upload_id AND ", "j.id, j.subscription_id, j.initiative_id, j.type, j.segment_id, j.upload_id, "
            + "u.format, j.processed, j.attempts", null, null);
    private static final String CLAIM_BY_ID = TABLE.claimById();
    private static final String CLAIM_NEXT = TABLE.claimNext();

    private final DataSource dataSource;

    public ImportJobRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Claims the job of a Kafka message if it is queued (or abandoned) and its tenant is under the cap. */
    public Optional<ClaimedJob> claim(UUID jobId, String owner, Duration lease, int maxRunningPerTenant)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM_BY_ID)) {
            ps.setString(1, owner);
            ps.setDouble(2, JobTable.seconds(lease));
            ps.setObject(3, jobId);
            ps.setInt(4, maxRunningPerTenant);
            return read(ps, owner);
        }
    }

    /** Claims the fairest due job: one whose lease expired (its worker died) or queued for longer than the grace. */
    public Optional<ClaimedJob> claimNext(String owner, Duration lease, Duration queuedGrace, int maxRunningPerTenant)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM_NEXT)) {
            ps.setString(1, owner);
            ps.setDouble(2, JobTable.seconds(lease));
            ps.setDouble(3, JobTable.seconds(queuedGrace));
            ps.setInt(4, maxRunningPerTenant);
            return read(ps, owner);
        }
    }

    private static Optional<ClaimedJob> read(PreparedStatement ps, String owner) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            long segment = rs.getLong(5);
            return Optional.of(new ClaimedJob(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3),
                    rs.getString(4), rs.wasNull() ? null : segment, rs.getObject(6, UUID.class), rs.getString(7),
                    rs.getLong(8), rs.getInt(9), owner));
        }
    }

    /** Whether the job's segment still exists in the job's tenant. */
    public boolean segmentExists(ClaimedJob job) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(SegmentLock.NONE.sql())) {
            ps.setArray(1, c.createArrayOf("bigint", new Long[]{job.segmentId()}));
            ps.setLong(2, job.subscriptionId());
            ps.setString(3, job.initiativeId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Extends the lease of a job this worker still owns; false if it does not own it any more. */
    public boolean heartbeat(UUID jobId, String owner, Duration lease) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return TABLE.heartbeat(c, jobId, owner, lease);
        }
    }

    /**
     * Ends the job: {@code completed}, or {@code completed_with_errors} if any row was rejected; total = rows read.
     * Its {@code import.finished} event (and the segment's membership change) commit with it.
     */
    public void complete(ClaimedJob job) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Sql.inTransaction(c, () -> {
                TABLE.complete(c, job.id(), job.owner());
                WorkerEvents.segmentJobFinished(c, job);
                return null;
            });
        }
    }

    /**
     * Ends the job as failed with the reason; rows committed by earlier batches stay (and stay counted). Its
     * {@code import.finished} event commits with it; nothing is written if the job was not this owner's any more.
     */
    public void fail(ClaimedJob job, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Sql.inTransaction(c, () -> {
                if (TABLE.fail(c, job.id(), job.owner(), reason) >= 0) {
                    WorkerEvents.segmentJobFinished(c, job);
                }
                return null;
            });
        }
    }

    /** Gives the lease back at once (after an unexpected error) so that the sweeper retries the job soon. */
    public void release(ClaimedJob job) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            TABLE.release(c, job.id(), job.owner());
        }
    }

    /** Drops the duplicate-detection keys of a job that is no longer running. */
    public void purgeSeen(UUID jobId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM import_job_seen WHERE job_id = ? AND NOT EXISTS (SELECT 1 FROM import_job j "
                        + "WHERE j.id = ? AND j.status IN ('queued', 'running'))")) {
            ps.setObject(1, jobId);
            ps.setObject(2, jobId);
            ps.executeUpdate();
        }
    }

    /** Finished jobs of the last day that still have duplicate-detection keys (their worker died before purging). */
    public List<UUID> finishedWithSeenKeys() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT j.id FROM import_job j WHERE j.status IN ('completed', 'completed_with_errors', 'failed') "
                        + "AND j.finished_at > now() - interval '1 day' "
                        + "AND EXISTS (SELECT 1 FROM import_job_seen s WHERE s.job_id = j.id) LIMIT 10");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }
}
