package io.openaudience.worker.repository;

import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterException;
import io.openaudience.audience.filter.FilterSql;
import io.openaudience.audience.filter.Params;
import io.openaudience.common.audience.AttributeType;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates a conditional group in one transaction of set-based SQL (plain JDBC: the WHERE clause is the filter
 * engine's compiled, parameterised expression): the people its conditions select now become its members, and only
 * the difference is written — members that no longer match are deleted, people that newly match inserted, an unchanged
 * group writes no member row. The job, the refresh jobs it serves and the group's counts and status end in the same
 * transaction.
 */
@ApplicationScoped
public class GroupEvaluationRepository {

    private static final Logger LOG = Logger.getLogger(GroupEvaluationRepository.class);

    // Evaluations of one group wait for each other (a group_evaluate and a refresh may be claimed at the same time);
    // an advisory lock rather than the group row, so that renaming the group never waits for an evaluation.
    private static final String ONE_AT_A_TIME = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";
    // The engine's expressions are costed so high that PostgreSQL JIT-compiles them: at 1,000,000 people compiling
    // took 3.2 of the 4.4 s of the selection (README). Hashes and sorts of a few hundred thousand ids stay in memory.
    private static final String SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '32MB'";
    // The difference is two anti-joins of the group's members and the selected people. Right after a big evaluation
    // the member statistics still say the group is empty, and the planner then picked a nested loop that scanned the
    // selection once per member (500,000 × 500,000: stopped after two minutes); hash and merge anti-joins cost one
    // pass over each side whatever the estimates say.
    private static final String LINEAR_JOINS = "ANALYZE group_evaluation; SET LOCAL enable_nestloop = off";
    // FOR KEY SHARE: deleting the group waits for this transaction (then deletes what it wrote), or this one finds
    // the group gone; an update of the group's fields does not wait.
    private static final String GROUP = "SELECT type, conditions::text AS conditions, conditions_type "
            + "FROM audience.user_group WHERE id = ? AND company_id = ? AND application_id = ? FOR KEY SHARE";
    // Refresh requests queued before the people are read are answered by this evaluation.
    private static final String QUEUED_REFRESHES = "SELECT id FROM audience.job WHERE group_id = ? "
            + "AND company_id = ? AND application_id = ? AND type = 'group_refresh' AND status = 'queued' AND id <> ?";
    private static final String DEFINITIONS = "SELECT id, slug, type FROM audience.attribute_definition "
            + "WHERE company_id = ? AND application_id = ?";
    // CREATE TABLE AS may run its query in parallel workers; a statement that writes (INSERT … SELECT, a writing
    // CTE) never does.
    private static final String MATCHED = "CREATE TEMP TABLE group_evaluation ON COMMIT DROP AS "
            + "SELECT u.id FROM audience.app_user u WHERE ";
    private static final String COUNT = "SELECT count(*) FROM group_evaluation";
    private static final String ADD = "INSERT INTO audience.user_group_member (group_id, user_pk, company_id, "
            + "application_id) SELECT ?, m.id, ?, ? FROM group_evaluation m WHERE NOT EXISTS (SELECT 1 "
            + "FROM audience.user_group_member x WHERE x.group_id = ? AND x.user_pk = m.id) ORDER BY m.id "
            + "ON CONFLICT DO NOTHING";
    private static final String REMOVE = "DELETE FROM audience.user_group_member x WHERE x.group_id = ? "
            + "AND NOT EXISTS (SELECT 1 FROM group_evaluation m WHERE m.id = x.user_pk)";
    private static final String COMPLETE = "UPDATE audience.job SET status = 'completed', total = ?, processed = ?, "
            + "succeeded = ?, finished_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL "
            + "WHERE id = ? AND lease_owner = ? AND status = 'running'";
    private static final String SERVE = "UPDATE audience.job SET status = 'completed', total = ?, processed = ?, "
            + "succeeded = ?, started_at = coalesce(started_at, now()), finished_at = now(), updated_at = now() "
            + "WHERE id = ANY(?) AND status = 'queued' RETURNING id";
    private static final String END_GROUP = "UPDATE audience.user_group SET total_users = ?, "
            + "total_users_refreshed_at = now(), "
            + "status = CASE WHEN last_job_id = ANY(?) THEN 'completed' ELSE status END, "
            + "error_count = CASE WHEN last_job_id = ANY(?) THEN 0 ELSE error_count END "
            + "WHERE id = ? AND company_id = ? AND application_id = ?";

    /** Turns a group's stored conditions into a filter, against the definitions of the moment. */
    public interface Conditions {
        Filter parse(String conditions, String conditionsType, FilterContext context) throws FilterException;
    }

    /** What an evaluation did: members now, members added and removed, other refresh jobs it completed. */
    public record Evaluation(long members, long added, long removed, List<String> served) {
    }

    private final DataSource dataSource;

    public GroupEvaluationRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Evaluates the job's group and completes the job; throws {@link GroupDeletedException} if the group is gone,
     * {@link FilterException} if its conditions no longer parse (a definition was deleted or changed type),
     * {@link LeaseLostException} if the job is not ours any more — nothing written in each case.
     */
    public Evaluation evaluate(ClaimedAudienceJob job, Conditions conditions) throws SQLException, FilterException {
        try (Connection c = dataSource.getConnection()) {
            return Sql.inTransaction(c, () -> {
                query(c, ONE_AT_A_TIME, ps -> ps.setString(1, "audience.group_evaluate:" + job.groupId()));
                execute(c, SETTINGS);
                Group group = group(c, job).orElseThrow(() -> new GroupDeletedException(job.id()));
                if (!"conditional".equals(group.type())) {
                    throw new FilterException("type", "the group is " + group.type() + ", not conditional");
                }
                List<String> queued = ids(c, job);
                FilterContext context = FilterContext.of(job.companyId(), job.applicationId(), definitions(c, job),
                        Instant.now());
                Filter filter = conditions.parse(group.conditions(), group.conditionsType(), context);

                long t0 = System.nanoTime();
                Params params = Params.jdbc();
                String where = FilterSql.where(filter, context, params);
                try (PreparedStatement ps = c.prepareStatement(MATCHED + where)) {
                    params.bindTo(ps, 1);
                    ps.execute();
                }
                long members = count(c);
                execute(c, LINEAR_JOINS);
                long t1 = System.nanoTime();
                long removed = Sql.update(c, REMOVE, ps -> ps.setString(1, job.groupId()));
                long added = Sql.update(c, ADD, ps -> {
                    ps.setString(1, job.groupId());
                    ps.setString(2, job.companyId());
                    ps.setString(3, job.applicationId());
                    ps.setString(4, job.groupId());
                });
                long t2 = System.nanoTime();

                JobTable table = AudienceJobRepository.TABLE;
                table.fence(c, job.id(), job.owner(), job.processed());
                if (Sql.update(c, COMPLETE, ps -> {
                    ps.setLong(1, members);
                    ps.setLong(2, members);
                    ps.setLong(3, members);
                    ps.setString(4, job.id());
                    ps.setString(5, job.owner());
                }) != 1) {
                    throw new LeaseLostException(job.id());
                }
                List<String> served = serve(c, queued, members);
                List<String> ended = new ArrayList<>(served);
                ended.add(job.id());
                Array endedIds = c.createArrayOf("text", ended.toArray());
                Sql.update(c, END_GROUP, ps -> {
                    ps.setLong(1, members);
                    ps.setArray(2, endedIds);
                    ps.setArray(3, endedIds);
                    ps.setString(4, job.groupId());
                    ps.setString(5, job.companyId());
                    ps.setString(6, job.applicationId());
                });
                // Its events commit with the evaluation: the group's new count, and the end of an evaluate job.
                WorkerEvents.groupRefreshed(c, job, added, removed);
                if (ClaimedAudienceJob.GROUP_EVALUATE.equals(job.type())) {
                    WorkerEvents.audienceJobFinished(c, job);
                }
                LOG.debugf("group %s evaluated: %d members (+%d, -%d); select %d ms, write %d ms", job.groupId(),
                        members, added, removed, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
                return new Evaluation(members, added, removed, served);
            });
        }
    }

    /** The stored conditions of a group. */
    private record Group(String type, String conditions, String conditionsType) {
    }

    private static Optional<Group> group(Connection c, ClaimedAudienceJob job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GROUP)) {
            ps.setString(1, job.groupId());
            ps.setString(2, job.companyId());
            ps.setString(3, job.applicationId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Group(rs.getString(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    private static List<String> ids(Connection c, ClaimedAudienceJob job) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(QUEUED_REFRESHES)) {
            ps.setString(1, job.groupId());
            ps.setString(2, job.companyId());
            ps.setString(3, job.applicationId());
            ps.setString(4, job.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Every definition of the tenant (encrypted ones too: a condition naming one is refused as encrypted). */
    private static List<FilterContext.Definition> definitions(Connection c, ClaimedAudienceJob job)
            throws SQLException {
        List<FilterContext.Definition> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DEFINITIONS)) {
            ps.setString(1, job.companyId());
            ps.setString(2, job.applicationId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String slug = rs.getString(2);
                    AttributeType.of(rs.getString(3))
                            .ifPresent(type -> list.add(new FilterContext.Definition(id, slug, type)));
                }
            }
        }
        return list;
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> serve(Connection c, List<String> queued, long members) throws SQLException {
        List<String> served = new ArrayList<>();
        if (queued.isEmpty()) {
            return served;
        }
        try (PreparedStatement ps = c.prepareStatement(SERVE)) {
            ps.setLong(1, members);
            ps.setLong(2, members);
            ps.setLong(3, members);
            ps.setArray(4, c.createArrayOf("text", queued.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    served.add(rs.getString(1));
                }
            }
        }
        return served;
    }

    private static void execute(Connection c, String statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(statements);
        }
    }

    private static void query(Connection c, String sql, Sql.Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeQuery().close();
        }
    }
}
