package io.openaudience.segments.service;

import io.openaudience.common.messaging.AudienceEvent;
import io.openaudience.common.messaging.Topics;
import io.openaudience.common.security.Tenant;
import io.openaudience.outbox.OutboxRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes the {@code audience-events} of segments-service's own changes to {@code segments.outbox}, in the caller's
 * transaction, so an event exists if and only if its change committed (contract: common/README.md).
 */
@ApplicationScoped
public class SegmentEvents {

    private final OutboxRepository outbox;

    public SegmentEvents(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    /**
     * A segment gained {@code added} and lost {@code removed} members (nothing is written when both are 0), with the
     * segment's member count after the change, read in the same transaction.
     */
    public Uni<Void> membershipChanged(SqlClient tx, Tenant tenant, long segmentId, long added, long removed,
                                       String cause) {
        if (added == 0 && removed == 0) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("SELECT user_count FROM segments.segment WHERE id = $1 AND subscription_id = $2"
                        + " AND initiative_id = $3")
                .execute(Tuple.of(segmentId, tenant.subscriptionId(), tenant.initiativeId()))
                .chain(rows -> {
                    Long count = rows.size() == 0 ? null : rows.iterator().next().getLong(0);
                    AudienceEvent event = AudienceEvent.of(AudienceEvent.SOURCE_SEGMENTS,
                            AudienceEvent.MEMBERSHIP_CHANGED, "segments/" + segmentId, AudienceEvent.data(
                                    "subscriptionId", tenant.subscriptionId(), "initiativeId", tenant.initiativeId(),
                                    "segmentId", segmentId, "cause", cause, "added", added, "removed", removed,
                                    "userCount", count));
                    return outbox.append(tx, Topics.AUDIENCE_EVENTS, event.key(), event.toJson(),
                            AudienceEvent.RECORD_HEADERS);
                });
    }
}
