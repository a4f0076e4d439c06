package io.openaudience.worker;

import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Db;
import io.openaudience.testsupport.Infra;
import io.openaudience.testsupport.MessageContracts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes upload, chunks, job and outbox rows with JDBC exactly as segments-service's import intake does, publishes
 * the job's message to the real broker with a plain producer, and reads the results back.
 */
public final class ImportFixtures {

    private static final AtomicLong SUBSCRIPTIONS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);
    private static final Set<String> FINISHED = Set.of("completed", "completed_with_errors", "failed");

    private ImportFixtures() {
    }

    /** A subscription no other test uses. */
    public static long newSubscription() {
        return SUBSCRIPTIONS.incrementAndGet();
    }

    public static long createSegment(long subscription, String initiative, String value) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO segments.segment (subscription_id, initiative_id, value) VALUES (?, ?, ?) RETURNING id")) {
            ps.setLong(1, subscription);
            ps.setString(2, initiative);
            ps.setString(3, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static long createMember(long subscription, String email, String name) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO segments.member (subscription_id, email, first_name, status) VALUES (?, ?, ?, 'active') "
                        + "RETURNING id")) {
            ps.setLong(1, subscription);
            ps.setString(2, email);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Stores the file in chunks and queues the job (upload, chunks, job, outbox in one transaction). */
    public static UUID queueJob(long subscription, String initiative, Long segmentId, String format, byte[] file,
                                int chunkSize) throws SQLException {
        try {
            return queueJob(subscription, initiative, segmentId, format, new java.io.ByteArrayInputStream(file),
                    file.length, chunkSize);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** As {@link #queueJob(long, String, Long, String, byte[], int)}, the file read from a stream of that size. */
    public static UUID queueJob(long subscription, String initiative, Long segmentId, String format,
                                java.io.InputStream file, long size, int chunkSize) throws SQLException,
            java.io.IOException {
        UUID jobId = UUID.randomUUID();
        UUID uploadId = UUID.randomUUID();
        try (Connection c = Infra.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO segments.upload (id, subscription_id, "
                    + "initiative_id, filename, content_type, format, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, uploadId);
                ps.setLong(2, subscription);
                ps.setString(3, initiative);
                ps.setString(4, "members." + format);
                ps.setString(5, format.equals("json") ? "application/json" : "text/csv");
                ps.setString(6, format);
                ps.setLong(7, size);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO segments.upload_chunk (upload_id, seq, data) VALUES (?, ?, ?)")) {
                byte[] chunk = file.readNBytes(chunkSize);
                for (int seq = 0; seq == 0 || chunk.length > 0; seq++, chunk = file.readNBytes(chunkSize)) {
                    ps.setObject(1, uploadId);
                    ps.setInt(2, seq);
                    ps.setBytes(3, chunk);
                    ps.addBatch();
                    if (seq % 16 == 15) {
                        ps.executeBatch(); // a large generated file is never held whole
                    }
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO segments.import_job (id, subscription_id, "
                    + "initiative_id, type, segment_id, upload_id) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, jobId);
                ps.setLong(2, subscription);
                ps.setString(3, initiative);
                ps.setString(4, segmentId == null ? "idm_users" : "segment_users");
                ps.setObject(5, segmentId);
                ps.setObject(6, uploadId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO segments.outbox (topic, message_key, payload) VALUES (?, ?, ?)")) {
                ps.setString(1, Topics.IMPORT_JOBS);
                ps.setString(2, jobId.toString());
                ps.setString(3, message(jobId, subscription, initiative));
                ps.executeUpdate();
            }
            c.commit();
        }
        return jobId;
    }

    /** The message segments-service publishes for the job, as pinned in {@link MessageContracts#importJob}. */
    public static String message(UUID jobId, long subscription, String initiative) {
        return MessageContracts.importJob(jobId, subscription, initiative);
    }

    /** Publishes the job's message (what the outbox relay does) and returns where the record landed. */
    public static RecordMetadata publish(UUID jobId, long subscription, String initiative) throws Exception {
        return Infra.publish(Topics.IMPORT_JOBS, jobId.toString(), message(jobId, subscription, initiative));
    }

    public static UUID importFile(long subscription, String initiative, Long segmentId, String format, byte[] file)
            throws Exception {
        UUID jobId = queueJob(subscription, initiative, segmentId, format, file, 37);
        publish(jobId, subscription, initiative);
        return jobId;
    }

    /** Waits for the job to reach a final status and returns its row. */
    public static Map<String, Object> awaitFinished(UUID jobId) throws Exception {
        return awaitFinished(jobId, () -> job(jobId));
    }

    /** Waits until the row {@code read} returns has a final status, and returns it. */
    static Map<String, Object> awaitFinished(Object jobId, Callable<Map<String, Object>> read) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            Map<String, Object> job = read.call();
            if (FINISHED.contains((String) job.get("status"))) {
                return job;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("job " + jobId + " did not finish: " + job);
            }
            Thread.sleep(200);
        }
    }

    public static Map<String, Object> job(UUID jobId) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT status, total, processed, succeeded, failed, segment_count, "
                + "failure_reason, attempts, lease_owner, started_at IS NOT NULL AS started, "
                + "finished_at IS NOT NULL AS finished, updated_at FROM segments.import_job WHERE id = ?", jobId);
        return rows.get(0);
    }

    public static List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        try (Connection c = Infra.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            // The user_count triggers name the segment table unqualified: resolve it like the services do.
            c.createStatement().execute("SET search_path TO segments");
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    /** Runs a statement that returns no rows; returns its row count. */
    public static long execute(String sql, Object... params) throws SQLException {
        return Db.execute(sql, params);
    }

    /**
     * Waits (at most 20 s) until a backend waits for a lock while running a statement that starts with one of the
     * prefixes: the moment a batch of {@code inFlight} is blocked by a test's open transaction.
     */
    public static void awaitLockWait(Future<?> inFlight, String... prefixes) throws Exception {
        String running = String.join(" OR ", Collections.nCopies(prefixes.length, "query LIKE ?"));
        Object[] patterns = Arrays.stream(prefixes).map(p -> p + "%").toArray();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND (" + running + ")",
                patterns) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the batch never waited for the lock: " + inFlight + " " + queryQuietly(
                        "SELECT wait_event_type, wait_event, state, query FROM pg_stat_activity "
                                + "WHERE datname = current_database()"));
            }
            Thread.sleep(20);
        }
    }

    static Object queryQuietly(String sql) {
        try {
            return query(sql);
        } catch (SQLException e) {
            return e;
        }
    }

    public static long count(String sql, Object... params) throws SQLException {
        return ((Number) query(sql, params).get(0).values().iterator().next()).longValue();
    }

    /** The job's rejected rows as "row: reason", in row order. */
    public static List<String> errors(UUID jobId) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : query("SELECT row_no, reason FROM segments.import_job_error WHERE job_id = ? "
                + "ORDER BY row_no", jobId)) {
            out.add(r.get("row_no") + ": " + r.get("reason"));
        }
        return out;
    }

    /** Waits until the worker's consumer group has committed past the record. */
    public static void awaitCommitted(RecordMetadata record) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Infra.kafkaBootstrap()))) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("import-worker")
                        .partitionsToOffsetAndMetadata().get().get(tp);
                if (committed != null && committed.offset() > record.offset()) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("offset " + record.offset() + " of " + tp + " never committed");
                }
                Thread.sleep(250);
            }
        }
    }
}
