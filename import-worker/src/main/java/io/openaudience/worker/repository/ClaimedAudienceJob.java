package io.openaudience.worker.repository;

/**
 * An audience job ({@code audience.job}) this worker holds the lease of: its tenant, type, group, file and params,
 * the checkpoint it resumes from and the owner token that fences every write.
 */
public record ClaimedAudienceJob(String id, String companyId, String applicationId, String type, String groupId,
                                 String fileUrl, String params, long processed, int attempts, String owner)
        implements LeasedJob {

    public static final String GROUP_IMPORT = "group_import";
    public static final String GROUP_UPDATE = "group_update";
    public static final String ATTRIBUTE_BULK_UPDATE = "attribute_bulk_update";
    public static final String GROUP_REFRESH = "group_refresh";

    /** Whether the job changes a group's members (and so its status and counts). */
    public boolean changesGroup() {
        return GROUP_IMPORT.equals(type) || GROUP_UPDATE.equals(type);
    }
}
