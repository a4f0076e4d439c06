package io.openaudience.audience.service;

import io.openaudience.audience.repository.GroupMemberRepository;
import io.openaudience.audience.repository.GroupMemberRepository.Direction;
import io.openaudience.audience.repository.GroupMemberRepository.MemberRow;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;

/**
 * Pages through a group's members (row 19) by cursor, in member key order: a page starts strictly after (or, going
 * back, before) the key its cursor carries, so members added while a client pages never repeat a member already
 * shown nor push one out of the pages still to come.
 */
@ApplicationScoped
public class GroupMemberService {

    public static final int DEFAULT_PAGE_SIZE = 10;
    public static final int MAX_PAGE_SIZE = 100;
    public static final int MAX_QUERY_LENGTH = 320;

    private final GroupMemberRepository members;

    public GroupMemberService(GroupMemberRepository members) {
        this.members = members;
    }

    /** The query of a member page as the client sent it (all text; checked here). */
    public record MemberQuery(String q, String cursor, String direction, String pageSize, String blacklistedUsers) {
    }

    /** A page of members and its cursor block. */
    public record MemberPage(List<MemberRow> items, CursorPage page) {
    }

    /** Fynd's cursor page: {@code next_cursor}/{@code prev_cursor} are null when there is no such page. */
    public record CursorPage(String type, int current, int size, boolean hasNext, boolean hasPrev, String nextCursor,
                             String prevCursor) {
    }

    public Uni<MemberPage> page(Tenant tenant, String ref, MemberQuery query) {
        int size = QueryValues.integer(query.pageSize(), "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        Direction direction = direction(query.direction());
        boolean blacklisted = QueryValues.bool(query.blacklistedUsers(), "blacklisted_users", false);
        String q = q(query.q());
        MemberCursor cursor = query.cursor() == null || query.cursor().isEmpty() ? null
                : MemberCursor.decode(query.cursor());
        Long uid = null;
        String groupId = null;
        if (ref != null && !ref.isEmpty() && ref.length() <= 18 && ref.chars().allMatch(Character::isDigit)) {
            uid = Long.parseLong(ref);
        } else if (ObjectIds.isObjectId(ref)) {
            groupId = ref;
        } else {
            return Uni.createFrom().failure(UserGroupService.notFound());
        }
        // Without a cursor a page starts at the beginning whatever the direction (nothing lies before the start).
        Direction way = cursor == null ? Direction.NEXT : direction;
        long position = cursor == null ? 0 : cursor.position();
        int current = cursor == null ? 1 : cursor.page();
        // There is no blacklist in this platform: nobody is blacklisted, so asking for blacklisted users finds none.
        int limit = blacklisted ? 0 : size + 1;
        String emailLike = q == null ? null : "%" + likeEscaped(q.toLowerCase(Locale.ROOT)) + "%";
        String digits = q == null ? "" : q.replaceAll("[^0-9]", "");
        String phoneLike = digits.isEmpty() ? null : "%" + digits + "%";
        return members.page(tenant, groupId, uid, way, position, limit, emailLike, phoneLike).map(found -> {
            if (found == null) {
                throw UserGroupService.notFound();
            }
            if (cursor != null) {
                cursor.requireGroup(found.groupId());
            }
            List<MemberRow> rows = found.rows();
            boolean more = rows.size() > size;
            if (more) {
                rows = way == Direction.NEXT ? rows.subList(0, size) : rows.subList(rows.size() - size, rows.size());
            }
            boolean hasNext = !blacklisted && (way == Direction.NEXT ? more : found.otherSide());
            boolean hasPrev = !blacklisted && (way == Direction.NEXT ? found.otherSide() : more);
            // An empty page still has neighbours on the side the cursor came from: it points at its own position.
            long first = rows.isEmpty() ? (way == Direction.NEXT ? position + 1 : position) : rows.get(0).userPk();
            long last = rows.isEmpty() ? (way == Direction.NEXT ? position : position - 1)
                    : rows.get(rows.size() - 1).userPk();
            String next = hasNext ? new MemberCursor(found.groupId(), last, current + 1).encode() : null;
            String prev = hasPrev ? new MemberCursor(found.groupId(), first, Math.max(1, current - 1)).encode() : null;
            List<MemberRow> items = rows.stream().filter(r -> r.userId() != null).toList();
            return new MemberPage(items, new CursorPage("cursor", current, size, hasNext, hasPrev, next, prev));
        });
    }

    private static Direction direction(String raw) {
        if (raw == null || raw.isBlank()) {
            return Direction.NEXT;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "next" -> Direction.NEXT;
            case "prev" -> Direction.PREV;
            default -> throw ApiException.badRequest("direction", "must be next or prev");
        };
    }

    private static String q(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String q = raw.strip();
        String problem = TextRules.singleLineProblem(q, MAX_QUERY_LENGTH);
        if (problem != null) {
            throw ApiException.badRequest("q", problem);
        }
        return q;
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
