package io.openaudience.segments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/**
 * An accepted email request: the header of the recipients frozen into its `email-requests` chunks, with their counts;
 * its id is the notification id notification-service reports under.
 */
@Entity
@Table(name = "email_request")
public class EmailRequest extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "subscription_id", nullable = false)
    public long subscriptionId;

    @Column(name = "initiative_id", nullable = false)
    public String initiativeId;

    /** The {@code EmailKind}'s wire value. */
    @Column(nullable = false)
    public String kind;

    /** Null for a re-invite (notification-service's invitation template), and once retention cleared it. */
    public String subject;

    public String body;

    /** The mailed segment ({@code segment} kind). */
    @Column(name = "segment_id")
    public Long segmentId;

    @Column(nullable = false)
    public long recipients;

    /** Re-invite: picked members that were not pending and got no invitation. */
    @Column(nullable = false)
    public long skipped;

    @Column(nullable = false)
    public int chunks;
}
