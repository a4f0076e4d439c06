package io.openaudience.worker.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.messaging.RefreshTotalUsersMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.worker.service.AudienceJobs;
import io.openaudience.worker.service.JobDispatcher;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Consumes {@code refresh-total-users}: recounts a group for its refresh job, on the {@code refresh-total-users}
 * worker pool and without waiting for an import slot (a recount takes well under a second). The method returns after
 * the recount committed, so the offset follows the database; a message for a job already completed (by an earlier
 * recount that coalesced it, or a redelivery) is a no-op, and an unreadable one is logged and skipped.
 */
@ApplicationScoped
public class RefreshTotalUsersConsumer {

    private static final Logger LOG = Logger.getLogger(RefreshTotalUsersConsumer.class);

    private final JobDispatcher dispatcher;
    private final AudienceJobs audienceJobs;
    private final ObjectMapper json;

    public RefreshTotalUsersConsumer(JobDispatcher dispatcher, AudienceJobs audienceJobs, ObjectMapper json) {
        this.dispatcher = dispatcher;
        this.audienceJobs = audienceJobs;
        this.json = json;
    }

    // A span of its own, child of the record's (whose headers carry the producer's trace): the job's work and logs
    // join the trace of the request that queued it.
    @WithSpan("refresh-total-users process")
    @Incoming(Topics.REFRESH_TOTAL_USERS_CHANNEL)
    @Blocking(value = "refresh-total-users", ordered = false)
    public void consume(String payload) throws SQLException {
        RefreshTotalUsersMessage message;
        try {
            message = json.readValue(payload, RefreshTotalUsersMessage.class);
        } catch (IOException e) {
            LOG.errorf("ignoring unreadable refresh-total-users message: %s", payload);
            return;
        }
        if (message == null || !ObjectIds.isObjectId(message.jobId())) {
            LOG.errorf("ignoring refresh-total-users message without a valid job id: %s", payload);
            return;
        }
        dispatcher.runDeliveredAside(audienceJobs.refreshes(), message.jobId());
    }
}
