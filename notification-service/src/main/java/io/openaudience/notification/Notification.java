package io.openaudience.notification;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An accepted email request: who asked, what kind, and how far delivery has come. */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "subscription_id", nullable = false)
    public long subscriptionId;

    @Column(name = "initiative_id", nullable = false)
    public String initiativeId;

    public String kind;
    public String status;
    public long recipients;

    public int chunks;

    @Column(name = "chunks_received")
    public int chunksReceived;

    @Column(name = "paused_reason")
    public String pausedReason;

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
}
