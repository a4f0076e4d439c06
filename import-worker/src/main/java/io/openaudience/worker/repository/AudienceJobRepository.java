package io.openaudience.worker.repository;

import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.AttributeType;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audience job row's life cycle as the worker sees it ({@code audience.job}, qualified: the worker's connections
 * default to the segments schema), with the group status that follows it (CONTRACT §3): claiming a group job sets the
 * group {@code in_progress}, its end {@code completed} or {@code failed} with {@code error_count} (both only while the
 * job is the group's {@code last_job_id}) and recounts {@code total_users}. A group has at most one unfinished import,
 * update or evaluation (audience-service's intake guarantees it); refreshes ({@code group_refresh}) run beside them and
 * do not count against the tenant's cap (a conditional group's refresh evaluates it, waiting for any evaluation of the
 * group in progress: {@link GroupEvaluationRepository}).
 */
@ApplicationScoped
public class AudienceJobRepository {

    private static final Logger LOG = Logger.getLogger(AudienceJobRepository.class);

    private static final String RETURNING = "j.id, j.company_id, j.application_id, j.type, j.group_id, j.file_url, "
            + "j.params::text AS params, j.processed, j.attempts";
    private static final String UNCAPPED = "%1$s.type = 'group_refresh'";

    /** The audience job table: tenant = (company, application). */
    // Every job is ready when claimed: audience-service's intake never queues two jobs writing one group's members
    // from rows (V10's one-writer index), and evaluations of one group wait for each other (GroupEvaluationRepository).
    public static final JobTable TABLE = new JobTable("audience.job", List.of("company_id", "application_id"), "", "",
            RETURNING, UNCAPPED, null);
    /** The same table where only recounts may be claimed (the refresh-total-users consumer runs them aside). */
    private static final JobTable REFRESHES = new JobTable("audience.job", List.of("company_id", "application_id"),
            "", "", RETURNING, UNCAPPED, "%1$s.type = 'group_refresh'");

    // Claiming a job that changes a group starts the group (while the job is the group's last one: a bulk group's
    // refresh never is), in the same statement as the claim.
    private static final String STARTS_GROUP = "WITH claimed AS (%s), started AS (UPDATE audience.user_group g "
            + "SET status = 'in_progress' FROM claimed c WHERE g.id = c.group_id AND g.company_id = c.company_id "
            + "AND g.application_id = c.application_id AND g.last_job_id = c.id "
            + "AND c.type IN ('group_import', 'group_update', 'group_evaluate', 'group_refresh')) "
            + "SELECT * FROM claimed";
    private static final String CLAIM_BY_ID = STARTS_GROUP.formatted(TABLE.claimById());
    private static final String CLAIM_REFRESH = STARTS_GROUP.formatted(REFRESHES.claimById());
    private static final String CLAIM_NEXT = STARTS_GROUP.formatted(TABLE.claimNext());

    private static final String GROUP = "SELECT 1 FROM audience.user_group WHERE id = ? AND company_id = ? "
            + "AND application_id = ?";
    private static final String GROUP_TYPE = "SELECT type FROM audience.user_group WHERE id = ? AND company_id = ? "
            + "AND application_id = ?";
    // The end of a group job: counts stamped always; status and error count only while it is the group's last job.
    private static final String GROUP_END = "UPDATE audience.user_group g SET total_users = (SELECT count(*) "
            + "FROM audience.user_group_member m WHERE m.group_id = g.id), total_users_refreshed_at = now(), "
            + "status = CASE WHEN g.last_job_id = ? THEN ? ELSE g.status END, "
            + "error_count = CASE WHEN g.last_job_id = ? THEN ? ELSE g.error_count END "
            + "WHERE g.id = ? AND g.company_id = ? AND g.application_id = ?";
    // A replace removes the members its file did not name, once the whole file was read (their mark is older).
    private static final String UNCONFIRMED = "DELETE FROM audience.user_group_member WHERE group_id = ? "
            + "AND confirmed_by_job IS DISTINCT FROM ?";
    // One statement, one snapshot: the count, the group's stamp, and every refresh job of the group queued before it
    // (the claimed one included, fenced by its owner) completed with that count. A burst costs one recount.
    private static final String REFRESH = "WITH n AS (SELECT count(*) AS c FROM audience.user_group_member "
            + "WHERE group_id = ?), "
            + "g AS (UPDATE audience.user_group SET total_users = (SELECT c FROM n), total_users_refreshed_at = now() "
            + "WHERE id = ? AND company_id = ? AND application_id = ? AND EXISTS (SELECT 1 FROM audience.job "
            + "WHERE id = ? AND lease_owner = ? AND status = 'running') RETURNING id), "
            + "done AS (UPDATE audience.job SET status = 'completed', total = (SELECT c FROM n), "
            + "processed = (SELECT c FROM n), succeeded = (SELECT c FROM n), started_at = coalesce(started_at, now()), "
            + "finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL "
            + "WHERE group_id = ? AND company_id = ? AND application_id = ? AND type = 'group_refresh' "
            + "AND EXISTS (SELECT 1 FROM g) AND ((id = ? AND lease_owner = ? AND status = 'running') "
            + "OR status = 'queued') RETURNING id) "
            + "SELECT (SELECT c FROM n), (SELECT count(*) FROM g), (SELECT count(*) FROM done)";

    /** What a recount did: the member count, whether the group was there, how many refresh jobs it completed. */
    public record Recount(long members, boolean groupFound, long jobsCompleted) {
    }

    private final DataSource dataSource;

    public AudienceJobRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Claims the job of a Kafka message if it can run now (see the class comment). */
    public Optional<ClaimedAudienceJob> claim(String jobId, String owner, Duration lease, int maxRunningPerTenant)
            throws SQLException {
        return claim(CLAIM_BY_ID, owner, lease, ps -> {
            ps.setString(3, jobId);
            ps.setInt(4, maxRunningPerTenant);
        });
    }

    /** Claims a recount job by id, whatever the tenant's cap; nothing if it is not a recount or cannot run. */
    public Optional<ClaimedAudienceJob> claimRefresh(String jobId, String owner, Duration lease) throws SQLException {
        return claim(CLAIM_REFRESH, owner, lease, ps -> {
            ps.setString(3, jobId);
            ps.setInt(4, 0);
        });
    }

    /** Claims the fairest due job: one whose lease expired or that stayed queued past the grace. */
    public Optional<ClaimedAudienceJob> claimNext(String owner, Duration lease, Duration queuedGrace,
                                                  int maxRunningPerTenant) throws SQLException {
        return claim(CLAIM_NEXT, owner, lease, ps -> {
            ps.setDouble(3, JobTable.seconds(queuedGrace));
            ps.setInt(4, maxRunningPerTenant);
        });
    }

    private Optional<ClaimedAudienceJob> claim(String sql, String owner, Duration lease, Sql.Binder rest)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, owner);
            ps.setDouble(2, JobTable.seconds(lease));
            rest.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ClaimedAudienceJob(rs.getString("id"), rs.getString("company_id"),
                        rs.getString("application_id"), rs.getString("type"), rs.getString("group_id"),
                        rs.getString("file_url"), rs.getString("params"), rs.getLong("processed"),
                        rs.getInt("attempts"), owner));
            }
        }
    }

    /** Whether the job's group still exists in the job's tenant. */
    public boolean groupExists(ClaimedAudienceJob job) throws SQLException {
        if (job.groupId() == null) {
            return false;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(GROUP)) {
            bindGroup(ps, 1, job);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The type of the job's group ({@code bulk} or {@code conditional}); null when the group is gone. */
    public String groupType(ClaimedAudienceJob job) throws SQLException {
        if (job.groupId() == null) {
            return null;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(GROUP_TYPE)) {
            bindGroup(ps, 1, job);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The tenant's attribute definitions whose type this worker knows. */
    public List<AttributeDefinition> definitions(String companyId, String applicationId) throws SQLException {
        List<AttributeDefinition> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, slug, type, validations::text, encrypted FROM audience.attribute_definition "
                        + "WHERE company_id = ? AND application_id = ? ORDER BY created_at, id")) {
            ps.setString(1, companyId);
            ps.setString(2, applicationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<AttributeType> type = AttributeType.of(rs.getString(3));
                    if (type.isEmpty()) {
                        LOG.warnf("attribute definition %s has an unknown type %s; its column is ignored",
                                rs.getString(1), rs.getString(3));
                        continue;
                    }
                    out.add(new AttributeDefinition(rs.getString(1), rs.getString(2), type.get(),
                            AttributeRules.storedValidations(rs.getString(4)),
                            rs.getBoolean(5) || type.get().encrypted()));
                }
            }
        }
        return out;
    }

    /**
     * Completes a job: a group job also (if {@code replace}) removes the members its file did not name and ends the
     * group; throws {@link GroupDeletedException} if the group is gone, {@link LeaseLostException} if the job is not
     * ours any more (nothing changed in either case).
     */
    public void complete(ClaimedAudienceJob job, boolean replace) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Sql.inTransaction(c, () -> {
                if (job.changesGroup()) {
                    try (PreparedStatement ps = c.prepareStatement(GROUP + " FOR NO KEY UPDATE")) {
                        bindGroup(ps, 1, job);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                throw new GroupDeletedException(job.id());
                            }
                        }
                    }
                }
                long failed = TABLE.complete(c, job.id(), job.owner());
                if (job.changesGroup()) {
                    if (replace) {
                        long removed = Sql.update(c, UNCONFIRMED, ps -> {
                            ps.setString(1, job.groupId());
                            ps.setString(2, job.id());
                        });
                        LOG.debugf("replace job %s removed %d members not in its file", job.id(), removed);
                    }
                    endGroup(c, job, "completed", failed);
                }
                WorkerEvents.audienceJobFinished(c, job);
                if (job.changesGroup()) {
                    WorkerEvents.groupRefreshed(c, job, null, null);
                }
                return null;
            });
        }
    }

    /**
     * Ends the job failed with the reason, and its group {@code failed} while the job is its last one (see the class
     * comment).
     */
    public void fail(ClaimedAudienceJob job, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Sql.inTransaction(c, () -> {
                long failed = TABLE.fail(c, job.id(), job.owner(), reason);
                if (failed >= 0 && job.endsGroup()) {
                    endGroup(c, job, "failed", failed);
                }
                // A recount that failed reports nothing: it changed nothing, and its group keeps its last count.
                if (failed >= 0 && !ClaimedAudienceJob.GROUP_REFRESH.equals(job.type())) {
                    WorkerEvents.audienceJobFinished(c, job);
                }
                return null;
            });
        }
    }

    private static void endGroup(Connection c, ClaimedAudienceJob job, String status, long errors)
            throws SQLException {
        Sql.update(c, GROUP_END, ps -> {
            ps.setString(1, job.id());
            ps.setString(2, status);
            ps.setString(3, job.id());
            ps.setLong(4, errors);
            bindGroup(ps, 5, job);
        });
    }

    /**
     * Recounts the job's group and completes the job and every refresh job of the group queued before the count;
     * nothing changes if the group is gone or the job is not ours any more.
     */
    public Recount refresh(ClaimedAudienceJob job) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Sql.inTransaction(c, () -> {
                Recount recount;
                try (PreparedStatement ps = c.prepareStatement(REFRESH)) {
                    ps.setString(1, job.groupId());
                    bindGroup(ps, 2, job);
                    ps.setString(5, job.id());
                    ps.setString(6, job.owner());
                    bindGroup(ps, 7, job);
                    ps.setString(10, job.id());
                    ps.setString(11, job.owner());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        recount = new Recount(rs.getLong(1), rs.getLong(2) > 0, rs.getLong(3));
                    }
                }
                // The group.refreshed event commits with the count; a burst of coalesced refreshes is one event.
                if (recount.groupFound()) {
                    WorkerEvents.groupRefreshed(c, job, null, null);
                }
                return recount;
            });
        }
    }

    private static void bindGroup(PreparedStatement ps, int at, ClaimedAudienceJob job) throws SQLException {
        ps.setString(at, job.groupId());
        ps.setString(at + 1, job.companyId());
        ps.setString(at + 2, job.applicationId());
    }
}
