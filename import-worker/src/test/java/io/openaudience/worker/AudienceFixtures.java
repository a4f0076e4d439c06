package io.openaudience.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.messaging.AudienceJobMessage;
import io.openaudience.common.messaging.RefreshTotalUsersMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.openaudience.worker.ImportFixtures.query;

/**
 * Writes the audience rows audience-service's intake writes (definitions, groups, people, a job with its group set
 * pending and its outbox row, in one transaction), publishes the outbox payload (the JSON of the common message
 * records) to the real broker as the relay does, and reads the results back.
 */
public final class AudienceFixtures {

    private static final AtomicLong COMPANIES = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FileServer files;

    /** A company and application no other test uses. */
    public record Tenant(String company, String application) {
    }

    private AudienceFixtures() {
    }

    /** The local file server of the test JVM (on 127.0.0.1, allow-listed in the test profile). */
    public static synchronized FileServer files() throws IOException {
        if (files == null) {
            files = new FileServer();
        }
        return files;
    }

    /** Serves the text at {@code /name} and returns its URL. */
    public static String serve(String name, String body) throws IOException {
        files().file("/" + name, body.getBytes(StandardCharsets.UTF_8));
        return files().url("/" + name);
    }

    public static Tenant newTenant() {
        return new Tenant("c" + COMPANIES.incrementAndGet(), "app1");
    }

    public static String createDefinition(Tenant t, String slug, String type, String validations, boolean encrypted)
            throws SQLException {
        String id = ObjectIds.next();
        query("INSERT INTO audience.attribute_definition (id, company_id, application_id, name, slug, description, "
                + "type, validations, encrypted) VALUES (?, ?, ?, ?, ?, '', ?, ?::jsonb, ?) RETURNING id", id,
                t.company(), t.application(), slug, slug, type, validations, encrypted);
        return id;
    }

    public static String createGroup(Tenant t, String name) throws SQLException {
        return (String) query("INSERT INTO audience.user_group (company_id, application_id, name, type, category, "
                + "status) VALUES (?, ?, ?, 'bulk', 'general', 'completed') RETURNING id", t.company(),
                t.application(), name).get(0).get("id");
    }

    /**
     * A conditional group as audience-service's intake stores one (conditions as JSON, {@code and} / {@code or}),
     * {@code completed} with no members yet; returns its id.
     */
    public static String createConditionalGroup(Tenant t, String name, String conditions, String type)
            throws SQLException {
        return (String) query("INSERT INTO audience.user_group (company_id, application_id, name, type, category, "
                + "status, conditions, conditions_type) VALUES (?, ?, ?, 'conditional', 'custom', 'completed', "
                + "?::jsonb, ?) RETURNING id", t.company(), t.application(), name, conditions, type).get(0).get("id");
    }

    /** Sets a person's value of a definition (JSON text), as audience-service's attribute writes do. */
    public static void setValue(Tenant t, String definitionId, long userPk, String json) throws SQLException {
        query("INSERT INTO audience.user_attribute (company_id, application_id, definition_id, user_pk, value) "
                + "VALUES (?, ?, ?, ?, ?::jsonb) ON CONFLICT (definition_id, user_pk) DO UPDATE SET value = "
                + "excluded.value, updated_at = now() RETURNING id", t.company(), t.application(), definitionId,
                userPk, json);
    }

    /** A person as audience-service's user upsert writes one; returns its internal key. */
    public static long createPerson(Tenant t, String userId, String email, String phoneKey) throws SQLException {
        return ((Number) query("INSERT INTO audience.app_user (company_id, application_id, user_id, email_key, "
                + "phone_key) VALUES (?, ?, ?, ?, ?) RETURNING id", t.company(), t.application(), userId,
                email == null ? null : email.toLowerCase(), phoneKey).get(0).get("id")).longValue();
    }

    public static void addMember(Tenant t, String groupId, long userPk) throws SQLException {
        query("INSERT INTO audience.user_group_member (group_id, user_pk, company_id, application_id) "
                + "VALUES (?, ?, ?, ?) RETURNING user_pk", groupId, userPk, t.company(), t.application());
    }

