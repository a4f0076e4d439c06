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
 * A GoSquared smart group: a named list of GoSquared filters over the application's people, evaluated whenever its
 * people or feed are read. Its GoSquared id is {@link #slug}, fixed at creation.
 */
@Entity
@Table(name = "smart_group")
public class SmartGroup extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "company_id", nullable = false, updatable = false)
    public String companyId;

    @Column(name = "application_id", nullable = false, updatable = false)
    public String applicationId;

    /** The GoSquared {@code id}: the slugified name at creation, {@code -1}, {@code -2} … on collision. */
    @Column(nullable = false, updatable = false)
    public String slug;

    @Column(nullable = false)
    public String name;

    /** The filters as the client sent them (a JSON array), parsed again on every read. */
    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(filters as text)", write = JsonColumn.WRITE)
    public JsonNode filters;

    /** {@code {sortField, sortDir, fields}}, normalized with their defaults. */
    @Convert(converter = JsonColumn.class)
    @ColumnTransformer(read = "cast(prefs as text)", write = JsonColumn.WRITE)
    public JsonNode prefs;

    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
