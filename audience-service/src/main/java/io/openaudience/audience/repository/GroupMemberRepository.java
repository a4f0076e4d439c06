package io.openaudience.audience.repository;

import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One page of a group's members (row 19) in one SQL statement on the reactive pool, not Panache, because it is the
 * benchmarked hot path: one prepared statement (group check, primary key range, people by key, probe of the other
 * side of the cursor) and rows mapped straight to the view, without a session or entities per request.
 */
@ApplicationScoped
public class GroupMemberRepository {

    /** Which way a page goes from its cursor position (exclusive). */
    public enum Direction {
        NEXT, PREV
    }

    /**
     * The rows of a page (in member key order) and whether a matching member exists on the other side of the cursor
     * position; null when the group is not the tenant's.
     */
    public record MemberRows(String groupId, boolean otherSide, List<MemberRow> rows) {
    }

    /** Largest page limit (a page of 100 and one more to see whether another follows). */
    public static final int MAX_LIMIT = 101;

    /**
     * A member: its key and the person's user id, emails and phone numbers (JSON text as stored); the person's fields
     * are null if the person row is missing (people are never deleted, so only in theory).
     */
    public record MemberRow(long userPk, String userId, String emails, String phoneNumbers) {
    }

    private final Pool pool;
    /** Statement texts by variant and limit, so each is built once and the pool's statement cache can keep it. */
    private final Map<String, String> statements = new ConcurrentHashMap<>();

    public GroupMemberRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Members of the group ({@code uid} when not null, else {@code groupId}) after ({@link Direction#NEXT}) or before
     * ({@link Direction#PREV}) {@code position}, at most {@code limit} (0–{@value #MAX_LIMIT}); with
     * {@code emailLike}/{@code phoneLike} (LIKE patterns, either may be null) only people whose primary email or
     * phone matches.
     */
    public Uni<MemberRows> page(Tenant tenant, String groupId, Long uid, Direction direction, long position,
                                int limit, String emailLike, String phoneLike) {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit);
        }
        boolean q = emailLike != null || phoneLike != null;
        boolean byUid = uid != null;
        String sql = statements.computeIfAbsent(byUid + "/" + direction + "/" + q + "/" + limit,
                k -> statement(byUid, direction == Direction.PREV, q, limit));
        Tuple args = Tuple.of(tenant.companyId(), tenant.applicationId(), byUid ? uid : groupId, position);
        if (q) {
            args.addString(emailLike).addString(phoneLike);
        }
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            String found = null;
            boolean otherSide = false;
            List<MemberRow> members = new ArrayList<>();
            for (Row r : rows) {
                found = r.getString(0);
                otherSide = r.getBoolean(1);
                Long userPk = r.getLong(2);
                if (userPk != null) {
                    members.add(new MemberRow(userPk, r.getString(3), r.getString(4), r.getString(5)));
                }
            }
            return found == null ? null : new MemberRows(found, otherSide, members);
        });
    }

    /**
     * The page statement. Shaped for the planner's generic plan: the limit is a literal (a {@code $n} limit is
     * estimated at a tenth of the group, which turns the plan into a costly one and, past PostgreSQL's JIT
     * threshold, compiles it on every run); the group row and its other-side probe are evaluated once
     * ({@code OFFSET 0}); the probe is an ordered {@code LIMIT 1} so it walks the primary key backwards or forwards
     * from the cursor; people are fetched per member by primary key after the limit.
     */
    private static String statement(boolean byUid, boolean prev, boolean q, int limit) {
        String person = "SELECT u.email_key LIKE $5 OR u.phone_key LIKE $6 FROM audience.app_user u "
                + "WHERE u.id = %s.user_pk AND u.company_id = $1 AND u.application_id = $2";
        return "SELECT g.id, g.other_side, m.user_pk, u.user_id, u.emails, u.phone_numbers FROM ("
                + "SELECT ug.id, (SELECT b.user_pk FROM audience.user_group_member b WHERE b.group_id = ug.id"
                + " AND b.user_pk " + (prev ? ">=" : "<=") + " $4" + (q ? " AND (" + person.formatted("b") + ")" : "")
                + " ORDER BY b.user_pk" + (prev ? "" : " DESC") + " LIMIT 1) IS NOT NULL AS other_side"
                + " FROM audience.user_group ug WHERE ug.company_id = $1 AND ug.application_id = $2"
                + " AND ug." + (byUid ? "uid = $3" : "id = $3::char(24)") + " OFFSET 0) g"
                + " LEFT JOIN LATERAL (SELECT mm.user_pk FROM audience.user_group_member mm"
                + " WHERE mm.group_id = g.id AND mm.user_pk " + (prev ? "<" : ">") + " $4"
                + " AND mm.company_id = $1 AND mm.application_id = $2"
                + (q ? " AND (" + person.formatted("mm") + ")" : "")
                + " ORDER BY mm.user_pk" + (prev ? " DESC" : "") + " LIMIT " + limit + ") m ON true"
                + " LEFT JOIN LATERAL (SELECT u.user_id, u.emails::text AS emails, u.phone_numbers::text AS"
                + " phone_numbers FROM audience.app_user u WHERE u.id = m.user_pk AND u.company_id = $1"
                + " AND u.application_id = $2 LIMIT 1) u ON true"
                + " ORDER BY m.user_pk";
    }
}
