package io.openaudience.audience;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;

/** A Fynd user group of one application: bulk (members from CSV files and {@code user_data}) or conditional. */
@Entity
@Table(name = "user_group")
// Updates write only the columns they changed: import-worker writes the status and counts of the same row.
@DynamicUpdate
public class UserGroup extends PanacheEntityBase {

    public static final String BULK = "bulk";
    public static final String CONDITIONAL = "conditional";
    public static final String PENDING = "pending";

    @Id
    public String id;

    @Column(updatable = false)
    public long uid;

    @Column(name = "company_id", nullable = false, updatable = false)
    public String companyId;

    @Column(name = "application_id", nullable = false, updatable = false)
    public String applicationId;

    public String name;
    public String description;

    @Column(updatable = false)
    public String type;

    public String status;
    public String category;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] tags;

    @Column(name = "file_url")
    public String fileUrl;

    /** Conditional groups: the conditions as JSON text (a JSON array). */
    @ColumnTransformer(read = "conditions::text", write = "cast(cast(? as text) as jsonb)")
    public String conditions;

    @Column(name = "conditions_type")
    public String conditionsType;

    /** Counted by import-worker; never written here. */
    @Column(name = "total_users", insertable = false, updatable = false)
    public long totalUsers;

    @Column(name = "total_users_refreshed_at", insertable = false, updatable = false)
    public OffsetDateTime totalUsersRefreshedAt;

    @Column(name = "last_job_id")
    public String lastJobId;

    @Column(name = "error_count")
    public long errorCount;

    @Column(name = "is_active")
    public boolean active;

    @Column(name = "created_at", updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "modified_at")
    public OffsetDateTime modifiedAt;
}
