package io.openaudience.worker.repository;

import io.openaudience.common.db.SegmentLock;
import io.openaudience.worker.parse.ImportRow;
import io.openaudience.worker.parse.RowValidator;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.openaudience.worker.repository.Sql.update;

/**
 * Writes one batch of an import set-based, in one transaction on a connection the caller holds: COPY into a session
 * temp table, then a handful of INSERT … SELECT statements (duplicate keys, members, memberships, errors, results)
 * and the job's counters, which double as the checkpoint. The transaction is fenced by the job's owner token and
 * expected checkpoint, so a batch is counted exactly once even if a worker dies or loses its lease midway.
 */
public final class BatchWriter {

    /** Rows, rejected rows and new memberships a committed batch added to the job. */
    public record BatchResult(long rows, long failed, long newMemberships) {
    }

    private static final String STAGE = "CREATE TEMP TABLE IF NOT EXISTS import_stage (row_no BIGINT, email TEXT, "
            + "email_key TEXT, name TEXT, error TEXT, first BOOLEAN NOT NULL DEFAULT false, "
            + "user_id BIGINT DEFAULT nextval('member_id_seq'), "
            + "created BOOLEAN NOT NULL DEFAULT false, first_job UUID, first_row BIGINT) "
            + "ON COMMIT DELETE ROWS";
    private static final String DUPLICATE_OF = "'" + RowValidator.DUPLICATE_PREFIX + "' || %s || ')'";
    // No statement below joins the batch to a big table: big tables are only reached by index probes (ON CONFLICT,
    // correlated subqueries on a few rows), and joins are batch x batch, so a batch costs the same at row 10 million.
    // Duplicates within the batch are already rejected (in Java), so the valid rows' keys are distinct here.
    // Every staged row got its would-be member id from the member sequence as it was copied in (the stage's default),
    // so the insert needs no RETURNING and no join back: when it created as many members as there are valid rows,
    // each valid row's user_id is its new member. A new member records the job and row that created it (V14): that
    // is how a later batch knows its first row. (Ids of rows that did not create a member are simply skipped.)
    private static final String MEMBERS = "INSERT INTO member (id, subscription_id, email, first_name, role, status, "
            + "import_job_id, import_row) SELECT user_id, ?, email, name, 'idm_member', 'pending', ?, row_no "
            + "FROM import_stage WHERE error IS NULL ORDER BY email_key "
            + "ON CONFLICT (subscription_id, lower(email)) DO NOTHING";
    // The rest runs only when some valid row named a member that already existed: find which rows created theirs.
    private static final String CREATED = "UPDATE import_stage s SET created = true WHERE s.error IS NULL "
            + "AND EXISTS (SELECT 1 FROM member m WHERE m.id = s.user_id)";
    private static final String EXISTING = "UPDATE import_stage s SET (user_id, first_job, first_row) = "
            + "(SELECT m.id, m.import_job_id, m.import_row FROM member m WHERE m.subscription_id = ? "
            + "AND lower(m.email) = s.email_key) WHERE s.error IS NULL AND NOT s.created";
    // ... created by an earlier batch of this job: a duplicate of that row.
    private static final String EARLIER_BATCH = "UPDATE import_stage SET user_id = NULL, error = "
            + DUPLICATE_OF.formatted("first_row") + " WHERE error IS NULL AND NOT created AND first_job = ?";
    // ... existing before the job: the first row naming it is recorded in import_job_seen, later ones are duplicates.
    private static final String SEEN = "WITH firsts AS (INSERT INTO import_job_seen (job_id, email_key, row_no) "
            + "SELECT ?, email_key, row_no FROM import_stage WHERE error IS NULL AND NOT created "
            + "ORDER BY email_key, row_no ON CONFLICT DO NOTHING RETURNING row_no) "
            + "UPDATE import_stage s SET first = true FROM firsts f WHERE s.row_no = f.row_no";
    private static final String DUPLICATES = "UPDATE import_stage s SET user_id = NULL, error = "
            + DUPLICATE_OF.formatted("(SELECT f.row_no FROM import_job_seen f WHERE f.job_id = ? "
            + "AND f.email_key = s.email_key)") + " WHERE s.error IS NULL AND NOT s.created AND NOT s.first";
    private static final String LINK = "INSERT INTO user_segment (segment_id, user_id, subscription_id, initiative_id) "
            + "SELECT ?, user_id, ?, ? FROM import_stage WHERE error IS NULL AND ";
    // A member created by this very transaction cannot be in the segment yet: a plain insert, cheaper than ON CONFLICT.
    private static final String NEW_MEMBERSHIPS = LINK + "(created OR ?) ORDER BY user_id";
    private static final String MEMBERSHIPS = LINK + "NOT created ORDER BY user_id ON CONFLICT DO NOTHING";
    private static final String ERRORS = "INSERT INTO import_job_error (job_id, row_no, email, name, reason) "
            + "SELECT ?, row_no, email, name, error FROM import_stage WHERE error IS NOT NULL";
    private static final String RESULTS = "INSERT INTO import_job_result (job_id, row_no, user_id, email, error) "
            + "SELECT ?, row_no, CASE WHEN error IS NULL THEN user_id END, left(email, 320), error FROM import_stage "
            + "WHERE row_no <= ?";

