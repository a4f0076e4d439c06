package io.openaudience.segments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** An uploaded import file; its bytes are in upload_chunk rows, which import-worker streams back in order. */
@Entity
@Table(name = "upload")
public class Upload extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "subscription_id", nullable = false)
    public long subscriptionId;

    @Column(name = "initiative_id", nullable = false)
    public String initiativeId;

    public String filename;

    @Column(name = "content_type")
    public String contentType;

    /** {@code csv} or {@code json}. */
    @Column(nullable = false)
    public String format;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;
}
