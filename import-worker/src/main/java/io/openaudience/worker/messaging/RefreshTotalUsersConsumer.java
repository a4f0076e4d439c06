package io.openaudience.worker.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.messaging.RefreshTotalUsersMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.worker.service.AudienceJobs;
import io.openaudience.worker.service.DeadLetters;
import io.openaudience.worker.service.JobDispatcher;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Consumes {@code refresh-total-users}: recounts a group for its refresh job, on the {@code refresh-total-users}
 * worker pool and without waiting for an import slot (a recount takes well under a second). The method returns after
 * the recount committed, so the offset follows the database; a message for a job already completed (by an earlier
 * recount that coalesced it, or a redelivery) is a no-op, and an unreadable one goes to {@link DeadLetters} and is
 * skipped.
 */
@ApplicationScoped
public class RefreshTotalUsersConsumer {

    private final JobDispatcher dispatcher;
    private final AudienceJobs audienceJobs;
    private final ObjectMapper json;
    private final DeadLetters deadLetters;

    public RefreshTotalUsersConsumer(JobDispatcher dispatcher, AudienceJobs audienceJobs, ObjectMapper json,
                                     DeadLetters deadLetters) {
        this.dispatcher = dispatcher;
        this.audienceJobs = audienceJobs;
        this.json = json;
        this.deadLetters = deadLetters;
    }

    // A span of its own, child of the record's (whose headers carry the producer's trace): the job's work and logs
    // join the trace of the request that queued it.
    @WithSpan("refresh-total-users process")
    @Incoming(Topics.REFRESH_TOTAL_USERS_CHANNEL)
    @Blocking(value = "refresh-total-users", ordered = false)
    public void consume(ConsumerRecord<String, String> record) throws SQLException {
        RefreshTotalUsersMessage message;
        try {
            message = record.value() == null ? null : json.readValue(record.value(), RefreshTotalUsersMessage.class);
        } catch (IOException e) {
            deadLetters.unreadable(DeadLetters.AUDIENCE, record, "not a refresh-total-users message");
            return;
        }
        if (message == null || !ObjectIds.isObjectId(message.jobId())) {
            deadLetters.unreadable(DeadLetters.AUDIENCE, record, "a refresh-total-users message without a valid jobId");
            return;
        }
        dispatcher.runDeliveredAside(audienceJobs.refreshes(), message.jobId());
    }
}
