package io.openaudience.testsupport;

import java.util.UUID;

/**
 * The Kafka messages one module produces and another consumes, pinned as the exact JSON on the wire: the producer's
 * tests assert the record it published equals it (field for field, nothing more), and the consumer's tests publish
 * it and assert the work gets done. A change on either side that the other does not follow fails one of them.
 */
public final class MessageContracts {

    private MessageContracts() {
    }

    /**
     * {@code import-jobs}, key = job id: segments-service's import intake ({@code ImportResourceTest}) → import-worker
     * ({@code ImportJobFlowTest} and every test publishing through {@code ImportFixtures.publish}).
     */
    public static String importJob(UUID jobId, long subscriptionId, String initiativeId) {
        return "{\"jobId\":\"" + jobId + "\",\"subscriptionId\":" + subscriptionId + ",\"initiativeId\":\""
                + initiativeId + "\"}";
    }
}
