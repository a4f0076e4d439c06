package io.openaudience.segments.service;

import io.openaudience.common.db.SegmentLock;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.MemberRowRule;
import io.openaudience.common.time.IsoMillis;
import io.openaudience.segments.Member;
import io.openaudience.segments.Requests.NewMember;
import io.openaudience.segments.Views;
import io.openaudience.segments.Views.BulkCreateResult;
import io.openaudience.segments.Views.InviteResult;
import io.openaudience.segments.Views.MemberView;
import io.openaudience.segments.config.SegmentsApiConfig;
import io.openaudience.segments.repository.MemberRepository;
import io.openaudience.segments.repository.MembershipRepository;
import io.openaudience.segments.repository.SegmentRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Synchronous bulk creation of Idea Manager members (optionally into a segment): rows are checked one by one with
 * {@link MemberRowRule} (the import's rule too), written set-based in one transaction, and answered one result per
 * row in input order.
 */
@ApplicationScoped
public class MemberService {

    private final SegmentRepository segments;
    private final MemberRepository members;
    private final MembershipRepository memberships;
    private final SegmentsApiConfig config;

    public MemberService(SegmentRepository segments, MemberRepository members, MembershipRepository memberships,
                         SegmentsApiConfig config) {
        this.segments = segments;
        this.members = members;
        this.memberships = memberships;
        this.config = config;
    }

    /**
     * Creates the members (an email already known to the subscription is linked, not duplicated) and, when
     * {@code segmentId} is given, links them to that segment. {@code field} names the list in error messages,
     * {@code importPath} is where lists above the limit must go.
     */
    @WithTransaction
    public Uni<BulkCreateResult> bulkCreate(Tenant tenant, Long segmentId, List<NewMember> rows, String field,
                                            String importPath) {
        if (rows == null) {
            throw ApiException.badRequest(field, field + " must be a list of {name, email}");
        }
        if (rows.size() > config.maxBulkRows()) {
            throw ApiException.payloadTooLarge("at most " + config.maxBulkRows() + " users per request; import "
                    + "larger lists with POST " + importPath + " (CSV or JSON, processed asynchronously)");
        }
        InviteResult[] results = new InviteResult[rows.size()];
        Map<String, String> nameByEmail = new LinkedHashMap<>();
        Map<String, String> emailByKey = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            NewMember row = rows.get(i);
            String email = MemberRowRule.email(row == null ? null : row.email());
            String name = MemberRowRule.name(row == null ? null : row.name());
            String problem = MemberRowRule.problem(email, name);
            if (problem != null) {
                results[i] = InviteResult.failed(email == null || email.isEmpty() ? null : email, i + 1, problem);
            } else {
                String key = email.toLowerCase(Locale.ROOT);
                emailByKey.putIfAbsent(key, email);
                nameByEmail.putIfAbsent(key, name);
            }
        }
        return lockSegment(tenant, segmentId).chain(() -> write(tenant, segmentId, emailByKey, nameByEmail))
                .map(written -> {
                    for (int i = 0; i < results.length; i++) {
                        if (results[i] == null) {
                            String key = rows.get(i).email().strip().toLowerCase(Locale.ROOT);
                            results[i] = InviteResult.ok(written.byEmail.get(key));
                        }
                    }
                    return new BulkCreateResult(List.of(results), written.linked);
                });
    }

    private Uni<Void> lockSegment(Tenant tenant, Long segmentId) {
        if (segmentId == null) {
            return Uni.createFrom().voidItem();
        }
        return segments.exists(tenant, segmentId, SegmentLock.NO_KEY_UPDATE).invoke(found -> {
            if (!found) {
                throw ApiException.notFound("segment");
            }
        }).replaceWithVoid();
    }

    private Uni<Written> write(Tenant tenant, Long segmentId, Map<String, String> emailByKey,
                               Map<String, String> nameByKey) {
        if (emailByKey.isEmpty()) {
            return Uni.createFrom().item(new Written(Map.of(), 0));
        }
        List<String> keys = new ArrayList<>(nameByKey.keySet());
        String[] emails = keys.stream().map(emailByKey::get).toArray(String[]::new);
        String[] names = keys.stream().map(nameByKey::get).toArray(String[]::new);
        return members.upsertByEmail(tenant.subscriptionId(), emails, names).chain(found -> {
            Map<String, MemberView> byEmail = new HashMap<>();
            for (Member m : found) {
                byEmail.put(m.email.toLowerCase(Locale.ROOT), new MemberView(m.id, m.email, m.role, m.firstName,
                        IsoMillis.format(m.createdAt), IsoMillis.format(m.updatedAt)));
            }
            if (segmentId == null) {
                return Uni.createFrom().item(new Written(byEmail, 0));
            }
            Long[] ids = byEmail.values().stream().map(MemberView::id).toArray(Long[]::new);
            return memberships.link(tenant, segmentId, ids).map(linked -> new Written(byEmail, linked.size()));
        });
    }

    private record Written(Map<String, MemberView> byEmail, int linked) {
    }
}