    /**
     * Queues a job as the intake does: the job row, the group {@code pending} with this job as its last, and the
     * outbox row carrying the message, in one transaction. Returns the job id.
     */
    public static String queueJob(Tenant t, String type, String groupId, String fileUrl, String params)
            throws Exception {
        String jobId = ObjectIds.next();
        try (Connection c = Infra.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audience.job (id, company_id, application_id, "
                    + "type, group_id, file_url, params, created_by) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, 'test')")) {
                ps.setString(1, jobId);
                ps.setString(2, t.company());
                ps.setString(3, t.application());
                ps.setString(4, type);
                ps.setString(5, groupId);
                ps.setString(6, fileUrl);
                ps.setString(7, params);
                ps.executeUpdate();
            }
            boolean refresh = type.equals("group_refresh");
            // The intake makes a job the group's last unless it is a bulk group's recount.
            if (groupId != null && (!refresh || ImportFixtures.count("SELECT count(*) FROM audience.user_group "
                    + "WHERE id = ? AND type = 'conditional'", groupId) > 0)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE audience.user_group SET status = 'pending', "
                        + "last_job_id = ? WHERE id = ?")) {
                    ps.setString(1, jobId);
                    ps.setString(2, groupId);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audience.outbox (topic, message_key, payload) VALUES (?, ?, ?)")) {
                ps.setString(1, refresh ? Topics.REFRESH_TOTAL_USERS : Topics.IMPORT_JOBS);
                ps.setString(2, refresh ? groupId : jobId);
                ps.setString(3, refresh ? JSON.writeValueAsString(new RefreshTotalUsersMessage(jobId, t.company(),
                        t.application(), groupId)) : JSON.writeValueAsString(AudienceJobMessage.of(jobId,
                        t.company(), t.application())));
                ps.executeUpdate();
            }
            c.commit();
        }
        return jobId;
    }

    /** Publishes the job's outbox row as the relay does (its topic, key and payload), and returns where it landed. */
    public static RecordMetadata publish(String jobId) throws Exception {
        Map<String, Object> row = query("SELECT topic, message_key, payload FROM audience.outbox o WHERE "
                + "payload LIKE ? ORDER BY id LIMIT 1", "%\"jobId\":\"" + jobId + "\"%").get(0);
        return Infra.publish((String) row.get("topic"), (String) row.get("message_key"), (String) row.get("payload"));
    }

    /** Queues and publishes a job; returns its id. */
    public static String run(Tenant t, String type, String groupId, String fileUrl, String params) throws Exception {
        String jobId = queueJob(t, type, groupId, fileUrl, params);
        publish(jobId);
        return jobId;
    }

    public static Map<String, Object> awaitFinished(String jobId) throws Exception {
        return ImportFixtures.awaitFinished(jobId, () -> job(jobId));
    }

    public static Map<String, Object> job(String jobId) throws SQLException {
        return query("SELECT status, total, processed, succeeded, failed, failure_reason, attempts, lease_owner, "
                + "started_at IS NOT NULL AS started, finished_at IS NOT NULL AS finished, finished_at "
                + "FROM audience.job WHERE id = ?", jobId).get(0);
    }

    public static Map<String, Object> group(String groupId) throws SQLException {
        return query("SELECT status, total_users, total_users_refreshed_at, error_count, last_job_id "
                + "FROM audience.user_group WHERE id = ?", groupId).get(0);
    }

    /** The group's members by user_id, sorted. */
    public static List<String> members(String groupId) throws SQLException {
        return query("SELECT u.user_id FROM audience.user_group_member m JOIN audience.app_user u ON u.id = m.user_pk "
                + "WHERE m.group_id = ?", groupId).stream().map(r -> (String) r.get("user_id")).sorted().toList();
    }

    /** The group's members by primary email (people without one as their user_id), sorted. */
    public static List<String> memberEmails(String groupId) throws SQLException {
        return query("SELECT coalesce(u.email_key, u.user_id) AS k FROM audience.user_group_member m "
                + "JOIN audience.app_user u ON u.id = m.user_pk WHERE m.group_id = ?", groupId).stream()
                .map(r -> (String) r.get("k")).sorted().toList();
    }

    /** The user_id of the tenant's person with this email. */
    public static String userIdByEmail(Tenant t, String email) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT user_id FROM audience.app_user WHERE company_id = ? "
                + "AND application_id = ? AND email_key = ?", t.company(), t.application(), email);
        return rows.isEmpty() ? null : (String) rows.get(0).get("user_id");
    }

    public static long people(Tenant t) throws SQLException {
        return ImportFixtures.count("SELECT count(*) FROM audience.app_user WHERE company_id = ? "
                + "AND application_id = ?", t.company(), t.application());
    }

    /** The job's rejected rows as "row|identifier|field|reason", in row order. */
    public static List<String> errors(String jobId) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : query("SELECT row_no, identifier, field, reason FROM audience.job_error "
                + "WHERE job_id = ? ORDER BY row_no", jobId)) {
            out.add(r.get("row_no") + "|" + r.get("identifier") + "|" + r.get("field") + "|" + r.get("reason"));
        }
        return out;
    }

    /** A person's value of a definition as its JSON text (null if none), by user_id. */
    public static Map<String, Object> value(Tenant t, String userId, String definitionId) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT a.value::text AS value, a.ciphertext, a.key_id "
                + "FROM audience.user_attribute a JOIN audience.app_user u ON u.id = a.user_pk "
                + "WHERE u.company_id = ? AND u.application_id = ? AND u.user_id = ? AND a.definition_id = ?",
                t.company(), t.application(), userId, definitionId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public static String json(Object value) throws Exception {
        return JSON.writeValueAsString(value);
    }
}
