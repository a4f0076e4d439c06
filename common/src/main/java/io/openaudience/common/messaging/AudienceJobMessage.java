package io.openaudience.common.messaging;

/**
 * "Run this audience job", keyed by job id on {@code import-jobs} (beside segments' {@link ImportJobMessage}, told
 * apart by {@code service = "audience"}). The worker reads the job row in the {@code audience} schema for the rest.
 */
public record AudienceJobMessage(String service, String jobId, String companyId, String applicationId) {

    /** The {@code service} of every audience job message. */
    public static final String SERVICE = "audience";

    public static AudienceJobMessage of(String jobId, String companyId, String applicationId) {
        return new AudienceJobMessage(SERVICE, jobId, companyId, applicationId);
    }
}
