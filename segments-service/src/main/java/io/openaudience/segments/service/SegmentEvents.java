package io.openaudience.segments.service;

import io.openaudience.common.messaging.AudienceEvent;
import io.openaudience.common.messaging.Topics;
import io.openaudience.common.security.Tenant;
import io.openaudience.outbox.SessionOutbox;
import io.openaudience.segments.repository.SegmentRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes the {@code audience-events} of segments-service's own changes to {@code segments.outbox}, in the caller's
 * transaction, so an event exists if and only if its change committed (contract: common/README.md).
 */
@ApplicationScoped
public class SegmentEvents {

    private final SegmentRepository segments;
    private final SessionOutbox outbox;

    public SegmentEvents(SegmentRepository segments, SessionOutbox outbox) {
        this.segments = segments;
        this.outbox = outbox;
    }

    /**
     * A segment gained {@code added} and lost {@code removed} members (nothing is written when both are 0), with the
     * segment's member count after the change, read in the same transaction.
     */
    public Uni<Void> membershipChanged(Tenant tenant, long segmentId, long added, long removed, String cause) {
        if (added == 0 && removed == 0) {
            return Uni.createFrom().voidItem();
        }
        return segments.userCount(tenant, segmentId).chain(count -> {
            AudienceEvent event = AudienceEvent.of(AudienceEvent.SOURCE_SEGMENTS, AudienceEvent.MEMBERSHIP_CHANGED,
                    "segments/" + segmentId, AudienceEvent.data(
                            "subscriptionId", tenant.subscriptionId(), "initiativeId", tenant.initiativeId(),
                            "segmentId", segmentId, "cause", cause, "added", added, "removed", removed,
                            "userCount", count));
            return outbox.append(Topics.AUDIENCE_EVENTS, event.key(), event.toJson(), AudienceEvent.RECORD_HEADERS);
        });
    }
}
