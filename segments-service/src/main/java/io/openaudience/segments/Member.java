package io.openaudience.segments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * An Idea Manager member of one subscription (email unique per subscription, case-insensitively). Members are
 * created set-based ({@link io.openaudience.segments.repository.MemberRepository#upsertByEmail}), never one by one,
 * so the entity is read-only here.
 */
@Entity
@Table(name = "member")
public class Member extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "subscription_id", insertable = false, updatable = false)
    public long subscriptionId;

    @Column(insertable = false, updatable = false)
    public String email;

    @Column(name = "first_name", insertable = false, updatable = false)
    public String firstName;

    @Column(insertable = false, updatable = false)
    public String role;

    @Column(insertable = false, updatable = false)
    public String status;

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    public OffsetDateTime updatedAt;
}