    private final int resultRows;
    private final Duration lease;

    public BatchWriter(int resultRows, Duration lease) {
        this.resultRows = resultRows;
        this.lease = lease;
    }

    /** {@link #write(Connection, ClaimedJob, long, List, BatchOrder)} of a batch written alone. */
    public BatchResult write(Connection c, ClaimedJob job, long expectedProcessed, List<ImportRow> rows)
            throws SQLException, IOException {
        return write(c, job, expectedProcessed, rows, BatchOrder.ALONE);
    }

    /**
     * Writes the validated rows (numbered from {@code expectedProcessed + 1}) and commits; throws
     * {@link LeaseLostException} after rolling back if the job is not ours at that checkpoint any more.
     */
    public BatchResult write(Connection c, ClaimedJob job, long expectedProcessed, List<ImportRow> rows,
                             BatchOrder order) throws SQLException, IOException {
        return Sql.inTransaction(c, () -> {
            try (Statement st = c.createStatement()) {
                st.execute(STAGE);
            }
            if (job.linksSegment()) {
                lockSegment(c, job);
            }
            List<ImportRow> checked = rejectRepeatsWithinBatch(rows);
            long valid = checked.stream().filter(r -> r.error() == null).count();
            copy(c, checked);
            order.awaitEarlierKeys();
            long created = update(c, MEMBERS, ps -> {
                ps.setLong(1, job.subscriptionId());
                ps.setObject(2, job.id());
            });
            boolean someExisted = created < valid;
            if (someExisted) {
                update(c, CREATED, ps -> { });
                update(c, EXISTING, ps -> ps.setLong(1, job.subscriptionId()));
                update(c, EARLIER_BATCH, ps -> ps.setObject(1, job.id()));
                update(c, SEEN, ps -> ps.setObject(1, job.id()));
                update(c, DUPLICATES, ps -> ps.setObject(1, job.id()));
            }
            order.keysDone();
            // Memberships move segment.user_count (a row lock on the segment until commit): after the earlier batch
            // committed, or the two would wait for each other. So is the checkpoint, below.
            order.awaitEarlierCommit();
            long memberships = 0;
            if (job.linksSegment()) {
                memberships = update(c, NEW_MEMBERSHIPS, ps -> {
                    bindMembership(ps, job);
                    ps.setBoolean(4, !someExisted);
                });
                if (someExisted) {
                    memberships += update(c, MEMBERSHIPS, ps -> bindMembership(ps, job));
                }
            }
            long newMemberships = memberships;
            long failed = update(c, ERRORS, ps -> ps.setObject(1, job.id()));
            if (expectedProcessed < resultRows) {
                update(c, RESULTS, ps -> {
                    ps.setObject(1, job.id());
                    ps.setLong(2, resultRows);
                });
            }
            long n = rows.size();
            ImportJobRepository.TABLE.checkpoint(c, job, expectedProcessed, n, failed, lease, "segment_count",
                    newMemberships);
            return new BatchResult(n, failed, newMemberships);
        });
    }

    /** The rows with every repeat of an email earlier in the same batch rejected as a duplicate of that row. */
    private static List<ImportRow> rejectRepeatsWithinBatch(List<ImportRow> rows) {
        Map<String, Long> firstRow = new HashMap<>(rows.size() * 2);
        List<ImportRow> checked = new ArrayList<>(rows.size());
        for (ImportRow row : rows) {
            Long first = row.error() == null ? firstRow.putIfAbsent(RowValidator.key(row.email()), row.rowNo()) : null;
            checked.add(first == null ? row : row.withError(RowValidator.duplicateOf(first)));
        }
        return checked;
    }

    private static void bindMembership(PreparedStatement ps, ClaimedJob job) throws SQLException {
        ps.setLong(1, job.segmentId());
        ps.setLong(2, job.subscriptionId());
        ps.setString(3, job.initiativeId());
    }

    /**
     * user_segment has no foreign keys (V13): the segment row is locked once per batch instead of once per row, so a
     * segment deleted meanwhile waits for this batch to commit (and then deletes its memberships) or is seen gone.
     */
    private static void lockSegment(Connection c, ClaimedJob job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SegmentLock.KEY_SHARE.sql())) {
            ps.setArray(1, c.createArrayOf("bigint", new Long[]{job.segmentId()}));
            ps.setLong(2, job.subscriptionId());
            ps.setString(3, job.initiativeId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SegmentDeletedException(job.id());
                }
            }
        }
    }

    private static void copy(Connection c, List<ImportRow> rows) throws SQLException, IOException {
        Sql.copy(c, "COPY import_stage (row_no, email, email_key, name, error) FROM STDIN", rows, (line, row) -> {
            boolean ok = row.error() == null;
            line.append(row.rowNo()).append('\t');
            Sql.field(line, ok ? row.email() : Sql.reported(row.email())).append('\t');
            Sql.field(line, ok ? RowValidator.key(row.email()) : null).append('\t');
            Sql.field(line, ok ? row.name() : Sql.reported(row.name())).append('\t');
            Sql.field(line, row.error());
        });
    }
}
