package io.openaudience.audience;

/** The audience job types (CONTRACT.md §2) as the {@code job.type} column and the job resource name them. */
public enum JobType {

    GROUP_IMPORT("group_import"),
    GROUP_UPDATE("group_update"),
    ATTRIBUTE_BULK_UPDATE("attribute_bulk_update"),
    GROUP_REFRESH("group_refresh"),
    GROUP_EVALUATE("group_evaluate");

    private final String wire;

    JobType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
