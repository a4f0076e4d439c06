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
    public static final String GROUP_EVALUATE = "group_evaluate";

    /** Whether the job changes a group's members from rows (a file or {@code user_data}): an import or an update. */
    public boolean changesGroup() {
        return GROUP_IMPORT.equals(type) || GROUP_UPDATE.equals(type);
    }

    /**
     * Whether the job's end is also its group's (status while it is the group's last job, counts): every group job;
     * a refresh is the last job only of a conditional group, whose refresh evaluates it again.
     */
    public boolean endsGroup() {
        return groupId != null && (changesGroup() || GROUP_EVALUATE.equals(type) || GROUP_REFRESH.equals(type));
    }
}
