package io.openaudience.segments.rest;

import io.openaudience.common.rest.Envelope;
import io.openaudience.segments.EmailAcceptance;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** Request and response bodies of the email endpoints, and the one mapping from an acceptance to a 202. */
public final class EmailApi {

    /** Where the notification's progress is read (served by notification-service behind the same gateway). */
    static final String NOTIFICATIONS = "/api/v2/notifications/";

    private EmailApi() {
    }

    @Schema(description = "A mail to every member of the segment at acceptance time")
    public record SegmentEmail(
            @Schema(description = "1–998 characters, one line; may use {firstName} and {email}", required = true)
            String subject,
            @Schema(description = "HTML, Qute placeholders {firstName} and {email} allowed; at most "
                    + "segments.email.max-body-bytes (256 KiB)", required = true)
            String body) {
    }

    @Schema(description = "A mail to the picked members of the subscription")
    public record SelectedEmail(
            @Schema(description = "Member ids of the token's subscription", required = true) List<Long> users,
            @Schema(description = "1–998 characters, one line; may use {firstName} and {email}", required = true)
            String subject,
            @Schema(description = "HTML, Qute placeholders {firstName} and {email} allowed", required = true)
            String body) {
    }

    @Schema(description = "Members to invite again; only pending ones get an invitation")
    public record Users(@Schema(description = "Member ids of the token's subscription", required = true)
                        List<Long> users) {
    }

    @Schema(description = "The accepted request: follow it at /api/v2/notifications/{notificationId}")
    public record EmailAccepted(UUID notificationId, long recipients) {
    }

    @Schema(description = "The accepted re-invite: count members invited, skipped the others (not pending)")
    public record ReInviteAccepted(UUID notificationId, long count, long skipped) {
    }

    static RestResponse<Envelope<EmailAccepted>> accepted(EmailAcceptance a) {
        return respond(a, new EmailAccepted(a.notificationId(), a.recipients()));
    }

    static RestResponse<Envelope<ReInviteAccepted>> reInvited(EmailAcceptance a) {
        return respond(a, new ReInviteAccepted(a.notificationId(), a.recipients(), a.skipped()));
    }

    private static <T> RestResponse<Envelope<T>> respond(EmailAcceptance a, T data) {
        return RestResponse.ResponseBuilder
                .create(RestResponse.Status.ACCEPTED, Envelope.of("email request accepted", data))
                .location(URI.create(NOTIFICATIONS + a.notificationId())).build();
    }
}
