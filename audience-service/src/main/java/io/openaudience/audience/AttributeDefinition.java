package io.openaudience.audience;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

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
    public String type;

    @Column(name = "customer_editable")
    public boolean customerEditable;

    public boolean encrypted;
    public boolean pinned;

    @Column(name = "pin_order")
    public Integer pinOrder;

    @Column(name = "is_locked")
    public boolean locked;

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "modified_at", insertable = false)
    public OffsetDateTime modifiedAt;
}
