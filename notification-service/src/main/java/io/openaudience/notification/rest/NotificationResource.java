package io.openaudience.notification.rest;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.rest.Envelope;
import io.openaudience.common.rest.ZeroBasedPage;
import io.openaudience.common.security.PublicEndpoint;
import io.openaudience.common.security.TenantContext;
import io.openaudience.notification.Notification;
import io.openaudience.notification.repository.NotificationQueries.RecipientRow;
import io.openaudience.notification.repository.NotificationQueries.Totals;
import io.openaudience.notification.service.NotificationService;
import io.openaudience.notification.service.UnsubscribeTokens;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Delivery status of accepted email requests, and the unsubscribe link of their mails (`/api/v2/notifications`). */
@Path("/api/v2/notifications")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private static final int DEFAULT_SIZE = 50;
    private static final int MAX_SIZE = 500;

    private final NotificationService notifications;
    private final UnsubscribeTokens tokens;
    private final TenantContext tenant;
    private final Template confirmPage;
    private final Template donePage;

    public NotificationResource(NotificationService notifications, UnsubscribeTokens tokens, TenantContext tenant,
                                @Location("unsubscribe/confirm.html") Template confirmPage,
                                @Location("unsubscribe/done.html") Template donePage) {
        this.notifications = notifications;
        this.tokens = tokens;
        this.tenant = tenant;
        this.confirmPage = confirmPage;
        this.donePage = donePage;
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Status and totals (queued, sent, failed, skipped) of one notification")
    public Uni<Envelope<NotificationView>> get(@PathParam("id") String id) {
        return notifications.status(tenant.tenant(), id).map(s -> Envelope.of(NotificationView.of(s)));
    }

    @GET
    @Path("{id}/recipients")
    @Operation(summary = "Per-recipient delivery status and reason, one page at a time in user id order")
    public Uni<Envelope<RecipientsView>> recipients(
            @PathParam("id") String id,
            @Parameter(description = "queued, sending, sent, failed or skipped") @QueryParam("status") String status,
            @Parameter(description = "0-based page") @QueryParam("page") Integer page,
            @Parameter(description = "recipients per page, default 50, max 500") @QueryParam("size") Integer size) {
        ZeroBasedPage p = ZeroBasedPage.of(page, size, DEFAULT_SIZE, MAX_SIZE);
        return notifications.recipients(tenant.tenant(), id, status, p)
                .map(r -> Envelope.of(new RecipientsView(p.page(), p.size(), r.total(), r.recipients())));
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "Resume a notification that paused after too many failures in a row")
    public Uni<Envelope<NotificationView>> resume(@PathParam("id") String id) {
        return notifications.resume(tenant.tenant(), id).map(s -> Envelope.of(NotificationView.of(s)));
    }

    /**
     * The link in a mail only asks: mail scanners and link previews follow GETs, and must not unsubscribe anyone.
     * The page's button POSTs the same link.
     */
    @GET
    @Path("unsubscribe")
    @PublicEndpoint
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Confirmation page of a signed unsubscribe link (HTML); it does not unsubscribe")
    @APIResponse(responseCode = "200", description = "A page whose button POSTs the same link",
            content = @Content(mediaType = MediaType.TEXT_HTML))
    @APIResponse(responseCode = "400", description = "The token is missing or invalid (field `token`)")
    public String confirmUnsubscribe(@QueryParam("token") String token) {
        UnsubscribeTokens.Subject subject = verified(token);
        return confirmPage.data("email", subject.email())
                .data("action", "unsubscribe?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)).render();
    }

    /** Unsubscribes: the page's button, and one-click unsubscribe (RFC 8058) of mail clients, POST here. */
    @POST
    @Path("unsubscribe")
    @PublicEndpoint
    @PermitAll
    @Operation(summary = "Unsubscribe the address of a signed link from the tenant's mail (no login; RFC 8058 "
            + "one-click POST, body List-Unsubscribe=One-Click)")
    @APIResponse(responseCode = "200", description = "Unsubscribed (JSON envelope, or an HTML page for a browser)")
    @APIResponse(responseCode = "400", description = "The token is missing or invalid (field `token`)")
    public Uni<Envelope<Unsubscribed>> unsubscribe(@QueryParam("token") String token) {
        UnsubscribeTokens.Subject subject = verified(token);
        return notifications.unsubscribe(subject).replaceWith(Envelope.of("unsubscribed", new Unsubscribed(subject.email(), true)));
    }

    /** The same for a browser (the confirmation page's form): the answer is a page. */
    @POST
    @Path("unsubscribe")
    @PublicEndpoint
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Uni<String> unsubscribeFromPage(@QueryParam("token") String token) {
        return unsubscribe(token).map(done -> donePage.data("email", done.data().email()).render());
    }

    private UnsubscribeTokens.Subject verified(String token) {
        return tokens.verify(token)
                .orElseThrow(() -> ApiException.badRequest("token", "the unsubscribe token is missing or invalid"));
    }

    /** A notification as the API shows it. */
    public record NotificationView(UUID notificationId, String kind, String status, String pausedReason,
                                   long recipients, long queued, long sent, long failed, long skipped,
                                   int chunks, int chunksReceived, OffsetDateTime createdAt,
                                   OffsetDateTime startedAt, OffsetDateTime updatedAt, OffsetDateTime finishedAt) {
        static NotificationView of(NotificationService.Status status) {
            Notification n = status.notification();
            Totals t = status.totals();
            return new NotificationView(n.id, n.kind, n.status, n.pausedReason, n.recipients, t.queued(), t.sent(),
                    t.failed(), t.skipped(), n.chunks, n.chunksReceived, n.createdAt, n.startedAt, n.updatedAt,
                    n.finishedAt);
        }
    }

    /** A page of recipients and how many there are in all (of the requested status). */
    public record RecipientsView(int page, int size, long total, List<RecipientRow> recipients) {
    }

    public record Unsubscribed(String email, boolean unsubscribed) {
    }
}
