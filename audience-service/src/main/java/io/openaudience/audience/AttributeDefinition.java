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

/** A Fynd user attribute definition: a typed, optionally validated property users can carry. */
@Entity
@Table(name = "attribute_definition")
public class AttributeDefinition extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "company_id", nullable = false)
    public String companyId;

    @Column(name = "application_id", nullable = false)
    public String applicationId;

    public String name;
    public String slug;
    public String description;
    /** The wire name of an {@link io.openaudience.common.audience.AttributeType}. */
    public String type;

    /** {@code [{type, value}]} as {@code AttributeRules.checkValidations} normalized them. */
    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(validations as text)", write = JsonColumn.WRITE)
    public JsonNode validations;

    /** A value of the type, normalized by {@code AttributeRules.normalize}, or null. */
    @Column(name = "default_value")
    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(default_value as text)", write = JsonColumn.WRITE)
    public JsonNode defaultValue;

    @Column(name = "customer_editable")
    public boolean customerEditable;

    /** Always equal to the type being one of the {@code encrypted_*} types. */
    public boolean encrypted;
    public boolean pinned;

    @Column(name = "pin_order")
    public Integer pinOrder;

    @Column(name = "is_locked")
    public boolean locked;

    @Column(name = "created_at", updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "modified_at")
    public OffsetDateTime modifiedAt;
}
