package io.openaudience.common.messaging;

import java.util.UUID;

/**
 * "Run this import job", keyed by job id on `import-jobs`. Small on purpose: the worker reads the job row and
 * the stored upload; the file itself never travels on Kafka.
 */
public record ImportJobMessage(UUID jobId, long subscriptionId, String initiativeId) {
}
