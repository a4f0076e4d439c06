package io.openaudience.audience.repository;

import io.openaudience.audience.Job;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Audience jobs of one company and application. */
@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<Job, String> {

    /** Group jobs that write members: at most one of them is queued or running per group (V10). */
    public static final List<String> GROUP_WRITES = List.of("group_import", "group_update", "group_evaluate");

    /** The job if it is this tenant's; null for an unknown id, a malformed one, or another tenant's job. */
    public Uni<Job> findForTenant(Tenant tenant, String jobId) {
        if (!ObjectIds.isObjectId(jobId)) {
            return Uni.createFrom().nullItem();
        }
        return find("id = ?1 and companyId = ?2 and applicationId = ?3", jobId, tenant.companyId(),
                tenant.applicationId()).firstResult();
    }

    /** The group's import, update or evaluation that is still queued or running, if there is one. */
    public Uni<Job> unfinishedWrite(Tenant tenant, String groupId) {
        return find("groupId = ?1 and companyId = ?2 and applicationId = ?3 and type in ?4 "
                        + "and status in ('queued', 'running')", groupId, tenant.companyId(), tenant.applicationId(),
                GROUP_WRITES).firstResult();
    }

    /**
     * Queues a recount of the group unless one is queued already (the partial unique index
     * {@code job_one_queued_refresh_uq} decides, so concurrent requests coalesce too); the id of the new job, or null
     * when another request's queued refresh holds the place.
     */
    public Uni<String> insertRefreshIfNoneQueued(Tenant tenant, String groupId, String jobId, String createdBy) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO audience.job (id, company_id, application_id, type, group_id, params, created_by) "
                                + "VALUES (:id, :company, :application, 'group_refresh', :group, '{}', :by) "
                                + "ON CONFLICT (group_id) WHERE type = 'group_refresh' AND status = 'queued' "
                                + "DO NOTHING")
                .setParameter("id", jobId)
                .setParameter("company", tenant.companyId())
                .setParameter("application", tenant.applicationId())
                .setParameter("group", groupId)
                .setParameter("by", createdBy)
                .executeUpdate())
                .map(inserted -> inserted == 1 ? jobId : null);
    }

    /** The group's queued refresh job, if any. */
    public Uni<Job> queuedRefresh(Tenant tenant, String groupId) {
        return find("groupId = ?1 and companyId = ?2 and applicationId = ?3 and type = 'group_refresh' "
                + "and status = 'queued'", groupId, tenant.companyId(), tenant.applicationId()).firstResult();
    }

    /** The group's evaluation that is queued and has not started, if any (a refresh of the group joins it). */
    public Uni<Job> queuedEvaluation(Tenant tenant, String groupId) {
        return find("groupId = ?1 and companyId = ?2 and applicationId = ?3 and type = 'group_evaluate' "
                + "and status = 'queued'", groupId, tenant.companyId(), tenant.applicationId()).firstResult();
    }

    /** Fails the group's jobs that have not started (the group is being deleted); the worker then skips them. */
    public Uni<Integer> failQueuedOfGroup(Tenant tenant, String groupId, String reason) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "UPDATE audience.job SET status = 'failed', failure_reason = :reason, finished_at = now(), "
                                + "updated_at = now() WHERE group_id = :group AND company_id = :company "
                                + "AND application_id = :application AND status = 'queued'")
                .setParameter("reason", reason)
                .setParameter("group", groupId)
                .setParameter("company", tenant.companyId())
                .setParameter("application", tenant.applicationId())
                .executeUpdate());
    }
}
