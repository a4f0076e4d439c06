package io.openaudience.audience;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.OffsetDateTime;

/**
 * An asynchronous audience job (a group's import, update or recount, an attribute bulk update), written {@code queued}
 * by the intake and from then on updated by import-worker only (its lease columns are not mapped).
 */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "company_id", nullable = false, updatable = false)
    public String companyId;

    @Column(name = "application_id", nullable = false, updatable = false)
    public String applicationId;

    @Column(updatable = false)
    public String type;

    @Column(name = "group_id", updatable = false)
    public String groupId;

    @Column(name = "file_url", updatable = false)
    public String fileUrl;

    /** What the job needs besides the file, as JSON text (CONTRACT.md §2). */
    @Column(updatable = false)
    @ColumnTransformer(read = "params::text", write = "cast(cast(? as text) as jsonb)")
    public String params;

    @Column(name = "created_by", updatable = false)
    public String createdBy;

    @Column(updatable = false)
    public String status;

    @Column(updatable = false)
    public Long total;

    @Column(updatable = false)
    public long processed;

    @Column(updatable = false)
    public long succeeded;

    @Column(updatable = false)
    public long failed;

    @Column(name = "failure_reason", updatable = false)
    public String failureReason;

    @Column(name = "created_at", updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at", insertable = false, updatable = false)
    public OffsetDateTime startedAt;

    @Column(name = "finished_at", insertable = false, updatable = false)
    public OffsetDateTime finishedAt;

    @Column(name = "updated_at", updatable = false)
    public OffsetDateTime updatedAt;
}
