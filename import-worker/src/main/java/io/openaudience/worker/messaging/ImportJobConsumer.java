package io.openaudience.worker.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.ImportJobMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.worker.service.JobDispatcher;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Consumes {@code import-jobs}: runs each job on a worker thread of the {@code import-jobs} pool (as many at once as
 * the worker's concurrency). The method returns only after the job's last database commit, and the connector's
 * throttled commit strategy commits an offset only once every earlier record of its partition has returned, so a
 * crash redelivers the message and the claim turns it into a resume (or a no-op for a finished job).
 */
@ApplicationScoped
public class ImportJobConsumer {

    private static final Logger LOG = Logger.getLogger(ImportJobConsumer.class);

    private final JobDispatcher dispatcher;
    private final ObjectMapper json;

    public ImportJobConsumer(JobDispatcher dispatcher, ObjectMapper json) {
        this.dispatcher = dispatcher;
        this.json = json;
    }

    @Incoming(Topics.IMPORT_JOBS_CHANNEL)
    @Blocking(value = "import-jobs", ordered = false)
    public void consume(String payload) throws InterruptedException, SQLException {
        ImportJobMessage message;
        try {
            message = json.readValue(payload, ImportJobMessage.class);
        } catch (IOException e) {
            // A message that can never be read must not block the partition: log it and move on.
            LOG.errorf("ignoring unreadable import-jobs message: %s", payload);
            return;
        }
        if (message.jobId() == null) {
            LOG.errorf("ignoring import-jobs message without a job id: %s", payload);
            return;
        }
        dispatcher.runDelivered(message.jobId());
    }
}
