package io.openaudience.notification.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.rest.ZeroBasedPage;
import io.openaudience.common.security.Tenant;
import io.openaudience.notification.Notification;
import io.openaudience.notification.repository.NotificationQueries;
import io.openaudience.notification.repository.NotificationQueries.RecipientPage;
import io.openaudience.notification.repository.NotificationQueries.Totals;
import io.openaudience.notification.repository.NotificationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.UUID;

/** The API's use cases on accepted notifications: status, recipients, resume, and unsubscribing an address. */
@ApplicationScoped
public class NotificationService {

    private static final Set<String> STATUSES = Set.of("queued", "sending", "sent", "failed", "skipped");

    private final NotificationRepository notifications;
    private final NotificationQueries queries;

    public NotificationService(NotificationRepository notifications, NotificationQueries queries) {
        this.notifications = notifications;
        this.queries = queries;
    }

    /** A notification of the tenant and its totals; another tenant's (or a malformed id) is a 404. */
    public record Status(Notification notification, Totals totals) {
    }

    @WithSession
    public Uni<Status> status(Tenant tenant, String id) {
        return find(tenant, id).chain(n -> queries.totals(n.id).map(t -> new Status(n, t)));
    }

    /** One page of a notification's recipients, optionally of one delivery status. */
    @WithSession
    public Uni<RecipientPage> recipients(Tenant tenant, String id, String status, ZeroBasedPage page) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("status", "status must be one of queued, sending, sent, failed, skipped");
        }
        return find(tenant, id).chain(n -> queries.recipients(n.id, status, page.page(), page.size()));
    }

    /** Resumes a paused notification (409 for any other status) and answers its status afterwards. */
    @WithSession
    public Uni<Status> resume(Tenant tenant, String id) {
        return find(tenant, id).chain(n -> queries.resume(tenant, n.id)).chain(resumed -> {
            if (!resumed) {
                throw ApiException.conflict("status", "only a paused notification can be resumed");
            }
            return notifications.getSession().invoke(session -> session.clear()).chain(() -> status(tenant, id));
        });
    }

    /** The address of a verified unsubscribe link gets no more of the tenant's mail. */
    public Uni<Void> unsubscribe(UnsubscribeTokens.Subject subject) {
        return queries.suppress(subject.subscriptionId(), subject.initiativeId(), subject.email());
    }

    private Uni<Notification> find(Tenant tenant, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("notification");
        }
        return notifications.findForTenant(tenant, uuid)
                .onItem().ifNull().failWith(() -> ApiException.notFound("notification"));
    }
}
