package io.openaudience.notification.repository;

import io.openaudience.common.security.Tenant;
import io.openaudience.notification.Notification;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Notifications of one tenant. */
@ApplicationScoped
public class NotificationRepository implements PanacheRepositoryBase<Notification, UUID> {

    public Uni<Notification> findForTenant(Tenant tenant, UUID id) {
        return find("id = ?1 and subscriptionId = ?2 and initiativeId = ?3", id, tenant.subscriptionId(),
                tenant.initiativeId()).firstResult();
    }
}
