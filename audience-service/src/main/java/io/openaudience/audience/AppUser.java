package io.openaudience.audience;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.OffsetDateTime;

/**
 * A person of an application (a Fynd user, a GoSquared person): the client's {@code user_id}, the contacts people are
 * matched by, properties, and the activity totals the event intake keeps.
 */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

    /** Internal key every other table refers to; rows are created by an upsert on (tenant, user_id). */
    @Id
    public Long id;

    @Column(name = "company_id", nullable = false, updatable = false)
    public String companyId;

    @Column(name = "application_id", nullable = false, updatable = false)
    public String applicationId;

    @Column(name = "user_id", nullable = false, updatable = false)
    public String userId;

    /** {@code Contacts.emailKey} of the primary email, or null. */
    @Column(name = "email_key")
    public String emailKey;

    /** {@code Contacts.phoneKey} of the primary phone, or null. */
    @Column(name = "phone_key")
    public String phoneKey;

    /** {@code [{email, primary, verified, active}]} (API.md UserSummary). */
    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(emails as text)", write = JsonColumn.WRITE)
    public JsonNode emails;

    /** {@code [{phone, country_code?, primary, verified, active}]}, country_code a JSON number. */
    @Column(name = "phone_numbers")
    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(phone_numbers as text)", write = JsonColumn.WRITE)
    public JsonNode phoneNumbers;

    public String name;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "last_name")
    public String lastName;

    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(properties as text)", write = JsonColumn.WRITE)
    public JsonNode properties;

    /** Kept by the event intake only (set-based SQL); never written through the entity. */
    @Column(name = "first_seen_at", insertable = false, updatable = false)
    public OffsetDateTime firstSeenAt;

    @Column(name = "last_seen_at", insertable = false, updatable = false)
    public OffsetDateTime lastSeenAt;

    @Column(name = "total_events", insertable = false, updatable = false)
    public long totalEvents;

    @Column(name = "total_visits", insertable = false, updatable = false)
    public long totalVisits;

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
