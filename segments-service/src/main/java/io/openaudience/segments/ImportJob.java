package io.openaudience.segments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An import job: queued here, then run by import-worker, which writes its progress and outcome (so those columns
 * are never written by this service).
 */
@Entity
@Table(name = "import_job")
public class ImportJob extends PanacheEntityBase {

    /** Members linked to {@link #segmentId}. */
    public static final String SEGMENT_USERS = "segment_users";
    /** Members only, no segment. */
    public static final String IDM_USERS = "idm_users";
    public static final String QUEUED = "queued";

    @Id
    public UUID id;

    @Column(name = "subscription_id", nullable = false)
    public long subscriptionId;

    @Column(name = "initiative_id", nullable = false)
    public String initiativeId;

    @Column(nullable = false)
    public String type;

    @Column(name = "segment_id")
    public Long segmentId;

    @Column(name = "upload_id", nullable = false)
    public UUID uploadId;

    @Column(nullable = false)
    public String status;

    @Column(insertable = false, updatable = false)
    public Long total;

    @Column(insertable = false, updatable = false)
    public long processed;

    @Column(insertable = false, updatable = false)
    public long succeeded;

    @Column(insertable = false, updatable = false)
    public long failed;

    @Column(name = "segment_count", insertable = false, updatable = false)
    public long segmentCount;

    @Column(name = "failure_reason", columnDefinition = "text", insertable = false, updatable = false)
    public String failureReason;

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at", insertable = false, updatable = false)
    public OffsetDateTime startedAt;

    @Column(name = "finished_at", insertable = false, updatable = false)
    public OffsetDateTime finishedAt;
}
