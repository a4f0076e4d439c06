package io.openaudience.worker.repository;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.openaudience.worker.parse.PersonRow;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static io.openaudience.worker.repository.Sql.update;

/**
 * Writes one batch of an audience job set-based on a connection the caller holds, in two transactions. The first
 * matches and creates the batch's people (CONTRACT §1) and commits them, so that the next batch, written meanwhile on
 * another connection, matches against them; people are never deleted, so a crash after it only leaves people the
 * retried batch finds again. The second writes the group members (adds, removes, a replace's marks), the attribute
 * values, the rejected rows and the job's counters, fenced by the owner token and the checkpoint, so a batch is
 * counted exactly once. Plain SQL because it is the bulk hot path: COPY into session temp tables, then statements
 * that reach the big tables by index probes only (ON CONFLICT, correlated sub-selects), never by a join.
 */
public final class AudienceBatchWriter {

    /** What the batch does to the group's members. */
    public enum Members {
        /** No group (an attribute bulk update). */
        NONE,
        /** Adds, and removes the people of {@code remove} rows. */
        PATCH,
        /** Adds and marks the people of the file as confirmed by this job; the rest are removed at the job's end. */
        REPLACE
    }

    private static final String STAGE = "CREATE TEMP TABLE IF NOT EXISTS audience_stage (row_no BIGINT, user_id TEXT, "
            + "new_user_id TEXT, email TEXT, email_key TEXT, phone TEXT, phone_key TEXT, emails JSONB, "
            + "phone_numbers JSONB, remove BOOLEAN, identifier TEXT, field TEXT, error TEXT, "
            + "new_pk BIGINT DEFAULT nextval('audience.app_user_id_seq'), user_pk BIGINT, "
            + "created BOOLEAN NOT NULL DEFAULT false, uid_pk BIGINT, email_pk BIGINT, phone_pk BIGINT) "
            + "ON COMMIT PRESERVE ROWS";
    private static final String VALUE_STAGE = "CREATE TEMP TABLE IF NOT EXISTS audience_value_stage (row_no BIGINT, "
            + "definition_id TEXT, value JSONB, ciphertext BYTEA, key_id TEXT) ON COMMIT PRESERVE ROWS";
    private static final String CLEAR = "TRUNCATE audience_stage, audience_value_stage";
    private static final String COPY_ROWS = "COPY audience_stage (row_no, user_id, new_user_id, email, email_key, "
            + "phone, phone_key, emails, phone_numbers, remove, identifier, field, error) FROM STDIN";
    private static final String COPY_VALUES = "COPY audience_value_stage (row_no, definition_id, value, ciphertext, "
            + "key_id) FROM STDIN";
    private static final String OURS = "SELECT 1 FROM audience.job WHERE id = ? AND lease_owner = ? "
            + "AND status = 'running'";
    // Rows with no conflict on any of a person's unique keys (user id, email, phone) name nobody known: they create
    // their person, with the id the stage drew from the sequence. When the batch before had no conflicts, this one
    // most likely has none either: a plain insert is a third cheaper than ON CONFLICT's checks of all four unique
    // indexes, and a unique violation sends it back to CREATE_ANY. It succeeds only if no two rows name one person, so
    // it needs no order: not sorting the batch's wide rows spares a sort that spilled 14 MB to disk per 50,000 rows,
    // a fifth of the statement's time (bench/audience/README.md).
    private static final String CREATE_ALL = "INSERT INTO audience.app_user (id, company_id, application_id, user_id, "
            + "email_key, phone_key, emails, phone_numbers, import_job_id, import_row) "
            + "SELECT new_pk, ?, ?, coalesce(user_id, new_user_id), email_key, phone_key, emails, phone_numbers, "
            + "?, row_no FROM audience_stage WHERE error IS NULL AND NOT remove";
    // In file order: the first row of the batch naming a new person creates it; later ones conflict with it and are
    // matched below.
    private static final String CREATE_ANY = CREATE_ALL + " ORDER BY row_no ON CONFLICT DO NOTHING";
    private static final String UNIQUE_VIOLATION = "23505";
    // Only when some add row did not create its person: which did (an index probe on the new id).
    private static final String CREATED = "UPDATE audience_stage s SET created = true WHERE s.error IS NULL "
            + "AND NOT s.remove AND EXISTS (SELECT 1 FROM audience.app_user u WHERE u.id = s.new_pk)";
    private static final String PROBE = "(SELECT u.id FROM audience.app_user u WHERE u.company_id = ? "
            + "AND u.application_id = ? AND u.%1$s = s.%1$s)";
    // The rows to match: remove rows, and add rows that did not create a person (all of them when the parameter
    // says that some add row did not; CREATED marked the others).
    private static final String TO_MATCH = " WHERE error IS NULL AND (remove OR (? AND NOT created))";
    // Their people's owners of the row's user id, email and phone (index probes).
    private static final String OWNERS = "UPDATE audience_stage s SET uid_pk = " + PROBE.formatted("user_id")
            + ", email_pk = " + PROBE.formatted("email_key") + ", phone_pk = " + PROBE.formatted("phone_key")
            + TO_MATCH;
    // Matched by user id, else email, else phone (CONTRACT §1).
    private static final String MATCH = "UPDATE audience_stage SET user_pk = CASE WHEN user_id IS NOT NULL THEN uid_pk "
            + "ELSE coalesce(email_pk, phone_pk) END" + TO_MATCH;
    private static final String EMAIL_TAKEN = "email_pk IS NOT NULL AND email_pk IS DISTINCT FROM user_pk";
    private static final String PHONE_TAKEN = "phone_pk IS NOT NULL AND phone_pk IS DISTINCT FROM user_pk";
    // An email or phone of the row that belongs to someone else than the person it matched rejects it.
    private static final String CONFLICTS = "UPDATE audience_stage SET error = CASE "
            + "WHEN user_pk IS NULL AND remove THEN 'no user matches the row' "
            + "WHEN " + EMAIL_TAKEN + " THEN 'email belongs to another user' "
            + "WHEN " + PHONE_TAKEN + " THEN 'phone_number belongs to another user' "
            + "ELSE 'the user could not be created' END, field = CASE WHEN user_pk IS NULL AND remove THEN NULL "
            + "WHEN " + EMAIL_TAKEN + " THEN 'email' WHEN " + PHONE_TAKEN + " THEN 'phone_number' END"
            + TO_MATCH + " AND (user_pk IS NULL OR " + EMAIL_TAKEN + " OR " + PHONE_TAKEN + ")";
    // A row's person: the one it matched, else the one it created.
    private static final String PERSON = "coalesce(user_pk, new_pk)";
    // user_group_member has no foreign keys: the group row is locked once per batch, so a group deleted meanwhile
    // waits for this batch to commit (and then deletes its members) or is seen gone.
    private static final String GROUP = "SELECT 1 FROM audience.user_group WHERE id = ? AND company_id = ? "
            + "AND application_id = ? FOR KEY SHARE";
    private static final String ADD_ALL = "INSERT INTO audience.user_group_member (group_id, user_pk, company_id, "
            + "application_id) SELECT ?, " + PERSON + ", ?, ? FROM audience_stage WHERE error IS NULL "
            + "ORDER BY 2 ON CONFLICT DO NOTHING";
    // Every row created its own person (the usual case of a new audience): nobody can be a member yet, since the
    // group's jobs run one at a time. A plain insert, cheaper than ON CONFLICT.
    private static final String ADD_CREATED = "INSERT INTO audience.user_group_member (group_id, user_pk, company_id, "
            + "application_id, confirmed_by_job) SELECT ?, new_pk, ?, ?, ? FROM audience_stage WHERE error IS NULL "
            + "ORDER BY new_pk";
    // Where a person is named more than once in the batch, their last row decides.
    private static final String LAST = "WITH last AS (SELECT DISTINCT ON (" + PERSON + ") " + PERSON + " AS pk, remove "
            + "FROM audience_stage WHERE error IS NULL ORDER BY " + PERSON + ", row_no DESC) ";
    private static final String ADD_LAST = LAST + "INSERT INTO audience.user_group_member (group_id, user_pk, "
            + "company_id, application_id) SELECT ?, pk, ?, ? FROM last WHERE NOT remove ORDER BY pk "
            + "ON CONFLICT DO NOTHING";
    // A replace marks every member its file names with the job's id (existing ones too).
    private static final String MARK_LAST = LAST + "INSERT INTO audience.user_group_member (group_id, user_pk, "
            + "company_id, application_id, confirmed_by_job) SELECT ?, pk, ?, ?, ? FROM last WHERE NOT remove "
            + "ORDER BY pk ON CONFLICT (group_id, user_pk) DO UPDATE SET confirmed_by_job = excluded.confirmed_by_job "
            + "WHERE user_group_member.confirmed_by_job IS DISTINCT FROM excluded.confirmed_by_job";
    private static final String REMOVE_LAST = LAST + "DELETE FROM audience.user_group_member WHERE group_id = ? "
            + "AND user_pk = ANY (ARRAY(SELECT pk FROM last WHERE remove))";
    // A person's value of a definition named twice in the batch: the last row's wins.
    private static final String VALUES = "INSERT INTO audience.user_attribute (company_id, application_id, "
            + "definition_id, user_pk, value, ciphertext, key_id) SELECT DISTINCT ON (v.definition_id, "
            + "coalesce(s.user_pk, s.new_pk)) ?, ?, v.definition_id, coalesce(s.user_pk, s.new_pk), v.value, "
            + "v.ciphertext, v.key_id FROM audience_value_stage v JOIN audience_stage s ON s.row_no = v.row_no "
            + "WHERE s.error IS NULL AND NOT s.remove ORDER BY v.definition_id, coalesce(s.user_pk, s.new_pk), "
            + "v.row_no DESC ON CONFLICT (definition_id, user_pk) DO UPDATE SET value = excluded.value, "
            + "ciphertext = excluded.ciphertext, key_id = excluded.key_id, updated_at = now()";
    private static final String ERRORS = "INSERT INTO audience.job_error (job_id, row_no, identifier, field, reason) "
            + "SELECT ?, row_no, identifier, field, error FROM audience_stage WHERE error IS NOT NULL";

