package io.openaudience.worker.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one owner of the lease rules of a job table (segments' {@code import_job}, audience's {@code job}): which jobs
 * may be claimed (queued, or running with an expired lease; the tenant under its running-job cap), the claim itself
 * (owner token, lease, attempts), heartbeat, release, the fence a batch commits under, and the two ends. Both tables
 * have the same life-cycle columns; what differs (tenant columns, what the claim returns, which jobs wait for others)
 * is given to the constructor.
 */
public final class JobTable {

    private static final String CLAIMABLE = "(%1$s.status = 'queued' OR (%1$s.status = 'running' "
            + "AND %1$s.lease_expires_at < now()))";
    private static final String DUE = "((%1$s.status = 'queued' AND %1$s.created_at < now() - make_interval(secs => ?))"
            + " OR (%1$s.status = 'running' AND %1$s.lease_expires_at < now()))";

    private final String table;
    private final String claimSet;
    private final String join;
    private final String returning;
    private final String tenantRunning;
    private final String uncapped;
    private final String ready;

    /**
     * @param table         the table, qualified unless it is in the connection's schema
     * @param tenantColumns the columns that identify a tenant (its running jobs count against its cap)
     * @param from          a {@code FROM} clause the claim joins (with {@code join}, a condition ending in AND), or ""
     * @param join          the condition joining {@code from} to the job {@code j}, or ""
     * @param returning     the claim's {@code RETURNING} list (the job is {@code j})
     * @param uncapped      a condition (%1$s = the job's alias) under which a job neither counts against nor waits
     *                      for its tenant's cap, or null
     * @param ready         a further condition (%1$s = the job's alias) a job must meet to be claimed, or null
     */
    public JobTable(String table, List<String> tenantColumns, String from, String join, String returning,
                    String uncapped, String ready) {
        this.table = table;
        this.claimSet = "UPDATE " + table + " j SET status = 'running', lease_owner = ?, "
                + "lease_expires_at = now() + make_interval(secs => ?), attempts = j.attempts + 1, "
                + "started_at = coalesce(j.started_at, now()), updated_at = now()" + from + " ";
        this.join = join;
        this.returning = " RETURNING " + returning;
        this.uncapped = uncapped;
        this.ready = ready;
        String sameTenant = tenantColumns.stream().map(col -> "r." + col + " = %1$s." + col)
                .collect(Collectors.joining(" AND "));
        this.tenantRunning = "(SELECT count(*) FROM " + table + " r WHERE " + sameTenant
                + " AND r.status = 'running' AND r.lease_expires_at >= now() AND r.id <> %1$s.id"
                + (uncapped == null ? "" : " AND NOT " + uncapped.formatted("r")) + ")";
    }

    private String underCap(String alias) {
        String running = tenantRunning.formatted(alias) + " < ?";
        return uncapped == null ? running : "(" + uncapped.formatted(alias) + " OR " + running + ")";
    }

    private String ready(String alias) {
        return ready == null ? "" : " AND " + ready.formatted(alias);
    }

    /** Claim by id (a Kafka message); parameters: owner, lease seconds, id, tenant cap. */
    public String claimById() {
        return claimSet + "WHERE " + join + "j.id = ? AND " + CLAIMABLE.formatted("j") + ready("j") + " AND "
                + underCap("j") + returning;
    }

    /**
     * Claim of the fairest due job (the sweeper): expired lease or queued past the grace, the tenant with the fewest
     * running jobs first, then the oldest; parameters: owner, lease seconds, grace seconds, tenant cap.
     */
    public String claimNext() {
        return claimSet + "WHERE " + join + CLAIMABLE.formatted("j") + " AND j.id = (SELECT c.id FROM " + table
                + " c WHERE c.status IN ('queued', 'running') AND " + DUE.formatted("c") + ready("c") + " AND "
                + underCap("c") + " ORDER BY " + tenantRunning.formatted("c") + ", c.created_at LIMIT 1 "
                + "FOR UPDATE OF c SKIP LOCKED)" + returning;
    }

    /** Extends the lease of a job this worker still owns; false if it does not own it any more. */
    public boolean heartbeat(Connection c, Object jobId, String owner, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET lease_expires_at = now() + "
                + "make_interval(secs => ?) WHERE id = ? AND lease_owner = ? AND status = 'running'")) {
            ps.setDouble(1, seconds(lease));
            ps.setObject(2, jobId);
            ps.setString(3, owner);
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives the lease back at once (after an unexpected error) so that the sweeper retries the job soon. */
    public void release(Connection c, Object jobId, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET lease_expires_at = now() "
                + "WHERE id = ? AND lease_owner = ? AND status = 'running'")) {
            ps.setObject(1, jobId);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    /**
     * Locks the job row for the rest of the caller's transaction and checks that it is still this owner's at the
     * expected checkpoint; throws {@link LeaseLostException} if not (another worker took it over).
     */
    public void fence(Connection c, Object jobId, String owner, long expectedProcessed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT processed FROM " + table + " WHERE id = ? "
                + "AND lease_owner = ? AND status = 'running' FOR UPDATE")) {
            ps.setObject(1, jobId);
            ps.setString(2, owner);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != expectedProcessed) {
                    throw new LeaseLostException(jobId);
                }
            }
        }
    }

    /**
     * The end of a batch's transaction: {@link #fence} it (the job row stays locked to the commit only, so this comes
     * last), then add its rows to the job's counters (the checkpoint) and renew the lease. {@code counter}, if not
     * null, is a further counter column of the table that grows by {@code amount}.
     */
    public void checkpoint(Connection c, LeasedJob job, long expectedProcessed, long rows, long failed,
                           Duration lease, String counter, long amount) throws SQLException {
        fence(c, job.id(), job.owner(), expectedProcessed);
        Sql.update(c, "UPDATE " + table + " SET processed = processed + ?, succeeded = succeeded + ?, "
                + "failed = failed + ?, " + (counter == null ? "" : counter + " = " + counter + " + " + amount + ", ")
                + "lease_expires_at = now() + make_interval(secs => ?), updated_at = now() WHERE id = ?", ps -> {
                    ps.setLong(1, rows);
                    ps.setLong(2, rows - failed);
                    ps.setLong(3, failed);
                    ps.setDouble(4, seconds(lease));
                    ps.setObject(5, job.id());
                });
    }

    /**
     * Ends the job {@code completed}, or {@code completed_with_errors} if any row was rejected (total = rows read);
     * returns its rejected-row count. Throws {@link LeaseLostException} if the job is not this owner's any more.
     */
    public long complete(Connection c, Object jobId, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET status = CASE WHEN failed > 0 "
                + "THEN 'completed_with_errors' ELSE 'completed' END, total = processed, finished_at = now(), "
                + "updated_at = now(), lease_owner = NULL, lease_expires_at = NULL "
                + "WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING failed")) {
            ps.setObject(1, jobId);
            ps.setString(2, owner);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LeaseLostException(jobId);
                }
                return rs.getLong(1);
            }
        }
    }

    /**
     * Ends the job as failed with the reason (rows committed by earlier batches stay, and stay counted); returns its
     * rejected-row count, or -1 if the job was not this owner's any more (nothing changed).
     */
    public long fail(Connection c, Object jobId, String owner, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET status = 'failed', "
                + "failure_reason = ?, finished_at = now(), updated_at = now(), lease_owner = NULL, "
                + "lease_expires_at = NULL WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING failed")) {
            ps.setString(1, reason);
            ps.setObject(2, jobId);
            ps.setString(3, owner);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** A duration as the seconds {@code make_interval(secs => ?)} takes. */
    public static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
