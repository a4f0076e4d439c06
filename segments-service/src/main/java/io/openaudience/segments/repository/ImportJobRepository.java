package io.openaudience.segments.repository;

import io.openaudience.common.security.Tenant;
import io.openaudience.segments.ImportJob;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Import jobs of one tenant (V10); their results and errors are {@link JobReportRepository}'s. */
@ApplicationScoped
public class ImportJobRepository implements PanacheRepositoryBase<ImportJob, UUID> {

    /** The job if it belongs to the tenant; another tenant's job is reported exactly like a missing one. */
    public Uni<ImportJob> findInTenant(Tenant tenant, UUID jobId) {
        return find("id = ?1 and subscriptionId = ?2 and initiativeId = ?3", jobId, tenant.subscriptionId(),
                tenant.initiativeId()).firstResult();
    }
}
