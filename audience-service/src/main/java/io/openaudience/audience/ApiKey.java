package io.openaudience.audience;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * A GoSquared API key of an application: only the SHA-256 of the key is stored (it is shown once, when issued); with
 * the application's {@code site_token} it authenticates {@code /people/v1} and {@code /tracking/v1} until revoked.
 */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "company_id", nullable = false, updatable = false)
    public String companyId;

    @Column(name = "application_id", nullable = false, updatable = false)
    public String applicationId;

    @Column(name = "site_token", nullable = false, updatable = false)
    public String siteToken;

    @Column(nullable = false, updatable = false)
    public String name;

    @Column(name = "key_hash", nullable = false, updatable = false)
    public byte[] keyHash;

    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;
}
