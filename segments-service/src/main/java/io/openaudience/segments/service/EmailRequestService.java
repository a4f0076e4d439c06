package io.openaudience.segments.service;

import io.openaudience.common.db.SegmentLock;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.mail.EmailTemplate;
import io.openaudience.common.messaging.EmailKind;
import io.openaudience.common.security.Tenant;
import io.openaudience.outbox.OutboxRelay;
import io.openaudience.segments.EmailAcceptance;
import io.openaudience.segments.EmailRequest;
import io.openaudience.segments.config.EmailConfig;
import io.openaudience.segments.repository.EmailRequestRepository;
import io.openaudience.segments.repository.EmailRequestRepository.Frozen;
import io.openaudience.segments.repository.SegmentRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Accepts email requests (segment mail, selected-members mail, re-invites): validates them, freezes the recipients
 * and writes the request row plus its `email-requests` outbox chunks in one transaction.
 */
@ApplicationScoped
public class EmailRequestService {

    /** How many unknown user ids a 404 names; the rest are only counted. */
    private static final int UNKNOWN_IDS_NAMED = 20;

    private final EmailRequestRepository requests;
    private final SegmentRepository segments;
    private final EmailConfig config;
    private final OutboxRelay relay;

    public EmailRequestService(EmailRequestRepository requests, SegmentRepository segments, EmailConfig config,
                               OutboxRelay relay) {
        this.requests = requests;
        this.segments = segments;
        this.config = config;
        this.relay = relay;
    }

