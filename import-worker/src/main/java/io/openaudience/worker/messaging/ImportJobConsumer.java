package io.openaudience.worker.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.messaging.AudienceJobMessage;
import io.openaudience.common.messaging.ImportJobMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.worker.service.AudienceJobs;
import io.openaudience.worker.service.DeadLetters;
import io.openaudience.worker.service.JobDispatcher;
import io.openaudience.worker.service.SegmentImportJobs;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Consumes {@code import-jobs}, which carries two kinds of message: segments' {@link ImportJobMessage} and
 * {@link AudienceJobMessage} ({@code service = "audience"}), told apart by that field. Each job runs on a worker
 * thread of the {@code import-jobs} pool (as many at once as the worker's concurrency). The method returns only after
 * the job's last database commit, and the connector's throttled commit strategy commits an offset only once every
 * earlier record of its partition has returned, so a crash redelivers the message and the claim turns it into a
 * resume (or a no-op for a finished job). A record that cannot be read goes to {@link DeadLetters} at once.
 */
@ApplicationScoped
public class ImportJobConsumer {

    private final JobDispatcher dispatcher;
    private final SegmentImportJobs segmentJobs;
    private final AudienceJobs audienceJobs;
    private final ObjectMapper json;
    private final DeadLetters deadLetters;

    public ImportJobConsumer(JobDispatcher dispatcher, SegmentImportJobs segmentJobs, AudienceJobs audienceJobs,
                             ObjectMapper json, DeadLetters deadLetters) {
        this.dispatcher = dispatcher;
        this.segmentJobs = segmentJobs;
        this.audienceJobs = audienceJobs;
        this.json = json;
        this.deadLetters = deadLetters;
    }

    // A span of its own, child of the record's (whose headers carry the producer's trace): the job's work and logs
    // join the trace of the request that queued it.
    @WithSpan("import-jobs process")
    @Incoming(Topics.IMPORT_JOBS_CHANNEL)
    @Blocking(value = "import-jobs", ordered = false)
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException, SQLException {
        String payload = record.value();
        JsonNode message;
        try {
            message = payload == null ? null : json.readTree(payload);
        } catch (IOException e) {
            message = null;
        }
        // A message that can never be read must not block the partition: it goes to the dead letters, then on.
        if (message == null || !message.isObject()) {
            deadLetters.unreadable(DeadLetters.SEGMENTS, record, "not a JSON object");
            return;
        }
        if (AudienceJobMessage.SERVICE.equals(message.path("service").asText(null))) {
            String jobId = message.path("jobId").asText(null);
            if (!ObjectIds.isObjectId(jobId)) {
                deadLetters.unreadable(DeadLetters.AUDIENCE, record, "an audience job message without a valid jobId");
                return;
            }
            dispatcher.runDelivered(audienceJobs, jobId);
            return;
        }
        ImportJobMessage job;
        try {
            job = json.treeToValue(message, ImportJobMessage.class);
        } catch (IOException | IllegalArgumentException e) {
            deadLetters.unreadable(DeadLetters.SEGMENTS, record, "not an import job message");
            return;
        }
        if (job.jobId() == null) {
            deadLetters.unreadable(DeadLetters.SEGMENTS, record, "an import job message without a jobId");
            return;
        }
        dispatcher.runDelivered(segmentJobs, job.jobId().toString());
    }
}
