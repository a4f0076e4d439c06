package io.openaudience.common.messaging;

import java.util.List;
import java.util.UUID;

/**
 * One chunk (≤ 500 recipients) of an accepted email request, keyed by notification id on `email-requests`.
 * The recipient list was frozen when the request was accepted; chunks are numbered from 0.
 */
public record EmailRequestMessage(UUID notificationId, long subscriptionId, String initiativeId, String kind,
                                  String subject, String body, int chunk, int chunks, long totalRecipients,
                                  List<Recipient> recipients) {

    /** Largest number of recipients one message carries. */
    public static final int MAX_RECIPIENTS = 500;

    /** A frozen recipient: the member id, address and name at acceptance time. */
    public record Recipient(long userId, String email, String firstName) {
    }
}
