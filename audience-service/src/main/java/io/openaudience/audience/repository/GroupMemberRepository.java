package io.openaudience.audience.repository;

import io.openaudience.common.security.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of a group's members (row 19) in one SQL statement on the reactive pool: the group check, an index range
 * over {@code user_group_member}'s primary key and a probe of the other side of the cursor. Plain SQL on the pool,
 * not Panache, because it is the benchmarked hot path: one prepared statement and rows mapped straight to the view,
 * without a session or entities per request.
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

    /** A member: its key and the person's user id, emails and phone numbers (JSON text as stored). */
    public record MemberRow(long userPk, String userId, String emails, String phoneNumbers) {
    }

    private final Pool pool;
    /** Statements by [uid?][prev?][q?]: each a fixed text, so the pool's prepared statement cache keeps them. */
    private final String[][][] statements = new String[2][2][2];

    public GroupMemberRepository(Pool pool) {
        this.pool = pool;
        for (int byUid = 0; byUid < 2; byUid++) {
            for (int prev = 0; prev < 2; prev++) {
                for (int q = 0; q < 2; q++) {
                    statements[byUid][prev][q] = statement(byUid == 1, prev == 1, q == 1);
                }
            }
        }
    }

    /**
     * Members of the group ({@code uid} when not null, else {@code groupId}) after ({@link Direction#NEXT}) or before
     * ({@link Direction#PREV}) {@code position}, at most {@code limit}; with {@code emailLike}/{@code phoneLike}
     * (LIKE patterns, either may be null) only people whose primary email or phone matches.
     */
    public Uni<MemberRows> page(Tenant tenant, String groupId, Long uid, Direction direction, long position,
                                int limit, String emailLike, String phoneLike) {
        boolean q = emailLike != null || phoneLike != null;
        String sql = statements[uid != null ? 1 : 0][direction == Direction.PREV ? 1 : 0][q ? 1 : 0];
        Tuple args = Tuple.of(tenant.companyId(), tenant.applicationId(), uid != null ? uid : groupId, position,
                limit);
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

    private static String statement(boolean byUid, boolean prev, boolean q) {
        String match = q ? " AND (u.email_key LIKE $6 OR u.phone_key LIKE $7)" : "";
        String people = " JOIN audience.app_user u ON u.id = mm.user_pk AND u.company_id = $1 AND u.application_id = $2";
        return "SELECT g.id, g.other_side, m.user_pk, m.user_id, m.emails, m.phone_numbers FROM ("
                + "SELECT ug.id, EXISTS (SELECT 1 FROM audience.user_group_member mm"
                + (q ? people : "")
                + " WHERE mm.group_id = ug.id AND mm.user_pk " + (prev ? ">=" : "<=") + " $4" + match
                + ") AS other_side FROM audience.user_group ug"
                + " WHERE ug.company_id = $1 AND ug.application_id = $2 AND ug." + (byUid ? "uid" : "id") + " = $3) g"
                + " LEFT JOIN LATERAL (SELECT mm.user_pk, u.user_id, u.emails::text AS emails,"
                + " u.phone_numbers::text AS phone_numbers FROM audience.user_group_member mm" + people
                + " WHERE mm.group_id = g.id AND mm.company_id = $1 AND mm.application_id = $2"
                + " AND mm.user_pk " + (prev ? "<" : ">") + " $4" + match
                + " ORDER BY mm.user_pk" + (prev ? " DESC" : "") + " LIMIT $5) m ON true"
                + " ORDER BY m.user_pk";
    }
}
