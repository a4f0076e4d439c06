package io.openaudience.audience;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.OffsetDateTime;

/**
 * A person's value of one attribute definition: normalized JSON in {@code value}, or for {@code encrypted_*} types the
 * AES-GCM {@code ciphertext} of that JSON with the id of the key that sealed it (then {@code value} is null).
 */
@Entity
@Table(name = "user_attribute")
public class UserAttribute extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "company_id", nullable = false, updatable = false)
    public String companyId;

    @Column(name = "application_id", nullable = false, updatable = false)
    public String applicationId;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "definition_id", updatable = false)
    public AttributeDefinition definition;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_pk", updatable = false)
    public AppUser user;

    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(value as text)", write = JsonColumn.WRITE)
    public JsonNode value;

    public byte[] ciphertext;

    @Column(name = "key_id")
    public String keyId;

    @Column(name = "customer_overridden")
    public boolean customerOverridden;

    @Column(name = "created_at", updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
