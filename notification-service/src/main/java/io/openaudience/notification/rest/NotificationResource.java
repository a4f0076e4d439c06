package io.openaudience.notification.rest;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.rest.Envelope;
import io.openaudience.common.security.TenantContext;
import io.openaudience.notification.Notification;
import io.openaudience.notification.repository.NotificationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Delivery status of accepted email requests (`/api/v2/notifications`). */
@Path("/api/v2/notifications")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private final NotificationRepository notifications;
    private final TenantContext tenant;

    public NotificationResource(NotificationRepository notifications, TenantContext tenant) {
        this.notifications = notifications;
        this.tenant = tenant;
    }

    @GET
    @Path("{id}")
    @WithSession
    @Operation(summary = "Status and totals of one notification")
    public Uni<Envelope<NotificationView>> get(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("notification");
        }
        return notifications.findForTenant(tenant.tenant(), uuid)
                .onItem().ifNull().failWith(() -> ApiException.notFound("notification"))
                .map(n -> Envelope.of(NotificationView.of(n)));
    }

    /** A notification as the API shows it. */
    public record NotificationView(UUID notificationId, String kind, String status, int recipients,
                                   String pausedReason, OffsetDateTime createdAt, OffsetDateTime finishedAt) {
        static NotificationView of(Notification n) {
            return new NotificationView(n.id, n.kind, n.status, n.recipients, n.pausedReason, n.createdAt,
                    n.finishedAt);
        }
    }
}