    private final ClaimedAudienceJob job;
    private final Members members;
    private final Duration lease;
    // A guess (batches run on two threads): whether the last batch named people that already existed.
    private volatile boolean expectConflicts;
    // The keys (user ids, emails, phones) of the batches whose people are not committed yet, by where they end.
    private final Map<Long, Set<String>> uncommittedKeys = new ConcurrentHashMap<>();

    public AudienceBatchWriter(ClaimedAudienceJob job, Members members, Duration lease) {
        this.job = job;
        this.members = members;
        this.lease = lease;
    }

    /**
     * Writes the checked rows (numbered from {@code expectedProcessed + 1}) and commits; returns the rows counted.
     * Throws {@link LeaseLostException} if the job is not ours at that checkpoint any more, and
     * {@link GroupDeletedException} if its group is gone (the second transaction rolled back in both cases).
     */
    public long write(Connection c, long expectedProcessed, List<PersonRow> rows, BatchOrder order)
            throws SQLException, IOException {
        long end = expectedProcessed + rows.size();
        try {
            return Sql.inTransaction(c, () -> writeBatch(c, expectedProcessed, end, rows, order));
        } finally {
            uncommittedKeys.remove(end);
        }
    }

    private long writeBatch(Connection c, long expectedProcessed, long end, List<PersonRow> rows, BatchOrder order)
            throws SQLException, IOException {
        stage(c, rows);
        c.commit();
        // The batches before this one whose people are not committed yet (with two writers, at most the one just
        // before): if this batch shares no key with them, none of its rows can match or conflict with a person
        // they create, nor theirs with its, so both create their people at once, on two cores, with the same
        // result as one after the other. If it shares one, it waits until they committed.
        if (sharesKey(rows, expectedProcessed)) {
            order.awaitEarlierKeys();
        }
        ours(c);
        People people = people(c, rows);
        c.commit();
        uncommittedKeys.remove(end);
        // "Keys done" tells the next batch that every batch up to this one has committed its people.
        order.awaitEarlierKeys();
        order.keysDone();

        if (members != Members.NONE) {
            lockGroup(c);
        }
        order.awaitEarlierCommit();
        if (members != Members.NONE) {
            writeMembers(c, people);
        }
        if (people.values > 0) {
            update(c, VALUES, ps -> {
                ps.setString(1, job.companyId());
                ps.setString(2, job.applicationId());
            });
        }
        long failed = update(c, ERRORS, ps -> ps.setString(1, job.id()));
        AudienceJobRepository.TABLE.checkpoint(c, job, expectedProcessed, rows.size(), failed, lease, null, 0);
        return rows.size();
    }

