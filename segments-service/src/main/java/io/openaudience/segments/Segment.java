package io.openaudience.segments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

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

    @Column(name = "created_at", updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** A new segment of the tenant, stamped as PostgreSQL keeps timestamps (microseconds). */
    public static Segment create(long subscriptionId, String initiativeId, String value) {
        Segment segment = new Segment();
        segment.subscriptionId = subscriptionId;
        segment.initiativeId = initiativeId;
        segment.value = value;
        segment.createdAt = now();
        segment.updatedAt = segment.createdAt;
        return segment;
    }

    public void rename(String newValue) {
        value = newValue;
        updatedAt = now();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
