package io.openaudience.common.db;

/**
 * The one statement that finds a tenant's segments by id and locks their rows, shared by segments-service (through
 * its Hibernate Reactive session) and import-worker's documented bulk path (JDBC): the lock strengths are how both
 * sides agree that a segment is never deleted under a writer of its memberships. JDBC-style {@code ?} parameters:
 * the segment ids (a {@code bigint[]}), the subscription id, the initiative key; the rows (the ids found) come in
 * id order, so two transactions locking the same segments never wait on each other crosswise.
 */
public enum SegmentLock {

    /** Just reads: whether the segments exist in the tenant. */
    NONE(""),
    /** Writers of memberships (imports, email acceptance): deleting the segment waits for them; they share it. */
    KEY_SHARE(" FOR KEY SHARE"),
    /** Writers that must run one after another on the same segments (moves, removals, synchronous bulk create). */
    NO_KEY_UPDATE(" FOR NO KEY UPDATE");

    private final String sql;

    SegmentLock(String clause) {
        this.sql = "SELECT id FROM segments.segment WHERE id = ANY(?) AND subscription_id = ? AND initiative_id = ?"
                + " ORDER BY id" + clause;
    }

    /** The statement; parameters: segment ids, subscription id, initiative key. */
    public String sql() {
        return sql;
    }
}