    /** Notes the keys of a batch about to be written (in file order, before it runs). */
    public void submitted(long expectedProcessed, List<PersonRow> rows) {
        Set<String> keys = new HashSet<>(rows.size() * 3);
        for (PersonRow row : rows) {
            if (row.error() == null) {
                forEachKey(row, keys::add);
            }
        }
        uncommittedKeys.put(expectedProcessed + rows.size(), keys);
    }

    private boolean sharesKey(List<PersonRow> rows, long start) {
        boolean[] shared = new boolean[1];
        for (Map.Entry<Long, Set<String>> earlier : uncommittedKeys.entrySet()) {
            if (earlier.getKey() > start) {
                continue;
            }
            for (PersonRow row : rows) {
                if (row.error() == null) {
                    forEachKey(row, key -> shared[0] |= earlier.getValue().contains(key));
                    if (shared[0]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void forEachKey(PersonRow row, Consumer<String> action) {
        if (row.userId() != null) {
            action.accept("u" + row.userId());
        }
        if (row.emailKey() != null) {
            action.accept("e" + row.emailKey());
        }
        if (row.phoneKey() != null) {
            action.accept("p" + row.phoneKey());
        }
    }

    private record StagedValue(long rowNo, PersonRow.Value value) {
    }

    /** What the batch holds, counted in Java as the rows were staged. */
    private record People(long adds, long removes, long values, boolean allCreated) {
    }

    private void stage(Connection c, List<PersonRow> rows) throws SQLException, IOException {
        try (Statement st = c.createStatement()) {
            st.execute(STAGE);
            st.execute(VALUE_STAGE);
            st.execute(CLEAR);
        }
        Sql.copy(c, COPY_ROWS, rows, (line, row) -> {
            line.append(row.rowNo()).append('\t');
            Sql.field(line, row.userId()).append('\t');
            Sql.field(line, row.newUserId()).append('\t');
            Sql.field(line, row.email()).append('\t');
            Sql.field(line, row.emailKey()).append('\t');
            Sql.field(line, row.phone()).append('\t');
            Sql.field(line, row.phoneKey()).append('\t');
            // A new person's contact lists (the UserSummary shape), built here: the COPY runs while the batch
            // before still writes, the insert that uses them does not.
            Sql.field(line, row.email() == null ? "[]" : "[{\"email\": " + quoted(row.email())
                    + ", \"primary\": true, \"verified\": false, \"active\": true}]").append('\t');
            Sql.field(line, row.phone() == null ? "[]" : "[{\"phone\": " + quoted(row.phone())
                    + (row.countryCode() == null ? "" : ", \"country_code\": " + row.countryCode())
                    + ", \"primary\": true, \"verified\": false, \"active\": true}]").append('\t');
            line.append(row.remove() ? 't' : 'f').append('\t');
            Sql.field(line, row.identifier()).append('\t');
            Sql.field(line, row.field()).append('\t');
            Sql.field(line, row.error());
        });
        List<StagedValue> values = new ArrayList<>();
        for (PersonRow row : rows) {
            if (row.error() == null && !row.remove()) {
                for (PersonRow.Value v : row.values()) {
                    values.add(new StagedValue(row.rowNo(), v));
                }
            }
        }
        if (!values.isEmpty()) {
            HexFormat hex = HexFormat.of();
            Sql.copy(c, COPY_VALUES, values, (line, staged) -> {
                PersonRow.Value v = staged.value();
                line.append(staged.rowNo()).append('\t');
                Sql.field(line, v.definitionId()).append('\t');
                Sql.field(line, v.json()).append('\t');
                Sql.field(line, v.sealed() == null ? null : "\\x" + hex.formatHex(v.sealed())).append('\t');
                Sql.field(line, v.keyId());
            });
        }
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** Cheap early check (no lock) that the job is still ours, so a worker that lost it creates nobody. */
    private void ours(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OURS)) {
            ps.setString(1, job.id());
            ps.setString(2, job.owner());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LeaseLostException(job.id());
                }
            }
        }
    }

    private People people(Connection c, List<PersonRow> rows) throws SQLException {
        long adds = 0;
        long removes = 0;
        long values = 0;
        for (PersonRow row : rows) {
            if (row.error() == null) {
                if (row.remove()) {
                    removes++;
                } else {
                    adds++;
                    values += row.values().size();
                }
            }
        }
        long created = adds == 0 ? 0 : create(c, adds);
        // Usually every add row created its person and only remove rows (if any) are looked up.
        boolean someMatched = created < adds;
        if (someMatched) {
            update(c, CREATED, ps -> { });
        }
        if (someMatched || removes > 0) {
            update(c, OWNERS, ps -> {
                for (int i = 0; i < 3; i++) {
                    ps.setString(2 * i + 1, job.companyId());
                    ps.setString(2 * i + 2, job.applicationId());
                }
                ps.setBoolean(7, someMatched);
            });
            update(c, MATCH, ps -> ps.setBoolean(1, someMatched));
            update(c, CONFLICTS, ps -> ps.setBoolean(1, someMatched));
        }
        return new People(adds, removes, values, !someMatched);
    }

    /** Creates the people no add row's keys name yet; returns how many. */
    private long create(Connection c, long adds) throws SQLException {
        Sql.Binder binder = ps -> {
            ps.setString(1, job.companyId());
            ps.setString(2, job.applicationId());
            ps.setString(3, job.id());
        };
        if (!expectConflicts) {
            Savepoint before = c.setSavepoint();
            try {
                long created = update(c, CREATE_ALL, binder);
                c.releaseSavepoint(before);
                return created;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(before);
            }
        }
        long created = update(c, CREATE_ANY, binder);
        expectConflicts = created < adds;
        return created;
    }

    private void lockGroup(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GROUP)) {
            ps.setString(1, job.groupId());
            ps.setString(2, job.companyId());
            ps.setString(3, job.applicationId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new GroupDeletedException(job.id());
                }
            }
        }
    }

    private void writeMembers(Connection c, People people) throws SQLException {
        boolean replace = members == Members.REPLACE;
        if (people.allCreated && people.removes == 0) {
            update(c, ADD_CREATED, ps -> {
                ps.setString(1, job.groupId());
                ps.setString(2, job.companyId());
                ps.setString(3, job.applicationId());
                ps.setString(4, replace ? job.id() : null);
            });
            return;
        }
        if (!replace && people.removes == 0) {
            update(c, ADD_ALL, ps -> {
                ps.setString(1, job.groupId());
                ps.setString(2, job.companyId());
                ps.setString(3, job.applicationId());
            });
            return;
        }
        if (people.adds > 0) {
            update(c, replace ? MARK_LAST : ADD_LAST, ps -> {
                ps.setString(1, job.groupId());
                ps.setString(2, job.companyId());
                ps.setString(3, job.applicationId());
                if (replace) {
                    ps.setString(4, job.id());
                }
            });
        }
        if (people.removes > 0) {
            update(c, REMOVE_LAST, ps -> ps.setString(1, job.groupId()));
        }
    }
}