    /**
     * Runs one use case in one transaction, then, only once it committed, kicks the outbox relay so its chunks leave
     * at once (which is why the boundary is written out rather than declared with {@code @WithTransaction}, as in
     * {@link ImportService#accept}).
     */
    private <T> Uni<T> committed(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).invoke(relay::kick);
    }

    /** Mails every member the segment has now; later membership changes do not reach this request. */
    public Uni<EmailAcceptance> sendToSegment(Tenant tenant, long segmentId, String subject, String body) {
        rejectIfAny(content(subject, body));
        UUID id = UUID.randomUUID();
        // The segment is held (KEY SHARE) until its members are frozen, so it is not deleted under the acceptance.
        return committed(() -> segments.exists(tenant, segmentId, SegmentLock.KEY_SHARE)
                .chain(exists -> {
                    if (!exists) {
                        throw ApiException.notFound("segment");
                    }
                    return requests.freeze(config.topic(), id, tenant, EmailKind.SEGMENT, subject, body, segmentId);
                })
                .chain(frozen -> {
                    if (frozen.recipients() == 0) {
                        throw ApiException.badRequest("segment", "the segment has no members");
                    }
                    return insert(id, tenant, EmailKind.SEGMENT, subject, body, segmentId, frozen, 0);
                }));
    }

    /** Mails the picked members of the subscription, whatever their status. */
    public Uni<EmailAcceptance> sendToSelected(Tenant tenant, List<Long> users, String subject, String body) {
        List<FieldError> errors = users(users);
        errors.addAll(content(subject, body));
        rejectIfAny(errors);
        Long[] ids = users.toArray(Long[]::new);
        UUID id = UUID.randomUUID();
        return committed(() -> requests.checkUsers(tenant, ids, UNKNOWN_IDS_NAMED)
                .chain(check -> {
                    rejectUnknown(check);
                    return requests.freeze(config.topic(), id, tenant, EmailKind.SELECTED, subject, body, ids);
                })
                .chain(frozen -> {
                    rejectIfNobody(frozen);
                    return insert(id, tenant, EmailKind.SELECTED, subject, body, null, frozen, 0);
                }));
    }

    /** Sends the invitation again to the picked members that are still pending; the others are skipped. */
    public Uni<EmailAcceptance> reInvite(Tenant tenant, List<Long> users) {
        rejectIfAny(users(users));
        Long[] ids = users.toArray(Long[]::new);
        UUID id = UUID.randomUUID();
        return committed(() -> requests.checkUsers(tenant, ids, UNKNOWN_IDS_NAMED)
                .chain(check -> {
                    rejectUnknown(check);
                    if (check.pending() == 0) {
                        throw ApiException.badRequest("users", "none of the users is pending: nobody to invite");
                    }
                    // Counted from what was frozen, so a member who accepted meanwhile shows as skipped.
                    long given = check.pending() + check.notPending();
                    return requests.freeze(config.topic(), id, tenant, EmailKind.REINVITE, null, null, ids)
                            .chain(frozen -> {
                                rejectIfNobody(frozen);
                                return insert(id, tenant, EmailKind.REINVITE, null, null, null, frozen,
                                        given - frozen.recipients());
                            });
                }));
    }

    private static void rejectIfNobody(Frozen frozen) {
        if (frozen.recipients() == 0) {
            throw ApiException.badRequest("users", "none of the users can be mailed");
        }
    }

    /** The request's header row, in the same transaction as its chunks. */
    private Uni<EmailAcceptance> insert(UUID id, Tenant tenant, EmailKind kind, String subject, String body,
                                        Long segmentId, Frozen frozen, long skipped) {
        EmailRequest request = new EmailRequest();
        request.id = id;
        request.subscriptionId = tenant.subscriptionId();
        request.initiativeId = tenant.initiativeId();
        request.kind = kind.wire();
        request.subject = subject;
        request.body = body;
        request.segmentId = segmentId;
        request.recipients = frozen.recipients();
        request.skipped = skipped;
        request.chunks = frozen.chunks();
        return requests.persistAndFlush(request).replaceWith(new EmailAcceptance(id, frozen.recipients(), skipped));
    }

    private List<FieldError> users(List<Long> users) {
        List<FieldError> errors = new ArrayList<>();
        if (users == null || users.isEmpty()) {
            errors.add(FieldError.of("users", "at least one user id is required"));
            return errors;
        }
        if (users.size() > config.maxSelectedUsers()) {
            errors.add(FieldError.of("users", "at most " + config.maxSelectedUsers() + " user ids per request"));
            return errors;
        }
        for (int i = 0; i < users.size(); i++) {
            if (users.get(i) == null) {
                errors.add(FieldError.of("users[" + i + "]", "must be a user id"));
            }
        }
        return errors;
    }

    private List<FieldError> content(String subject, String body) {
        List<FieldError> errors = new ArrayList<>();
        if (subject == null || subject.isBlank()) {
            errors.add(FieldError.of("subject", "is required"));
        } else if (subject.codePointCount(0, subject.length()) > config.maxSubjectLength()) {
            errors.add(FieldError.of("subject", "must be at most " + config.maxSubjectLength() + " characters"));
        } else if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            errors.add(FieldError.of("subject", "must be a single line"));
        } else {
            errors.addAll(EmailTemplate.validate("subject", subject, false));
        }
        if (body == null || body.isBlank()) {
            errors.add(FieldError.of("body", "is required"));
        } else if (body.getBytes(StandardCharsets.UTF_8).length > config.maxBodyBytes()) {
            errors.add(FieldError.of("body", "must be at most " + config.maxBodyBytes() + " bytes"));
        } else {
            errors.addAll(EmailTemplate.validate("body", body, true));
        }
        return errors;
    }

    private static void rejectUnknown(EmailRequestRepository.UserCheck check) {
        if (check.unknown() > 0) {
            String named = check.unknownSample().stream().map(String::valueOf).collect(Collectors.joining(", "));
            String more = check.unknown() > check.unknownSample().size()
                    ? " and " + (check.unknown() - check.unknownSample().size()) + " more" : "";
            String message = "users not found: " + named + more;
            throw new ApiException(404, "not_found", message, List.of(FieldError.of("users", message)));
        }
    }

    private static void rejectIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors.stream().map(f -> f.field() + ": " + f.message())
                    .collect(Collectors.joining("; ")), errors);
        }
    }
}
