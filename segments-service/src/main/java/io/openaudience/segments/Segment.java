package io.openaudience.segments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A segment (the seeds' "segment option"): a named group of members inside one initiative. */
@Entity
@Table(name = "segment")
public class Segment extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "subscription_id", nullable = false)
    public long subscriptionId;

    @Column(name = "initiative_id", nullable = false)
    public String initiativeId;

    @Column(nullable = false)
    public String value;

    /** Maintained by database triggers on user_segment; never written by the application. */
    @Column(name = "user_count", insertable = false, updatable = false)
    public long userCount;

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
